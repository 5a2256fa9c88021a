#pragma once
// ASCII case-insensitive comparison: how SignalR matches hub method names and how ASP.NET Core
// matches JSON property names here (OrdinalIgnoreCase; names are ASCII in practice).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace signalrpp::ascii {

constexpr char to_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Orders `a` and `b` as their lower-case forms: negative, zero or positive.
constexpr int compare_folded(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char x = to_lower(a[i]);
        const char y = to_lower(b[i]);
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i] && to_lower(a[i]) != to_lower(b[i])) { // (mostly the same case: folded only if not)
            return false;
        }
    }
    return true;
}

/// `text` without leading and trailing characters from `chars` (HTTP's optional whitespace by default).
constexpr std::string_view trim(std::string_view text, std::string_view chars = " \t") noexcept {
    const std::size_t first = text.find_first_not_of(chars);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(chars) - first + 1);
}

/// The value of a hexadecimal digit (either case), or -1.
constexpr int hex_value(char c) noexcept {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/// A decimal number of 1 to 19 digits (so it fits), with no sign or space; false if `s` is not that.
constexpr bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
    if (s.empty() || s.size() > 19) {
        return false;
    }
    out = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
}

} // namespace signalrpp::ascii
