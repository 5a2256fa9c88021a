#pragma once
// What a hub method's signature says: its class, its result (plain or asio::awaitable), and how each
// parameter is fed: from the invocation's JSON arguments, or from a client-to-server stream
// (stream_reader<T>), or as the sink of a server-to-client stream (stream_writer<T>).

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/protocol/wire_value.hpp>


#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

namespace signalrpp {

template <class T>
class stream_writer;
template <class T>
class stream_reader;

} // namespace signalrpp

namespace signalrpp::reflect {

/// How a parameter gets its value.
enum class parameter_source {
    argument,      ///< the next value of the invocation's `arguments`
    upload_stream, ///< a stream_reader<T>: the next of the invocation's `streamIds`
    result_stream, ///< a stream_writer<T>: where the method writes its stream's items
};

namespace detail {

template <class T>
struct is_awaitable : std::false_type {};
template <class T, class Executor>
struct is_awaitable<asio::awaitable<T, Executor>> : std::true_type {
    using type = T;
};

template <class T>
struct stream_item_of {
    static constexpr parameter_source source = parameter_source::argument;
};
template <class T>
struct stream_item_of<stream_reader<T>> {
    static constexpr parameter_source source = parameter_source::upload_stream;
    using type = T;
};
template <class T>
struct stream_item_of<stream_writer<T>> {
    static constexpr parameter_source source = parameter_source::result_stream;
    using type = T;
};

template <std::size_t N>
constexpr std::size_t count_source(const std::array<parameter_source, N>& sources, parameter_source s) {
    std::size_t n = 0;
    for (const auto source : sources) {
        n += source == s ? 1 : 0;
    }
    return n;
}

// Where the parameters fed by source `s` stand in the parameter list, in order.
template <std::size_t Count, std::size_t N>
constexpr std::array<std::size_t, Count> positions_of(const std::array<parameter_source, N>& sources,
                                                      parameter_source s) {
    std::array<std::size_t, Count> positions{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < N; ++i) {
        if (sources[i] == s) {
            positions[k++] = i;
        }
    }
    return positions;
}

template <class... Params>
inline constexpr std::array<parameter_source, sizeof...(Params)> sources_of{
    stream_item_of<std::remove_cvref_t<Params>>::source...};

template <class Hub, class Result, class... Params>
struct method_signature {
    using hub_type = Hub;
    using raw_result = Result;
    static constexpr bool is_async = is_awaitable<Result>::value;
    /// What the method produces once finished: R for R and asio::awaitable<R>.
    using result = typename std::conditional_t<is_async, is_awaitable<Result>, std::type_identity<Result>>::type;

    /// The parameter types as declared, and as the values the dispatcher binds and passes.
    using parameter_types = std::tuple<Params...>;
    using parameters = std::tuple<std::remove_cvref_t<Params>...>;
    static constexpr std::size_t parameter_count = sizeof...(Params);
    static constexpr auto sources = sources_of<Params...>;

    static constexpr std::size_t count(parameter_source s) { return count_source(sources_of<Params...>, s); }

    static constexpr std::size_t argument_count = count_source(sources_of<Params...>, parameter_source::argument);
    static constexpr std::size_t upload_count = count_source(sources_of<Params...>, parameter_source::upload_stream);
    static constexpr std::size_t result_stream_count =
        count_source(sources_of<Params...>, parameter_source::result_stream);
    static constexpr bool is_streaming = result_stream_count > 0;

    /// Parameter positions of the JSON arguments, of the upload streams and of the result stream.
    static constexpr auto argument_positions =
        positions_of<argument_count>(sources_of<Params...>, parameter_source::argument);
    static constexpr auto upload_positions =
        positions_of<upload_count>(sources_of<Params...>, parameter_source::upload_stream);
    static constexpr auto result_stream_positions =
        positions_of<result_stream_count>(sources_of<Params...>, parameter_source::result_stream);

    // Every argument parameter must be readable from a hub protocol.
    static constexpr bool arguments_mapped =
        ((stream_item_of<std::remove_cvref_t<Params>>::source != parameter_source::argument ||
          hub_value<std::remove_cvref_t<Params>>) &&
         ...);
};

} // namespace detail

/// method_traits<decltype(&hub::method)>: the signature of a non-static member function.
template <class MemberPointer>
struct method_traits {
    static constexpr bool is_member_function = false;
};

#define SIGNALRPP_DETAIL_METHOD_TRAITS(qualifiers)                                                \
    template <class Hub, class Result, class... Params>                                        \
    struct method_traits<Result (Hub::*)(Params...) qualifiers>                                \
        : detail::method_signature<Hub, Result, Params...> {                                   \
        static constexpr bool is_member_function = true;                                       \
    };
SIGNALRPP_DETAIL_METHOD_TRAITS()
SIGNALRPP_DETAIL_METHOD_TRAITS(const)
SIGNALRPP_DETAIL_METHOD_TRAITS(noexcept)
SIGNALRPP_DETAIL_METHOD_TRAITS(const noexcept)
#undef SIGNALRPP_DETAIL_METHOD_TRAITS

} // namespace signalrpp::reflect
