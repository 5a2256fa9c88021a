#pragma once
// SIGNALRPP_HUB(hub, method, (method, "WireName"), ...): names the methods clients may call on a hub.
//
//     struct chat_hub {
//         void join_room(std::string room);
//         int add(int a, int b);
//     };
//     SIGNALRPP_HUB(chat_hub, (join_room, "JoinRoom"), add);
//
// A method's wire name is its C++ name unless one is given; clients' names are matched
// case-insensitively, as ASP.NET Core matches them. Use the macro in the hub's namespace. It only
// describes the hub (a Boost.Hana tuple of (wire name, member pointer)); reflect/dispatch_table.hpp
// lowers that, once per hub type, into the sorted table calls are dispatched with.
//
// Checked when the macro is compiled, each with a message naming the method: a name that is not a
// member function or is overloaded (SignalR has no overloads), static members, parameter and return
// types with no JSON mapping, misuse of stream parameters, and wire names used twice.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/detail/preprocessor.hpp>
#include <signalrpp/protocol/value_ref.hpp>
#include <signalrpp/reflect/method_traits.hpp>

#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace signalrpp::reflect {

/// One described method: its member pointer, as a template argument so calls through it inline.
template <auto MemberPointer>
struct method_ref {
    static constexpr auto pointer = MemberPointer;
    std::string_view name;
};

/// What a method entry that failed its checks stands as, so the error above stays the only one.
struct invalid_method {
    std::string_view name;
};

namespace detail {

template <class T>
concept has_hub_description = requires(const T* p) { signalrpp_hub_methods(p); };


template <class Result, bool Streaming>
constexpr bool result_supported() {
    if constexpr (Streaming) {
        return std::is_void_v<Result>;
    } else {
        return std::is_void_v<Result> || hub_value<Result>;
    }
}

} // namespace detail

/// The description of hub H: a hana tuple of method_ref.
template <detail::has_hub_description H>
constexpr auto hub_methods() {
    return signalrpp_hub_methods(static_cast<const H*>(nullptr));
}

namespace detail {

/// True if no two described methods share a wire name, ignoring case.
template <class Hub>
constexpr bool wire_names_unique() {
    return boost::hana::unpack(hub_methods<Hub>(), [](auto... m) {
        std::array<std::string_view, sizeof...(m)> names{m.name...};
        std::sort(names.begin(), names.end(),
                  [](std::string_view a, std::string_view b) { return ascii::compare_folded(a, b) < 0; });
        for (std::size_t i = 1; i < names.size(); ++i) {
            if (ascii::compare_folded(names[i - 1], names[i]) == 0) {
                return false;
            }
        }
        return true;
    });
}

} // namespace detail

} // namespace signalrpp::reflect

// One entry of the hub description: `name` or `(name, "Wire")`; each check names the method.
#define SIGNALRPP_DETAIL_HUB_METHOD(hub, entry) SIGNALRPP_DETAIL_HUB_METHOD_I(hub, SIGNALRPP_DETAIL_NAMED(entry))
#define SIGNALRPP_DETAIL_HUB_METHOD_I(hub, ...) SIGNALRPP_DETAIL_HUB_METHOD_II(hub, __VA_ARGS__)
#define SIGNALRPP_DETAIL_HUB_METHOD_II(hub, member, wire_name)                                                         \
    , []<class signalrpp_hub>(signalrpp_hub*) {                                                                       \
        if constexpr (!requires { &signalrpp_hub::member; }) {                                                        \
            static_assert(sizeof(signalrpp_hub*) == 0, "SIGNALRPP_HUB: '" #member "' is not a public member function "\
                                                       "of the hub, or is overloaded (SignalR methods cannot be "       \
                                                       "overloaded: give each its own name)");                       \
            return ::signalrpp::reflect::invalid_method{std::string_view{wire_name}};                                 \
        } else {                                                                                                      \
            using signalrpp_traits = ::signalrpp::reflect::method_traits<decltype(&signalrpp_hub::member)>;           \
            if constexpr (!signalrpp_traits::is_member_function) {                                                    \
                static_assert(sizeof(signalrpp_hub*) == 0,                                                           \
                              "SIGNALRPP_HUB: '" #member "' is not a non-static member function of the hub");       \
                return ::signalrpp::reflect::invalid_method{std::string_view{wire_name}};                             \
            } else {                                                                                                  \
                static_assert(signalrpp_traits::arguments_mapped, "SIGNALRPP_HUB: a parameter of '" #member         \
                                                                  "' has no mapping (describe its type with "        \
                                                                  "SIGNALRPP_DEFINE_TYPE or specialize "             \
                                                                  "serializer<T> in signalrpp's json or msgpack)");    \
                static_assert(signalrpp_traits::count(::signalrpp::reflect::parameter_source::result_stream) <= 1, \
                              "SIGNALRPP_HUB: '" #member "' takes more than one stream_writer");                    \
                static_assert(::signalrpp::reflect::detail::result_supported<typename signalrpp_traits::result,     \
                                                                             signalrpp_traits::is_streaming>(),     \
                              "SIGNALRPP_HUB: the result of '" #member "' has no mapping, or '" #member              \
                              "' streams (takes a stream_writer) and does not return void or "                       \
                              "asio::awaitable<void>");                                                              \
                return ::signalrpp::reflect::method_ref<&signalrpp_hub::member>{std::string_view{wire_name}};       \
            }                                                                                                         \
        }                                                                                                             \
    }(static_cast<hub*>(nullptr))

// The entries arrive as ", e1, e2": expand them first (_I), then drop what stands before the first comma.
#define SIGNALRPP_DETAIL_HUB_TUPLE_I(...) SIGNALRPP_DETAIL_HUB_TUPLE(__VA_ARGS__)
#define SIGNALRPP_DETAIL_HUB_TUPLE(first_comma_dropped, ...) ::boost::hana::make_tuple(__VA_ARGS__)

/// Describes the methods of `hub` that clients may call; each entry is a name or (name, "WireName").
#define SIGNALRPP_HUB(hub, ...)                                                                                 \
    [[maybe_unused]] constexpr auto signalrpp_hub_methods(const hub*) {                                        \
        return SIGNALRPP_DETAIL_HUB_TUPLE_I(~ SIGNALRPP_DETAIL_FOR_EACH(SIGNALRPP_DETAIL_HUB_METHOD, hub, __VA_ARGS__)); \
    }                                                                                                          \
    static_assert(::signalrpp::reflect::detail::wire_names_unique<hub>(),                                       \
                  "SIGNALRPP_HUB: two methods of the hub have the same wire name (names are matched case-insensitively)")
