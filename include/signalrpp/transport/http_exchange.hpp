#pragma once
// http_exchange: an HTTP response written later or in pieces, for the transports that live on an
// HTTP request (a long poll answers when messages come; Server-Sent Events stream for as long as the
// connection lasts). The HTTP session implements it; its user (exchange_user) is told when a write
// is done and when the client has gone. All calls on the session's strand (get_executor()).

#include <signalrpp/http/message.hpp>

#include <asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <system_error>

namespace signalrpp::transport {

class exchange_user {
public:
    virtual ~exchange_user() = default;
    /// The last write() is written (or failed: `ec`).
    virtual void on_sent(std::error_code ec) = 0;
    /// The client closed the socket or it failed while the exchange was under way.
    virtual void on_peer_gone(std::error_code ec) = 0;
};

class http_exchange {
public:
    virtual ~http_exchange() = default;
    virtual const asio::any_io_executor& get_executor() const = 0;
    /// Writes part of the response (its head, a chunk); on_sent follows. One write at a time.
    virtual void write(std::string bytes) = 0;
    /// Writes a whole response and ends the exchange: the session goes on with the next request.
    virtual void respond(http::response response) = 0;
    /// Ends a response sent in pieces. `complete`: its last piece is written (the end of a chunked
    /// body), so the socket goes on with the next request, as after any answer; otherwise the answer
    /// is cut short and the socket is closed once what was written is out.
    virtual void end(bool complete) = 0;
};

} // namespace signalrpp::transport
