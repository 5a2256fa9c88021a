#pragma once
// hub_heartbeat: the once-a-second tick of one mapped hub (ASP.NET Core's connection heartbeat): each
// connection checks its handshake timeout, keep-alive ping and client timeout (hub_server_connection::
// heartbeat). The timer runs only while the hub has connections (it is cancelled with the last one),
// so that a stopped server's io_context runs out of work at once.

#include <signalrpp/hub/hub_server_connection.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace signalrpp {

class hub_heartbeat : public std::enable_shared_from_this<hub_heartbeat> {
public:
    explicit hub_heartbeat(const asio::any_io_executor& ex) : timer_(asio::make_strand(ex)) {}

    void add(std::shared_ptr<hub_server_connection> c) {
        bool start = false;
        {
            std::lock_guard lock(mutex_);
            connections_.insert(std::move(c));
            start = !ticking_;
            ticking_ = true;
        }
        if (start) {
            asio::post(timer_.get_executor(), [self = shared_from_this()] { self->arm(); });
        }
    }

    /// Forgets a connection; the timer stops with the last one (no wait is left pending).
    void remove(const std::shared_ptr<hub_server_connection>& c) {
        bool last = false;
        {
            std::lock_guard lock(mutex_);
            connections_.erase(c);
            last = connections_.empty() && ticking_;
        }
        if (last) { // (posted: a dispatch could run here, inline, and this thread may hold other locks)
            asio::post(timer_.get_executor(), [self = shared_from_this()] { self->stop_if_idle(); });
        }
    }

private:
    void arm() {
        timer_.expires_after(std::chrono::seconds(1));
        timer_.async_wait([weak = weak_from_this()](std::error_code ec) {
            if (auto self = weak.lock(); self && !ec) {
                self->tick();
            }
        });
    }

    // On the timer's strand: no connection is left, so no tick is needed.
    void stop_if_idle() {
        std::lock_guard lock(mutex_);
        if (connections_.empty() && ticking_) {
            ticking_ = false;
            timer_.cancel();
        }
    }

    void tick() {
        std::vector<std::shared_ptr<hub_server_connection>> now_connected;
        {
            std::lock_guard lock(mutex_);
            if (connections_.empty()) {
                ticking_ = false;
                return;
            }
            now_connected.assign(connections_.begin(), connections_.end());
        }
        const auto now = hub_server_connection::clock::now();
        for (const auto& c : now_connected) {
            c->heartbeat(now);
        }
        arm();
    }

    asio::steady_timer timer_;
    std::mutex mutex_;
    std::unordered_set<std::shared_ptr<hub_server_connection>> connections_;
    bool ticking_ = false;
};

} // namespace signalrpp
