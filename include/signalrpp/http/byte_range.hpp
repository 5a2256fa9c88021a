#pragma once
// http::requested_range: what a Range field (RFC 9110 14.2) asks of a representation of `size` bytes,
// as a server that answers single ranges reads it:
//   - "bytes=first-last", "bytes=first-" and "bytes=-suffix" name one range; a last past the end is
//     cut to it, a suffix longer than the representation is all of it;
//   - a first at or past the end (or a zero suffix) cannot be satisfied: 416, Content-Range "bytes */size";
//   - anything else (no field, another unit, several ranges, a malformed one, an empty representation)
//     is ignored: the whole representation is sent with 200, as RFC 9110 allows and ASP.NET Core's static
//     files do for several ranges.

#include <signalrpp/core/ascii.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::http {

struct byte_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0; ///< inclusive

    std::uint64_t length() const noexcept { return last - first + 1; }
    /// The Content-Range of a 206 carrying this range of a `size`-byte representation.
    std::string content_range(std::uint64_t size) const {
        return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size);
    }
};

struct range_request {
    enum class kind { whole, range, unsatisfiable };
    kind what = kind::whole;
    byte_range range;
};

namespace detail {

// A number of a range spec; nullopt when it is not one.
inline std::optional<std::uint64_t> range_number(std::string_view s) {
    std::uint64_t n = 0;
    return ascii::parse_decimal(s, n) ? std::optional<std::uint64_t>(n) : std::nullopt;
}

} // namespace detail

/// What the Range field `field` (nullopt: none) asks of `size` bytes.
inline range_request requested_range(std::optional<std::string_view> field, std::uint64_t size) {
    constexpr std::string_view unit = "bytes=";
    if (!field || size == 0) {
        return {};
    }
    std::string_view spec = ascii::trim(*field);
    if (spec.size() <= unit.size() || !ascii::iequals(spec.substr(0, unit.size()), unit)) {
        return {};
    }
    spec = ascii::trim(spec.substr(unit.size()));
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
        return {};
    }
    const std::string_view first_text = ascii::trim(spec.substr(0, dash));
    const std::string_view last_text = ascii::trim(spec.substr(dash + 1));
    const auto last = detail::range_number(last_text);
    if (first_text.empty()) { // a suffix: the last N bytes
        if (!last) {
            return {};
        }
        if (*last == 0) {
            return {range_request::kind::unsatisfiable, {}};
        }
        const std::uint64_t n = *last < size ? *last : size;
        return {range_request::kind::range, {size - n, size - 1}};
    }
    const auto first = detail::range_number(first_text);
    if (!first || (!last_text.empty() && (!last || *last < *first))) {
        return {};
    }
    if (*first >= size) {
        return {range_request::kind::unsatisfiable, {}};
    }
    const std::uint64_t end = last && *last < size ? *last : size - 1;
    return {range_request::kind::range, {*first, end}};
}

} // namespace signalrpp::http
