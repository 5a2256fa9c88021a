#pragma once
// client_proxy: calls a client method on the connections a send_target names (ASP.NET Core's
// IClientProxy). send() writes the Invocation once per hub protocol among the connections it reaches
// (protocol::serialized_message) and queues the same bytes on each of them; it does not wait, and a
// connection that cannot take the message (closing, or too far behind: see transport::connection::send)
// just misses it. Thread-safe.
//
// single_client_proxy, for one connection, can also invoke() a client method and await its result
// (ISingleClientProxy.InvokeAsync).

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/hub_exception.hpp>
#include <signalrpp/hub/client_result.hpp>
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/hub/send_target.hpp>
#include <signalrpp/protocol/serialized_message.hpp>
#include <signalrpp/protocol/value_ref.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp {

class client_proxy {
public:
    client_proxy(std::shared_ptr<hub_shared_state> shared, send_target target)
        : shared_(std::move(shared)), target_(std::move(target)) {}

    /// Calls `method` with `args` on every connection of the target; returns how many it was queued for.
    template <hub_value... Args>
    std::size_t send(std::string_view method, const Args&... args) const {
        const auto values = protocol::value_refs(args...);
        protocol::serialized_message message(protocol::invocation_header{{}, method}, values);
        return shared_->registry.send(target_, message);
    }

    const send_target& target() const noexcept { return target_; }

protected:
    std::shared_ptr<hub_shared_state> shared_;
    send_target target_;
};

class single_client_proxy : public client_proxy {
public:
    /// `caller`: the connection whose hub method makes the call, if any (client results are refused
    /// in its on_connected, and the call stops counting against its parallel-invocation limit).
    single_client_proxy(std::shared_ptr<hub_shared_state> shared, std::string connection_id,
                        std::weak_ptr<hub_runtime> caller = {})
        : client_proxy(std::move(shared), send_target::connections({connection_id})),
          id_(std::move(connection_id)), caller_(std::move(caller)) {}

    /// Calls `method` on the client and awaits its result as T (void: just its completion). Throws
    /// hub_exception with the client's error, or when the connection does not exist or goes away, or
    /// after hub_options::client_result_timeout.
    template <class T, hub_value... Args>
    asio::awaitable<T> invoke(std::string_view method, const Args&... args) const {
        if (const auto caller = caller_.lock()) {
            if (caller->in_on_connected()) {
                throw hub_exception("Client results inside OnConnectedAsync Hub methods are not allowed.");
            }
            caller->release_invocation_slot();
        }
        auto target = std::static_pointer_cast<hub_runtime>(shared_->registry.find_state(id_));
        if (!target) {
            throw hub_exception("Connection '" + id_ + "' does not exist.");
        }
        std::string text; // the id comes later, from the connection (hub_runtime::start_client_invocation)
        const auto values = protocol::value_refs(args...);
        target->protocol().write_invocation(text, protocol::invocation_header{{}, method}, values);
        return detail::await_client_result<T>(std::move(target), std::move(text),
                                              shared_->options.client_result_timeout);
    }

private:
    std::string id_;
    std::weak_ptr<hub_runtime> caller_;
};

} // namespace signalrpp
