#pragma once
// websocket::frame_reader: WebSocket frames from bytes that arrive in pieces, in either role, checked
// as RFC 6455 requires of a receiver:
//   - a server takes only masked frames, a client only unmasked ones;
//   - no reserved bits (no extension is negotiated), no unknown opcodes;
//   - control frames are whole (FIN) and at most 125 bytes, and may come between fragments;
//   - a continuation needs a message under way, a new message needs none;
//   - a close frame holds nothing, or a valid code and a UTF-8 reason;
//   - a text message is valid UTF-8; a message is no longer than the limit.
// A violation is final and says the close code to send: 1002, 1007 or 1009.
//
//     std::size_t used = reader.parse(buffer, status);  // the caller drops `used` bytes
//
// After status::message, message_opcode() and payload() hold a whole message (fragments joined);
// after ping or pong, payload() holds its data; after close, close_status() and close_reason().

#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/core/utf8.hpp>
#include <signalrpp/websocket/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::websocket {

enum class role { server, client };

struct reader_limits {
    std::size_t max_message = 1024 * 1024; ///< bytes of one message, fragments joined
};

class frame_reader {
public:
    enum class status { incomplete, message, ping, pong, close, error };

    explicit frame_reader(websocket::role role, reader_limits limits = {}) : role_(role), limits_(limits) {}

    /// Reads from the front of `data`; returns the bytes used. Stops after each event.
    std::size_t parse(std::string_view data, status& s) {
        if (failed_) {
            s = status::error;
            return 0;
        }
        if (delivered_message_) {
            message_.clear();
            delivered_message_ = false;
        }
        std::size_t used = 0;
        for (;;) {
            if (!in_frame_) {
                const std::size_t header = read_header(data.substr(used));
                if (failed_) {
                    s = status::error;
                    return used;
                }
                if (header == 0) {
                    s = status::incomplete;
                    return used;
                }
                used += header;
            }
            std::string& target = is_control() ? control_ : message_;
            const std::size_t available = data.size() - used;
            const std::size_t take = available < remaining_ ? available : static_cast<std::size_t>(remaining_);
            const std::size_t start = target.size();
            target.append(data.substr(used, take));
            if (masked_) {
                apply_mask(target.data() + start, take, key_, frame_offset_);
            }
            used += take;
            remaining_ -= take;
            frame_offset_ += take;
            if (remaining_ > 0) {
                s = status::incomplete;
                return used;
            }
            in_frame_ = false;
            if (is_control()) {
                s = finish_control();
                return used;
            }
            if (fin_) {
                s = finish_message();
                return used;
            }
        }
    }

    opcode message_opcode() const noexcept { return message_opcode_; }

    /// The message (after status::message) or the ping or pong data (after status::ping / pong).
    const std::string& payload() const noexcept { return last_was_control_ ? control_ : message_; }
    /// payload(), writable: the caller may change the bytes until the next parse().
    std::span<char> writable_payload() noexcept {
        std::string& p = last_was_control_ ? control_ : message_;
        return {p.data(), p.size()};
    }

    /// The code of a received close frame; 1005 (no_status) when it had none.
    std::uint16_t close_status() const noexcept { return close_status_; }
    std::string_view close_reason() const noexcept { return close_reason_; }

    /// Lets go of the storage kept from earlier messages, unless a message is under way: called when a
    /// connection goes idle, so that an idle connection holds no buffer. The message buffer goes to the
    /// thread's spare, for the next message.
    void release_memory() {
        if (!in_message_ && !in_frame_) {
            signalrpp::detail::spare_buffer<frame_reader>::give(message_);
            signalrpp::detail::release_storage(control_);
            delivered_message_ = false;
        }
    }

    /// After status::error: the close code to send (1002, 1007 or 1009) and why.
    std::uint16_t error_code() const noexcept { return error_code_; }
    const std::string& error_reason() const noexcept { return error_reason_; }

private:
    bool is_control() const noexcept { return (static_cast<std::uint8_t>(frame_opcode_) & 0x8) != 0; }

    void fail(std::uint16_t code, std::string reason) {
        failed_ = true;
        error_code_ = code;
        error_reason_ = std::move(reason);
    }

    // Reads and checks a frame header; returns its length, 0 if it is not all there (or on error).
    std::size_t read_header(std::string_view data) {
        if (data.size() < 2) {
            return 0;
        }
        const auto b0 = static_cast<std::uint8_t>(data[0]);
        const auto b1 = static_cast<std::uint8_t>(data[1]);
        const bool masked = (b1 & 0x80) != 0;
        const std::uint8_t length7 = b1 & 0x7f;
        const std::size_t length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        const std::size_t size = 2 + length_bytes + (masked ? 4 : 0);
        if (data.size() < size) {
            return 0;
        }
        const std::uint8_t op = b0 & 0x0f;
        if ((b0 & 0x70) != 0) {
            fail(close_code::protocol_error, "Reserved bits set");
            return 0;
        }
        if (op != 0x0 && op != 0x1 && op != 0x2 && op != 0x8 && op != 0x9 && op != 0xa) {
            fail(close_code::protocol_error, "Unknown opcode");
            return 0;
        }
        if (role_ == websocket::role::server && !masked) {
            fail(close_code::protocol_error, "Client frames must be masked");
            return 0;
        }
        if (role_ == websocket::role::client && masked) {
            fail(close_code::protocol_error, "Server frames must not be masked");
            return 0;
        }
        std::uint64_t length = length7;
        if (length_bytes > 0) {
            length = 0;
            for (std::size_t i = 0; i < length_bytes; ++i) {
                length = length << 8 | static_cast<std::uint8_t>(data[2 + i]);
            }
            if (length_bytes == 8 && (length >> 63) != 0) {
                fail(close_code::protocol_error, "Invalid payload length");
                return 0;
            }
        }
        const bool fin = (b0 & 0x80) != 0;
        frame_opcode_ = static_cast<opcode>(op);
        if (is_control()) {
            if (!fin || length > 125) {
                fail(close_code::protocol_error, "Control frames must be whole and at most 125 bytes");
                return 0;
            }
            control_.clear();
        } else if (frame_opcode_ == opcode::continuation) {
            if (!in_message_) {
                fail(close_code::protocol_error, "Continuation frame without a message");
                return 0;
            }
        } else {
            if (in_message_) {
                fail(close_code::protocol_error, "New message before the last one ended");
                return 0;
            }
            in_message_ = true;
            message_opcode_ = frame_opcode_;
            message_.clear();
            signalrpp::detail::spare_buffer<frame_reader>::take(message_);
        }
        if (!is_control() && length > limits_.max_message - message_.size()) {
            fail(close_code::message_too_big, "Message too big");
            return 0;
        }
        fin_ = fin;
        masked_ = masked;
        if (masked) {
            for (std::size_t i = 0; i < 4; ++i) {
                key_[i] = static_cast<std::uint8_t>(data[2 + length_bytes + i]);
            }
        }
        remaining_ = length;
        frame_offset_ = 0;
        in_frame_ = true;
        return size;
    }

    status finish_control() {
        last_was_control_ = true;
        switch (frame_opcode_) {
        case opcode::ping: return status::ping;
        case opcode::pong: return status::pong;
        default: break;
        }
        // close
        close_reason_.clear();
        if (control_.empty()) {
            close_status_ = close_code::no_status;
            return status::close;
        }
        if (control_.size() == 1) {
            fail(close_code::protocol_error, "Close frame with a one-byte payload");
            return status::error;
        }
        close_status_ = static_cast<std::uint16_t>(static_cast<std::uint8_t>(control_[0]) << 8 |
                                                   static_cast<std::uint8_t>(control_[1]));
        if (!valid_close_code(close_status_)) {
            fail(close_code::protocol_error, "Invalid close code");
            return status::error;
        }
        close_reason_.assign(control_, 2);
        if (!utf8::valid(close_reason_)) {
            fail(close_code::invalid_payload, "Close reason is not valid UTF-8");
            return status::error;
        }
        return status::close;
    }

    status finish_message() {
        in_message_ = false;
        last_was_control_ = false;
        if (message_opcode_ == opcode::text && !utf8::valid(message_)) {
            fail(close_code::invalid_payload, "Text message is not valid UTF-8");
            return status::error;
        }
        delivered_message_ = true;
        return status::message;
    }

    websocket::role role_;
    reader_limits limits_;

    // The frame being read.
    bool in_frame_ = false;
    opcode frame_opcode_ = opcode::continuation;
    bool fin_ = false;
    bool masked_ = false;
    masking_key key_{};
    std::uint64_t remaining_ = 0;
    std::size_t frame_offset_ = 0;

    // The message being assembled, and the last control frame.
    bool in_message_ = false;
    bool delivered_message_ = false;
    bool last_was_control_ = false;
    opcode message_opcode_ = opcode::text;
    std::string message_;
    std::string control_;
    std::uint16_t close_status_ = close_code::no_status;
    std::string close_reason_;

    bool failed_ = false;
    std::uint16_t error_code_ = 0;
    std::string error_reason_;
};

} // namespace signalrpp::websocket
