#pragma once
// connection_registry: the connections of one mapped hub or persistent-connection path, by id, with
// their groups and users (ASP.NET Core's DefaultHubLifetimeManager, in memory). Thread-safe: any
// thread may add, remove, join, leave and resolve targets.
//
// Group names are case-sensitive; joining twice or leaving a group one is not in does nothing; an
// unknown connection id is ignored; a connection leaves all its groups when it is removed.

#include <signalrpp/hub/send_target.hpp>
#include <signalrpp/protocol/serialized_message.hpp>
#include <signalrpp/transport/connection.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace signalrpp {

class connection_registry {
public:
    using connection_ptr = std::shared_ptr<transport::connection>;

    /// A connection a send reaches, with the hub protocol it speaks (null for a persistent connection).
    struct recipient {
        connection_ptr connection;
        const protocol::hub_protocol* protocol = nullptr;
    };

    /// Adds a connection; `state` is what the runtime keeps for it (found again by find_state);
    /// `protocol`: the hub protocol it speaks, if it is a hub connection.
    void add(connection_ptr c, std::string user_id, std::shared_ptr<void> state = {},
             const protocol::hub_protocol* protocol = nullptr) {
        std::lock_guard lock(mutex_);
        const std::string_view id = c->id(); // the key views the id inside the connection the entry holds
        auto& e = entries_.try_emplace(id).first->second; // (ids are unique: a fresh entry)
        e = entry{std::move(c), std::move(state), std::move(user_id), {}, protocol};
        if (!e.user_id.empty()) {
            users_[e.user_id].insert(&e);
        }
    }

    /// Forgets the connection, its groups and its user.
    void remove(const std::string& id) {
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

    void add_to_group(const std::string& id, const std::string& group) {
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

    void remove_from_group(const std::string& id, const std::string& group) {
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

    /// The runtime's state of connection `id`, or null.
    std::shared_ptr<void> find_state(std::string_view id) const {
        std::lock_guard lock(mutex_);
        const auto found = entries_.find(id);
        return found == entries_.end() ? nullptr : found->second.state;
    }

    /// The connections `target` names, each once.
    std::vector<recipient> resolve(const send_target& target) const {
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

    /// Queues `payload` (shared, not copied) on every connection `target` names; returns how many took it.
    std::size_t send(const send_target& target, const std::shared_ptr<const std::string>& payload,
                     bool binary = false) const {
        std::size_t queued = 0;
        for (const auto& r : resolve(target)) {
            queued += r.connection->send(transport::outbound_message(payload, binary)) ? 1 : 0;
        }
        return queued;
    }

    /// Queues `message` on every hub connection `target` names, each in its protocol's bytes (written
    /// once per protocol); returns how many took it.
    std::size_t send(const send_target& target, protocol::serialized_message& message) const {
        std::size_t queued = 0;
        for (const auto& r : resolve(target)) {
            if (r.protocol != nullptr) {
                const auto& bytes = message.bytes(*r.protocol);
                if (r.connection->send(transport::outbound_message(bytes, r.protocol->binary()))) {
                    ++queued;
                    if (auto* metrics = r.connection->metrics()) {
                        server_metrics::add(metrics->hub_messages_sent);
                    }
                }
            }
        }
        return queued;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct entry {
        connection_ptr connection;
        std::shared_ptr<void> state;
        std::string user_id;
        std::vector<std::string> groups; // the groups it is in, to leave them when it goes
        const protocol::hub_protocol* protocol = nullptr;
    };

    // Group or user name -> its connections (entries' addresses are stable in an unordered_map).
    using member_table = std::unordered_map<std::string, std::unordered_set<const entry*>>;

    static void erase_member(member_table& table, const std::string& name, const entry* e) {
        const auto found = table.find(name);
        if (found != table.end()) {
            found->second.erase(e);
            if (found->second.empty()) {
                table.erase(found);
            }
        }
    }

    mutable std::mutex mutex_;
    std::unordered_map<std::string_view, entry> entries_; // keys view entry.connection->id()
    member_table groups_;
    member_table users_;
};

} // namespace signalrpp
