#pragma once
// event_stream: the Server-Sent Events transport of one connection, on the response to its GET. The
// head (200, text/event-stream, no-cache headers, chunked) and the ":" comment go out at once; then
// every batch of queued messages becomes one chunk holding an event per message, written as soon as
// it is queued. A requested close sends what is queued and ends the chunked body (the socket then
// serves the next request, as after any complete answer); an abort cuts the body short and closes;
// the client ends the connection by dropping its socket.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/http_exchange.hpp>
#include <signalrpp/transport/sse_format.hpp>
#include <signalrpp/transport/transport_link.hpp>

#include <asio/post.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::transport {

/// The head of an event stream's response (the caller may add fields, such as CORS ones).
inline http::response event_stream_head() {
    http::response r;
    r.fields.add("Content-Type", "text/event-stream");
    r.fields.add("Cache-Control", "no-cache,no-store");
    r.fields.add("Pragma", "no-cache");
    r.fields.add("Content-Encoding", "identity");
    r.fields.add("Transfer-Encoding", "chunked");
    return r;
}

class event_stream final : public transport_link,
                           public exchange_user,
                           public std::enable_shared_from_this<event_stream> {
public:
    event_stream(std::shared_ptr<connection> conn, std::shared_ptr<http_exchange> exchange)
        : conn_(std::move(conn)), exchange_(std::move(exchange)) {}

    /// Writes the head and the opening comment; call on the exchange's strand after attach().
    void start(const http::response& head) {
        std::string out;
        http::write_response_head(out, head);
        http::write_chunk(out, sse_preamble);
        started_ = true;
        writing_ = true;
        exchange_->write(std::move(out));
    }

    void send_ready() override {
        asio::post(exchange_->get_executor(), [self = shared_from_this()] { self->flush(); });
    }

    void close_requested(close_kind kind) override {
        asio::post(exchange_->get_executor(), [self = shared_from_this(), kind] {
            self->closing_ = true;
            if (kind == close_kind::graceful) {
                self->flush();
            } else {
                self->finish({});
            }
        });
    }

    void on_sent(std::error_code ec) override {
        writing_ = false;
        if (ec) {
            finish(ec);
            return;
        }
        if (ending_) {
            finish({});
            return;
        }
        flush();
    }

    void on_peer_gone(std::error_code ec) override { finish(ec); }

private:
    void flush() {
        if (!started_ || writing_ || done_) {
            return;
        }
        std::vector<outbound_message> messages;
        conn_->take_pending(messages);
        std::string events;
        for (const auto& m : messages) {
            append_sse_event(events, m.bytes());
        }
        std::string out;
        http::write_chunk(out, events);
        if (closing_ && messages.empty()) {
            http::write_last_chunk(out);
            ending_ = true;
        }
        if (out.empty()) {
            return;
        }
        writing_ = true;
        exchange_->write(std::move(out));
    }

    void finish(std::error_code ec) {
        if (done_) {
            return;
        }
        done_ = true;
        exchange_->end(ending_ && !ec); // after the last chunk the socket may serve another request
        conn_->detach(this, ec);
    }

    std::shared_ptr<connection> conn_;
    std::shared_ptr<http_exchange> exchange_;
    bool started_ = false;
    bool writing_ = false;
    bool closing_ = false;
    bool ending_ = false;
    bool done_ = false;
};

} // namespace signalrpp::transport
