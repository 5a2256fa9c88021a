#pragma once
// invoke_method<Hub, &Hub::method>: binds a call's JSON arguments to the method's parameters, checks
// the call against the method (counts, streaming or not), calls it and shapes its result into the
// Completion, StreamItems and end of stream the caller gets -- each with ASP.NET Core's error texts.
// One function per described method; the dispatch table points at them.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/json/mappings.hpp>
#include <signalrpp/protocol/json_hub_writer.hpp>
#include <signalrpp/reflect/invocation.hpp>
#include <signalrpp/reflect/invocation_errors.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/reflect/method_traits.hpp>
#include <signalrpp/reflect/stream_reader.hpp>
#include <signalrpp/reflect/stream_writer.hpp>
#include <signalrpp/reflect/upload_channel.hpp>


#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace signalrpp::reflect {

/// What invoke_method needs besides the call itself.
struct dispatch_context {
    std::string& out;                              ///< an immediate answer is appended here
    const std::shared_ptr<invocation_sink>& sink;  ///< later answers and streams go here
    const dispatch_options& options;
};

namespace detail {

// A bound value, passed on to a parameter declared as `Param`.
template <class Param, class Value>
decltype(auto) pass(Value& value) {
    if constexpr (std::is_lvalue_reference_v<Param> && !std::is_const_v<std::remove_reference_t<Param>>) {
        return (value);
    } else {
        return std::move(value);
    }
}

template <auto Method, class Traits, class Hub, std::size_t... I>
decltype(auto) call_with(Hub& hub, typename Traits::parameters& params, std::index_sequence<I...>) {
    return (hub.*Method)(pass<std::tuple_element_t<I, typename Traits::parameter_types>>(std::get<I>(params))...);
}

template <auto Method, class Traits, class Hub>
decltype(auto) call(Hub& hub, typename Traits::parameters& params) {
    return call_with<Method, Traits>(hub, params, std::make_index_sequence<Traits::parameter_count>{});
}

// Reads the provided arguments into their parameters, in order; false at the first that does not fit.
// Arguments past the parameters are not read (the count check reports them).
template <class Traits, std::size_t... K>
bool bind_arguments(const json::value& args, typename Traits::parameters& params, std::index_sequence<K...>) {
    const std::size_t provided = args.Size();
    return ((K >= provided ||
             json::read(args[static_cast<rapidjson::SizeType>(K)], std::get<Traits::argument_positions[K]>(params))) &&
            ...);
}

template <class Traits, std::size_t... K>
void open_uploads(typename Traits::parameters& params, const invocation& c, invocation_sink& sink,
                  std::index_sequence<K...>) {
    (
        [&] {
            constexpr std::size_t position = Traits::upload_positions[K];
            using item = typename stream_item_of<std::tuple_element_t<position, typename Traits::parameters>>::type;
            auto channel = std::make_shared<upload_channel<item>>();
            std::get<position>(params) = stream_reader<item>(channel);
            sink.open_upload(c.stream_ids[K], std::move(channel));
        }(),
        ...);
}

template <class Traits>
std::shared_ptr<result_stream_state> open_result_stream(typename Traits::parameters& params, const invocation& c,
                                                        const std::shared_ptr<invocation_sink>& sink) {
    constexpr std::size_t position = Traits::result_stream_positions[0];
    using item = typename stream_item_of<std::tuple_element_t<position, typename Traits::parameters>>::type;
    auto state = std::make_shared<result_stream_state>();
    state->invocation_id.assign(c.invocation_id);
    std::get<position>(params) = stream_writer<item>(sink, state);
    sink->open_result_stream(state);
    return state;
}

// The Completion of a method that returned normally (`result` unused for void methods).
template <class Result, class Value>
void write_result(std::string& out, std::string_view invocation_id, const Value& result) {
    if constexpr (std::is_void_v<Result>) {
        protocol::write_completion_void(out, invocation_id);
    } else {
        protocol::write_completion_result(out, invocation_id, result);
    }
}

// The end of a stream: an empty Completion, or an error if it failed (and was not cancelled).
inline void write_stream_end(std::string& out, const result_stream_state& stream, std::string_view target,
                             bool failed, bool detailed) {
    if (!failed || stream.cancelled) {
        protocol::write_completion_empty(out, stream.invocation_id);
    } else {
        protocol::write_completion_error(out, stream.invocation_id,
                                         stream.items_written == 0 ? method_exception_error(target, detailed)
                                                                   : stream_exception_error(detailed));
    }
}

struct no_value {};

// Runs an asynchronous method to its end and sends its Completion.
template <auto Method, class Traits, class Hub>
asio::awaitable<void> run_async(Hub& hub, typename Traits::parameters params, std::string invocation_id,
                                std::string target, std::shared_ptr<invocation_sink> sink, bool detailed) {
    std::string out;
    try {
        if constexpr (std::is_void_v<typename Traits::result>) {
            co_await call<Method, Traits>(hub, params);
            if (!invocation_id.empty()) {
                write_result<void>(out, invocation_id, no_value{});
            }
        } else {
            const auto result = co_await call<Method, Traits>(hub, params);
            if (!invocation_id.empty()) {
                write_result<typename Traits::result>(out, invocation_id, result);
            }
        }
    } catch (...) {
        if (!invocation_id.empty()) {
            protocol::write_completion_error(out, invocation_id, method_exception_error(target, detailed));
        }
    }
    if (!out.empty()) {
        sink->send(std::move(out));
    }
}

// Runs an asynchronous streaming method to its end and sends the end of its stream.
template <auto Method, class Traits, class Hub>
asio::awaitable<void> run_async_stream(Hub& hub, typename Traits::parameters params,
                                       std::shared_ptr<result_stream_state> stream, std::string target,
                                       std::shared_ptr<invocation_sink> sink, bool detailed) {
    std::string out;
    try {
        co_await call<Method, Traits>(hub, params);
        write_stream_end(out, *stream, target, false, detailed);
    } catch (...) {
        write_stream_end(out, *stream, target, true, detailed);
    }
    sink->send(std::move(out));
}

} // namespace detail

/// Runs `call` on `hub` through the described method `Method`.
template <class Hub, auto Method>
dispatch_result invoke_method(Hub& hub, const invocation& c, const dispatch_context& ctx) {
    using traits = method_traits<decltype(Method)>;
    const bool answer = !c.invocation_id.empty();
    const bool detailed = ctx.options.detailed_errors;
    typename traits::parameters params{};

    if (!detail::bind_arguments<traits>(*c.arguments, params, std::make_index_sequence<traits::argument_count>{})) {
        if (answer) {
            protocol::write_completion_error(ctx.out, c.invocation_id, argument_type_error(c.target, detailed));
        }
        return {};
    }
    if (c.arguments->Size() != traits::argument_count) {
        if (answer) {
            protocol::write_completion_error(
                ctx.out, c.invocation_id, argument_count_error(c.target, c.arguments->Size(), traits::argument_count, detailed));
        }
        return {};
    }
    if (c.streaming != traits::is_streaming) {
        if (answer) {
            protocol::write_completion_error(ctx.out, c.invocation_id,
                                             c.streaming ? non_streaming_method_called_error(c.target)
                                                         : streaming_method_called_error(c.target));
        }
        return {};
    }
    if (c.stream_ids.size() != traits::upload_count) {
        if (answer) {
            protocol::write_completion_error(ctx.out, c.invocation_id,
                                             stream_count_error(c.target, c.stream_ids.size(), traits::upload_count));
        }
        return {};
    }
    if constexpr (traits::upload_count > 0) {
        detail::open_uploads<traits>(params, c, *ctx.sink, std::make_index_sequence<traits::upload_count>{});
    }

    if constexpr (traits::is_streaming) {
        auto stream = detail::open_result_stream<traits>(params, c, ctx.sink);
        if constexpr (traits::is_async) {
            return {detail::run_async_stream<Method, traits>(hub, std::move(params), std::move(stream),
                                                             std::string(c.target), ctx.sink, detailed)};
        } else {
            std::string out;
            try {
                detail::call<Method, traits>(hub, params);
                detail::write_stream_end(out, *stream, c.target, false, detailed);
            } catch (...) {
                detail::write_stream_end(out, *stream, c.target, true, detailed);
            }
            ctx.sink->send(std::move(out));
            return {};
        }
    } else if constexpr (traits::is_async) {
        return {detail::run_async<Method, traits>(hub, std::move(params), std::string(c.invocation_id),
                                                  std::string(c.target), ctx.sink, detailed)};
    } else {
        try {
            if constexpr (std::is_void_v<typename traits::result>) {
                detail::call<Method, traits>(hub, params);
                if (answer) {
                    detail::write_result<void>(ctx.out, c.invocation_id, detail::no_value{});
                }
            } else {
                const auto result = detail::call<Method, traits>(hub, params);
                if (answer) {
                    detail::write_result<typename traits::result>(ctx.out, c.invocation_id, result);
                }
            }
        } catch (...) {
            if (answer) {
                protocol::write_completion_error(ctx.out, c.invocation_id, method_exception_error(c.target, detailed));
            }
        }
        return {};
    }
}

} // namespace signalrpp::reflect
