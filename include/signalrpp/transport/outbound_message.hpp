#pragma once
// outbound_message: one message queued for a connection's transport. It owns its bytes, or shares an
// immutable buffer with other connections (a message sent to a group is serialized once and queued
// for every member). `binary` picks the WebSocket frame type (text otherwise).

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

private:
    std::shared_ptr<const std::string> shared_;
    std::string owned_;
    bool binary_ = false;
};

} // namespace signalrpp::transport
