#pragma once
// Query strings: percent-decoding and looking up a parameter the way ASP.NET Core's request query does
// (keys compared case-insensitively, '+' read as a space, the first occurrence of a key wins here).
// A malformed escape ("%zz", a lone '%') is kept as it is, as Uri.UnescapeDataString keeps it.

#include <signalrpp/core/ascii.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::http {

/// `text` with %XX escapes decoded (and '+' as a space when `plus_is_space`).
inline std::string url_decode(std::string_view text, bool plus_is_space = true) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int high = ascii::hex_value(text[i + 1]);
            const int low = ascii::hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += plus_is_space && c == '+' ? ' ' : c;
    }
    return out;
}

/// `text` with everything but RFC 3986's unreserved characters percent-encoded (for a query value).
inline std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

/// The decoded value of the first parameter called `name` (compared case-insensitively) in `query`
/// (the part after '?'); an empty string for "name" or "name="; nothing if there is none.
inline std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        if (ascii::iequals(url_decode(pair.substr(0, eq)), name)) {
            return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        }
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    return std::nullopt;
}

} // namespace signalrpp::http
