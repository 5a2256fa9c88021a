#pragma once
// await_client_result<T>: sends a server-to-client invocation that wants an answer (written without its
// id, which the connection chooses) and waits for the client's Completion (ASP.NET Core's client
// results): its result bound to T, or the client's error, as a hub_exception. Also fails with a
// hub_exception when the connection goes away ("Connection '<id>' disconnected.") or when no answer
// comes within the timeout ("Invocation canceled by the server."). The awaiting coroutine may run on
// any executor.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/hub_exception.hpp>
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/protocol/wire_value.hpp>

#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace signalrpp::detail {

// Where the client's answer meets the waiting coroutine.
template <class T>
struct client_result_state {
    explicit client_result_state(const asio::any_io_executor& ex) : timer(ex) {}

    std::mutex mutex;
    bool done = false;
    std::optional<std::string> error;
    std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
    asio::steady_timer timer; // expires at the timeout; cancelled when the answer is in
};

template <class T>
asio::awaitable<T> await_client_result(std::shared_ptr<hub_runtime> target, std::string message,
                                       std::chrono::milliseconds timeout) {
    auto state = std::make_shared<client_result_state<T>>(co_await asio::this_coro::executor);
    if (timeout.count() > 0) {
        state->timer.expires_after(timeout);
    } else {
        state->timer.expires_at(asio::steady_timer::time_point::max());
    }
    target->start_client_invocation(
        std::move(message), state.get(),
        [state](const protocol::wire_value& result, std::optional<std::string_view> error) {
            {
                std::lock_guard lock(state->mutex);
                state->done = true;
                if (error) {
                    state->error.emplace(*error);
                } else if constexpr (!std::is_void_v<T>) {
                    T value{};
                    if (result.present() && result.read(value)) {
                        state->value.emplace(std::move(value));
                    } else {
                        state->error.emplace(!result.present() ? "Client didn't provide a result."
                                                               : "Error trying to deserialize result to the expected type.");
                    }
                }
            }
            asio::post(state->timer.get_executor(), [state] { state->timer.cancel(); });
        });
    asio::error_code woken;
    co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, woken));
    std::unique_lock lock(state->mutex);
    if (!state->done) {
        lock.unlock();
        target->cancel_client_invocation(state.get());
        throw hub_exception("Invocation canceled by the server.");
    }
    if (state->error) {
        throw hub_exception(*state->error);
    }
    if constexpr (!std::is_void_v<T>) {
        co_return std::move(*state->value);
    }
}

} // namespace signalrpp::detail
