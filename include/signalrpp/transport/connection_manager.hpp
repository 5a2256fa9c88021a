#pragma once
// connection_manager: the table of one server's connections, keyed by connection token (the secret
// that requests carry as ?id=), as ASP.NET Core's HttpConnectionManager. It makes the ids (16 random
// bytes, base64url), and once a second ends every connection that has had no active transport for
// longer than its disconnect timeout (15 s by default): a negotiated connection nobody connected to,
// a long-polling connection whose client stopped polling. Thread-safe.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/random_id.hpp>
#include <signalrpp/transport/connection.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace signalrpp::transport {

class connection_manager final : public connection_owner, public std::enable_shared_from_this<connection_manager> {
public:
    /// `single_threaded`: one thread runs `ex`, so connections need no strands (session_executor).
    explicit connection_manager(const asio::any_io_executor& ex, bool single_threaded = false)
        : executor_(ex), timer_(ex), single_threaded_(single_threaded) {}

    struct new_connection_options {
        std::shared_ptr<connection_handler> handler;
        std::size_t send_limit = 64 * 1024;
        std::chrono::steady_clock::duration disconnect_timeout = std::chrono::seconds(15);
        bool separate_token = true; ///< negotiate version 1: a token distinct from the id
        const void* endpoint = nullptr; ///< who made it (connection::endpoint()): the only one it answers
        std::chrono::steady_clock::duration send_timeout = std::chrono::seconds(10); ///< connection::set_send_timeout
    };

    /// Makes and registers a connection with fresh ids.
    std::shared_ptr<connection> create(const new_connection_options& options) {
        std::string id = random_id();
        std::string token = options.separate_token ? random_id() : id;
        auto c = std::make_shared<connection>(std::move(id), std::move(token), executor_, options.handler,
                                              options.send_limit, weak_from_this(), single_threaded_);
        c->set_endpoint(options.endpoint);
        c->set_metrics(metrics_);
        c->set_send_timeout(options.send_timeout);
        std::lock_guard lock(mutex_);
        entries_.emplace(c->token(), entry{c, options.disconnect_timeout});
        start_scan_locked();
        return c;
    }

    /// Gives the connections made from now on the server's metrics to count in (null: none). Call
    /// before any connection is made (the server does, when it is built or as a path is mapped).
    void set_metrics(std::shared_ptr<server_metrics> metrics) { metrics_ = std::move(metrics); }
    const std::shared_ptr<server_metrics>& metrics() const noexcept { return metrics_; }

    /// The connection with this token, or null.
    std::shared_ptr<connection> find(std::string_view token) const {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(std::string(token));
        return it == entries_.end() ? nullptr : it->second.c;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

    /// Every connection now registered (for shutdown).
    std::vector<std::shared_ptr<connection>> all() const {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<connection>> out;
        out.reserve(entries_.size());
        for (const auto& [token, e] : entries_) {
            out.push_back(e.c);
        }
        return out;
    }

    /// Ends the connections that have been without a transport for too long; returns how many.
    std::size_t expire_idle(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
        std::vector<std::pair<std::shared_ptr<connection>, connection::clock::time_point>> candidates;
        {
            std::lock_guard lock(mutex_);
            candidates.reserve(entries_.size());
            for (const auto& [token, e] : entries_) {
                candidates.emplace_back(e.c, now - e.disconnect_timeout);
            }
        }
        std::size_t expired = 0;
        for (const auto& [c, deadline] : candidates) {
            expired += c->expire_if_idle_since(deadline) ? 1 : 0;
        }
        return expired;
    }

    /// Stops the once-a-second scan (at shutdown), so that io_context::run can return.
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        timer_.cancel();
    }

    void connection_ended(const connection& c) override {
        std::lock_guard lock(mutex_);
        entries_.erase(c.token());
    }

private:
    struct entry {
        std::shared_ptr<connection> c;
        std::chrono::steady_clock::duration disconnect_timeout;
    };

    // The scan runs while there are connections, so an idle server leaves io_context::run free to return.
    void start_scan_locked() {
        if (scanning_ || stopped_) {
            return;
        }
        scanning_ = true;
        timer_.expires_after(std::chrono::seconds(1));
        timer_.async_wait([weak = weak_from_this()](std::error_code ec) {
            auto self = weak.lock();
            if (!self || ec) {
                return;
            }
            self->expire_idle();
            std::lock_guard lock(self->mutex_);
            self->scanning_ = false;
            if (!self->entries_.empty()) {
                self->start_scan_locked();
            }
        });
    }

    asio::any_io_executor executor_;
    mutable std::mutex mutex_;
    asio::steady_timer timer_; // guarded by mutex_
    std::unordered_map<std::string, entry> entries_;
    bool single_threaded_;
    std::shared_ptr<server_metrics> metrics_; // null unless the server counts metrics
    bool scanning_ = false;
    bool stopped_ = false;
};

} // namespace signalrpp::transport
