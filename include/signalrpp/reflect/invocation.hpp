#pragma once
// What the dispatcher is asked to run (an Invocation or StreamInvocation, already parsed), the options
// that shape its answers, and what it hands back.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/protocol/hub_message.hpp>


#include <optional>
#include <string_view>

namespace signalrpp::reflect {

/// One call of a hub method, as a client asked for it: a view of the message it came in, whose members
/// it refers to (valid during dispatch() only, and while the message lives). It copies none of them:
/// the dispatcher reads them right after the parser wrote them, and copying them then (wide loads of
/// what narrow stores just wrote) cost more than the rest of the call's dispatch.
struct invocation {
    bool streaming = false;                     ///< a StreamInvocation (type 4) rather than an Invocation (type 1)
    const std::string_view& invocation_id;      ///< empty: the client wants no answer
    const std::string_view& target;             ///< the method's wire name, any case
    const protocol::wire_list& arguments;       ///< as the hub protocol read them
    const protocol::string_list& stream_ids;    ///< client-to-server streams, in parameter order

    static invocation from(const protocol::invocation_message& m) noexcept {
        return {false, m.invocation_id, m.target, m.arguments, m.stream_ids};
    }
    static invocation from(const protocol::stream_invocation_message& m) noexcept {
        return {true, m.invocation_id, m.target, m.arguments, m.stream_ids};
    }
};

struct dispatch_options {
    /// Append the exception's type and message to error texts (ASP.NET Core's EnableDetailedErrors).
    bool detailed_errors = false;
};

/// The outcome of dispatch(): either finished (any answer is already written), or pending: then
/// `pending` must be run to completion (co_await or co_spawn on the connection's strand) while the hub
/// object lives; it sends its answers through the invocation_sink.
struct dispatch_result {
    std::optional<asio::awaitable<void>> pending;

    bool finished() const noexcept { return !pending.has_value(); }
};

} // namespace signalrpp::reflect
