#pragma once
// hub_heartbeat: the once-a-second tick of one mapped hub (ASP.NET Core's connection heartbeat): each
// connection checks its handshake timeout, keep-alive ping and client timeout (hub_connection::
// heartbeat). The timer runs only while the hub has connections, so that a stopped server's
// io_context can run out of work.

#include <signalrpp/hub/hub_connection.hpp>

#include <asio/any_io_executor.hpp>
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

    void add(std::shared_ptr<hub_connection> c) {
        bool start = false;
        {
            std::lock_guard lock(mutex_);
            connections_.insert(std::move(c));
            start = !ticking_;
            ticking_ = true;
        }
        if (start) {
            arm();
        }
    }

    void remove(const std::shared_ptr<hub_connection>& c) {
        std::lock_guard lock(mutex_);
        connections_.erase(c);
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

    void tick() {
        std::vector<std::shared_ptr<hub_connection>> now_connected;
        {
            std::lock_guard lock(mutex_);
            if (connections_.empty()) {
                ticking_ = false;
                return;
            }
            now_connected.assign(connections_.begin(), connections_.end());
        }
        const auto now = hub_connection::clock::now();
        for (const auto& c : now_connected) {
            c->heartbeat(now);
        }
        arm();
    }

    asio::steady_timer timer_;
    std::mutex mutex_;
    std::unordered_set<std::shared_ptr<hub_connection>> connections_;
    bool ticking_ = false;
};

} // namespace signalrpp
