#pragma once
// The binary protocols' framing (MessagePack): each message is preceded by its length as a VarInt,
// 7 bits a byte, lowest bits first, the top bit set on every byte but the last. A length takes at most
// 5 bytes and is below 2 GiB (the fifth byte at most 0x07), as ASP.NET Core reads it.
//
// write_length_prefix() writes a prefix; length_prefixed_reader hands out whole messages from bytes that
// arrive in pieces of any size:
// - A frame (prefix and message) must fit in `max_frame_size` bytes (0: no limit). The length is known
//   from the prefix, so a frame too large is reported as soon as its prefix is there, before its
//   message is waited for or stored: a peer cannot make the reader grow by more than the limit plus
//   one appended piece.
// - A prefix longer than 5 bytes, or of 2 GiB or more, is malformed ("Messages over 2GB in size are not
//   supported.", the reference's text); the connection must end.

#include <signalrpp/protocol/detail/drop_handed_out.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

inline constexpr std::size_t max_length_prefix_size = 5;
inline constexpr std::string_view oversized_length_prefix_error = "Messages over 2GB in size are not supported.";

/// Appends `length`'s VarInt prefix to `out`.
inline void write_length_prefix(std::string& out, std::size_t length) {
    do {
        auto byte = static_cast<unsigned char>(length & 0x7f);
        length >>= 7;
        if (length > 0) {
            byte |= 0x80;
        }
        out.push_back(static_cast<char>(byte));
    } while (length > 0);
}

class length_prefixed_reader {
public:
    enum class status {
        message,    ///< a whole message was handed out
        incomplete, ///< no whole message yet: append more
        too_large,  ///< the next frame is longer than the limit: the connection must end
        malformed,  ///< the next length prefix is invalid (oversized_length_prefix_error): the connection must end
    };

    explicit length_prefixed_reader(std::size_t max_frame_size = 0) noexcept : max_frame_size_(max_frame_size) {}

    /// Adds received bytes (copied). Invalidates the message handed out last.
    void append(std::string_view bytes) {
        compact();
        buffer_.append(bytes);
    }

    /// The next whole message, without its prefix. Valid until the next call to append() or next().
    status next(std::string_view& message) {
        compact();
        const std::string_view available = std::string_view(buffer_).substr(start_);
        std::uint64_t length = 0;
        std::size_t prefix = 0;
        for (;;) {
            if (prefix == available.size()) {
                return status::incomplete;
            }
            const auto byte = static_cast<unsigned char>(available[prefix]);
            length |= std::uint64_t{byte & 0x7fu} << (7 * prefix);
            ++prefix;
            if ((byte & 0x80) == 0) {
                if (prefix == max_length_prefix_size && byte > 0x07) {
                    return status::malformed;
                }
                break;
            }
            if (prefix == max_length_prefix_size) {
                return status::malformed;
            }
        }
        if (max_frame_size_ != 0 && prefix + length > max_frame_size_) { // (length < 2^31: no overflow)
            return status::too_large;
        }
        if (available.size() - prefix < length) {
            return status::incomplete;
        }
        message = available.substr(prefix, static_cast<std::size_t>(length));
        handed_out_ = prefix + static_cast<std::size_t>(length);
        return status::message;
    }

    /// Bytes received and not yet handed out as part of a message.
    std::size_t buffered() const noexcept { return buffer_.size() - start_ - handed_out_; }

    std::size_t max_frame_size() const noexcept { return max_frame_size_; }

    /// The bytes received and not yet handed out, taken out of the reader, which is left empty.
    std::string take_buffered() {
        compact();
        std::string rest = buffer_.substr(start_);
        buffer_.clear();
        start_ = 0;
        return rest;
    }

    /// Gives the buffer's memory back when nothing is buffered: an idle connection holds none.
    void release_memory() {
        compact();
        if (buffer_.empty()) {
            std::string().swap(buffer_);
        }
    }

private:
    void compact() { detail::drop_handed_out(buffer_, start_, handed_out_); }

    std::string buffer_;
    std::size_t start_ = 0;      // where unread bytes begin
    std::size_t handed_out_ = 0; // length (with prefix) of the message handed out last
    std::size_t max_frame_size_;
};

} // namespace signalrpp::protocol
