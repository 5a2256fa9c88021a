#pragma once
// The definitions of connection_registry.hpp: included by it when header-only; by <signalrpp/src.hpp>
// alone in separate-compilation mode.

#include <signalrpp/hub/connection_registry.hpp>

#include <algorithm>

namespace signalrpp {

SIGNALRPP_DECL void connection_registry::add(connection_ptr c, std::string user_id, std::shared_ptr<void> state,
                                             const protocol::hub_protocol* protocol) {
    std::lock_guard lock(mutex_);
    const std::string_view id = c->id(); // the key views the id inside the connection the entry holds
    auto& e = entries_.try_emplace(id).first->second; // (ids are unique: a fresh entry)
    e = entry{std::move(c), std::move(state), std::move(user_id), {}, protocol};
    if (!e.user_id.empty()) {
        users_[e.user_id].insert(&e);
    }
}

SIGNALRPP_DECL void connection_registry::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(id);
    if (found == entries_.end()) {
        return;
    }
    for (const auto& group : found->second.groups) {
        erase_member(groups_, group, &found->second);
    }
    if (!found->second.user_id.empty()) {
        erase_member(users_, found->second.user_id, &found->second);
    }
    entries_.erase(found);
}

SIGNALRPP_DECL void connection_registry::add_to_group(const std::string& id, const std::string& group) {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(id);
    if (found == entries_.end()) {
        return;
    }
    auto& joined = found->second.groups;
    if (std::find(joined.begin(), joined.end(), group) != joined.end()) {
        return;
    }
    joined.push_back(group);
    groups_[group].insert(&found->second);
}

SIGNALRPP_DECL void connection_registry::remove_from_group(const std::string& id, const std::string& group) {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(id);
    if (found == entries_.end()) {
        return;
    }
    auto& joined = found->second.groups;
    const auto at = std::find(joined.begin(), joined.end(), group);
    if (at == joined.end()) {
        return;
    }
    joined.erase(at);
    erase_member(groups_, group, &found->second);
}

SIGNALRPP_DECL std::shared_ptr<void> connection_registry::find_state(std::string_view id) const {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(id);
    return found == entries_.end() ? nullptr : found->second.state;
}

SIGNALRPP_DECL std::vector<connection_registry::recipient>
connection_registry::resolve(const send_target& target) const {
    std::vector<recipient> out;
    std::lock_guard lock(mutex_);
    const auto take = [&](const entry& e) {
        const auto& id = e.connection->id();
        if (std::find(target.excluded.begin(), target.excluded.end(), id) == target.excluded.end()) {
            out.push_back({e.connection, e.protocol});
        }
    };
    switch (target.what) {
    case send_target::kind::all:
        out.reserve(entries_.size());
        for (const auto& named : entries_) {
            take(named.second);
        }
        return out;
    case send_target::kind::connections:
        for (const auto& id : target.names) {
            const auto found = entries_.find(id);
            if (found != entries_.end()) {
                take(found->second);
            }
        }
        break;
    case send_target::kind::groups:
    case send_target::kind::users: {
        const auto& table = target.what == send_target::kind::groups ? groups_ : users_;
        for (const auto& name : target.names) {
            const auto members = table.find(name);
            if (members != table.end()) {
                for (const entry* e : members->second) {
                    take(*e);
                }
            }
        }
        break;
    }
    }
    if (target.names.size() > 1) { // several groups or users may name a connection twice
        const auto by_connection = [](const recipient& a, const recipient& b) { return a.connection < b.connection; };
        const auto same_connection = [](const recipient& a, const recipient& b) {
            return a.connection == b.connection;
        };
        std::sort(out.begin(), out.end(), by_connection);
        out.erase(std::unique(out.begin(), out.end(), same_connection), out.end());
    }
    return out;
}

SIGNALRPP_DECL std::size_t connection_registry::send(const send_target& target,
                                                    const std::shared_ptr<const std::string>& payload,
                                                    bool binary) const {
    std::size_t queued = 0;
    for (const auto& r : resolve(target)) {
        queued += r.connection->send(transport::outbound_message(payload, binary)) ? 1 : 0;
    }
    return queued;
}

SIGNALRPP_DECL std::size_t connection_registry::send(const send_target& target,
                                                    protocol::serialized_message& message) const {
    std::size_t queued = 0;
    for (const auto& r : resolve(target)) {
        if (r.protocol != nullptr) {
            const auto& bytes = message.bytes(*r.protocol);
            if (r.connection->send(transport::outbound_message(bytes, r.protocol->binary()))) {
                ++queued;
                r.connection->count(&server_metrics::hub_messages_sent);
            }
        }
    }
    return queued;
}

SIGNALRPP_DECL std::size_t connection_registry::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

SIGNALRPP_DECL void connection_registry::erase_member(member_table& table, const std::string& name,
                                                      const entry* e) {
    const auto found = table.find(name);
    if (found != table.end()) {
        found->second.erase(e);
        if (found->second.empty()) {
            table.erase(found);
        }
    }
}

} // namespace signalrpp
