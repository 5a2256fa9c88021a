#pragma once
// hub_endpoint<Hub>: the connection handler of a mapped hub: gives each connection a hub_connection
// (the protocol runtime) with its own Hub object, made by the hub factory, and feeds it the
// connection's bytes.

#include <signalrpp/hub/hub_connection.hpp>
#include <signalrpp/hub/hub_heartbeat.hpp>
#include <signalrpp/hub/hub_instance_of.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/connection_handler.hpp>

#include <asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace signalrpp {

template <class Hub>
class hub_endpoint final : public transport::connection_handler {
public:
    /// Makes a Hub object for each connection (its dependencies given), on the connection's strand.
    using factory = std::function<Hub()>;

    hub_endpoint(const asio::any_io_executor& ex, std::shared_ptr<hub_shared_state> shared, factory make)
        : shared_(std::move(shared)), heartbeat_(std::make_shared<hub_heartbeat>(ex)), make_(std::move(make)) {}

    const std::shared_ptr<hub_shared_state>& shared() const noexcept { return shared_; }

    void on_connected(const std::shared_ptr<transport::connection>& c) override {
        auto runtime = std::make_shared<hub_connection>(c, shared_);
        runtime->set_hub(std::make_unique<detail::hub_instance_of<Hub>>(*runtime, make_));
        heartbeat_->add(runtime);
        c->set_handler_state(std::move(runtime));
    }

    void on_received(const std::shared_ptr<transport::connection>& c, std::string_view data, bool) override {
        if (const auto& state = c->handler_state()) {
            static_cast<hub_connection*>(state.get())->receive(data);
        }
    }

    std::string closing_message(const transport::connection& c) override {
        const auto runtime = std::static_pointer_cast<hub_connection>(shared_->registry.find_state(c.id()));
        return runtime ? runtime->closing_message() : std::string();
    }

    void on_disconnected(const std::shared_ptr<transport::connection>& c, std::error_code ec) override {
        auto runtime = std::static_pointer_cast<hub_connection>(c->handler_state());
        if (runtime) {
            heartbeat_->remove(runtime);
            runtime->disconnected(ec);
        }
        c->set_handler_state(nullptr);
    }

private:
    std::shared_ptr<hub_shared_state> shared_;
    std::shared_ptr<hub_heartbeat> heartbeat_;
    factory make_;
};

} // namespace signalrpp
