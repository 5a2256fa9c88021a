#pragma once
// outbound_message: one message queued for a connection's transport. It owns its bytes, or shares an
// immutable buffer with other connections (a message sent to a group is serialized once and queued
// for every member). `binary` picks the WebSocket frame type (text otherwise). Transports that have
// written a message give its storage back (recycle()) for the next message built with new_buffer().

#include <signalrpp/core/spare_buffer.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::transport {

class outbound_message {
public:
    outbound_message() = default;
    explicit outbound_message(std::string bytes, bool binary = false)
        : owned_(std::move(bytes)), binary_(binary) {}
    explicit outbound_message(std::shared_ptr<const std::string> shared, bool binary = false)
        : shared_(std::move(shared)), binary_(binary) {}

    std::string_view bytes() const noexcept {
        return shared_ ? std::string_view(*shared_) : std::string_view(owned_);
    }
    std::size_t size() const noexcept { return bytes().size(); }
    bool binary() const noexcept { return binary_; }

    /// An empty string to build a message in: with the storage of a message written before, when this
    /// thread has one (busy connections then do not allocate a buffer per message).
    static std::string new_buffer() noexcept { return signalrpp::detail::spare_strings<outbound_message>::take(); }

    /// Once written: gives the storage of owned bytes back for new_buffer(). The message is left empty.
    void recycle() noexcept { signalrpp::detail::spare_strings<outbound_message>::give(owned_); }

private:
    std::shared_ptr<const std::string> shared_;
    std::string owned_;
    bool binary_ = false;
};

} // namespace signalrpp::transport
