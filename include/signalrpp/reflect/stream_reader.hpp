#pragma once
// stream_reader<T>: a hub method parameter that receives a client-to-server stream. The client passes
// the stream by id (`streamIds`), not among the arguments, and sends its items as StreamItems:
//
//     asio::awaitable<std::string> concat(signalrpp::stream_reader<std::string> parts) {
//         std::string all;
//         while (auto part = co_await parts.read()) all += *part;
//         co_return all;
//     }
//
// read() suspends until an item arrives; it returns nothing once the client completed the stream, and
// throws signalrpp::hub_exception with the client's text if the client completed it with an error.
// Use it from the invocation's coroutine only (it is not thread-safe).

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/hub_exception.hpp>
#include <signalrpp/reflect/upload_channel.hpp>

#include <asio/error_code.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <memory>
#include <optional>
#include <utility>

namespace signalrpp {

template <class T>
class stream_reader {
public:
    stream_reader() = default;
    explicit stream_reader(std::shared_ptr<reflect::upload_channel<T>> channel) : channel_(std::move(channel)) {}

    /// The next item, or nothing at the end of the stream.
    asio::awaitable<std::optional<T>> read() {
        std::optional<T> item;
        while (!channel_->try_take(item)) {
            auto& waiter = channel_->waiter(co_await asio::this_coro::executor);
            asio::error_code woken; // cancelled: something arrived
            co_await waiter.async_wait(asio::redirect_error(asio::use_awaitable, woken));
        }
        if (!item && channel_->error()) {
            throw hub_exception(*channel_->error());
        }
        co_return item;
    }

private:
    std::shared_ptr<reflect::upload_channel<T>> channel_;
};

} // namespace signalrpp
