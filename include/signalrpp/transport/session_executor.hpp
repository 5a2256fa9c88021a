#pragma once
// The executor a session or connection runs its handlers on: a strand of the server's executor, so
// that a connection's work is serialized when several threads run the io_context; or, when the user
// promises one thread (server_options::single_threaded), the executor itself, which serializes
// everything already and costs nothing. Made once per session: turning a strand into an
// any_io_executor allocates, so it is never done per operation.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/separate_compilation.hpp>

#include <asio/any_io_executor.hpp>

namespace signalrpp::transport {

class session_executor {
public:
    SIGNALRPP_DECL session_executor(const asio::any_io_executor& ex, bool single_threaded);

    /// Where the session's handlers run.
    const asio::any_io_executor& get() const noexcept { return executor_; }

    /// The strand completions must be bound to, or null when the io_context has one thread (then a
    /// socket's completions may run on its own executor, unbound).
    const asio::any_io_executor* strand() const noexcept { return single_threaded_ ? nullptr : &executor_; }

private:
    asio::any_io_executor executor_;
    bool single_threaded_;
};

} // namespace signalrpp::transport

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/transport/impl/session_executor.ipp>
#endif
