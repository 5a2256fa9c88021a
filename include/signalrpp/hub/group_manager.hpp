#pragma once
// group_manager: adds connections to named groups and removes them (ASP.NET Core's IGroupManager).
// Group names are case-sensitive; adding twice or removing a non-member does nothing; an unknown
// connection id is ignored; connections leave their groups when they end. Thread-safe.

#include <signalrpp/hub/connection_registry.hpp>

#include <memory>
#include <string>
#include <utility>

namespace signalrpp {

class group_manager {
public:
    explicit group_manager(std::shared_ptr<connection_registry> registry) : registry_(std::move(registry)) {}

    void add(const std::string& connection_id, const std::string& group) const {
        registry_->add_to_group(connection_id, group);
    }
    void remove(const std::string& connection_id, const std::string& group) const {
        registry_->remove_from_group(connection_id, group);
    }

private:
    std::shared_ptr<connection_registry> registry_;
};

} // namespace signalrpp
