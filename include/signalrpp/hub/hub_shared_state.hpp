#pragma once
// hub_shared_state: what every connection of one mapped hub shares: the options, the registry of
// connections, groups and users, and the counter server-to-client invocation ids come from.

#include <signalrpp/hub/connection_registry.hpp>
#include <signalrpp/hub/hub_options.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace signalrpp {

struct hub_shared_state {
    explicit hub_shared_state(hub_options o) : options(std::move(o)) {}

    /// A fresh id for an invocation the server sends ("s1", "s2", ...): the "s" keeps it apart from
    /// the ids the official clients choose for their own invocations and streams (numbers), and a
    /// connection passes over any that its client's upload streams use (start_client_invocation).
    std::string next_server_invocation_id() {
        return "s" + std::to_string(next_invocation_id.fetch_add(1, std::memory_order_relaxed) + 1);
    }

    const hub_options options;
    connection_registry registry;
    std::atomic<std::uint64_t> next_invocation_id{0};
};

/// The registry of `shared`, keeping the whole state alive (for group managers handed to users).
inline std::shared_ptr<connection_registry> registry_of(const std::shared_ptr<hub_shared_state>& shared) {
    return {shared, &shared->registry};
}

} // namespace signalrpp
