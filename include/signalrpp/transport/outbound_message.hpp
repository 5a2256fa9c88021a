#pragma once
// outbound_message: one message queued for a connection's transport. It owns its bytes, or shares an
// immutable buffer with other connections (a message sent to a group is serialized once and queued
// for every member). `binary` picks the WebSocket frame type (text otherwise). Transports that have
// written a message give its storage back (recycle()) for the next message built with new_buffer().
//
// A message made by records() holds whole records of a hub protocol, which say where each ends: such
// messages queued one after another may travel as one transport message (join()), as ASP.NET Core's
// transports send whatever its pipe holds at once. A raw message never joins another: its bounds are
// the application's.

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

    /// Whole records of a hub protocol, which may share a transport message with the records queued next.
    static outbound_message records(std::string bytes, bool binary = false) {
        outbound_message m(std::move(bytes), binary);
        m.records_ = true;
        return m;
    }

    /// Whether `size` bytes of records (binary or text) may be appended to this message: it holds
    /// records of that kind in bytes of its own, and together they are not over `max_joined` (storage
    /// that is still recycled).
    bool joins(std::size_t size, bool binary) const noexcept {
        return records_ && !shared_ && binary_ == binary && owned_.size() + size <= max_joined;
    }
    bool joins(const outbound_message& next) const noexcept {
        return next.records_ && !next.shared_ && joins(next.owned_.size(), next.binary_);
    }
    static constexpr std::size_t max_joined = signalrpp::detail::spare_strings<outbound_message>::max_kept;

    /// Appends records (joins() must hold). Storage that must grow grows at once to `max_joined`, exactly
    /// (as a string's own growth would not): the most a joined message can hold, so it grows at most once,
    /// and still small enough to be recycled.
    void append(std::string_view records) {
        if (owned_.capacity() < owned_.size() + records.size()) {
            std::string grown;
            grown.reserve(max_joined);
            grown.append(owned_);
            owned_.swap(grown);
        }
        owned_.append(records);
    }

    /// Appends `next`'s records (joins(next) must hold) and recycles its storage.
    void join(outbound_message& next) {
        append(next.owned_);
        next.recycle();
    }

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
    bool records_ = false;
};

} // namespace signalrpp::transport
