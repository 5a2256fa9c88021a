#pragma once
// hub_context<Hub>: reaches the clients and groups of a mapped hub from outside any hub method (a
// timer, an HTTP handler, another thread): ASP.NET Core's IHubContext<THub>. Returned by
// server::map_hub; cheap to copy; thread-safe.
//
//     auto ticker = server.map_hub<ticker_hub>("/ticker");
//     ticker.clients().group("prices").send("price", symbol, value);

#include <signalrpp/hub/group_manager.hpp>
#include <signalrpp/hub/hub_clients.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>

#include <memory>
#include <utility>

namespace signalrpp {

template <class Hub>
class hub_context {
public:
    explicit hub_context(std::shared_ptr<hub_shared_state> shared) : shared_(std::move(shared)) {}

    hub_clients clients() const { return hub_clients(shared_); }
    group_manager groups() const {
        return group_manager(registry_of(shared_));
    }
    /// How many connections have finished their handshake and not ended.
    std::size_t connection_count() const { return shared_->registry.size(); }

private:
    std::shared_ptr<hub_shared_state> shared_;
};

} // namespace signalrpp
