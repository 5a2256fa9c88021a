#pragma once
// async_wait_readable(socket, handler): waits until a socket may have bytes to read, without the
// system call asio's async_wait(wait_read) makes each time.
//
// asio 1.22's epoll reactor starts every async_wait with epoll_ctl(EPOLL_CTL_MOD), to learn of bytes
// that came while nothing waited (the socket is registered edge-triggered). A read operation does not
// need it: the reactor remembers whether an event came since the last read found the socket drained,
// and either completes the read at once or queues it for the next event, with no system call. That is
// what Beast's reads get, and an echo costs two system calls instead of three.
//
// readable_op gives a wait that same bookkeeping: queued as a read operation whose "read" does nothing
// and reports the socket drained. Its handler must then really read until would_block, or read again
// without waiting when a read filled its buffer: a wait started while bytes are left may never end.
//
// This reaches into asio's implementation (the socket's reactor data), so it is used only where that is
// known: asio 1.22 to 1.2x with its epoll reactor, and asio's basic_stream_socket. Anywhere else it is
// async_wait.

#include <asio/basic_stream_socket.hpp>
#include <asio/execution/context.hpp>
#include <asio/query.hpp>
#include <asio/socket_base.hpp>
#include <asio/version.hpp>

#include <cstddef>
#include <system_error>
#include <utility>

#if ASIO_VERSION >= 102200 && ASIO_VERSION < 103000 && defined(ASIO_HAS_EPOLL) &&                                   \
    !defined(ASIO_HAS_IO_URING_AS_DEFAULT) && !defined(ASIO_ENABLE_HANDLER_TRACKING) &&                             \
    !defined(SIGNALRPP_NO_READ_WAIT_SHORTCUT)
#define SIGNALRPP_READ_WAIT_SHORTCUT 1
#include <asio/detail/bind_handler.hpp>
#include <asio/detail/fenced_block.hpp>
#include <asio/detail/handler_alloc_helpers.hpp>
#include <asio/detail/handler_work.hpp>
#include <asio/detail/memory.hpp>
#include <asio/detail/reactor.hpp>
#include <asio/detail/reactor_op.hpp>
#else
#define SIGNALRPP_READ_WAIT_SHORTCUT 0
#endif

namespace signalrpp::transport::detail {

#if SIGNALRPP_READ_WAIT_SHORTCUT

// The socket's implementation, which asio keeps protected: a pointer to the member, taken in a class
// that may name it, reads it from any socket.
template <class Protocol, class Executor>
struct socket_implementation_access : asio::basic_socket<Protocol, Executor> {
    static constexpr auto member = &socket_implementation_access::impl_;
};

// A read operation that completes with "readable" as soon as the reactor would try a read, and tells
// the reactor the socket is drained: the next wait is queued without a system call until an event.
template <class Handler, class IoExecutor>
class readable_op : public asio::detail::reactor_op {
public:
    ASIO_DEFINE_HANDLER_PTR(readable_op);

    readable_op(const std::error_code& success, Handler& handler, const IoExecutor& io_executor)
        : asio::detail::reactor_op(success, &readable_op::perform, &readable_op::complete),
          handler_(std::move(handler)), work_(handler_, io_executor) {}

    static status perform(asio::detail::reactor_op*) { return done_and_exhausted; }

    static void complete(void* owner, asio::detail::operation* base, const std::error_code&, std::size_t) {
        auto* op = static_cast<readable_op*>(base);
        ptr p = {asio::detail::addressof(op->handler_), op, op};
        asio::detail::handler_work<Handler, IoExecutor> work(std::move(op->work_));
        // The handler moves out before the operation's memory is freed (it may own that memory).
        asio::detail::binder1<Handler, std::error_code> call(op->handler_, op->ec_);
        p.h = asio::detail::addressof(call.handler_);
        p.reset();
        if (owner) {
            asio::detail::fenced_block fence(asio::detail::fenced_block::half);
            work.complete(call, call.handler_);
        }
    }

private:
    Handler handler_;
    asio::detail::handler_work<Handler, IoExecutor> work_;
};

// The reactor of the io_context a socket belongs to; looked up once per thread and context.
inline asio::detail::reactor& reactor_of(asio::execution_context& context) {
    thread_local asio::execution_context* known = nullptr;
    thread_local asio::detail::reactor* reactor = nullptr;
    if (known != &context) {
        reactor = &asio::use_service<asio::detail::reactor>(context);
        known = &context;
    }
    return *reactor;
}

/// Calls `handler(error_code)` when `socket` (non-blocking) may be readable; see the file comment for
/// what the handler must do.
template <class Protocol, class Executor, class Handler>
void async_wait_readable(asio::basic_stream_socket<Protocol, Executor>& socket, Handler handler) {
    auto& io_object = socket.*socket_implementation_access<Protocol, Executor>::member;
    auto& implementation = io_object.get_implementation();
    auto& reactor = reactor_of(asio::query(io_object.get_executor(), asio::execution::context));
    using op = readable_op<Handler, Executor>;
    typename op::ptr p = {asio::detail::addressof(handler), op::ptr::allocate(handler), nullptr};
    p.p = new (p.v) op(std::error_code(), handler, io_object.get_executor());
    reactor.start_op(asio::detail::reactor::read_op, implementation.socket_, implementation.reactor_data_, p.p,
                     false, true);
    p.v = p.p = nullptr;
}

#endif

/// Elsewhere: asio's async_wait.
template <class Socket, class Handler>
void async_wait_readable(Socket& socket, Handler handler) {
    socket.async_wait(asio::socket_base::wait_read, std::move(handler));
}

} // namespace signalrpp::transport::detail
