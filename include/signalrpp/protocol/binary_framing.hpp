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
// - Bytes the caller may let the reader change (a WebSocket message just unmasked) can be lent rather
//   than appended: the whole messages in them are handed out where they are, without a copy, and only
//   what is left over (the start of a message) is copied in, by keep_lent(), before the bytes go away.

#include <signalrpp/protocol/detail/drop_handed_out.hpp>
#include <signalrpp/protocol/detail/lent_bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
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
        keep_lent();
        compact();
        buffer_.append(bytes);
    }

    /// Adds received bytes without copying them, when nothing is buffered before them (else they are
    /// appended): next() hands out the messages in them where they are. Call keep_lent() before the
    /// bytes go away. Invalidates the message handed out last.
    void lend(std::span<char> bytes) {
        keep_lent();
        compact();
        lent_.lend_or_append(buffer_, bytes);
    }

    /// Copies what is left of the lent bytes (unread, or a message's start) into the reader's buffer.
    void keep_lent() {
        const std::span<char> rest = lent_.end();
        buffer_.append(rest.data(), rest.size());
    }

    /// Whether messages are handed out of lent bytes (from lend() to keep_lent()).
    bool lending() const noexcept { return lent_.lending(); }

    /// The next whole message, without its prefix. Valid until the next call to append(), lend() or
    /// next(), or until lent bytes it is in go away.
    status next(std::string_view& message) {
        if (lending()) {
            const std::span<char> lent = lent_.rest();
            const status got = next_in({lent.data(), lent.size()}, message);
            if (got == status::message) {
                lent_.consume(static_cast<std::size_t>(message.data() + message.size() - lent.data()));
            } else if (got == status::incomplete) {
                keep_lent(); // the start of a message: completed by the next bytes
            }
            return got;
        }
        compact();
        const status got = next_in(std::string_view(buffer_).substr(start_), message);
        if (got == status::message) {
            handed_out_ = static_cast<std::size_t>(message.data() + message.size() - (buffer_.data() + start_));
        }
        return got;
    }

    /// Bytes received and not yet handed out as part of a message.
    std::size_t buffered() const noexcept { return buffer_.size() - start_ - handed_out_ + lent_.rest().size(); }

    std::size_t max_frame_size() const noexcept { return max_frame_size_; }

    /// The bytes received and not yet handed out, taken out of the reader, which is left empty.
    std::string take_buffered() {
        keep_lent();
        compact();
        return detail::take_unread(buffer_, start_);
    }

    /// Gives the buffer's memory back when nothing is buffered: an idle connection holds none.
    void release_memory() {
        compact();
        if (buffer_.empty()) {
            std::string().swap(buffer_);
        }
    }

private:
    // The first whole message in `available`, which starts with its prefix.
    status next_in(std::string_view available, std::string_view& message) const {
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
        return status::message;
    }

    void compact() { detail::drop_handed_out(buffer_, start_, handed_out_); }

    std::string buffer_;
    std::size_t start_ = 0;      // where unread bytes begin
    std::size_t handed_out_ = 0; // length (with prefix) of the message handed out last
    std::size_t max_frame_size_;
    detail::lent_bytes lent_;
};

} // namespace signalrpp::protocol
