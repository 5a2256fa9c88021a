#pragma once
// connection_registry: the connections of one mapped hub or persistent-connection path, by id, with
// their groups and users (ASP.NET Core's DefaultHubLifetimeManager, in memory). Thread-safe: any
// thread may add, remove, join, leave and resolve targets.
//
// Group names are case-sensitive; joining twice or leaving a group one is not in does nothing; an
// unknown connection id is ignored; a connection leaves all its groups when it is removed.

#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/hub/send_target.hpp>
#include <signalrpp/protocol/serialized_message.hpp>
#include <signalrpp/transport/connection.hpp>

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
    SIGNALRPP_DECL void add(connection_ptr c, std::string user_id, std::shared_ptr<void> state = {},
                            const protocol::hub_protocol* protocol = nullptr);

    /// Forgets the connection, its groups and its user.
    SIGNALRPP_DECL void remove(const std::string& id);

    SIGNALRPP_DECL void add_to_group(const std::string& id, const std::string& group);

    SIGNALRPP_DECL void remove_from_group(const std::string& id, const std::string& group);

    /// The runtime's state of connection `id`, or null.
    SIGNALRPP_DECL std::shared_ptr<void> find_state(std::string_view id) const;

    /// The connections `target` names, each once.
    SIGNALRPP_DECL std::vector<recipient> resolve(const send_target& target) const;

    /// Queues `payload` (shared, not copied) on every connection `target` names; returns how many took it.
    SIGNALRPP_DECL std::size_t send(const send_target& target, const std::shared_ptr<const std::string>& payload,
                                    bool binary = false) const;

    /// Queues `message` on every hub connection `target` names, each in its protocol's bytes (written
    /// once per protocol); returns how many took it.
    SIGNALRPP_DECL std::size_t send(const send_target& target, protocol::serialized_message& message) const;

    SIGNALRPP_DECL std::size_t size() const;

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

    SIGNALRPP_DECL static void erase_member(member_table& table, const std::string& name, const entry* e);

    mutable std::mutex mutex_;
    std::unordered_map<std::string_view, entry> entries_; // keys view entry.connection->id()
    member_table groups_;
    member_table users_;
};

} // namespace signalrpp

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/hub/impl/connection_registry.ipp>
#endif
