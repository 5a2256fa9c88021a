#pragma once
// memory_stream: one end of an in-memory duplex byte stream, for tests. Bytes written to one end are read at
// the other; failures (an error on the n-th operation, short reads and writes, a closing peer) are injected on
// demand, so protocol code can be tested in every scenario without sockets. After Boost.Beast's test::stream.

#include <signalrpp/core/asio_coroutines.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/error.hpp>
#include <asio/execution/context.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/execution_context.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <asio/query.hpp>
#include <asio/socket_base.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

// (std::min) and (std::max)() are parenthesized against Windows' min/max macros.

namespace signalrpp::test {

namespace detail {

/// Hands (ec, n) to a handler through its associated executor (the I/O executor by default): posted, so
/// never run inside the call that completes it. `kept` goes with it and is destroyed after it runs.
template <class Handler, class... Kept>
void post_completion(Handler handler, const asio::any_io_executor& io_executor, std::error_code ec, std::size_t n,
                     Kept... kept) {
    auto executor = asio::get_associated_executor(handler, io_executor);
    asio::post(executor, [handler = std::move(handler), ec, n, ... kept = std::move(kept)]() mutable {
        std::move(handler)(ec, n);
    });
}

/// An operation waiting on a memory stream (a read for bytes, a write for room), whatever its handler.
class memory_stream_op {
public:
    memory_stream_op() = default;
    memory_stream_op(const memory_stream_op&) = delete;
    memory_stream_op& operator=(const memory_stream_op&) = delete;
    virtual ~memory_stream_op() = default;

    /// Posts the completion. Called once, without the lock; the op is destroyed right after.
    virtual void complete(std::error_code ec, std::size_t n) = 0;
};

/// A read waiting for bytes.
class memory_stream_read_op : public memory_stream_op {
public:
    explicit memory_stream_read_op(std::uint64_t id) : id(id) {}

    /// Copies at most `limit` bytes of `from` into the read's buffers; returns how many. Called under the lock.
    virtual std::size_t fill(std::string_view from, std::size_t limit) = 0;

    const std::uint64_t id; // tells a stale cancellation from the current read's
};

/// A write waiting for room at the peer (see memory_stream::set_capacity).
class memory_stream_write_op : public memory_stream_op {
public:
    /// Appends at most `limit` bytes of the write's buffers to `to`; returns how many. Called under the lock.
    virtual std::size_t drain(std::string& to, std::size_t limit) = 0;
    /// The bytes the write was given.
    virtual std::size_t size() const = 0;
};

/// A handler kept while its operation waits. Both executors count it as outstanding work meanwhile, so
/// run() does not return. That work goes with the completion and ends where the handler runs: the thread
/// that completes the operation (often the peer's) never ends it. If it did, its release could bring the
/// io_context's count of work to zero and stop it late, after its owner had restarted it for the next
/// operation (Asio stops a context on the thread whose release reaches zero), and that run would return
/// at once with the new operation still waiting.
template <class Handler>
class waiting_handler {
public:
    waiting_handler(Handler&& handler, const asio::any_io_executor& io_executor)
        : handler_(std::move(handler)),
          io_work_(asio::prefer(io_executor, asio::execution::outstanding_work.tracked)),
          handler_work_(asio::prefer(asio::get_associated_executor(handler_, io_executor),
                                     asio::execution::outstanding_work.tracked)) {}

    void complete(std::error_code ec, std::size_t n) {
        const asio::any_io_executor untracked = asio::prefer(io_work_, asio::execution::outstanding_work.untracked);
        post_completion(std::move(handler_), untracked, ec, n, std::move(io_work_), std::move(handler_work_));
    }

private:
    using handler_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;
    using tracked_handler_executor = std::decay_t<decltype(asio::prefer(
        std::declval<const handler_executor&>(), asio::execution::outstanding_work.tracked))>;

    Handler handler_;
    asio::any_io_executor io_work_;
    tracked_handler_executor handler_work_;
};

template <class Handler, class MutableBufferSequence>
class memory_stream_read_op_impl final : public memory_stream_read_op {
public:
    memory_stream_read_op_impl(std::uint64_t id, Handler&& handler, const MutableBufferSequence& buffers,
                               const asio::any_io_executor& io_executor)
        : memory_stream_read_op(id), handler_(std::move(handler), io_executor), buffers_(buffers) {}

    std::size_t fill(std::string_view from, std::size_t limit) override {
        return asio::buffer_copy(buffers_, asio::buffer(from.data(), from.size()), limit);
    }

    void complete(std::error_code ec, std::size_t n) override { handler_.complete(ec, n); }

private:
    waiting_handler<Handler> handler_;
    MutableBufferSequence buffers_;
};

template <class Handler, class ConstBufferSequence>
class memory_stream_write_op_impl final : public memory_stream_write_op {
public:
    memory_stream_write_op_impl(Handler&& handler, const ConstBufferSequence& buffers,
                                const asio::any_io_executor& io_executor)
        : handler_(std::move(handler), io_executor), buffers_(buffers) {}

    std::size_t drain(std::string& to, std::size_t limit) override {
        std::size_t n = 0;
        for (auto it = asio::buffer_sequence_begin(buffers_); it != asio::buffer_sequence_end(buffers_) && n < limit;
             ++it) {
            const asio::const_buffer buffer(*it);
            const std::size_t take = (std::min)(buffer.size(), limit - n);
            to.append(static_cast<const char*>(buffer.data()), take);
            n += take;
        }
        return n;
    }

    std::size_t size() const override { return asio::buffer_size(buffers_); }

    void complete(std::error_code ec, std::size_t n) override { handler_.complete(ec, n); }

private:
    waiting_handler<Handler> handler_;
    ConstBufferSequence buffers_;
};

/// One end's half of the shared state: what waits for it to read, and its settings.
struct memory_stream_end {
    asio::any_io_executor executor;
    bool attached = false; // an object owns this end (the far side of a stream made alone has none)
    bool open = false;
    bool send_shut = false;    // shutdown(shutdown_send): the peer reads eof once it has read what came before
    bool receive_shut = false; // shutdown(shutdown_receive): reads get eof, arriving bytes are dropped
    std::string input;         // input[consumed, size): bytes written for this end and not read yet
    std::size_t consumed = 0;
    std::unique_ptr<memory_stream_read_op> pending_read;
    std::unique_ptr<memory_stream_write_op> pending_write; // a write of this end, waiting for room at the peer
    std::uint64_t read_ids = 0;
    std::size_t read_size = (std::numeric_limits<std::size_t>::max)();
    std::size_t write_size = (std::numeric_limits<std::size_t>::max)();
    std::size_t capacity = (std::numeric_limits<std::size_t>::max)(); // the most unread bytes input holds
    bool fail_armed = false;
    std::size_t fail_countdown = 0;
    std::error_code fail_error;
    std::size_t nread = 0;
    std::size_t nwrite = 0;
    std::size_t completing = 0; // operations of this end taken out by a memory_stream_completion not yet run

    std::string_view available() const { return std::string_view(input).substr(consumed); }

    /// How many more bytes input takes now.
    std::size_t room() const {
        const std::size_t waiting = input.size() - consumed;
        return receive_shut ? (std::numeric_limits<std::size_t>::max)() : capacity > waiting ? capacity - waiting : 0;
    }

    void consume(std::size_t n) {
        consumed += n;
        if (consumed == input.size()) {
            input.clear();
            consumed = 0;
        } else if (consumed >= 4096 && consumed >= input.size() / 2) {
            input.erase(0, consumed);
            consumed = 0;
        }
    }

    /// Counts one operation against fail_after; true (with ec set) if this is the one to fail.
    bool injected_failure(std::error_code& ec) {
        if (!fail_armed) {
            return false;
        }
        if (fail_countdown > 0) {
            --fail_countdown;
            return false;
        }
        fail_armed = false;
        ec = fail_error;
        return true;
    }
};

struct memory_stream_state;

/// An operation of one end, taken out of the state under the lock, to complete once the lock is released.
/// Its end counts it as completing until run() has posted its handler: close() waits for that, so that no
/// other thread still posts to the end's executor when the end is gone (and its context may go too).
class memory_stream_completion {
public:
    memory_stream_completion() = default;

    /// Under the lock: `op` (null: nothing to do) of end `side` of `state`, to complete with (ec, n).
    memory_stream_completion(memory_stream_state& state, int side, std::unique_ptr<memory_stream_op> op,
                             std::error_code ec, std::size_t n = 0);

    /// Posts the completion, then stops counting it. Without the lock; the state must still be alive.
    void run();

private:
    memory_stream_state* state_ = nullptr;
    int side_ = 0;
    std::unique_ptr<memory_stream_op> op_;
    std::error_code ec_;
    std::size_t n_ = 0;
};

/// The state both ends share; every member of the ends is guarded by `mutex`.
struct memory_stream_state {
    std::mutex mutex;
    std::condition_variable completed; // an end's count of completing operations fell to zero
    std::array<memory_stream_end, 2> ends;

    /// Under the lock: gives the waiting read of end `side` the bytes that arrived for it.
    memory_stream_completion deliver(int side) {
        auto& end = ends[static_cast<std::size_t>(side)];
        if (!end.pending_read || end.available().empty()) {
            return {};
        }
        const std::size_t n = end.pending_read->fill(end.available(), end.read_size);
        end.consume(n);
        return {*this, side, std::move(end.pending_read), {}, n};
    }

    /// Under the lock, after `reader` read: the peer's waiting write takes the room that opened.
    memory_stream_completion make_room(int reader) {
        auto& in = ends[static_cast<std::size_t>(reader)];
        auto& writer = ends[static_cast<std::size_t>(1 - reader)];
        const std::size_t room = (std::min)(in.room(), writer.write_size);
        if (!writer.pending_write || room == 0) {
            return {};
        }
        std::string dropped;
        const std::size_t n = writer.pending_write->drain(in.receive_shut ? dropped : in.input, room);
        return {*this, 1 - reader, std::move(writer.pending_write), {}, n};
    }

    /// Completes the side's waiting read with operation_aborted; only read `id` unless `any`, which also
    /// aborts the side's waiting write.
    void abort_read(int side, std::uint64_t id, bool any) {
        memory_stream_completion read;
        memory_stream_completion write;
        {
            std::lock_guard lock(mutex);
            auto& pending = ends[side].pending_read;
            if (pending && (any || pending->id == id)) {
                read = {*this, side, std::move(pending), asio::error::operation_aborted};
            }
            if (any) {
                write = {*this, side, std::move(ends[side].pending_write), asio::error::operation_aborted};
            }
        }
        read.run();
        write.run();
    }
};

inline memory_stream_completion::memory_stream_completion(memory_stream_state& state, int side,
                                                          std::unique_ptr<memory_stream_op> op, std::error_code ec,
                                                          std::size_t n)
    : state_(&state), side_(side), op_(std::move(op)), ec_(ec), n_(n) {
    if (op_) {
        ++state.ends[static_cast<std::size_t>(side)].completing;
    }
}

inline void memory_stream_completion::run() {
    if (!op_) {
        return;
    }
    op_->complete(ec_, n_);
    op_.reset(); // (what is left in it was moved from)
    std::lock_guard lock(state_->mutex);
    if (--state_->ends[static_cast<std::size_t>(side_)].completing == 0) {
        state_->completed.notify_all();
    }
}

/// Installed in a read's cancellation slot: cancels that read if it still waits.
struct memory_stream_read_cancellation {
    std::weak_ptr<memory_stream_state> state;
    int side;
    std::uint64_t id;

    void operator()(asio::cancellation_type_t type) const {
        const auto supported =
            asio::cancellation_type::terminal | asio::cancellation_type::partial | asio::cancellation_type::total;
        if ((type & supported) == asio::cancellation_type::none) {
            return;
        }
        if (auto shared = state.lock()) {
            shared->abort_read(side, id, false);
        }
    }
};

/// Knows the streams of one execution context, so that its shutdown destroys their waiting operations' handlers
/// (as Asio does for its own objects) instead of leaking them, and whatever they own, with the stream.
class memory_stream_service final : public asio::execution_context::service {
public:
    inline static asio::execution_context::id id;

    explicit memory_stream_service(asio::execution_context& context) : asio::execution_context::service(context) {}

    void add(const std::shared_ptr<memory_stream_state>& state) {
        std::lock_guard lock(mutex_);
        if (states_.size() >= prune_at_) {
            std::erase_if(states_, [](const auto& s) { return s.expired(); });
            prune_at_ = 2 * states_.size() + 16;
        }
        states_.push_back(state);
    }

private:
    void shutdown() override {
        std::vector<std::weak_ptr<memory_stream_state>> states;
        {
            std::lock_guard lock(mutex_);
            states.swap(states_);
        }
        std::vector<std::unique_ptr<memory_stream_op>> abandoned;
        for (const auto& weak : states) {
            if (auto state = weak.lock()) {
                std::lock_guard lock(state->mutex);
                for (auto& end : state->ends) {
                    if (end.pending_read) {
                        abandoned.push_back(std::move(end.pending_read));
                    }
                    if (end.pending_write) {
                        abandoned.push_back(std::move(end.pending_write));
                    }
                }
            }
        }
        abandoned.clear(); // may destroy streams (in coroutine frames): no lock is held here
    }

    std::mutex mutex_;
    std::vector<std::weak_ptr<memory_stream_state>> states_;
    std::size_t prune_at_ = 16;
};

inline void register_memory_stream(const asio::any_io_executor& executor,
                                   const std::shared_ptr<memory_stream_state>& state) {
    asio::execution_context& context = asio::query(executor, asio::execution::context);
    asio::use_service<memory_stream_service>(context).add(state);
}

} // namespace detail

class memory_stream;

/// Two connected ends: what one writes, the other reads. The second form gives each end its own I/O
/// executor (for instance a strand each). The executors must be valid.
inline std::pair<memory_stream, memory_stream> make_memory_stream_pair(asio::any_io_executor executor);
inline std::pair<memory_stream, memory_stream> make_memory_stream_pair(asio::any_io_executor first_executor,
                                                                       asio::any_io_executor second_executor);

/// One end of an in-memory duplex byte stream: an AsyncReadStream and AsyncWriteStream for tests.
///
/// Connected ends come from make_memory_stream_pair(). An end made alone by the constructor has no peer:
/// its reads take only the bytes given to append_input(), and its writes fail with not_connected.
///
/// Semantics, close to a TCP socket's:
/// - Writes complete at once, accepting min(buffer size, write size limit) bytes, unless the peer holds
///   `capacity` unread bytes (set_capacity on the peer; unbounded by default): a write then waits until
///   the peer reads, as a socket's does when the peer's receive window is full, and takes the room that
///   opens. A synchronous write_some gets would_block instead.
/// - A read completes as soon as bytes are waiting, with min(buffer size, read size limit, waiting) of them.
///   A zero-size read or write completes at once with 0 bytes, as on Asio's sockets.
/// - close() on this end: its waiting read fails with operation_aborted, its unread bytes are dropped, and
///   later operations on it fail with bad_descriptor (what a closed Asio socket reports). Its peer reads
///   the bytes already written, then eof; the peer's writes fail with broken_pipe (from the write side, what
///   a socket whose peer is gone reports; connection_reset stays free for injected failures).
/// - shutdown() ends one direction, as a socket's does: after shutdown_send the peer reads what was written,
///   then eof, and this end's writes fail with broken_pipe; after shutdown_receive this end's reads get eof
///   and bytes written to it are dropped. The end stays open until close().
/// - cancel() and per-operation cancellation (the handler's cancellation slot: terminal, partial or total)
///   complete a waiting read with operation_aborted; nothing was transferred.
/// - Checks come in this order: an injected failure (fail_after), then this end being closed, then a
///   zero-size buffer, then the directions shut down and the peer.
///
/// Completion handlers are never invoked by the call that starts or completes an operation: they are posted
/// to the handler's associated executor (the end's executor by default). A waiting read counts as outstanding
/// work on both executors, so io_context::run() does not return while a read waits (a write likewise); when
/// the execution context shuts down, waiting operations are destroyed without being invoked (so ends may
/// outlive their context). A waiting operation is allocated with operator new, not with the handler's
/// associated allocator.
///
/// Thread safety: the two ends may be used from different threads at once; on one end, at most one read and
/// one write at a time (as with a socket; two reads at once are a bug the stream asserts on). The other
/// members (close, cancel, the failure settings and inspection) may be called from any thread at any time.
///
/// Moving leaves the moved-from object with no end: only destruction, assignment and is_open() (false) are
/// allowed on it. Destroying an end closes it. close() returns once no other thread is still completing an
/// operation of this end (posting its handler), so the end's execution context may be destroyed right after.
class memory_stream {
public:
    using executor_type = asio::any_io_executor;
    using lowest_layer_type = memory_stream;

    /// An end with no peer (see the class comment); reads and writes use `executor`, which must be valid.
    explicit memory_stream(asio::any_io_executor executor)
        : state_(std::make_shared<detail::memory_stream_state>()), side_(0) {
        auto& end = state_->ends[0];
        end.executor = std::move(executor);
        end.attached = true;
        end.open = true;
        detail::register_memory_stream(end.executor, state_);
    }

    memory_stream(const memory_stream&) = delete;
    memory_stream& operator=(const memory_stream&) = delete;

    memory_stream(memory_stream&& other) noexcept : state_(std::move(other.state_)), side_(other.side_) {}

    /// Closes this end first, then takes over the other's.
    memory_stream& operator=(memory_stream&& other) noexcept {
        if (this != &other) {
            if (state_) {
                close();
            }
            state_ = std::move(other.state_);
            side_ = other.side_;
        }
        return *this;
    }

    ~memory_stream() {
        if (state_) {
            close();
        }
    }

    /// The executor that completion handlers without one of their own run on.
    executor_type get_executor() const noexcept { return end().executor; }

    lowest_layer_type& lowest_layer() noexcept { return *this; }
    const lowest_layer_type& lowest_layer() const noexcept { return *this; }

    /// Reads some bytes, waiting until at least one is available (or an error).
    /// Completion signature: void(std::error_code, std::size_t bytes_read). `buffers` must stay valid until
    /// the completion; works with every completion token (callbacks, use_awaitable, deferred, ...).
    template <class MutableBufferSequence,
              ASIO_COMPLETION_TOKEN_FOR(void(std::error_code, std::size_t))
                  ReadToken = asio::default_completion_token_t<executor_type>>
    auto async_read_some(const MutableBufferSequence& buffers,
                         ReadToken&& token = asio::default_completion_token_t<executor_type>()) {
        assert(state_ && "memory_stream used after being moved from");
        return asio::async_initiate<ReadToken, void(std::error_code, std::size_t)>(initiate_read{state_, side_},
                                                                                   token, buffers);
    }

    /// Writes some bytes: completes at once with those accepted (see set_write_size).
    /// Completion signature: void(std::error_code, std::size_t bytes_written).
    template <class ConstBufferSequence,
              ASIO_COMPLETION_TOKEN_FOR(void(std::error_code, std::size_t))
                  WriteToken = asio::default_completion_token_t<executor_type>>
    auto async_write_some(const ConstBufferSequence& buffers,
                          WriteToken&& token = asio::default_completion_token_t<executor_type>()) {
        assert(state_ && "memory_stream used after being moved from");
        return asio::async_initiate<WriteToken, void(std::error_code, std::size_t)>(initiate_write{state_, side_},
                                                                                    token, buffers);
    }

    /// Reads the bytes waiting, without blocking: would_block if there are none (and the peer is open).
    /// Counts as a read operation. Not a blocking SyncReadStream: asio::read() on it fails rather than waits.
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, std::error_code& ec) {
        detail::memory_stream_completion woken;
        std::size_t n = 0;
        {
            std::lock_guard lock(state_->mutex);
            switch (begin_read(asio::buffer_size(buffers) == 0, ec)) {
            case read_step::done: return 0;
            case read_step::wait: ec = asio::error::would_block; return 0;
            case read_step::copy: break;
            }
            n = copy_out(end(), buffers);
            woken = state_->make_room(side_);
        }
        woken.run();
        return n;
    }

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers) {
        std::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) {
            throw std::system_error(ec, "memory_stream::read_some");
        }
        return n;
    }

    /// Writes at once, as async_write_some does, and wakes the peer's waiting read; would_block where
    /// async_write_some would wait for room.
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, std::error_code& ec) {
        bool full = false;
        const std::size_t n = write(*state_, side_, buffers, ec, full);
        if (full) {
            ec = asio::error::would_block;
        }
        return n;
    }

    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers) {
        std::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        if (ec) {
            throw std::system_error(ec, "memory_stream::write_some");
        }
        return n;
    }

    /// Closes this end (see the class comment). Closing again does nothing.
    void close() {
        detail::memory_stream_completion mine;
        detail::memory_stream_completion my_write;
        detail::memory_stream_completion theirs;
        detail::memory_stream_completion their_write;
        {
            std::lock_guard lock(state_->mutex);
            auto& me = end();
            if (me.open) {
                me.open = false;
                me.input.clear();
                me.consumed = 0;
                auto& state = *state_;
                mine = {state, side_, std::move(me.pending_read), asio::error::operation_aborted};
                my_write = {state, side_, std::move(me.pending_write), asio::error::operation_aborted};
                // A read waits only while nothing is available for it: it gets eof now.
                theirs = {state, 1 - side_, std::move(peer().pending_read), asio::error::eof};
                their_write = {state, 1 - side_, std::move(peer().pending_write), asio::error::broken_pipe};
            }
        }
        mine.run();
        my_write.run();
        theirs.run();
        their_write.run();
        // Another thread may still be posting a completion of this end's (taken out before the lock above).
        std::unique_lock lock(state_->mutex);
        state_->completed.wait(lock, [&] { return end().completing == 0; });
    }

    /// Ends sending, receiving or both (see the class comment), as asio::basic_socket::shutdown does; a waiting
    /// read that can no longer get bytes (the peer's after shutdown_send, this end's after shutdown_receive)
    /// completes with eof. bad_descriptor once this end is closed. Not counted as an operation by fail_after.
    void shutdown(asio::socket_base::shutdown_type what, std::error_code& ec) {
        detail::memory_stream_completion mine;
        detail::memory_stream_completion my_write;
        detail::memory_stream_completion theirs;
        detail::memory_stream_completion their_write;
        {
            std::lock_guard lock(state_->mutex);
            auto& me = end();
            ec = {};
            if (!me.open) {
                ec = asio::error::bad_descriptor;
                return;
            }
            auto& state = *state_;
            if (what != asio::socket_base::shutdown_receive) {
                me.send_shut = true;
                // (a read waits only while nothing is available)
                theirs = {state, 1 - side_, std::move(peer().pending_read), asio::error::eof};
                my_write = {state, side_, std::move(me.pending_write), asio::error::broken_pipe};
            }
            if (what != asio::socket_base::shutdown_send) {
                me.receive_shut = true;
                me.input.clear();
                me.consumed = 0;
                mine = {state, side_, std::move(me.pending_read), asio::error::eof};
                their_write = state_->make_room(side_); // what it writes is dropped from now on
            }
        }
        mine.run();
        my_write.run();
        theirs.run();
        their_write.run();
    }

    void shutdown(asio::socket_base::shutdown_type what) {
        std::error_code ec;
        shutdown(what, ec);
        if (ec) {
            throw std::system_error(ec, "memory_stream::shutdown");
        }
    }

    /// True until close() (false on a moved-from object).
    bool is_open() const {
        if (!state_) {
            return false;
        }
        std::lock_guard lock(state_->mutex);
        return end().open;
    }

    /// Completes this end's waiting read, if any, with operation_aborted.
    void cancel() { state_->abort_read(side_, 0, true); }

    /// Injects a failure: of the operations on this end from now (reads and writes counted together, sync and
    /// async, whatever their outcome), the first `n` proceed and the next one fails with `ec` and transfers
    /// nothing; later ones proceed again. fail_after(0) fails the next operation. The stream stays open: call
    /// close() too to model a connection that dropped. A new call replaces a pending injection.
    void fail_after(std::size_t n, std::error_code ec = asio::error::connection_reset) {
        std::lock_guard lock(state_->mutex);
        auto& me = end();
        me.fail_armed = true;
        me.fail_countdown = n;
        me.fail_error = ec;
    }

    /// At most `n` bytes (n >= 1) per read of this end; 1 trickles byte by byte. Unlimited by default.
    void set_read_size(std::size_t n) {
        assert(n > 0);
        std::lock_guard lock(state_->mutex);
        end().read_size = n;
    }

    /// At most `n` bytes (n >= 1) accepted per write on this end. Unlimited by default.
    void set_write_size(std::size_t n) {
        assert(n > 0);
        std::lock_guard lock(state_->mutex);
        end().write_size = n;
    }

    /// At most `n` unread bytes at this end (n >= 1), like a socket's receive buffer: the peer's writes
    /// wait while it is full. Unlimited by default.
    void set_capacity(std::size_t n) {
        assert(n > 0);
        detail::memory_stream_completion woken;
        {
            std::lock_guard lock(state_->mutex);
            end().capacity = n;
            woken = state_->make_room(side_);
        }
        woken.run();
    }

    /// Whether a read of this end is waiting for bytes.
    bool read_waiting() const {
        std::lock_guard lock(state_->mutex);
        return end().pending_read != nullptr;
    }

    /// Whether a write of this end is waiting for room at the peer.
    bool write_waiting() const {
        std::lock_guard lock(state_->mutex);
        return end().pending_write != nullptr;
    }

    /// Whether a read of the peer's is waiting for bytes (false when there is no peer).
    bool peer_read_waiting() const {
        std::lock_guard lock(state_->mutex);
        return peer().pending_read != nullptr;
    }

    /// Whether a write of the peer's is waiting for room at this end.
    bool peer_write_waiting() const {
        std::lock_guard lock(state_->mutex);
        return peer().pending_write != nullptr;
    }

    /// Bytes waiting to be read at this end.
    std::size_t bytes_available() const {
        std::lock_guard lock(state_->mutex);
        return end().available().size();
    }

    /// Gives this end bytes to read as if the peer had written them (for tests with one end only).
    /// Wakes a waiting read. Ignored once this end is closed.
    void append_input(std::string_view bytes) {
        detail::memory_stream_completion done;
        {
            std::lock_guard lock(state_->mutex);
            auto& me = end();
            if (!me.open || me.receive_shut) {
                return;
            }
            me.input.append(bytes);
            done = state_->deliver(side_);
        }
        done.run();
    }

    /// Read operations started on this end (sync and async, failed ones included).
    std::size_t nread() const {
        std::lock_guard lock(state_->mutex);
        return end().nread;
    }

    /// Write operations started on this end (sync and async, failed ones included).
    std::size_t nwrite() const {
        std::lock_guard lock(state_->mutex);
        return end().nwrite;
    }

private:
    friend std::pair<memory_stream, memory_stream> make_memory_stream_pair(asio::any_io_executor,
                                                                           asio::any_io_executor);

    using state_ptr = std::shared_ptr<detail::memory_stream_state>;

    memory_stream(state_ptr state, int side) : state_(std::move(state)), side_(side) {}

    enum class read_step { done, copy, wait };

    static detail::memory_stream_end& end_of(detail::memory_stream_state& state, int side) {
        return state.ends[static_cast<std::size_t>(side)];
    }
    detail::memory_stream_end& end() const { return end_of(*state_, side_); }
    detail::memory_stream_end& peer() const { return end_of(*state_, 1 - side_); }

    // Under the lock: counts a read and says whether it ends now (with ec), copies, or waits.
    static read_step begin_read(detail::memory_stream_state& state, int side, bool empty, std::error_code& ec) {
        auto& me = end_of(state, side);
        ++me.nread;
        ec = {};
        if (me.injected_failure(ec)) {
            return read_step::done;
        }
        if (!me.open) {
            ec = asio::error::bad_descriptor;
            return read_step::done;
        }
        if (empty) {
            return read_step::done;
        }
        if (me.receive_shut) {
            ec = asio::error::eof;
            return read_step::done;
        }
        if (!me.available().empty()) {
            return read_step::copy;
        }
        const auto& other = end_of(state, 1 - side);
        if (other.attached && (!other.open || other.send_shut)) {
            ec = asio::error::eof;
            return read_step::done;
        }
        return read_step::wait;
    }
    read_step begin_read(bool empty, std::error_code& ec) { return begin_read(*state_, side_, empty, ec); }

    template <class MutableBufferSequence>
    static std::size_t copy_out(detail::memory_stream_end& me, const MutableBufferSequence& buffers) {
        const auto bytes = me.available();
        const std::size_t n = asio::buffer_copy(buffers, asio::buffer(bytes.data(), bytes.size()), me.read_size);
        me.consume(n);
        return n;
    }

    // Writes what the peer has room for; `full` (and nothing written) when it has none.
    template <class ConstBufferSequence>
    static std::size_t write(detail::memory_stream_state& state, int side, const ConstBufferSequence& buffers,
                             std::error_code& ec, bool& full) {
        detail::memory_stream_completion woken;
        std::size_t n = 0;
        {
            std::lock_guard lock(state.mutex);
            n = write_locked(state, side, buffers, ec, full, woken);
        }
        woken.run();
        return n;
    }

    // write() under the lock: the peer's waiting read, if the bytes complete it, goes to `woken`.
    template <class ConstBufferSequence>
    static std::size_t write_locked(detail::memory_stream_state& state, int side, const ConstBufferSequence& buffers,
                                    std::error_code& ec, bool& full, detail::memory_stream_completion& woken) {
        std::size_t n = 0;
        full = false;
        {
            auto& me = end_of(state, side);
            auto& other = end_of(state, 1 - side);
            ++me.nwrite;
            ec = {};
            if (me.injected_failure(ec)) {
                return 0;
            }
            if (!me.open) {
                ec = asio::error::bad_descriptor;
                return 0;
            }
            if (asio::buffer_size(buffers) == 0) {
                return 0;
            }
            if (!other.attached) {
                ec = asio::error::not_connected;
                return 0;
            }
            if (!other.open || me.send_shut) {
                ec = asio::error::broken_pipe;
                return 0;
            }
            const std::size_t limit = (std::min)(me.write_size, other.room());
            if (limit == 0) {
                full = true;
                return 0;
            }
            for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
                const asio::const_buffer buffer(*it);
                const std::size_t take = (std::min)(buffer.size(), limit - n);
                if (!other.receive_shut) {
                    other.input.append(static_cast<const char*>(buffer.data()), take);
                }
                n += take;
                if (n == limit) {
                    break;
                }
            }
            woken = state.deliver(1 - side);
        }
        return n;
    }

    struct initiate_read {
        state_ptr state;
        int side;

        executor_type get_executor() const noexcept { return end_of(*state, side).executor; }

        template <class ReadHandler, class MutableBufferSequence>
        void operator()(ReadHandler&& handler, const MutableBufferSequence& buffers) const {
            using handler_type = std::decay_t<ReadHandler>;
            handler_type h(std::forward<ReadHandler>(handler));
            std::error_code ec;
            std::size_t n = 0;
            detail::memory_stream_completion woken;
            {
                std::lock_guard lock(state->mutex);
                auto& me = end_of(*state, side);
                switch (begin_read(*state, side, asio::buffer_size(buffers) == 0, ec)) {
                case read_step::done: break;
                case read_step::copy:
                    n = copy_out(me, buffers);
                    woken = state->make_room(side);
                    break;
                case read_step::wait: {
                    assert(!me.pending_read && "memory_stream: two reads at once on one end");
                    const std::uint64_t id = ++me.read_ids;
                    // Emplaced under the lock, before any other thread may complete the read.
                    auto slot = asio::get_associated_cancellation_slot(h);
                    if (slot.is_connected()) {
                        slot.template emplace<detail::memory_stream_read_cancellation>(
                            detail::memory_stream_read_cancellation{state, side, id});
                    }
                    me.pending_read =
                        std::make_unique<detail::memory_stream_read_op_impl<handler_type, MutableBufferSequence>>(
                            id, std::move(h), buffers, me.executor);
                    return;
                }
                }
            }
            woken.run();
            detail::post_completion(std::move(h), end_of(*state, side).executor, ec, n);
        }
    };

    struct initiate_write {
        state_ptr state;
        int side;

        executor_type get_executor() const noexcept { return end_of(*state, side).executor; }

        template <class WriteHandler, class ConstBufferSequence>
        void operator()(WriteHandler&& handler, const ConstBufferSequence& buffers) const {
            using handler_type = std::decay_t<WriteHandler>;
            handler_type h(std::forward<WriteHandler>(handler));
            std::error_code ec;
            bool full = false;
            std::size_t n = 0;
            detail::memory_stream_completion woken;
            {
                std::lock_guard lock(state->mutex);
                n = write_locked(*state, side, buffers, ec, full, woken);
                if (full) {
                    auto& me = end_of(*state, side);
                    assert(!me.pending_write && "memory_stream: two writes at once on one end");
                    me.pending_write =
                        std::make_unique<detail::memory_stream_write_op_impl<handler_type, ConstBufferSequence>>(
                            std::move(h), buffers, me.executor);
                    return;
                }
            }
            woken.run();
            detail::post_completion(std::move(h), end_of(*state, side).executor, ec, n);
        }
    };

    state_ptr state_;
    int side_;
};

inline std::pair<memory_stream, memory_stream> make_memory_stream_pair(asio::any_io_executor first_executor,
                                                                       asio::any_io_executor second_executor) {
    auto state = std::make_shared<detail::memory_stream_state>();
    state->ends[0].executor = std::move(first_executor);
    state->ends[1].executor = std::move(second_executor);
    for (auto& end : state->ends) {
        end.attached = true;
        end.open = true;
        detail::register_memory_stream(end.executor, state);
    }
    return {memory_stream(state, 0), memory_stream(state, 1)};
}

inline std::pair<memory_stream, memory_stream> make_memory_stream_pair(asio::any_io_executor executor) {
    auto second = executor;
    return make_memory_stream_pair(std::move(executor), std::move(second));
}

} // namespace signalrpp::test
