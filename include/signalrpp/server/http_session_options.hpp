#pragma once
// http_session_options: limits and timeouts of the server's HTTP/1.1 layer (the values Kestrel uses
// where it has one).

#include <signalrpp/http/parser.hpp>

#include <chrono>

namespace signalrpp::hosting {

struct http_session_options {
    http::parser_limits limits; ///< request line 8 KiB, headers 32 KiB, 100 fields, body 1 MiB
    /// A request must arrive whole within this time of its first byte (Kestrel's RequestHeadersTimeout);
    /// a client that trickles it slower gets 408 and is dropped.
    std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
    /// How long a kept-alive socket may wait for its next request (Kestrel's KeepAliveTimeout).
    std::chrono::milliseconds keep_alive_timeout = std::chrono::seconds(130);
    /// A response write (an answer, a part of an event stream or of a long poll's answer) that has not
    /// finished after this long closes the socket: the client stopped reading (ASP.NET Core's
    /// TransportSendTimeout, 10 s, applied to every write of the HTTP layer). 0: no limit.
    std::chrono::milliseconds send_timeout = std::chrono::seconds(10);
};

} // namespace signalrpp::hosting
