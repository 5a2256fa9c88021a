#pragma once
// http_connection_options: the options of one mapped path (ASP.NET Core's
// HttpConnectionDispatcherOptions and ConnectionOptions), with the reference's defaults.

#include <signalrpp/transport/authentication.hpp>
#include <signalrpp/transport/negotiate.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace signalrpp::transport {

struct http_connection_options {
    /// The transports clients may use (a transport_kind mask); negotiate lists these, in the order
    /// WebSockets, ServerSentEvents, LongPolling.
    unsigned transports = all_transports;
    /// MinimumProtocolVersion: negotiate refuses clients asking for less.
    int minimum_protocol_version = 0;
    /// How long a long poll waits for messages before answering 200 with an empty body.
    std::chrono::milliseconds long_poll_timeout = std::chrono::seconds(90);
    /// How long a connection may have no active transport (between polls, after negotiate) before it ends.
    std::chrono::milliseconds disconnect_timeout = std::chrono::seconds(15);
    /// How long the server waits for the peer's close frame after sending its own.
    std::chrono::milliseconds websocket_close_timeout = std::chrono::seconds(5);
    /// TransportMaxBufferSize: past this many bytes queued for a peer and not yet written, the peer's
    /// input is paused (the answers to its own messages still queue); others' messages abort it as a slow
    /// consumer only past 16 times this, or once the backlog has lasted the send timeout.
    std::size_t send_limit = 64 * 1024;
    /// TransportSendTimeout: a WebSocket write that has not finished after this long aborts the
    /// connection (the peer stopped reading; on_disconnected gets error::send_timeout). Server-Sent Events
    /// and long polling write through the HTTP layer, whose http_session_options::send_timeout applies.
    /// 0: no limit.
    std::chrono::milliseconds transport_send_timeout = std::chrono::seconds(10);
    /// The largest WebSocket message accepted (fragments joined); a larger one closes with 1009.
    std::size_t max_websocket_message = 1024 * 1024;
    /// Authenticates every request of the path (negotiate, WebSocket, event stream, polls, sends,
    /// DELETE); a refused one gets 401 with `WWW-Authenticate: Bearer` and no body. The identity it
    /// returns for the request that opens a transport is the connection's request().user. Empty: no
    /// authentication, every request is served and request().user stays empty.
    authenticator authenticate;
    /// WebSocketOptions.AllowedOrigins: the Origin values a WebSocket upgrade may carry ("*": any),
    /// compared without regard to case; an upgrade from another origin gets 403, so that a page of
    /// another site cannot open a WebSocket with the user's cookies (cross-site WebSocket hijacking).
    /// An upgrade without Origin (not from a browser) is allowed. Empty: any origin.
    std::vector<std::string> websocket_allowed_origins;
};

} // namespace signalrpp::transport
