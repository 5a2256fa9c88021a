#pragma once
// stream_writer<T>: a hub method parameter that makes the method a streaming one (clients call it
// with StreamInvocation / stream()). Each write() sends one item; when the method returns, the stream
// ends; if it throws, the stream ends with an error.
//
//     asio::awaitable<void> counter(int count, signalrpp::stream_writer<int> out) {
//         for (int i = 0; i < count && !out.cancelled(); ++i) out.write(i);
//         co_return;
//     }
//
// The client may cancel the stream (CancelInvocation) or go away: write() then returns false and
// sends nothing, and an operation the method is awaiting is cancelled. Not thread-safe: use it from
// the invocation's coroutine.

#include <signalrpp/protocol/value_ref.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>

#include <memory>
#include <string>
#include <utility>

namespace signalrpp {

template <class T>
class stream_writer {
public:
    stream_writer() = default;
    stream_writer(std::shared_ptr<reflect::invocation_sink> sink, std::shared_ptr<reflect::result_stream_state> state)
        : sink_(std::move(sink)), state_(std::move(state)) {}

    /// Sends `item`; false (nothing sent) if the stream was cancelled.
    bool write(const T& item) {
        if (state_->cancelled) {
            return false;
        }
        std::string message;
        sink_->protocol().write_stream_item(message, state_->invocation_id, item);
        sink_->send(std::move(message));
        ++state_->items_written;
        return true;
    }

    /// The client cancelled the stream or went away.
    bool cancelled() const noexcept { return state_->cancelled; }

private:
    std::shared_ptr<reflect::invocation_sink> sink_;
    std::shared_ptr<reflect::result_stream_state> state_;
};

} // namespace signalrpp
