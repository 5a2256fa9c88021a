#pragma once
// SIGNALRPP_DEFINE_TYPE(type, member, (member, "WireName"), ...) describes a user struct once for every
// hub protocol: its listed public members, each with its wire name (its C++ name, or the name given
// beside it: .NET peers write PascalCase or camelCase).
//
//     struct point { int x; int y; std::optional<std::string> label; };
//     SIGNALRPP_DEFINE_TYPE(point, x, y, (label, "Label"))
//
// Use it in the namespace of the type (it defines a function found there by argument-dependent lookup).
// The formats read the description: a JSON object (json/define_type.hpp) and a MessagePack map
// (msgpack/define_type.hpp), one property or entry per member, keyed by wire name. Reading matches
// names case-insensitively, as ASP.NET Core does; unknown names are skipped and members without one
// keep their default value. Writing writes every listed member.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/detail/preprocessor.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>

namespace signalrpp::detail {

/// One described member: where it is in its struct, and its wire name.
template <class Owner, class Member>
struct field {
    using member_type = Member;
    Member Owner::*pointer;
    std::string_view name;
};

template <class Owner, class Member>
field(Member Owner::*, std::string_view) -> field<Owner, Member>;

template <class... Fields>
constexpr auto fields_of(std::nullptr_t, Fields... fields) {
    return std::make_tuple(fields...);
}

/// Whether no two of the fields have the same wire name, compared case-insensitively.
template <class Tuple>
constexpr bool names_unique(const Tuple& fields) {
    return std::apply(
        [](const auto&... f) {
            const std::string_view names[] = {f.name...};
            for (std::size_t i = 0; i < sizeof...(f); ++i) {
                for (std::size_t j = i + 1; j < sizeof...(f); ++j) {
                    if (ascii::iequals(names[i], names[j])) {
                        return false;
                    }
                }
            }
            return true;
        },
        fields);
}

/// A type that SIGNALRPP_DEFINE_TYPE describes.
template <class T>
concept described = requires(const T* p) { signalrpp_type_fields(p); };

/// The fields of a described type, as a tuple of field<T, Member>.
template <class T>
constexpr auto fields_of_type() {
    return signalrpp_type_fields(static_cast<const T*>(nullptr));
}

} // namespace signalrpp::detail

#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD(type, entry) \
    SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_I(type, SIGNALRPP_DETAIL_NAMED(entry))
#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_I(type, ...) SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_II(type, __VA_ARGS__)
#define SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD_II(type, member, name) \
    , ::signalrpp::detail::field{&type::member, std::string_view{name}}

/// Describes `type` for every hub protocol: each entry is a member name, or (member, "WireName").
#define SIGNALRPP_DEFINE_TYPE(type, ...)                                                            \
    [[maybe_unused]] constexpr auto signalrpp_type_fields(const type*) {                            \
        return ::signalrpp::detail::fields_of(                                                      \
            nullptr SIGNALRPP_DETAIL_FOR_EACH(SIGNALRPP_DETAIL_DEFINE_TYPE_FIELD, type, __VA_ARGS__)); \
    }
