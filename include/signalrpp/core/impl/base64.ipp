#pragma once
// The definitions of base64.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/core/base64.hpp>

namespace signalrpp::base64 {

SIGNALRPP_DECL void encode(std::span<const std::byte> data, std::string& out, alphabet a) {
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

SIGNALRPP_DECL std::string encode(std::span<const std::byte> data, alphabet a) {
    std::string out;
    encode(data, out, a);
    return out;
}

SIGNALRPP_DECL std::error_code decode(std::string_view text, std::vector<std::byte>& out, alphabet a) {
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
