#pragma once
// WebSocket framing (RFC 6455, section 5): opcodes, close codes, and writing frames.
// A client masks every frame it sends; a server never masks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::websocket {

enum class opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xa,
};

/// Close status codes signalrpp sends or checks (RFC 6455, 7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005; ///< never sent: a close frame without a code
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
} // namespace close_code

/// Whether a peer may send `code` in a close frame: the codes RFC 6455 and the IANA registry define
/// for the wire (1000-1003, 1007-1014) and those for applications (3000-4999).
constexpr bool valid_close_code(std::uint16_t code) noexcept {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

using masking_key = std::array<std::uint8_t, 4>;

/// XORs `data` with `key`, starting at byte `offset` of the key's cycle (eight bytes at a time).
inline void apply_mask(char* data, std::size_t size, const masking_key& key, std::size_t offset = 0) noexcept {
    unsigned char pattern[8];
    for (std::size_t i = 0; i < 8; ++i) {
        pattern[i] = key[(offset + i) & 3];
    }
    std::uint64_t word_key;
    std::memcpy(&word_key, pattern, 8);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, 8);
        word ^= word_key;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < size; ++i) {
        data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ pattern[i & 7]);
    }
}

/// Appends a frame header for a payload of `size` bytes; returns the header's length (2 to 14 bytes).
/// The payload (masked with `mask` when there is one) must follow it.
inline std::size_t append_frame_header(std::string& out, opcode op, std::uint64_t size, bool fin = true,
                                       const std::optional<masking_key>& mask = std::nullopt) {
    const std::size_t start = out.size();
    out += static_cast<char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op));
    const std::uint8_t mask_bit = mask ? 0x80 : 0x00;
    if (size < 126) {
        out += static_cast<char>(mask_bit | size);
    } else if (size <= 0xffff) {
        out += static_cast<char>(mask_bit | 126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out += static_cast<char>((size >> shift) & 0xff);
        }
    }
    if (mask) {
        out.append(reinterpret_cast<const char*>(mask->data()), 4);
    }
    return out.size() - start;
}

/// Appends one frame; with a key (the client role) the payload is masked.
inline void write_frame(std::string& out, opcode op, std::string_view payload, bool fin = true,
                        const std::optional<masking_key>& mask = std::nullopt) {
    append_frame_header(out, op, payload.size(), fin, mask);
    const std::size_t start = out.size();
    out.append(payload);
    if (mask) {
        apply_mask(out.data() + start, payload.size(), *mask);
    }
}

/// Appends a close frame with `code` and `reason` (at most 123 bytes of reason fit a control frame).
inline void write_close(std::string& out, std::uint16_t code, std::string_view reason = {},
                        const std::optional<masking_key>& mask = std::nullopt) {
    std::string payload;
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xff);
    payload.append(reason.substr(0, 123));
    write_frame(out, opcode::close, payload, true, mask);
}

} // namespace signalrpp::websocket
