#pragma once
// hub_instance: the one part of a hub connection that depends on the hub's type: the user's hub object
// and the calls into it (dispatch, on_connected, on_disconnected). The rest of the runtime
// (hub_server_connection) is compiled once for every hub.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/reflect/invocation.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <optional>
#include <string_view>

namespace signalrpp {
class hub_runtime;
}

namespace signalrpp::detail {

class hub_instance {
public:
    virtual ~hub_instance() = default;

    /// The wire name as the hub declares it of the method `wire_name` names (in any case), or nullopt
    /// when the hub has none of that name.
    virtual std::optional<std::string_view> method_name(std::string_view wire_name) const = 0;

    /// Runs a client's call (see reflect::dispatch).
    virtual reflect::dispatch_result dispatch(const reflect::invocation& call, std::string& out,
                                              const reflect::sink_ref& sink,
                                              const reflect::dispatch_options& options) = 0;

    /// The hub's on_connected / on_disconnected, if it has them (otherwise they finish at once).
    virtual asio::awaitable<void> on_connected() = 0;
    virtual asio::awaitable<void> on_disconnected(std::exception_ptr error) = 0;
};

/// Makes the hub object of a new connection's runtime: map_hub's factory, with the hub's type erased.
using hub_instance_factory = std::function<std::unique_ptr<hub_instance>(hub_runtime&)>;

} // namespace signalrpp::detail
