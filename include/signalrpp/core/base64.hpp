#pragma once
// Base64 (RFC 4648) in its two alphabets:
// - standard, padded with '=': how .NET and JavaScript peers write byte arrays in JSON;
// - url, unpadded: connection ids and tokens, which travel in query strings.
// Decoding is strict: no whitespace, no characters of the other alphabet, padding only where it belongs.

#include <signalrpp/core/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace signalrpp::base64 {

enum class alphabet { standard, url };

/// Characters needed to encode `size` bytes.
constexpr std::size_t encoded_size(std::size_t size, alphabet a = alphabet::standard) noexcept {
    return a == alphabet::standard ? (size + 2) / 3 * 4 : (size * 4 + 2) / 3;
}

namespace detail {

constexpr std::string_view standard_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table(std::string_view chars) {
    std::array<std::uint8_t, 256> table{};
    for (auto& entry : table) {
        entry = invalid;
    }
    for (std::size_t i = 0; i < chars.size(); ++i) {
        table[static_cast<unsigned char>(chars[i])] = static_cast<std::uint8_t>(i);
    }
    return table;
}

constexpr auto standard_table = make_decode_table(standard_chars);
constexpr auto url_table = make_decode_table(url_chars);

} // namespace detail

/// Appends the encoding of `data` to `out`.
inline void encode(std::span<const std::byte> data, std::string& out, alphabet a = alphabet::standard) {
    const std::string_view chars = a == alphabet::standard ? detail::standard_chars : detail::url_chars;
    const auto at = [&](std::size_t i) { return static_cast<unsigned>(data[i]); };
    out.reserve(out.size() + encoded_size(data.size(), a));
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const unsigned n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out += chars[n >> 18 & 63];
        out += chars[n >> 12 & 63];
        out += chars[n >> 6 & 63];
        out += chars[n & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest == 0) {
        return;
    }
    const unsigned n = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0u);
    out += chars[n >> 18 & 63];
    out += chars[n >> 12 & 63];
    if (rest == 2) {
        out += chars[n >> 6 & 63];
    }
    if (a == alphabet::standard) {
        out.append(3 - rest, '=');
    }
}

/// The encoding of `data`.
inline std::string encode(std::span<const std::byte> data, alphabet a = alphabet::standard) {
    std::string out;
    encode(data, out, a);
    return out;
}

/// Appends the bytes that `text` encodes to `out`. On error returns error::invalid_base64 and leaves `out` as it was.
inline std::error_code decode(std::string_view text, std::vector<std::byte>& out, alphabet a = alphabet::standard) {
    const auto& table = a == alphabet::standard ? detail::standard_table : detail::url_table;
    if (a == alphabet::standard) {
        if (text.size() % 4 != 0) {
            return error::invalid_base64;
        }
        // At most two '=' and only at the end.
        for (int pad = 0; pad < 2 && !text.empty() && text.back() == '='; ++pad) {
            text.remove_suffix(1);
        }
    }
    if (text.size() % 4 == 1) {
        return error::invalid_base64;
    }
    const std::size_t old_size = out.size();
    out.reserve(old_size + text.size() / 4 * 3 + 2);
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const std::uint8_t value = table[static_cast<unsigned char>(c)];
        if (value == detail::invalid) {
            out.resize(old_size);
            return error::invalid_base64;
        }
        buffer = (buffer << 6 | value) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::byte>(buffer >> bits & 0xff));
        }
    }
    return {};
}

} // namespace signalrpp::base64
