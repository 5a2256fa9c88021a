#pragma once
// persistent_endpoint_of<C>: the connection handler of map_connection<C>: a C object per connection,
// registered (for targeting) while it lives. persistent_context<C>: the endpoint's clients and groups
// from outside (map_connection<C>'s result).

#include <signalrpp/hub/connection_registry.hpp>
#include <signalrpp/hub/group_manager.hpp>
#include <signalrpp/persistent/persistent_connection.hpp>
#include <signalrpp/persistent/raw_proxy.hpp>
#include <signalrpp/transport/connection_handler.hpp>

#include <memory>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace signalrpp {

namespace detail {

template <class C>
class persistent_endpoint_of final : public transport::connection_handler {
    static_assert(requires(C& c, std::string_view data, bool binary) { c.on_received(data, binary); },
                  "a persistent connection class needs on_received(std::string_view data, bool binary)");

public:
    explicit persistent_endpoint_of(std::shared_ptr<connection_registry> registry) : registry_(std::move(registry)) {}

    void on_connected(const std::shared_ptr<transport::connection>& c) override {
        auto object = std::make_shared<C>();
        if constexpr (std::is_base_of_v<persistent_connection, C>) {
            auto& base = static_cast<persistent_connection&>(*object);
            base.connection_ = c;
            base.registry_ = registry_;
        }
        registry_->add(c, c->request().user ? c->request().user->user_id : std::string());
        c->set_handler_state(object);
        if constexpr (requires { object->on_connected(); }) {
            object->on_connected();
        }
    }

    void on_received(const std::shared_ptr<transport::connection>& c, std::string_view data, bool binary) override {
        if (const auto& state = c->handler_state()) {
            static_cast<C*>(state.get())->on_received(data, binary);
        }
    }

    void on_disconnected(const std::shared_ptr<transport::connection>& c, std::error_code ec) override {
        if (auto state = std::static_pointer_cast<C>(c->handler_state())) {
            if constexpr (requires { state->on_disconnected(ec); }) {
                state->on_disconnected(ec);
            }
            if constexpr (std::is_base_of_v<persistent_connection, C>) {
                static_cast<persistent_connection&>(*state).connection_.reset(); // (it held the connection)
            }
        }
        registry_->remove(c->id());
        c->set_handler_state(nullptr);
    }

private:
    std::shared_ptr<connection_registry> registry_;
};

} // namespace detail

template <class C>
class persistent_context {
public:
    explicit persistent_context(std::shared_ptr<connection_registry> registry) : registry_(std::move(registry)) {}

    raw_clients clients() const { return raw_clients(registry_); }
    group_manager groups() const { return group_manager(registry_); }
    std::size_t connection_count() const { return registry_->size(); }

private:
    std::shared_ptr<connection_registry> registry_;
};

} // namespace signalrpp
