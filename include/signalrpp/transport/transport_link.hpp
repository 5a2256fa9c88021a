#pragma once
// transport_link: how a connection reaches the transport that is currently carrying it (a WebSocket
// session, a Server-Sent Events response, a pending long poll). Both calls may come from any thread,
// and from inside the request handling that attaches the transport: the transport posts the work to
// its own strand rather than doing it during the call.

namespace signalrpp::transport {

class transport_link {
public:
    enum class close_kind {
        graceful,   ///< send what is queued, then end the way the transport ends (close 1000, end the stream, 204)
        superseded, ///< a newer long poll took over: answer 204
        abort,      ///< drop the socket now (a slow consumer, a shutdown that took too long)
    };

    virtual ~transport_link() = default;
    /// Messages were queued on the connection: take them (connection::take_pending) and write them.
    virtual void send_ready() = 0;
    virtual void close_requested(close_kind kind) = 0;
    /// The application wants no more input for now (`paused`), or wants it again. Transports that
    /// read a socket stop reading it, so that the peer is held back by TCP flow control; the others
    /// (HTTP POSTs) cannot hold the peer back and ignore it.
    virtual void receive_paused_changed(bool /*paused*/) {}
};

} // namespace signalrpp::transport
