#pragma once
// connection_handler: the application behind a mapped path (a hub runtime, a persistent-connection
// handler, the echo benchmark). signalrpp calls it on the connection's strand, in order: on_connected
// once the transport has started, on_received for each message (a WebSocket message or a POST body;
// the bytes are valid during the call only), then on_disconnected once, when the connection has ended.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace signalrpp::transport {

class connection;

class connection_handler {
public:
    virtual ~connection_handler() = default;
    virtual void on_connected(const std::shared_ptr<connection>&) {}
    virtual void on_received(const std::shared_ptr<connection>& c, std::string_view data, bool binary) = 0;
    /// How the transports deliver: on_received, with bytes the handler may also change during the call
    /// (to parse them in place). By default, on_received.
    virtual void on_received_writable(const std::shared_ptr<connection>& c, std::span<char> data, bool binary) {
        on_received(c, std::string_view(data.data(), data.size()), binary);
    }
    /// The connection is being closed gracefully (connection::close(), server::stop()): a last message
    /// to queue before it closes (a hub's Close message), or nothing. Called on the closing thread.
    virtual std::string closing_message(const connection&) { return {}; }
    /// `ec` is empty for a normal close, or says why the connection ended.
    virtual void on_disconnected(const std::shared_ptr<connection>&, std::error_code) {}
};

} // namespace signalrpp::transport
