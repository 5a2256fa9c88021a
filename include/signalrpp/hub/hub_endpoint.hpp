#pragma once
// hub_endpoint: the connection handler of a mapped hub: gives each connection a hub_server_connection (the
// protocol runtime) with its own hub object, made by the hub's factory (map_hub wraps the user's
// factory so that nothing here depends on the hub's type), and feeds it the connection's bytes.

#include <signalrpp/hub/hub_server_connection.hpp>
#include <signalrpp/hub/hub_heartbeat.hpp>
#include <signalrpp/hub/hub_instance.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/connection_handler.hpp>

#include <asio/any_io_executor.hpp>

#include <memory>
#include <span>
#include <string>
#include <utility>

namespace signalrpp {

class hub_endpoint final : public transport::connection_handler {
public:
    /// `make` is called for each connection, on the connection's strand.
    hub_endpoint(const asio::any_io_executor& ex, std::shared_ptr<hub_shared_state> shared,
                 detail::hub_instance_factory make)
        : shared_(std::move(shared)), heartbeat_(std::make_shared<hub_heartbeat>(ex)), make_(std::move(make)) {}

    const std::shared_ptr<hub_shared_state>& shared() const noexcept { return shared_; }

    void on_connected(const std::shared_ptr<transport::connection>& c) override {
        auto runtime = std::make_shared<hub_server_connection>(c, shared_);
        runtime->set_hub(make_(*runtime));
        heartbeat_->add(runtime);
        c->set_handler_state(std::move(runtime));
    }

    void on_received(const std::shared_ptr<transport::connection>& c, std::string_view data, bool) override {
        if (const auto& state = c->handler_state()) {
            static_cast<hub_server_connection*>(state.get())->receive(data);
        }
    }

    void on_received_writable(const std::shared_ptr<transport::connection>& c, std::span<char> data, bool) override {
        if (const auto& state = c->handler_state()) {
            static_cast<hub_server_connection*>(state.get())->receive_in_place(data);
        }
    }

    std::string closing_message(const transport::connection& c) override {
        const auto runtime = std::static_pointer_cast<hub_server_connection>(
            std::static_pointer_cast<hub_runtime>(shared_->registry.find_state(c.id())));
        return runtime ? runtime->closing_message() : std::string();
    }

    void on_disconnected(const std::shared_ptr<transport::connection>& c, std::error_code ec) override {
        auto runtime = std::static_pointer_cast<hub_server_connection>(c->handler_state());
        if (runtime) {
            heartbeat_->remove(runtime);
            runtime->disconnected(ec);
        }
        c->set_handler_state(nullptr);
    }

private:
    std::shared_ptr<hub_shared_state> shared_;
    std::shared_ptr<hub_heartbeat> heartbeat_;
    detail::hub_instance_factory make_;
};

} // namespace signalrpp
