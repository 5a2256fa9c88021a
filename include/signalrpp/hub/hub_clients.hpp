#pragma once
// hub_clients: picks the connections of one hub a message goes to (ASP.NET Core's IHubClients): all,
// all except some, one connection or several, one group or several, a group except some connections,
// one user or several. hub_caller_clients, what a hub method gets, adds the caller, the others, and
// the others in a group (IHubCallerClients). Each returns a client_proxy to send() through; client()
// and caller() return a single_client_proxy, which can also invoke() and await a result. Thread-safe.
//
//     clients().others_in_group(room).send("message", context().connection_id(), text);
//     int answer = co_await clients().caller().invoke<int>("Pick", options);

#include <signalrpp/hub/client_proxy.hpp>
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/hub/send_target.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace signalrpp {

class hub_clients {
public:
    explicit hub_clients(std::shared_ptr<hub_shared_state> shared) : shared_(std::move(shared)) {}

    client_proxy all() const { return {shared_, send_target::all()}; }
    client_proxy all_except(std::vector<std::string> excluded_ids) const {
        return {shared_, send_target::all(std::move(excluded_ids))};
    }
    single_client_proxy client(std::string connection_id) const { return {shared_, std::move(connection_id)}; }
    client_proxy clients(std::vector<std::string> connection_ids) const {
        return {shared_, send_target::connections(std::move(connection_ids))};
    }
    client_proxy group(std::string name) const { return groups({std::move(name)}); }
    client_proxy groups(std::vector<std::string> names) const { return group_target(std::move(names), {}); }
    client_proxy group_except(std::string name, std::vector<std::string> excluded_ids) const {
        return group_target({std::move(name)}, std::move(excluded_ids));
    }
    client_proxy user(std::string user_id) const { return users({std::move(user_id)}); }
    client_proxy users(std::vector<std::string> user_ids) const {
        return {shared_, send_target::users(std::move(user_ids))};
    }

protected:
    client_proxy group_target(std::vector<std::string> names, std::vector<std::string> excluded) const {
        for (const auto& name : names) {
            if (name.empty()) {
                throw std::invalid_argument("Cannot send to an empty group name.");
            }
        }
        return {shared_, send_target::groups(std::move(names), std::move(excluded))};
    }

    std::shared_ptr<hub_shared_state> shared_;
};

class hub_caller_clients : public hub_clients {
public:
    hub_caller_clients(std::shared_ptr<hub_shared_state> shared, std::weak_ptr<hub_runtime> caller,
                       std::string caller_id)
        : hub_clients(std::move(shared)), caller_(std::move(caller)), caller_id_(std::move(caller_id)) {}

    /// The connection whose call is running.
    single_client_proxy caller() const { return client(caller_id_); }
    /// Every connection but the caller.
    client_proxy others() const { return all_except({caller_id_}); }
    /// The members of `group` but the caller.
    client_proxy others_in_group(std::string group) const { return group_except(std::move(group), {caller_id_}); }
    single_client_proxy client(std::string connection_id) const { return {shared_, std::move(connection_id), caller_}; }

private:
    std::weak_ptr<hub_runtime> caller_;
    std::string caller_id_;
};

} // namespace signalrpp
