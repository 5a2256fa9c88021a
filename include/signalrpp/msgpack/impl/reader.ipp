#pragma once
// The definitions of reader.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/msgpack/reader.hpp>

#include <array>

namespace signalrpp::msgpack {

namespace detail {

// What a value's first byte says of its header: its kind, the header's size (the marker, any length
// bytes and an extension's type byte), and the length that follows it -- read from `length_bytes`
// big-endian bytes after the marker, or `fixed_length` when there are none.
struct marker_layout {
    kind type = kind::invalid;
    std::uint8_t size = 1;
    std::uint8_t length_bytes = 0;
    std::uint8_t fixed_length = 0;
};

constexpr std::array<marker_layout, 256> make_marker_layouts() {
    std::array<marker_layout, 256> t{};
    const auto set = [&](std::uint8_t m, kind type, std::uint8_t size, std::uint8_t length_bytes,
                         std::uint8_t fixed_length) { t[m] = {type, size, length_bytes, fixed_length}; };
    for (unsigned m = 0; m <= format::positive_fixint_max; ++m) {
        set(static_cast<std::uint8_t>(m), kind::integer, 1, 0, 0);
    }
    for (unsigned m = format::negative_fixint_min; m <= 0xff; ++m) {
        set(static_cast<std::uint8_t>(m), kind::integer, 1, 0, 0);
    }
    for (unsigned n = 0; n <= format::fixmap_max_count; ++n) {
        set(static_cast<std::uint8_t>(format::fixmap | n), kind::map, 1, 0, static_cast<std::uint8_t>(n));
        set(static_cast<std::uint8_t>(format::fixarray | n), kind::array, 1, 0, static_cast<std::uint8_t>(n));
    }
    for (unsigned n = 0; n <= format::fixstr_max_length; ++n) {
        set(static_cast<std::uint8_t>(format::fixstr | n), kind::string, 1, 0, static_cast<std::uint8_t>(n));
    }
    set(format::nil, kind::nil, 1, 0, 0);
    set(format::false_value, kind::boolean, 1, 0, 0);
    set(format::true_value, kind::boolean, 1, 0, 0);
    set(format::bin8, kind::binary, 2, 1, 0);
    set(format::bin16, kind::binary, 3, 2, 0);
    set(format::bin32, kind::binary, 5, 4, 0);
    set(format::ext8, kind::extension, 3, 1, 0);
    set(format::ext16, kind::extension, 4, 2, 0);
    set(format::ext32, kind::extension, 6, 4, 0);
    set(format::float32, kind::float32, 1, 0, 4);
    set(format::float64, kind::float64, 1, 0, 8);
    set(format::uint8, kind::integer, 1, 0, 1);
    set(format::int8, kind::integer, 1, 0, 1);
    set(format::uint16, kind::integer, 1, 0, 2);
    set(format::int16, kind::integer, 1, 0, 2);
    set(format::uint32, kind::integer, 1, 0, 4);
    set(format::int32, kind::integer, 1, 0, 4);
    set(format::uint64, kind::integer, 1, 0, 8);
    set(format::int64, kind::integer, 1, 0, 8);
    set(format::fixext1, kind::extension, 2, 0, 1);
    set(format::fixext2, kind::extension, 2, 0, 2);
    set(format::fixext4, kind::extension, 2, 0, 4);
    set(format::fixext8, kind::extension, 2, 0, 8);
    set(format::fixext16, kind::extension, 2, 0, 16);
    set(format::str8, kind::string, 2, 1, 0);
    set(format::str16, kind::string, 3, 2, 0);
    set(format::str32, kind::string, 5, 4, 0);
    set(format::array16, kind::array, 3, 2, 0);
    set(format::array32, kind::array, 5, 4, 0);
    set(format::map16, kind::map, 3, 2, 0);
    set(format::map32, kind::map, 5, 4, 0);
    return t; // (0xc1, never used, stays invalid)
}

inline constexpr std::array<marker_layout, 256> marker_layouts = make_marker_layouts();

} // namespace detail

SIGNALRPP_DECL std::optional<reader::header> reader::header_at(std::size_t at) const noexcept {
    if (at >= data_.size()) {
        return std::nullopt;
    }
    const detail::marker_layout& layout = detail::marker_layouts[byte_at(at)];
    if (layout.type == kind::invalid || data_.size() - at < layout.size) {
        return std::nullopt; // (a header's own bytes missing: its length bytes, an extension's type)
    }
    const std::uint64_t length = layout.length_bytes == 0 ? layout.fixed_length : load(at + 1, layout.length_bytes);
    return header{layout.type, layout.size, length};
}

SIGNALRPP_DECL std::optional<std::size_t> reader::value_end(std::size_t at) const noexcept {
    std::uint64_t values = 1;
    while (values > 0) {
        const auto h = header_at(at);
        if (!h) {
            return std::nullopt;
        }
        --values;
        const std::size_t left = data_.size() - at - h->size;
        if (h->type == kind::array || h->type == kind::map) {
            const std::uint64_t elements = h->type == kind::map ? 2 * h->length : h->length;
            if (elements > left || values + elements > left) {
                return std::nullopt;
            }
            values += elements;
            at += h->size;
        } else {
            if (h->length > left) {
                return std::nullopt;
            }
            at += h->size + static_cast<std::size_t>(h->length);
        }
    }
    return at;
}

} // namespace signalrpp::msgpack
