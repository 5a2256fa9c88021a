#pragma once
// hub_options: the options of one mapped hub (ASP.NET Core's HubOptions), with the reference's defaults.

#include <signalrpp/hub/hub_filter.hpp>
#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/transport/http_connection_options.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace signalrpp {

class hub_caller_context;

struct hub_options {
    /// The transports, limits and authentication of the path (negotiate, WebSockets, SSE, long polling).
    transport::http_connection_options http;
    /// How long a client has, once connected, to send its handshake request.
    std::chrono::milliseconds handshake_timeout = std::chrono::seconds(15);
    /// A Ping goes to a client the server has sent nothing to for this long (not over long polling).
    std::chrono::milliseconds keep_alive_interval = std::chrono::seconds(15);
    /// A client that has pinged once and then sends nothing for this long is disconnected.
    std::chrono::milliseconds client_timeout_interval = std::chrono::seconds(30);
    /// The largest message (and handshake) accepted from a client, separator included; 0: no limit.
    std::size_t maximum_receive_message_size = 32 * 1024;
    /// Append exception types and messages to the error texts clients receive.
    bool enable_detailed_errors = false;
    /// Items of a client-to-server stream held before the connection stops reading.
    std::size_t stream_buffer_capacity = 10;
    /// Invocations (not streams) of one connection that may run at the same time (at least 1).
    std::size_t maximum_parallel_invocations_per_client = 1;
    /// How long a client result (`invoke`) is awaited before it fails; zero: no limit.
    std::chrono::milliseconds client_result_timeout = std::chrono::seconds(30);
    /// Whether the caller may run `method` (its wire name as described); refused calls are answered
    /// "Failed to invoke '<method>' because user is unauthorized". Unset: everyone may.
    std::function<bool(const hub_caller_context&, std::string_view method)> authorize;
    /// Filters run around each invocation and around connect / disconnect, in this order.
    std::vector<std::shared_ptr<hub_filter>> filters;
    /// The hub protocols a client may choose in its handshake (ASP.NET Core's SupportedProtocols): JSON
    /// and MessagePack.
    std::vector<const protocol::hub_protocol*> protocols = {&protocol::json_protocol(),
                                                            &protocol::messagepack_protocol()};
};

} // namespace signalrpp
