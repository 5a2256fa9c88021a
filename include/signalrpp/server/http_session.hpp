#pragma once
// http_session: HTTP/1.1 on one accepted socket, on a strand of its own. It reads requests (pipelined
// ones one after another), asks the request_handler what to do with each, and carries it out: writes
// the answer and goes on (keep-alive) or closes; hands the socket to a WebSocket session; or serves a
// response written later or in pieces (a long poll, an event stream) as the http_exchange.
//
// Bad requests are answered with the parser's status (400, 413, 414, 431, 501, 505) and the socket is
// closed. A request must arrive whole within request_timeout of its first byte (408 otherwise), and a
// kept-alive socket waits keep_alive_timeout for its next request. shutdown() closes the socket as
// soon as no answer is under way.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/error.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/http/parser.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/server/http_session_options.hpp>
#include <signalrpp/server/route_result.hpp>
#include <signalrpp/server/session_registry.hpp>
#include <signalrpp/transport/http_exchange.hpp>
#include <signalrpp/transport/session_executor.hpp>
#include <signalrpp/transport/stream_io.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/dispatch.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::hosting {

class http_session final : public transport::io_owner,
                           public transport::http_exchange,
                           public closable_session,
                           public std::enable_shared_from_this<http_session> {
public:
    /// `single_threaded`: one thread runs `ex`, so the session needs no strand (session_executor).
    http_session(std::unique_ptr<transport::stream_io_base> io, const asio::any_io_executor& ex,
                 std::shared_ptr<request_handler> handler, const http_session_options& options,
                 std::shared_ptr<session_registry> registry = nullptr, bool single_threaded = false)
        : io_(std::move(io)), executor_(ex, single_threaded), handler_(std::move(handler)), options_(options),
          registry_(std::move(registry)), parser_(options.limits), timer_(executor_.get()) {
        parser_.set_body_limit([handler = handler_.get()](const http::request& head) { return handler->max_body(head); });
    }

    ~http_session() override {
        if (registry_) {
            registry_->remove(this);
        }
    }

    void start() {
        if (registry_) {
            registry_->add(this, weak_from_this());
        }
        asio::dispatch(executor_.get(), [self = shared_from_this()] {
            self->remote_ = self->io_->remote_endpoint();
            self->secure_ = self->io_->secure();
            self->process_input();
        });
    }

    void shutdown() override {
        asio::dispatch(executor_.get(), [self = shared_from_this()] {
            self->stopping_ = true;
            if (self->mode_ == mode::reading && !self->writing_) {
                self->close_socket();
            }
        });
    }

    // io_owner
    const asio::any_io_executor* io_strand() const override { return executor_.strand(); }

    void on_read(std::error_code ec, std::string_view data) override {
        reading_ = false;
        if (mode_ == mode::lingering) {
            if (ec) {
                close_socket();
            } else {
                read(); // what the client still sends is dropped
            }
            return;
        }
        if (ec) {
            peer_gone(ec);
            return;
        }
        input_.append(data);
        if (upgrade_) {
            hand_over(std::move(*upgrade_));
            upgrade_.reset();
            return;
        }
        if (mode_ == mode::reading && !writing_) {
            process_input();
        } else if (mode_ == mode::exchange && input_.size() <= options_.limits.max_header_bytes) {
            read(); // keep watching for the client going away
        }
    }

    void on_written(std::error_code ec, std::size_t) override {
        writing_ = false;
        if (std::exchange(write_timer_armed_, false)) {
            ++timer_generation_;
            timer_.cancel();
        }
        signalrpp::detail::release_storage(out_);
        if (ec) {
            peer_gone(ec);
            return;
        }
        switch (after_write_) {
        case after::next_request:
            if (close_after_ || stopping_) {
                linger_then_close();
            } else {
                process_input();
            }
            break;
        case after::exchange_part:
            if (user_) {
                user_->on_sent({});
            }
            break;
        case after::close: close_socket(); break;
        }
    }

    // http_exchange
    const asio::any_io_executor& get_executor() const override { return executor_.get(); }

    void write(std::string bytes) override {
        after_write_ = after::exchange_part;
        start_write(std::move(bytes));
    }

    void respond(http::response response) override {
        if (mode_ != mode::exchange) {
            return; // the socket has gone meanwhile (a POST answered after its data was taken)
        }
        for (const auto& field : exchange_fields_.list()) {
            if (!response.fields.contains(field.name)) {
                response.fields.add(field.name, field.value);
            }
        }
        exchange_fields_.clear();
        user_ = nullptr;
        mode_ = mode::reading;
        write_answer(response, false);
    }

    void end(bool complete) override {
        user_ = nullptr;
        exchange_fields_.clear();
        // Clients keep sockets for reuse once a response is complete (Node's agent does, for event
        // streams too): closing one without saying so would fail their next request on it.
        if (complete && !writing_ && !close_after_ && !stopping_) {
            mode_ = mode::reading;
            process_input();
            return;
        }
        mode_ = mode::closing;
        if (writing_) {
            after_write_ = after::close;
        } else {
            close_socket();
        }
    }

private:
    enum class mode { reading, exchange, closing, lingering, done };
    enum class after { next_request, exchange_part, close };

    // The socket failed or the client closed it: tell the exchange's user, if one is waiting.
    void peer_gone(std::error_code ec) {
        if (user_) {
            std::exchange(user_, nullptr)->on_peer_gone(ec);
        }
        close_socket();
    }

    void read() {
        if (!reading_ && io_ && mode_ != mode::done) {
            reading_ = true;
            io_->async_read(shared_from_this());
        }
    }

    // Parses what has arrived; handles a whole request, or reads more.
    void process_input() {
        if (mode_ != mode::reading) {
            return;
        }
        if (input_.empty()) {
            signalrpp::detail::release_storage(input_);
            arm_timer(options_.keep_alive_timeout, false);
            read();
            return;
        }
        http::request_parser::status s{};
        const std::size_t used = parser_.parse(input_, s);
        input_.erase(0, used);
        switch (s) {
        case http::request_parser::status::incomplete:
            if (!request_started_) {
                request_started_ = true;
                arm_timer(options_.request_timeout, true);
            }
            read();
            break;
        case http::request_parser::status::error: {
            log(log_level::debug, log_category::hosting, "ConnectionBadRequest", {}, [&] {
                return "bad request data from " + remote_ + " (" + std::to_string(parser_.error().status) +
                       "): " + parser_.error().reason;
            });
            http::response r = http::text_response(parser_.error().status, parser_.error().reason);
            close_after_ = true;
            write_answer(r, false);
            break;
        }
        case http::request_parser::status::done: handle_request(parser_.message()); break;
        }
    }

    void handle_request(http::request& request) {
        request_started_ = false;
        ++timer_generation_;
        timer_.cancel();
        close_after_ = !http::keep_alive(request) || stopping_;
        const bool head = request.method == "HEAD";
        if (const auto problem = http::host_field_problem(request); !problem.empty()) {
            http::response r = http::text_response(400, std::string(problem));
            close_after_ = true;
            write_answer(r, head);
            return;
        }
        route_result result = handler_->handle(request, request_context{shared_from_this(), remote_, secure_});
        switch (result.what) {
        case route_result::kind::respond: write_answer(result.response, head); break;
        case route_result::kind::upgrade:
            if (reading_) {
                upgrade_ = std::move(result); // the read under way may bring frames: hand over after it
            } else {
                hand_over(std::move(result));
            }
            break;
        case route_result::kind::exchange:
            mode_ = mode::exchange;
            user_ = std::move(result.user);
            exchange_fields_ = result.response.fields;
            result.begin(result.response);
            read();
            break;
        }
    }

    void hand_over(route_result result) {
        std::string first;
        http::write_response(first, result.response);
        mode_ = mode::done;
        result.websocket->start(std::move(io_), std::move(first), std::move(input_));
    }

    void write_answer(http::response& r, bool head) {
        if (close_after_ || stopping_) {
            r.fields.set("Connection", "close");
        }
        std::string out;
        http::write_response(out, r);
        if (head) {
            out.resize(out.size() - r.body.size());
        }
        after_write_ = after::next_request;
        start_write(std::move(out));
    }

    void start_write(std::string bytes) {
        out_ = std::move(bytes);
        writing_ = true;
        if (options_.send_timeout.count() > 0) {
            arm_write_timer();
        }
        io_->async_write(asio::buffer(out_), shared_from_this());
    }

    // A write still under way after the send timeout: the client stopped reading. The socket is closed
    // (which ends the write) and an exchange's user hears error::send_timeout.
    void arm_write_timer() {
        const std::uint64_t generation = ++timer_generation_;
        write_timer_armed_ = true;
        timer_.expires_after(options_.send_timeout);
        timer_.async_wait([self = shared_from_this(), generation](std::error_code ec) {
            if (!ec && generation == self->timer_generation_ && self->writing_) {
                self->peer_gone(make_error_code(error::send_timeout));
            }
        });
    }

    void arm_timer(std::chrono::milliseconds after, bool request_started) {
        const std::uint64_t generation = ++timer_generation_;
        timer_.expires_after(after);
        timer_.async_wait([self = shared_from_this(), generation, request_started](std::error_code ec) {
            if (ec || generation != self->timer_generation_ || self->mode_ != mode::reading || self->writing_) {
                return;
            }
            if (!request_started) {
                self->close_socket(); // an idle kept-alive socket
                return;
            }
            http::response r = http::text_response(408, "Request timed out");
            self->close_after_ = true;
            self->write_answer(r, false);
        });
    }

    // After the last answer: end our side and read until the client closes (or a second passes), so
    // that a client still sending (a body we refused) sees the answer instead of a connection reset.
    void linger_then_close() {
        if (!io_) {
            return;
        }
        mode_ = mode::lingering;
        io_->shutdown_send();
        const std::uint64_t generation = ++timer_generation_;
        timer_.expires_after(std::chrono::seconds(1));
        timer_.async_wait([self = shared_from_this(), generation](std::error_code ec) {
            if (!ec && generation == self->timer_generation_) {
                self->close_socket();
            }
        });
        read();
    }

    void close_socket() {
        if (mode_ == mode::done && !io_) {
            return;
        }
        mode_ = mode::done;
        ++timer_generation_;
        timer_.cancel();
        if (io_) {
            io_->close();
        }
    }

    std::unique_ptr<transport::stream_io_base> io_;
    transport::session_executor executor_;
    std::shared_ptr<request_handler> handler_;
    http_session_options options_;
    std::shared_ptr<session_registry> registry_;
    http::request_parser parser_;
    asio::steady_timer timer_;
    std::uint64_t timer_generation_ = 0;
    bool write_timer_armed_ = false;
    std::string input_;
    std::string out_;
    std::string remote_;
    bool secure_ = false;
    std::shared_ptr<transport::exchange_user> user_;
    http::fields exchange_fields_; // added to an exchange's answer (CORS)
    std::optional<route_result> upgrade_;
    mode mode_ = mode::reading;
    after after_write_ = after::next_request;
    bool reading_ = false;
    bool writing_ = false;
    bool close_after_ = false;
    bool request_started_ = false;
    bool stopping_ = false;
};

} // namespace signalrpp::hosting
