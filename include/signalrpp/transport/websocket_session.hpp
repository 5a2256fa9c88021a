#pragma once
// websocket_session: the WebSockets transport of one connection, after the upgrade, on the
// connection's strand (server role).
//
// - Each WebSocket message received goes to the handler as it is (text or binary).
// - Queued messages go out as one frame each, all of a batch in one gather write: the frames for the
//   messages handled in one read are written together.
// - Pings are answered with pongs; pongs are ignored. At most one pong waits to be written: a ping that
//   comes while one waits replaces it (RFC 6455 5.5.3 allows answering only the latest), and the socket
//   is not read while control output waits behind a blocked write, so a peer that pings and never reads
//   cannot make the session hold more than one pong.
// - A frame the RFC forbids closes with the frame reader's code (1002, 1007, 1009) and its reason.
// - The peer's close is answered with 1000 whatever its code, once what is queued is written (as
//   ASP.NET Core's transport does); a close requested here sends 1000 the same way, then waits up to
//   the close timeout for the peer's.
// - A write that has not finished after the send timeout (TransportSendTimeout, 10 s) aborts the
//   connection with error::send_timeout: the peer stopped reading. A close frame stuck behind such a
//   write ends the same way.
// - Idle, it keeps no buffers: the frame reader's storage is released after each read.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/error.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/stream_io.hpp>
#include <signalrpp/transport/transport_link.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/frame_reader.hpp>

#include <asio/buffer.hpp>
#include <asio/dispatch.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::transport {

class websocket_session final : public io_owner,
                                public transport_link,
                                public std::enable_shared_from_this<websocket_session> {
public:
    struct options {
        std::size_t max_message = 1024 * 1024;
        std::chrono::milliseconds close_timeout = std::chrono::seconds(5);
        std::chrono::milliseconds send_timeout = std::chrono::seconds(10); ///< 0: none
    };

    websocket_session(std::shared_ptr<connection> conn, options opts)
        : conn_(std::move(conn)), options_(opts),
          reader_(websocket::role::server, websocket::reader_limits{opts.max_message}) {}

    /// Starts the session on `io`: writes `first_output` (the 101 response) before anything else and
    /// reads `leftover` (bytes the client sent after its upgrade request) before reading the socket.
    void start(std::unique_ptr<stream_io_base> io, std::string first_output, std::string leftover) {
        asio::dispatch(conn_->get_executor(), [self = shared_from_this(), io = std::move(io),
                                               first = std::move(first_output),
                                               leftover = std::move(leftover)]() mutable {
            if (self->state_ == state::done) {
                io->close(); // the connection ended before the session started (its handler failed, say)
                return;
            }
            self->io_ = std::move(io);
            self->control_out_ = std::move(first);
            self->started_ = true;
            if (!leftover.empty()) {
                self->consume(leftover);
            }
            self->flush();
            if (self->reading_allowed()) {
                self->read();
            }
        });
    }

    // io_owner
    const asio::any_io_executor* io_strand() const override { return conn_->strand(); }

    void on_read(std::error_code ec, std::string_view data) override {
        reading_ = false;
        if (state_ == state::draining) {
            if (ec) {
                finish({});
            } else {
                read();
            }
            return;
        }
        if (ec) {
            finish(state_ == state::open ? ec : std::error_code{});
            return;
        }
        consume(data);
        flush();
        if (reading_allowed()) {
            read();
        }
    }

    void on_written(std::error_code ec, std::size_t) override {
        writing_ = false;
        ++write_serial_;
        if (send_timer_) {
            send_timer_->cancel();
        }
        for (auto& m : inflight_) {
            m.recycle();
        }
        inflight_.clear();
        buffers_.clear();
        if (ec) {
            finish(ec);
            return;
        }
        if (close_in_write_ && state_ == state::closed_by_peer) {
            finish({});
            return;
        }
        if (close_in_write_ && state_ == state::failed) {
            // The peer may still be sending (the rest of a message too big): end our side and drop what
            // comes until it closes, so that it reads our close frame rather than a connection reset.
            state_ = state::draining;
            io_->shutdown_send();
            arm_close_timer();
            if (reading_allowed()) {
                read();
            }
            return;
        }
        flush();
        if (held_input_ && !conn_->send_backlogged() && state_ == state::open) {
            consume({}); // what consume() kept while the connection was backlogged
            flush();
        }
        if (!writing_) {
            release_idle_memory();
        }
        if (reading_allowed()) {
            read(); // reading stopped while control output waited behind this write, or input was held
        }
    }

    // transport_link
    void send_ready() override {
        if (current_batch() == this) {
            return; // a send from the handler, during consume(): flushed when the batch ends
        }
        asio::dispatch(conn_->get_executor(), [self = shared_from_this()] { self->flush(); });
    }

    void receive_paused_changed(bool paused) override {
        asio::dispatch(conn_->get_executor(), [self = shared_from_this(), paused] {
            self->paused_ = paused;
            if (self->reading_allowed()) {
                self->read();
            }
        });
    }

    void close_requested(close_kind kind) override {
        asio::dispatch(conn_->get_executor(), [self = shared_from_this(), kind] {
            if (kind == close_kind::abort) {
                self->finish({});
                return;
            }
            self->close_wanted_ = true;
            self->flush();
        });
    }

private:
    enum class state {
        open,
        closed_by_peer,  // their close arrived: answer it, then end
        closing,         // ours is sent (or queued): wait for theirs
        failed,          // a protocol error: our close is queued
        draining,        // ... and written: drop input until the peer closes
        done,
    };

    // Not while control frames wait behind a write that has not finished (the peer is not reading), nor
    // while the connection is backlogged (its peer sends faster than it reads).
    bool reading_allowed() const {
        return !reading_ && !(writing_ && !control_out_.empty()) && !held_input_ && !conn_->send_backlogged() &&
               (state_ == state::closing || state_ == state::draining || (state_ == state::open && !paused_)) && io_;
    }

    void read() {
        reading_ = true;
        io_->async_read(shared_from_this());
    }

    // Parses `data` (and any partial frame header kept from before), handing messages to the handler.
    void consume(std::string_view data) {
        std::string joined;
        if (!partial_.empty()) {
            joined = std::move(partial_);
            joined.append(data);
            partial_.clear();
            data = joined;
        }
        current_batch() = this;
        held_input_ = false;
        while (!data.empty() && (state_ == state::open || state_ == state::closing)) {
            if (state_ == state::open && conn_->send_backlogged()) {
                // The replies to what came so far wait: keep the rest until they are taken for writing.
                partial_.assign(data);
                held_input_ = true;
                break;
            }
            websocket::frame_reader::status s{};
            const std::size_t used = reader_.parse(data, s);
            data.remove_prefix(used);
            switch (s) {
            case websocket::frame_reader::status::incomplete:
                partial_.assign(data);
                data = {};
                break;
            case websocket::frame_reader::status::message:
                if (state_ == state::open) {
                    conn_->deliver(reader_.writable_payload(), reader_.message_opcode() == websocket::opcode::binary);
                }
                break;
            case websocket::frame_reader::status::ping:
                if (pong_at_ != std::string::npos) {
                    control_out_.resize(pong_at_); // the unsent pong answers an older ping: replace it
                }
                pong_at_ = control_out_.size();
                websocket::write_frame(control_out_, websocket::opcode::pong, reader_.payload());
                break;
            case websocket::frame_reader::status::pong: break;
            case websocket::frame_reader::status::close: on_peer_close(); break;
            case websocket::frame_reader::status::error:
                log(log_level::debug, log_category::transports, "WebSocketProtocolError", conn_->id(), [&] {
                    return "closing with " + std::to_string(reader_.error_code()) + ": " + reader_.error_reason();
                });
                websocket::write_close(close_out_, reader_.error_code(), reader_.error_reason());
                state_ = state::failed;
                break;
            }
        }
        current_batch() = nullptr;
    }

    // The session whose input this thread is handling, if any.
    static websocket_session*& current_batch() {
        thread_local websocket_session* current = nullptr;
        return current;
    }

    void on_peer_close() {
        if (state_ == state::closing) {
            // Our close was sent first: theirs completes the handshake.
            finish({});
            return;
        }
        state_ = state::closed_by_peer;
        websocket::write_close(close_out_, websocket::close_code::normal);
    }

    // Writes control frames and queued messages, all in one gather write; sends our close frame once
    // a requested close has nothing left to send.
    void flush() {
        if (!started_ || writing_ || current_batch() == this || state_ == state::done) {
            return;
        }
        if (state_ == state::failed || close_in_write_) {
            drop_pending();
        } else {
            conn_->take_pending(inflight_); // what was queued before a close still goes out, before it
        }
        if (close_wanted_ && close_out_.empty() && inflight_.empty() && state_ == state::open) {
            websocket::write_close(close_out_, websocket::close_code::normal);
            state_ = state::closing;
            arm_close_timer();
        }
        if (control_out_.empty() && inflight_.empty() && (close_out_.empty() || close_in_write_)) {
            return;
        }
        // One contiguous buffer holds the control frames, every frame header and the payloads small
        // enough to copy; larger payloads are written from the message itself (a gather write).
        frames_.clear();
        signalrpp::detail::spare_buffer<websocket_session>::take(frames_);
        frames_.append(control_out_);
        control_out_.clear();
        pong_at_ = std::string::npos;
        cuts_.clear();
        for (const auto& m : inflight_) {
            websocket::append_frame_header(frames_, m.binary() ? websocket::opcode::binary : websocket::opcode::text,
                                           m.size());
            if (m.size() <= copy_limit) {
                frames_.append(m.bytes());
            } else {
                signalrpp::detail::spare_vector<cut>::take(cuts_);
                cuts_.push_back({frames_.size(), m.bytes()});
            }
        }
        if (!close_out_.empty() && !close_in_write_) {
            frames_.append(close_out_);
            close_in_write_ = true;
        }
        buffers_.clear();
        signalrpp::detail::spare_vector<asio::const_buffer>::take(buffers_);
        std::size_t from = 0;
        for (const auto& cut : cuts_) {
            if (cut.offset > from) {
                buffers_.push_back(asio::buffer(frames_.data() + from, cut.offset - from));
            }
            buffers_.push_back(asio::buffer(cut.payload.data(), cut.payload.size()));
            from = cut.offset;
        }
        if (frames_.size() > from) {
            buffers_.push_back(asio::buffer(frames_.data() + from, frames_.size() - from));
        }
        writing_ = true;
        // Most writes fit in the socket's buffer at once: write now, and skip the asynchronous operation.
        std::size_t total = 0;
        for (const auto& b : buffers_) {
            total += b.size();
        }
        std::error_code ec;
        std::size_t sent = io_->write_now(buffers_, ec);
        if (ec || sent == total) {
            on_written(ec, sent);
            return;
        }
        std::size_t skip = 0;
        while (sent >= buffers_[skip].size()) {
            sent -= buffers_[skip].size();
            ++skip;
        }
        buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(skip));
        buffers_.front() += sent;
        arm_send_timer();
        if (buffers_.size() == 1) {
            io_->async_write(buffers_.front(), shared_from_this());
        } else {
            io_->async_write(buffers_, shared_from_this());
        }
    }

    // The write just started asynchronously (the socket did not take it all at once) must finish within
    // the send timeout.
    void arm_send_timer() {
        if (options_.send_timeout.count() <= 0) {
            return;
        }
        if (!send_timer_) {
            send_timer_ = std::make_unique<asio::steady_timer>(conn_->get_executor());
        }
        send_timer_->expires_after(options_.send_timeout);
        send_timer_->async_wait([self = shared_from_this(), serial = write_serial_](std::error_code ec) {
            if (!ec && self->writing_ && serial == self->write_serial_) {
                self->finish(make_error_code(error::send_timeout));
            }
        });
    }

    void arm_close_timer() {
        close_timer_ = std::make_unique<asio::steady_timer>(conn_->get_executor());
        close_timer_->expires_after(options_.close_timeout);
        close_timer_->async_wait([self = shared_from_this()](std::error_code ec) {
            if (!ec && (self->state_ == state::closing || self->state_ == state::draining)) {
                self->finish({});
            }
        });
    }

    void drop_pending() {
        std::vector<outbound_message> dropped;
        conn_->take_pending(dropped);
    }

    // The transport has ended: close the socket, tell the connection.
    void finish(std::error_code ec) {
        if (state_ == state::done) {
            return;
        }
        const bool failed = state_ == state::failed || state_ == state::draining;
        state_ = state::done;
        if (close_timer_) {
            close_timer_->cancel();
        }
        if (send_timer_) {
            send_timer_->cancel();
        }
        if (io_) {
            io_->close();
        }
        drop_pending();
        conn_->detach(this, failed ? make_error_code(error::transport_protocol_violation) : ec);
    }

    // What a connection keeps between writes is nothing: the bookkeeping vectors (spare_vector), the
    // frame buffer and the message buffer go to the thread's spares, which the next write of any
    // connection on the thread takes back, so that busy connections do not allocate per write.
    void release_idle_memory() {
        signalrpp::detail::spare_vector<outbound_message>::give(inflight_);
        signalrpp::detail::spare_vector<asio::const_buffer>::give(buffers_);
        signalrpp::detail::spare_vector<cut>::give(cuts_);
        signalrpp::detail::spare_buffer<websocket_session>::give(frames_);
        if (control_out_.empty()) {
            signalrpp::detail::release_storage(control_out_); // (it held the 101 response)
        }
        send_timer_.reset(); // (made again by the next write that has to wait)
        reader_.release_memory();
    }

    std::shared_ptr<connection> conn_;
    options options_;
    std::unique_ptr<stream_io_base> io_;
    websocket::frame_reader reader_;
    std::string partial_;      // the start of a frame header that has not all arrived, or held input
    bool held_input_ = false;  // partial_ holds input kept while the connection was backlogged
    std::string control_out_;  // the 101 and pongs, to go first in the next write
    std::size_t pong_at_ = std::string::npos; // where the pong in control_out_ starts, if there is one
    std::string close_out_;    // our close frame, once there is one: to go last
    // The write under way: the messages, and what is written of them.
    struct cut {
        std::size_t offset;       // where in frames_ the payload would have gone
        std::string_view payload; // written from the message itself
    };
    static constexpr std::size_t copy_limit = 1024;
    std::vector<outbound_message> inflight_;
    std::string frames_;
    std::vector<cut> cuts_;
    std::vector<asio::const_buffer> buffers_;
    std::unique_ptr<asio::steady_timer> close_timer_; // only while closing: idle sessions keep none
    std::unique_ptr<asio::steady_timer> send_timer_;  // only while a write waits for the socket
    std::uint64_t write_serial_ = 0; // writes finished: tells a stale send timer from the current one's
    state state_ = state::open;
    bool started_ = false;
    bool reading_ = false;
    bool paused_ = false; // the application wants no input for now (connection::pause_receiving)
    bool writing_ = false;
    bool close_wanted_ = false;
    bool close_in_write_ = false; // close_out_ is in the write under way (or written)
};

} // namespace signalrpp::transport
