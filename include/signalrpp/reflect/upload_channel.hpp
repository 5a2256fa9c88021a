#pragma once
// upload_channel<T>: the queue between a client-to-server stream's StreamItems and the stream_reader<T>
// a hub method reads them from. Items are bound to T as they arrive; the runtime applies backpressure
// once full() (ASP.NET Core's StreamBufferCapacity, 10 by default). Used on one strand only.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/protocol/wire_value.hpp>

#include <asio/error.hpp>
#include <asio/steady_timer.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace signalrpp::reflect {

/// The runtime's view of an upload stream, whatever its item type.
class upload_channel_base {
public:
    virtual ~upload_channel_base() = default;

    /// Binds and queues one item; false if it does not hold the item type (the stream then ends).
    virtual bool push(const protocol::wire_value& item) = 0;

    /// The client ended the stream: cleanly, or with its error text.
    virtual void complete(std::optional<std::string> error = std::nullopt) = 0;

    /// Holds as many items as it may: stop reading from the connection until the method takes some.
    virtual bool full() const = 0;

    /// Sets how many items it holds before full() (hub_options::stream_buffer_capacity).
    virtual void set_capacity(std::size_t capacity) = 0;

    /// `f` is called (on the channel's strand) when the method takes an item from a full channel.
    virtual void on_space(std::function<void()> f) = 0;
};

template <class T>
class upload_channel final : public upload_channel_base {
public:
    static constexpr std::size_t default_capacity = 10;

    explicit upload_channel(std::size_t capacity = default_capacity) : capacity_(capacity) {}

    bool push(const protocol::wire_value& item) override {
        if (done_) {
            return false;
        }
        T value{};
        if (!item.read(value)) {
            complete(std::nullopt);
            return false;
        }
        items_.push_back(std::move(value));
        wake();
        return true;
    }

    void complete(std::optional<std::string> error) override {
        if (!done_) {
            done_ = true;
            error_ = std::move(error);
            wake();
        }
    }

    bool full() const override { return items_.size() >= capacity_; }

    void set_capacity(std::size_t capacity) override { capacity_ = capacity; }

    void on_space(std::function<void()> f) override { on_space_ = std::move(f); }

    /// Takes the next item into `out`, or empties `out` if the stream has ended (see error()); false if
    /// there is nothing yet (wait on waiter() and try again).
    bool try_take(std::optional<T>& out) {
        if (!items_.empty()) {
            const bool was_full = full();
            out.emplace(std::move(items_.front()));
            items_.pop_front();
            if (was_full && on_space_) {
                on_space_();
            }
            return true;
        }
        if (done_) {
            out.reset();
            return true;
        }
        return false;
    }

    const std::optional<std::string>& error() const noexcept { return error_; }

    /// The timer a waiting reader suspends on; created on first use with the reader's executor.
    template <class Executor>
    asio::steady_timer& waiter(const Executor& executor) {
        if (!waiter_) {
            waiter_.emplace(executor, asio::steady_timer::time_point::max());
        }
        waiter_->expires_at(asio::steady_timer::time_point::max());
        return *waiter_;
    }

private:
    void wake() {
        if (waiter_) {
            waiter_->cancel();
        }
    }

    std::deque<T> items_;
    std::size_t capacity_;
    bool done_ = false;
    std::optional<std::string> error_;
    std::optional<asio::steady_timer> waiter_;
    std::function<void()> on_space_;
};

} // namespace signalrpp::reflect
