#pragma once
// listener: one listening socket of a server, behind an interface, so that the server's accept loop
// (retries, stopping) is compiled once whatever the socket's protocol. listener_of<Acceptor, OnAccept>
// is the per-protocol part: it accepts one socket and hands it to the server's on_accept.

#include <asio/any_io_executor.hpp>

#include <functional>
#include <system_error>
#include <utility>

namespace signalrpp::hosting {

class listener {
public:
    virtual ~listener() = default;
    /// Accepts one socket and hands it on, then calls `done` with the outcome (on the acceptor's
    /// executor, the server's control strand).
    virtual void accept_one(std::function<void(std::error_code)> done) = 0;
    /// Stops listening: a pending accept_one ends with operation_aborted.
    virtual void close() = 0;
};

template <class Acceptor, class OnAccept>
class listener_of final : public listener {
public:
    /// `acceptor` runs on the server's control strand; accepted sockets go to `socket_executor`.
    listener_of(Acceptor acceptor, asio::any_io_executor socket_executor, OnAccept on_accept)
        : acceptor_(std::move(acceptor)), socket_executor_(std::move(socket_executor)),
          on_accept_(std::move(on_accept)) {}

    void accept_one(std::function<void(std::error_code)> done) override {
        acceptor_.async_accept(socket_executor_, [this, done = std::move(done)](std::error_code ec, auto socket) {
            if (!ec) {
                on_accept_(std::move(socket));
            }
            done(ec);
        });
    }

    void close() override {
        std::error_code ignored;
        acceptor_.close(ignored);
    }

private:
    Acceptor acceptor_;
    asio::any_io_executor socket_executor_;
    OnAccept on_accept_;
};

} // namespace signalrpp::hosting
