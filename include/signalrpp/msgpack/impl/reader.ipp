#pragma once
// The definitions of reader.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/msgpack/reader.hpp>

namespace signalrpp::msgpack {

SIGNALRPP_DECL std::optional<reader::header> reader::header_at(std::size_t at) const noexcept {
    if (at >= data_.size()) {
        return std::nullopt;
    }
    const std::uint8_t m = byte_at(at);
    const std::size_t after = data_.size() - at - 1;
    // A header with an n-byte length field (and `extra` bytes after it: an extension's type).
    const auto with_length = [&](kind type, std::size_t n, std::size_t extra = 0) -> std::optional<header> {
        if (after < n + extra) {
            return std::nullopt;
        }
        return header{type, 1 + n + extra, load(at + 1, n)};
    };
    // A fixext header: the marker and the type byte, `n` bytes of data after them.
    const auto fixext = [&](std::uint64_t n) -> std::optional<header> {
        if (after < 1) {
            return std::nullopt;
        }
        return header{kind::extension, 2, n};
    };
    if (m <= format::positive_fixint_max || m >= format::negative_fixint_min) {
        return header{kind::integer, 1, 0};
    }
    if ((m & 0xf0) == format::fixmap) {
        return header{kind::map, 1, std::uint64_t{m & 0x0fu}};
    }
    if ((m & 0xf0) == format::fixarray) {
        return header{kind::array, 1, std::uint64_t{m & 0x0fu}};
    }
    if ((m & 0xe0) == format::fixstr) {
        return header{kind::string, 1, std::uint64_t{m & 0x1fu}};
    }
    switch (m) {
    case format::nil: return header{kind::nil, 1, 0};
    case format::false_value:
    case format::true_value: return header{kind::boolean, 1, 0};
    case format::bin8: return with_length(kind::binary, 1);
    case format::bin16: return with_length(kind::binary, 2);
    case format::bin32: return with_length(kind::binary, 4);
    case format::ext8: return with_length(kind::extension, 1, 1);
    case format::ext16: return with_length(kind::extension, 2, 1);
    case format::ext32: return with_length(kind::extension, 4, 1);
    case format::float32: return header{kind::float32, 1, 4};
    case format::float64: return header{kind::float64, 1, 8};
    case format::uint8:
    case format::int8: return header{kind::integer, 1, 1};
    case format::uint16:
    case format::int16: return header{kind::integer, 1, 2};
    case format::uint32:
    case format::int32: return header{kind::integer, 1, 4};
    case format::uint64:
    case format::int64: return header{kind::integer, 1, 8};
    case format::fixext1: return fixext(1);
    case format::fixext2: return fixext(2);
    case format::fixext4: return fixext(4);
    case format::fixext8: return fixext(8);
    case format::fixext16: return fixext(16);
    case format::str8: return with_length(kind::string, 1);
    case format::str16: return with_length(kind::string, 2);
    case format::str32: return with_length(kind::string, 4);
    case format::array16: return with_length(kind::array, 2);
    case format::array32: return with_length(kind::array, 4);
    case format::map16: return with_length(kind::map, 2);
    case format::map32: return with_length(kind::map, 4);
    default: return std::nullopt; // 0xc1
    }
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
