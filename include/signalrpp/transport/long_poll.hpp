#pragma once
// long_poll: one pending long-polling GET (after the first), as ASP.NET Core's
// LongPollingServerTransport answers it:
//   - messages queued (now or while waiting): 200, application/octet-stream, all of them in one body;
//   - the poll timeout (90 s by default) passes: 200 with an empty text/plain body (the client polls again);
//   - the connection is closing with nothing left to send, or a newer poll took over: 204.
// Whatever the answer, the poll then stops carrying the connection, which waits for the next poll
// (up to the disconnect timeout).

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/http_exchange.hpp>
#include <signalrpp/transport/transport_link.hpp>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace signalrpp::transport {

/// The no-cache headers every long-polling GET's answer carries.
inline void add_long_poll_headers(http::response& r) {
    r.fields.add("Cache-Control", "no-cache, no-store");
    r.fields.add("Pragma", "no-cache");
    r.fields.add("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
}

class long_poll final : public transport_link,
                        public exchange_user,
                        public std::enable_shared_from_this<long_poll> {
public:
    long_poll(std::shared_ptr<connection> conn, std::shared_ptr<http_exchange> exchange,
              std::chrono::milliseconds timeout)
        : conn_(std::move(conn)), exchange_(std::move(exchange)), timer_(exchange_->get_executor()),
          timeout_(timeout) {}

    /// Starts the wait; call on the exchange's strand after the connection accepted the link.
    void start() {
        if (answered_) {
            return;
        }
        timer_.expires_after(timeout_);
        timer_.async_wait([self = shared_from_this()](std::error_code ec) {
            if (!ec && !self->answered_) {
                self->answer(200, {});
            }
        });
    }

    void send_ready() override {
        asio::post(exchange_->get_executor(), [self = shared_from_this()] {
            if (!self->answered_) {
                self->answer_with_pending(200);
            }
        });
    }

    void close_requested(close_kind kind) override {
        asio::post(exchange_->get_executor(), [self = shared_from_this(), kind] {
            if (self->answered_) {
                return;
            }
            if (kind == close_kind::graceful) {
                self->answer_with_pending(204);
            } else {
                self->answer(204, {});
            }
        });
    }

    void on_sent(std::error_code) override {}

    void on_peer_gone(std::error_code) override {
        if (!answered_) {
            answered_ = true;
            timer_.cancel();
            conn_->detach(this, {});
        }
    }

private:
    // 200 with what is queued; `otherwise` (200 or 204) when nothing is.
    void answer_with_pending(int otherwise) {
        std::vector<outbound_message> messages;
        conn_->take_pending(messages);
        std::string body;
        for (const auto& m : messages) {
            body.append(m.bytes());
        }
        if (messages.empty()) {
            answer(otherwise, {});
        } else {
            answer(200, std::move(body), "application/octet-stream");
        }
    }

    void answer(int status, std::string body, const char* content_type = "text/plain") {
        answered_ = true;
        timer_.cancel();
        http::response r;
        r.status = status;
        add_long_poll_headers(r);
        if (status == 200) {
            r.fields.add("Content-Type", content_type);
        }
        r.body = std::move(body);
        // A 204 from the current poll means the connection is closing with nothing left to send (a poll
        // superseded or aborted is no longer the connection's link: detach ignores it): the client stops
        // polling, so the connection ends now, as the reference's does, not at the disconnect timeout.
        conn_->detach(this, {}, status == 204);
        exchange_->respond(std::move(r));
    }

    std::shared_ptr<connection> conn_;
    std::shared_ptr<http_exchange> exchange_;
    asio::steady_timer timer_;
    std::chrono::milliseconds timeout_;
    bool answered_ = false;
};

} // namespace signalrpp::transport
