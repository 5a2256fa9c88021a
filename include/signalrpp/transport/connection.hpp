#pragma once
// connection: one logical connection (what negotiate creates and every transport request names by its
// token), seen the same whatever socket type or transport carries it. This is the boundary: above it
// nothing knows the socket type.
//
// For applications: id() (public, for targeting), request() (the request that opened the transport),
// send() and close(), callable from any thread. A connection's handler calls run on its strand
// (get_executor()), one at a time, in order.
//
// Sending is bounded as ASP.NET Core bounds it with TransportMaxBufferSize (64 KiB): past the send limit,
// the connection is "backlogged", and
// - what the connection's own input makes (sends during its handler's on_received: a hub's results,
//   the caller's messages) is still queued, but the transport stops reading the peer until the queue
//   is taken for writing (WebSockets stop reading; a long-polling or Server-Sent Events POST is answered
//   only then): the peer that sends faster than it reads is paused, never cut off;
// - what others send it (broadcasts, sends from other threads) is queued too, unless the queue would
//   pass 16 times the limit, or has been backlogged for longer than the transport send timeout: the
//   peer is then a slow consumer, and the connection is aborted (error::send_buffer_full).
// So memory stays bounded (a stuck write ends at the send timeout, transport by transport), and a
// burst is delayed, not fatal. A message larger than the limit is accepted when nothing is waiting.
//
// The handler's calls are guarded: one that throws aborts this connection (error::handler_failed) and
// is logged; nothing escapes to the io_context. The connection's end is logged once, with its reason.
//
// Metrics (<signalrpp/core/metrics.hpp>), when the server counts them: the connection counts its start,
// its end (status, duration, and a slow consumer dropped), and the bytes of the messages delivered to
// its handler and taken from its queue for writing; hub runtimes count through metrics().
//
// For transports (the rest of the public members): attaching as the active transport, taking queued
// messages, reporting that the transport ended.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/metrics.hpp>
#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/transport/connection_handler.hpp>
#include <signalrpp/transport/negotiate.hpp>
#include <signalrpp/transport/outbound_message.hpp>
#include <signalrpp/transport/request_snapshot.hpp>
#include <signalrpp/transport/session_executor.hpp>
#include <signalrpp/transport/transport_link.hpp>

#include <asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace signalrpp::transport {

class connection;

/// Who keeps the table of connections (the connection manager): told when a connection has ended.
class connection_owner {
public:
    virtual ~connection_owner() = default;
    virtual void connection_ended(const connection& c) = 0;
};

class connection : public std::enable_shared_from_this<connection> {
public:
    using executor_type = asio::any_io_executor;
    using clock = std::chrono::steady_clock;

    /// `single_threaded`: one thread runs `ex`, so the connection needs no strand (session_executor).
    SIGNALRPP_DECL connection(std::string id, std::string token, const asio::any_io_executor& ex,
                              std::shared_ptr<connection_handler> handler, std::size_t send_limit,
                              std::weak_ptr<connection_owner> owner = {}, bool single_threaded = false);

    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// The public id ("connectionId"): what Context.ConnectionId and targeting use.
    const std::string& id() const noexcept { return id_; }
    /// The secret token ("connectionToken", sent as ?id=): the table's key. Equal to id() for
    /// negotiate version 0 and for WebSocket connections made without negotiating.
    const std::string& token() const noexcept { return token_; }

    /// The endpoint (mapped path) that made the connection, as an opaque key: a request through any other
    /// path must not find it. Set once, before the connection is shared.
    const void* endpoint() const noexcept { return endpoint_; }
    void set_endpoint(const void* endpoint) noexcept { endpoint_ = endpoint; }

    /// The user id of the request that opened the transport ("" without a user), or nothing while no
    /// transport has started. Any thread.
    std::optional<std::string> opening_user_id() const {
        std::lock_guard lock(mutex_);
        if (kind_ == 0) {
            return std::nullopt;
        }
        return request_.user ? request_.user->user_id : std::string();
    }

    /// The transport that carries the connection; none (0) until one has started.
    transport_kind transport() const {
        std::lock_guard lock(mutex_);
        return kind_;
    }

    /// The request that opened the transport. Valid (and immutable) once on_connected has been called.
    const request_snapshot& request() const noexcept { return request_; }

    /// Where the handler's calls run: the connection's strand (or the executor itself, single-threaded).
    const executor_type& get_executor() const noexcept { return executor_.get(); }

    /// For transports: the strand to bind socket completions to (null when single-threaded).
    const asio::any_io_executor* strand() const noexcept { return executor_.strand(); }

    /// Queues `message` for the peer. Returns false if the connection is closing or has ended, or if the
    /// message, sent from outside the connection's own handling, finds it a slow consumer (past 16 times
    /// the send limit, or backlogged for the send timeout; the connection is then aborted with
    /// error::send_buffer_full).
    /// Records (outbound_message::records) join the records queued last, as one transport message.
    SIGNALRPP_DECL bool send(outbound_message message);

    /// Queues a copy of `records`, whole records of a hub protocol, like send(): appended to the records
    /// queued last when they take them, so that building them needs no buffer of their own.
    SIGNALRPP_DECL bool send_records(std::string_view records, bool binary = false);

    bool send(std::string text, bool binary = false) { return send(outbound_message(std::move(text), binary)); }

    /// Ends the connection gracefully: the handler's closing_message() and what is queued are still
    /// delivered, then the transport ends the way it ends normally (WebSocket close 1000, the end of the
    /// event stream, a 204 to the next poll).
    SIGNALRPP_DECL void close();

    /// Ends the connection at once, dropping what is queued; on_disconnected gets `reason`.
    void abort(std::error_code reason = {}) { request_close(transport_link::close_kind::abort, reason); }

    /// When a message was last queued into an empty queue (the connection's creation if none was): for
    /// keep-alive pings. Messages queued behind others in a burst do not read the clock again.
    clock::time_point last_send() const {
        std::lock_guard lock(mutex_);
        return last_send_;
    }

    /// Stops (true) or restarts (false) reading from the peer where the transport can (WebSockets):
    /// backpressure for a handler that cannot take more input now. Any thread.
    SIGNALRPP_DECL void pause_receiving(bool paused);

    bool receive_paused() const {
        std::lock_guard lock(mutex_);
        return receive_paused_;
    }

    /// What the handler keeps for this connection (a hub runtime's per-connection state). Set and read
    /// on the strand only, in the handler's calls.
    const std::shared_ptr<void>& handler_state() const noexcept { return handler_state_; }
    void set_handler_state(std::shared_ptr<void> state) noexcept { handler_state_ = std::move(state); }

    /// Whether more than the send limit is queued (see the header comment): the transport then stops
    /// reading the peer. Any thread.
    bool send_backlogged() const noexcept { return backlogged_.load(std::memory_order_relaxed); }

    /// Whether the connection wants input now: not paused by its handler (pause_receiving) and not
    /// backlogged. Any thread.
    bool receiving() const {
        std::lock_guard lock(mutex_);
        return receiving_locked();
    }

    /// Calls `ready` (on some thread, once) as soon as receiving() holds: at once if it does now.
    /// Replaces a call still waiting. For the transports whose input comes in requests (a POST is
    /// answered once its data was taken and the connection wants more).
    SIGNALRPP_DECL void when_receiving(std::function<void()> ready);

    /// Set by the connection manager before the connection is shared: how long it may stay backlogged
    /// by others' sends (see the header comment); zero: without a limit.
    void set_send_timeout(clock::duration timeout) noexcept { send_timeout_ = timeout; }

    /// Whether the connection has ended (on_disconnected has been or is being called).
    bool ended() const noexcept { return ended_.load(std::memory_order_acquire); }

    /// Set by the connection manager before the connection is shared, when the server counts metrics.
    SIGNALRPP_DECL void set_metrics(std::shared_ptr<server_metrics> metrics);

    /// The server's metrics, or null when it counts none (for the hub runtime's counting). Any thread.
    server_metrics* metrics() const noexcept { return meter_ ? meter_->metrics.get() : nullptr; }

    /// Adds `n` to the server's counter `which` (`&server_metrics::hub_invocations`, say), if it counts
    /// metrics. Any thread.
    void count(server_metrics::counter server_metrics::*which, std::uint64_t n = 1) const noexcept {
        if (meter_) {
            server_metrics::add(meter_->metrics.get()->*which, n);
        }
    }

    // ----- For transports -----------------------------------------------------------------------

    enum class attach_result {
        attached,        ///< the link is now the active transport
        first_poll,      ///< long polling's first poll: answer 200 at once (the connection has started)
        closing,         ///< long polling after close(): answer 204 (the connection then ends)
        conflict,        ///< a WebSocket or event stream already carries it: 409
        wrong_transport, ///< another transport carries it: 400
        gone,            ///< it has ended: 404
    };

    /// Makes `link` the transport carrying this connection. The first transport fixes the kind and the
    /// request snapshot and starts the connection (on_connected is posted to the strand). A newer long
    /// poll supersedes the pending one, which is told to answer 204.
    SIGNALRPP_DECL attach_result attach(transport_kind kind, const std::shared_ptr<transport_link>& link,
                                        request_snapshot& snapshot);

    /// The transport `link` has stopped carrying the connection (`ec` says why, empty when it ended
    /// normally). A WebSocket or event stream ending ends the connection; a long poll ending leaves it
    /// waiting for the next poll (up to the disconnect timeout), unless `last`: it answered 204 because
    /// the connection is closing, and the client polls no more.
    SIGNALRPP_DECL void detach(const transport_link* link, std::error_code ec, bool last = false);

    /// Moves every queued message into `out` (appending) for writing.
    SIGNALRPP_DECL void take_pending(std::vector<outbound_message>& out);

    /// Delivers received bytes to the handler, which may change them during the call. Call on the strand.
    SIGNALRPP_DECL void deliver(std::span<char> data, bool binary);

    /// The most POST bodies that may wait for delivery at once (a client sends one at a time).
    static constexpr int max_waiting_posts = 8;

    /// Delivers a POST body on the strand, in the order POSTs came, and calls `taken(true)` once it was
    /// delivered and the connection wants more input (receiving()): the POST is answered then, so a
    /// peer that sends faster than the connection takes its input waits, as ASP.NET Core's POSTs wait
    /// for room in the application's pipe. A body that comes before the transport has started (before
    /// on_connected) waits for it, as it would in the reference's pipe; one that the connection ends
    /// before delivering gets `taken(false)`. False, and nothing done, when max_waiting_posts wait already.
    SIGNALRPP_DECL bool deliver_post(std::string data, std::function<void(bool delivered)> taken);

    // On the strand: delivers the waiting POSTs in order, each answered once the connection wants more.
    // Called again by attach() once on_connected has run, and by end().
    SIGNALRPP_DECL void deliver_posts();

    /// For the manager's scan: ends the connection if it has had no transport since before `deadline`.
    SIGNALRPP_DECL bool expire_if_idle_since(clock::time_point deadline);

    /// Ends the connection now: the transport (if any) is aborted, on_disconnected is posted (if
    /// on_connected was), the owner forgets the connection.
    SIGNALRPP_DECL void end(std::error_code reason);

private:
    // What a connection keeps for metrics, when the server counts them (null otherwise).
    struct meter {
        std::shared_ptr<server_metrics> metrics;
        clock::time_point started; // when the transport started (written in attach(), under the lock)
        metrics_transport transport;
    };

    // end()'s counting, once: the status and duration of a started connection, a slow consumer dropped.
    SIGNALRPP_DECL void count_end(bool started, std::error_code reason) noexcept;

    // Under the lock: whether the connection wants input (receiving()).
    bool receiving_locked() const { return !receive_paused_ && !backlogged_.load(std::memory_order_relaxed); }

    // Under the lock: when_receiving()'s call, if it is due now (empty otherwise).
    std::function<void()> take_waiter_if_receiving_locked() {
        return receiving_locked() ? std::exchange(receive_waiter_, nullptr) : std::function<void()>();
    }

    // Calls the handler's `what` through `call`: if it throws, the connection is aborted (unless it is
    // ending already) and the exception logged.
    template <class Call>
    void guarded(std::string_view what, Call&& call) noexcept;

    SIGNALRPP_DECL void handler_failed(std::string_view what, const std::exception_ptr& failure) noexcept;

    // What both sends do: under the lock, unless the connection is closing or `size` more bytes would
    // pass the send limit, `put` queues the bytes; then the link hears of them if it has not yet.
    template <class Put>
    bool queue(std::size_t size, Put&& put);

    SIGNALRPP_DECL void request_close(transport_link::close_kind kind, std::error_code reason);

    const std::string id_;
    const std::string token_;
    session_executor executor_;
    std::shared_ptr<connection_handler> handler_;
    std::weak_ptr<connection_owner> owner_;
    // A queue past this many times the send limit is a slow consumer's at once.
    static constexpr std::size_t slow_consumer_factor = 16;

    // The connection whose handler this thread is in (deliver()), if any.
    static const connection*& delivering() {
        thread_local const connection* current = nullptr;
        return current;
    }

    const std::size_t send_limit_;
    clock::duration send_timeout_ = std::chrono::seconds(10);
    const void* endpoint_ = nullptr;
    std::shared_ptr<void> handler_state_;
    std::unique_ptr<meter> meter_; // set before the connection is shared; its fields under the lock

    mutable std::mutex mutex_;
    request_snapshot request_;
    std::shared_ptr<transport_link> link_;
    std::vector<outbound_message> pending_; // its storage comes from the thread's spare_vector
    std::size_t pending_bytes_ = 0; // bytes in pending_
    transport_kind kind_ = static_cast<transport_kind>(0);
    std::atomic<bool> ended_ = false; // written under the lock; read without it too (deliver())
    bool notified_ = false; // the link was told about pending messages and has not taken them yet
    std::atomic<bool> queued_{false}; // !pending_.empty(), readable without the lock
    bool closing_ = false;
    bool receive_paused_ = false;
    std::atomic<bool> backlogged_{false}; // pending_bytes_ > send_limit_; written under the lock
    clock::time_point backlogged_since_;
    std::function<void()> receive_waiter_; // when_receiving()'s, until receiving() holds
    struct waiting_post {
        std::string data;
        std::function<void(bool delivered)> taken;
        bool delivered;
    };
    // On the strand only: deliver_post()'s, in order (max_waiting_posts at most). A vector, which holds
    // no memory while empty, as for most connections it stays (a deque allocates on construction).
    std::vector<waiting_post> posts_;
    std::atomic<int> waiting_posts_{0};
    std::error_code close_reason_;
    clock::time_point inactive_since_;
    clock::time_point last_send_;
};

} // namespace signalrpp::transport

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/transport/impl/connection.ipp>
#endif
