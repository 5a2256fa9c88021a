#pragma once
// invoke_signature<Traits>: binds a call's arguments to a method's parameters, checks the call
// against the method (counts, streaming or not), calls it and shapes its result into the Completion,
// StreamItems and end of stream the caller gets -- each with ASP.NET Core's error texts.
//
// All of that depends on the method's signature only, so it is compiled once per distinct signature;
// each described method adds just a thunk (call_thunk<&Hub::method>) that makes the call. Compile time
// per method stays small (bench/hub_compile_time.py).

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/protocol/value_ref.hpp>
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
    const sink_ref& sink;                          ///< later answers and streams go here
    const dispatch_options& options;
    /// The method's name as the hub declares it, which its answers use (the call's own spelling may
    /// differ in case): passed here rather than in a copy of the invocation.
    std::string_view method_name;
};

namespace detail {

// Why a call was refused before the method ran.
enum class refusal { argument_type, argument_count, streaming_method, non_streaming_method, stream_count };

// Answers a refused call (when it wants an answer). Kept out of line: it is the same for every method,
// so each method's invoker only calls it -- less to compile per method.
[[gnu::noinline]] inline void refuse(const dispatch_context& ctx, const invocation& c, refusal why, std::size_t got = 0,
                                     std::size_t expected = 0) {
    if (c.invocation_id.empty()) {
        return;
    }
    const bool detailed = ctx.options.detailed_errors;
    const std::string_view name = ctx.method_name;
    std::string error;
    switch (why) {
    case refusal::argument_type: error = argument_type_error(name, detailed); break;
    case refusal::argument_count: error = argument_count_error(name, got, expected, detailed); break;
    case refusal::streaming_method: error = streaming_method_called_error(name); break;
    case refusal::non_streaming_method: error = non_streaming_method_called_error(name); break;
    case refusal::stream_count: error = stream_count_error(name, got, expected); break;
    }
    write_error_completion(*ctx.sink, ctx.out, c.invocation_id, error);
}

// Answers a call whose method threw (call inside the catch block).
[[gnu::noinline]] inline void answer_exception(invocation_sink& sink, std::string& out, std::string_view invocation_id,
                                               std::string_view target, bool detailed) {
    if (!invocation_id.empty()) {
        write_error_completion(sink, out, invocation_id, method_exception_error(target, detailed));
    }
}

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

} // namespace detail

/// The one piece of a method's invoker that is its own: calling it with bound parameters.
template <auto Method>
typename method_traits<decltype(Method)>::raw_result
call_thunk(typename method_traits<decltype(Method)>::hub_type& hub,
           typename method_traits<decltype(Method)>::parameters& params) {
    using traits = method_traits<decltype(Method)>;
    return detail::call_with<Method, traits>(hub, params, std::make_index_sequence<traits::parameter_count>{});
}

/// call_thunk's type for a signature.
template <class Traits>
using thunk = typename Traits::raw_result (*)(typename Traits::hub_type&, typename Traits::parameters&);

namespace detail {

// String arguments are read into storage kept per thread (spare_strings), and a call's string
// parameters and result give theirs back: a method that takes and returns strings (an echo) allocates
// nothing per call once the thread has served a few.
struct bound_strings {};

// Reading one parameter's type, kept out of line: compiled and optimized once per type, not again in
// every signature that has a parameter of that type (compile time per method; see the bench).
template <class T>
[[gnu::noinline]] bool read_parameter(const protocol::wire_value& in, T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
        if (in.string_length() > out.capacity()) {
            signalrpp::detail::spare_strings<bound_strings>::take(out); // (out is a new parameter: no storage)
        }
    }
    return in.read(out);
}

// Gives the storage of a string parameter or result back for the next call's arguments.
template <class T>
void give_back(T& value) noexcept {
    if constexpr (std::is_same_v<T, std::string>) {
        signalrpp::detail::spare_strings<bound_strings>::give(value);
    }
}

template <class Parameters>
void give_back_parameters(Parameters& params) noexcept {
    std::apply([](auto&... p) { (give_back(p), ...); }, params);
}

// Reads the provided arguments into their parameters, in order; false at the first that does not fit.
// Arguments past the parameters are not read (the count check reports them).
template <class Traits, std::size_t... K>
bool bind_arguments(const protocol::wire_list& args, typename Traits::parameters& params, std::index_sequence<K...>) {
    const std::size_t provided = args.size();
    [[maybe_unused]] auto values = args.values(); // (unused for a method without arguments)
    // (A fold over && reads left to right: the values in order.)
    return ((K >= provided || read_parameter(values.next(), std::get<Traits::argument_positions[K]>(params))) && ...);
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

// The Completion of a method that returned normally (`result` unused for void methods); out of line
// for the same reason as read_parameter.
template <class Result, class Value>
[[gnu::noinline]] void write_result(const protocol::hub_protocol& protocol, std::string& out,
                                    std::string_view invocation_id, const Value& result) {
    if constexpr (std::is_void_v<Result>) {
        protocol.write_completion_void(out, invocation_id);
    } else {
        protocol.write_completion_result(out, invocation_id, result);
    }
}

// The end of a stream: an empty Completion, or an error if it failed (and was not cancelled).
inline void write_stream_end(invocation_sink& sink, std::string& out, const result_stream_state& stream,
                             std::string_view target, bool failed, bool detailed) {
    if (!failed || stream.cancelled) {
        sink.protocol().write_completion_empty(out, stream.invocation_id);
    } else {
        write_error_completion(sink, out, stream.invocation_id,
                               stream.items_written == 0 ? method_exception_error(target, detailed)
                                                         : stream_exception_error(detailed));
    }
}

struct no_value {};

// Runs an asynchronous method to its end and sends its Completion.
template <class Traits>
asio::awaitable<void> run_async(typename Traits::hub_type& hub, thunk<Traits> call, typename Traits::parameters params,
                                std::string invocation_id, std::string target, std::shared_ptr<invocation_sink> sink,
                                bool detailed) {
    std::string out;
    try {
        if constexpr (std::is_void_v<typename Traits::result>) {
            co_await call(hub, params);
            if (!invocation_id.empty()) {
                write_result<void>(sink->protocol(), out, invocation_id, no_value{});
            }
        } else {
            const auto result = co_await call(hub, params);
            if (!invocation_id.empty()) {
                write_result<typename Traits::result>(sink->protocol(), out, invocation_id, result);
            }
        }
    } catch (...) {
        answer_exception(*sink, out, invocation_id, target, detailed);
    }
    if (!out.empty()) {
        sink->send(std::move(out));
    }
}

// Runs an asynchronous streaming method to its end and sends the end of its stream.
template <class Traits>
asio::awaitable<void> run_async_stream(typename Traits::hub_type& hub, thunk<Traits> call,
                                       typename Traits::parameters params, std::shared_ptr<result_stream_state> stream,
                                       std::string target, std::shared_ptr<invocation_sink> sink, bool detailed) {
    std::string out;
    try {
        co_await call(hub, params);
        write_stream_end(*sink, out, *stream, target, false, detailed);
    } catch (...) {
        write_stream_end(*sink, out, *stream, target, true, detailed);
    }
    sink->send(std::move(out));
}

} // namespace detail

/// Runs `c` on `hub` through a method of signature Traits, which `call` calls.
template <class Traits>
dispatch_result invoke_signature(typename Traits::hub_type& hub, thunk<Traits> call, const invocation& c,
                                 const dispatch_context& ctx) {
    using traits = Traits;
    const bool answer = !c.invocation_id.empty();
    const bool detailed = ctx.options.detailed_errors;
    typename traits::parameters params{};

    using detail::refusal;
    if (!detail::bind_arguments<traits>(c.arguments, params, std::make_index_sequence<traits::argument_count>{})) {
        detail::refuse(ctx, c, refusal::argument_type);
        return {};
    }
    if (c.arguments.size() != traits::argument_count) {
        detail::refuse(ctx, c, refusal::argument_count, c.arguments.size(), traits::argument_count);
        return {};
    }
    if (c.streaming != traits::is_streaming) {
        detail::refuse(ctx, c, c.streaming ? refusal::non_streaming_method : refusal::streaming_method);
        return {};
    }
    if (c.stream_ids.size() != traits::upload_count) {
        detail::refuse(ctx, c, refusal::stream_count, c.stream_ids.size(), traits::upload_count);
        return {};
    }
    if constexpr (traits::upload_count > 0) {
        detail::open_uploads<traits>(params, c, *ctx.sink, std::make_index_sequence<traits::upload_count>{});
    }

    if constexpr (traits::is_streaming) {
        auto stream = detail::open_result_stream<traits>(params, c, ctx.sink.share());
        if constexpr (traits::is_async) {
            return {detail::run_async_stream<traits>(hub, call, std::move(params), std::move(stream),
                                                     std::string(ctx.method_name), ctx.sink.share(), detailed)};
        } else {
            std::string out;
            try {
                call(hub, params);
                detail::write_stream_end(*ctx.sink, out, *stream, ctx.method_name, false, detailed);
            } catch (...) {
                detail::write_stream_end(*ctx.sink, out, *stream, ctx.method_name, true, detailed);
            }
            ctx.sink->send(std::move(out));
            return {};
        }
    } else if constexpr (traits::is_async) {
        return {detail::run_async<traits>(hub, call, std::move(params), std::string(c.invocation_id),
                                          std::string(ctx.method_name), ctx.sink.share(), detailed)};
    } else {
        try {
            if constexpr (std::is_void_v<typename traits::result>) {
                call(hub, params);
                if (answer) {
                    detail::write_result<void>(ctx.sink->protocol(), ctx.out, c.invocation_id, detail::no_value{});
                }
            } else {
                auto result = call(hub, params);
                if (answer) {
                    detail::write_result<typename traits::result>(ctx.sink->protocol(), ctx.out, c.invocation_id,
                                                                  result);
                }
                detail::give_back(result);
            }
        } catch (...) {
            detail::answer_exception(*ctx.sink, ctx.out, c.invocation_id, ctx.method_name, detailed);
        }
        detail::give_back_parameters(params);
        return {};
    }
}

/// Runs `c` on `hub` through the described method `Method`: what the dispatch table points at, a
/// one-line function per method handing its thunk to the invoker of its signature.
template <class Hub, auto Method>
dispatch_result invoke_method(Hub& hub, const invocation& c, const dispatch_context& ctx) {
    using traits = method_traits<decltype(Method)>;
    return invoke_signature<traits>(hub, &call_thunk<Method>, c, ctx);
}

} // namespace signalrpp::reflect
