#pragma once
// Base64 (RFC 4648) in its two alphabets:
// - standard, padded with '=': how .NET and JavaScript peers write byte arrays in JSON;
// - url, unpadded: connection ids and tokens, which travel in query strings.
// Decoding is strict: no whitespace, no characters of the other alphabet, padding only where it belongs.
// The functions are defined in impl/base64.ipp: compiled once in separate-compilation mode (by
// <signalrpp/src.hpp>), so a file whose hub takes or returns bytes does not compile them again.

#include <signalrpp/core/error.hpp>
#include <signalrpp/core/separate_compilation.hpp>

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
SIGNALRPP_DECL void encode(std::span<const std::byte> data, std::string& out, alphabet a = alphabet::standard);

/// The encoding of `data`.
SIGNALRPP_DECL std::string encode(std::span<const std::byte> data, alphabet a = alphabet::standard);

/// Appends the bytes that `text` encodes to `out`. On error returns error::invalid_base64 and leaves `out` as it was.
SIGNALRPP_DECL std::error_code decode(std::string_view text, std::vector<std::byte>& out,
                                      alphabet a = alphabet::standard);

} // namespace signalrpp::base64

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/core/impl/base64.ipp>
#endif
