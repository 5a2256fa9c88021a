#pragma once
// signalrpp::persistent_connection: the base of a raw, non-hub endpoint's class (map_connection<C>):
// messages arrive as they were sent (no hub protocol, no handshake) and go out as given. One C object
// per connection; its on_connected(), on_received(data, binary) (required) and
// on_disconnected(std::error_code) run on the connection's strand, in order.
//
//     struct echo : signalrpp::persistent_connection {
//         void on_received(std::string_view data, bool binary) { send(data, binary); }
//     };
//     server.map_connection<echo>("/echo");
//
// From the object: its connection's id and request, send() to itself, clients() for everyone else,
// groups() to join and leave groups.

#include <signalrpp/hub/connection_registry.hpp>
#include <signalrpp/hub/group_manager.hpp>
#include <signalrpp/persistent/raw_proxy.hpp>
#include <signalrpp/transport/connection.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace signalrpp {

namespace detail {
template <class C>
class persistent_endpoint_of;
}

class persistent_connection {
public:
    /// This connection's public id.
    const std::string& connection_id() const { return connection_->id(); }
    /// The request that opened its transport.
    const transport::request_snapshot& request() const { return connection_->request(); }
    /// The connection itself (close(), abort(), transport()).
    const std::shared_ptr<transport::connection>& connection() const { return connection_; }

    /// Sends `data` to this connection.
    bool send(std::string_view data, bool binary = false) const {
        return connection_->send(std::string(data), binary);
    }

    /// The endpoint's connections, by target.
    raw_clients clients() const { return raw_clients(registry_); }
    /// Groups of the endpoint's connections.
    group_manager groups() const { return group_manager(registry_); }

private:
    template <class C>
    friend class detail::persistent_endpoint_of;

    std::shared_ptr<transport::connection> connection_;
    std::shared_ptr<connection_registry> registry_;
};

} // namespace signalrpp
