#pragma once
// hub_caller_context: what a hub method knows about the connection calling it (ASP.NET Core's
// HubCallerContext): its id, its user, the request that opened its transport (headers, query,
// cookies, peer address), the transport in use, per-connection items, and abort().
//
// One per connection, valid for the connection's whole life; use it on the connection's strand (where
// hub methods run). abort() may be called from any thread.

#include <signalrpp/transport/connection.hpp>

#include <any>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace signalrpp {

class hub_caller_context {
public:
    explicit hub_caller_context(std::shared_ptr<transport::connection> c) : connection_(std::move(c)) {}

    /// The public connection id (what clients(), groups() and hub_context target).
    const std::string& connection_id() const noexcept { return connection_->id(); }

    /// The authenticated user's id (what clients().user() matches); empty for an anonymous connection.
    const std::string& user_id() const noexcept {
        static const std::string anonymous;
        const auto& user = connection_->request().user;
        return user ? user->user_id : anonymous;
    }

    /// The authenticated user and their claims (nothing when the path has no authentication).
    const std::optional<transport::user_identity>& user() const noexcept { return connection_->request().user; }

    /// The request that opened the transport: headers, query parameters, cookies, remote endpoint.
    const transport::request_snapshot& request() const noexcept { return connection_->request(); }

    /// WebSockets, ServerSentEvents or LongPolling.
    transport::transport_kind transport() const { return connection_->transport(); }

    /// Values kept for this connection between calls (created on first use).
    std::unordered_map<std::string, std::any>& items() {
        if (!items_) {
            items_ = std::make_unique<std::unordered_map<std::string, std::any>>();
        }
        return *items_;
    }

    /// Ends the connection: the client gets a Close message without error, then the transport closes.
    void abort() const;

    /// Whether abort() was called.
    bool aborted() const noexcept { return aborted_.load(std::memory_order_acquire); }

    /// The connection itself (for sending raw bytes or inspecting it).
    const std::shared_ptr<transport::connection>& connection() const noexcept { return connection_; }

private:
    std::shared_ptr<transport::connection> connection_;
    mutable std::atomic<bool> aborted_{false};
    std::unique_ptr<std::unordered_map<std::string, std::any>> items_;
};

inline void hub_caller_context::abort() const {
    aborted_.store(true, std::memory_order_release); // the Close then says: no reconnect
    connection_->close();
}

} // namespace signalrpp
