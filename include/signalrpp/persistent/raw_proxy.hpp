#pragma once
// raw_proxy: sends raw messages (no hub protocol) to the connections a send_target names, on a
// persistent-connection endpoint. The bytes are queued once, shared by every connection reached; text
// stays text and binary stays binary (the WebSocket frame type). Thread-safe; does not wait.

#include <signalrpp/hub/connection_registry.hpp>
#include <signalrpp/hub/send_target.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp {

class raw_proxy {
public:
    raw_proxy(std::shared_ptr<connection_registry> registry, send_target target)
        : registry_(std::move(registry)), target_(std::move(target)) {}

    /// Queues `data` on every connection of the target; returns how many took it.
    std::size_t send(std::string_view data, bool binary = false) const {
        return registry_->send(target_, std::make_shared<const std::string>(data), binary);
    }

private:
    std::shared_ptr<connection_registry> registry_;
    send_target target_;
};

/// The connections of a persistent-connection endpoint, by target: all, all but some, one, several,
/// a group, several groups, a user.
class raw_clients {
public:
    explicit raw_clients(std::shared_ptr<connection_registry> registry) : registry_(std::move(registry)) {}

    raw_proxy all() const { return {registry_, send_target::all()}; }
    raw_proxy all_except(std::vector<std::string> ids) const { return {registry_, send_target::all(std::move(ids))}; }
    raw_proxy client(std::string id) const { return {registry_, send_target::connections({std::move(id)})}; }
    raw_proxy clients(std::vector<std::string> ids) const { return {registry_, send_target::connections(std::move(ids))}; }
    raw_proxy group(std::string name) const { return {registry_, send_target::groups({std::move(name)})}; }
    raw_proxy groups(std::vector<std::string> names) const { return {registry_, send_target::groups(std::move(names))}; }
    raw_proxy user(std::string id) const { return {registry_, send_target::users({std::move(id)})}; }

private:
    std::shared_ptr<connection_registry> registry_;
};

} // namespace signalrpp
