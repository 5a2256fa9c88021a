#pragma once
// send_target: which connections a message goes to, as ASP.NET Core's IHubClients names them: all,
// all except some, one or several connections, one or several groups, a group except some
// connections, one or several users. A value type: built by hub_clients, resolved by the
// connection_registry when the message is sent.

#include <string>
#include <vector>

namespace signalrpp {

struct send_target {
    enum class kind { all, connections, groups, users };

    kind what = kind::all;
    std::vector<std::string> names;    ///< connection ids, group names or user ids (unused for all)
    std::vector<std::string> excluded; ///< connection ids left out (all-except, group-except, others)

    static send_target all(std::vector<std::string> except = {}) { return {kind::all, {}, std::move(except)}; }
    static send_target connections(std::vector<std::string> ids) { return {kind::connections, std::move(ids), {}}; }
    static send_target groups(std::vector<std::string> names, std::vector<std::string> except = {}) {
        return {kind::groups, std::move(names), std::move(except)};
    }
    static send_target users(std::vector<std::string> ids) { return {kind::users, std::move(ids), {}}; }
};

} // namespace signalrpp
