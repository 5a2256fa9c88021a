#pragma once
// hub_instance_of<Hub>: a hub object of the user's type behind the runtime's hub_instance interface:
// the per-hub-type code, a few lines over reflect::dispatch.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/hub/hub.hpp>
#include <signalrpp/hub/hub_instance.hpp>
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/reflect/hub_dispatcher.hpp>

#include <exception>
#include <type_traits>

namespace signalrpp::detail {

template <class Hub>
class hub_instance_of final : public hub_instance {
public:
    /// The hub object is what `make` returns (map_hub's factory), made in place.
    template <class Make>
    hub_instance_of(hub_runtime& runtime, const Make& make) : hub_(make()) {
        if constexpr (std::is_base_of_v<signalrpp::hub, Hub>) {
            static_cast<signalrpp::hub&>(hub_).runtime_ = &runtime;
        }
    }

    std::optional<std::string_view> method_name(std::string_view wire_name) const override {
        const auto* method = reflect::dispatch_table<Hub>::find(wire_name);
        return method != nullptr ? std::optional<std::string_view>(method->name) : std::nullopt;
    }

    reflect::dispatch_result dispatch(const reflect::invocation& call, std::string& out,
                                      const reflect::sink_ref& sink,
                                      const reflect::dispatch_options& options) override {
        return reflect::dispatch(hub_, call, out, sink, options);
    }

    asio::awaitable<void> on_connected() override {
        if constexpr (requires(Hub& h) { h.on_connected(); }) {
            if constexpr (std::is_same_v<decltype(hub_.on_connected()), asio::awaitable<void>>) {
                co_await hub_.on_connected();
            } else {
                hub_.on_connected();
            }
        }
        co_return;
    }

    asio::awaitable<void> on_disconnected(std::exception_ptr error) override {
        if constexpr (requires(Hub& h) { h.on_disconnected(error); }) {
            if constexpr (std::is_same_v<decltype(hub_.on_disconnected(error)), asio::awaitable<void>>) {
                co_await hub_.on_disconnected(error);
            } else {
                hub_.on_disconnected(error);
            }
        }
        co_return;
    }

private:
    Hub hub_;
};

} // namespace signalrpp::detail
