#pragma once
// msgpack::reader: reads MessagePack values one after another from bytes that are all there (a hub
// message, whose length its frame gave), without copying: strings, binary and extension data come back
// as views into those bytes.
//
// Input comes from the network, so every read checks before it takes:
// - A read that does not match what is next (another type, a number out of the target's range, bytes
//   missing at the end) returns false and consumes nothing; the caller decides what that means.
// - Lengths and element counts are checked against the bytes that are left before anything is taken:
//   an array header claiming four billion elements in a 10-byte message is refused at once, so nothing
//   sized from a header can be larger than the message.
// - skip() and read_raw() walk nested containers without recursion, so no nesting depth can exhaust
//   the stack.
// Integers read from any of their encodings into the target's range (as .NET reads them); floating-point
// reads also take integers; 0xc1, never used by the format, is an invalid value.
// Decoding a header and walking a whole value are defined in impl/reader.ipp: compiled once in
// separate-compilation mode (by <signalrpp/src.hpp>).

#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/msgpack/format.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace signalrpp::msgpack {

/// What the next value is.
enum class kind : std::uint8_t {
    end, ///< no bytes left
    nil,
    boolean,
    integer,
    float32,
    float64,
    string,
    binary,
    array,
    map,
    extension,
    invalid, ///< 0xc1, which the format never uses
};

class reader {
public:
    explicit reader(std::string_view bytes) noexcept : data_(bytes) {}

    std::size_t position() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool at_end() const noexcept { return pos_ == data_.size(); }

    /// The kind of the next value, from its first byte alone (it may still turn out truncated).
    kind next_kind() const noexcept {
        const auto h = header_at(pos_);
        return h ? h->type : at_end() ? kind::end : kind::invalid;
    }

    /// Consumes a nil; false (consuming nothing) if the next value is not nil.
    bool read_nil() noexcept {
        if (at_end() || byte_at(pos_) != format::nil) {
            return false;
        }
        ++pos_;
        return true;
    }

    bool read_bool(bool& out) noexcept {
        if (at_end() || (byte_at(pos_) != format::true_value && byte_at(pos_) != format::false_value)) {
            return false;
        }
        out = byte_at(pos_++) == format::true_value;
        return true;
    }

    /// Any integer encoding whose value fits in Integer (a signed or unsigned standard integer type).
    template <class Integer>
    bool read_integer(Integer& out) noexcept {
        const auto h = whole_value(kind::integer);
        if (!h) {
            return false;
        }
        const auto [negative, bits] = integer_at(*h);
        if (negative) {
            const auto v = static_cast<std::int64_t>(bits);
            if constexpr (std::numeric_limits<Integer>::is_signed) {
                if (v < std::numeric_limits<Integer>::min()) {
                    return false;
                }
                out = static_cast<Integer>(v);
            } else {
                return false;
            }
        } else {
            if (bits > static_cast<std::uint64_t>(std::numeric_limits<Integer>::max())) {
                return false;
            }
            out = static_cast<Integer>(bits);
        }
        pos_ += h->size + h->length;
        return true;
    }

    /// float32, float64 or any integer, as a double.
    bool read_double(double& out) noexcept {
        const auto h = header_at(pos_);
        if (!h || !fits(*h)) {
            return false;
        }
        switch (h->type) {
        case kind::float32: {
            float f = 0;
            const auto bits = static_cast<std::uint32_t>(load(pos_ + 1, 4));
            std::memcpy(&f, &bits, sizeof f);
            out = f;
            break;
        }
        case kind::float64: {
            const auto bits = load(pos_ + 1, 8);
            std::memcpy(&out, &bits, sizeof out);
            break;
        }
        case kind::integer: {
            const auto [negative, bits] = integer_at(*h);
            out = negative ? static_cast<double>(static_cast<std::int64_t>(bits)) : static_cast<double>(bits);
            break;
        }
        default: return false;
        }
        pos_ += h->size + h->length;
        return true;
    }

    /// A str value's bytes (UTF-8 is the caller's to check).
    bool read_string(std::string_view& out) noexcept { return read_bytes(kind::string, out); }

    /// A bin value's bytes.
    bool read_binary(std::string_view& out) noexcept { return read_bytes(kind::binary, out); }

    /// An array header: its element count, at most the bytes left (each element takes one at least).
    bool read_array_header(std::size_t& count) noexcept { return read_container(kind::array, 1, count); }

    /// A map header: its entry count, at most half the bytes left (each key and value takes one at least).
    bool read_map_header(std::size_t& count) noexcept { return read_container(kind::map, 2, count); }

    /// An extension value: its type and data.
    bool read_extension(std::int8_t& type, std::string_view& data) noexcept {
        const auto h = whole_value(kind::extension);
        if (!h) {
            return false;
        }
        type = static_cast<std::int8_t>(byte_at(pos_ + h->size - 1));
        data = data_.substr(pos_ + h->size, static_cast<std::size_t>(h->length));
        pos_ += h->size + h->length;
        return true;
    }

    /// A timestamp (extension -1, in any of its three layouts): seconds since 1970-01-01T00:00:00Z and
    /// nanoseconds in the second (below 1,000,000,000).
    bool read_timestamp(std::int64_t& seconds, std::uint32_t& nanoseconds) noexcept {
        const std::size_t start = pos_;
        std::int8_t type = 0;
        std::string_view data;
        if (!read_extension(type, data) || type != format::timestamp_extension) {
            pos_ = start;
            return false;
        }
        std::uint64_t s = 0;
        std::uint32_t ns = 0;
        const auto at = static_cast<std::size_t>(data.data() - data_.data());
        if (data.size() == 4) {
            s = load(at, 4);
        } else if (data.size() == 8) {
            const auto packed = load(at, 8);
            ns = static_cast<std::uint32_t>(packed >> 34);
            s = packed & ((std::uint64_t{1} << 34) - 1);
        } else if (data.size() == 12) {
            ns = static_cast<std::uint32_t>(load(at, 4));
            s = load(at + 4, 8);
        } else {
            pos_ = start;
            return false;
        }
        if (ns >= 1'000'000'000) {
            pos_ = start;
            return false;
        }
        seconds = static_cast<std::int64_t>(s);
        nanoseconds = ns;
        return true;
    }

    /// Skips one whole value (a container with everything in it); false if it is invalid or truncated.
    bool skip() noexcept {
        const auto end = value_end(pos_);
        if (!end) {
            return false;
        }
        pos_ = *end;
        return true;
    }

    /// The bytes of the next whole value, consumed; false if it is invalid or truncated.
    bool read_raw(std::string_view& out) noexcept {
        const auto end = value_end(pos_);
        if (!end) {
            return false;
        }
        out = data_.substr(pos_, *end - pos_);
        pos_ = *end;
        return true;
    }

private:
    struct header {
        kind type;
        std::size_t size;     ///< the marker, any length bytes and an extension's type byte
        std::uint64_t length; ///< what follows: bytes of the value, or elements of an array or map
    };

    std::uint8_t byte_at(std::size_t at) const noexcept { return static_cast<std::uint8_t>(data_[at]); }

    // `n` bytes at `at`, big-endian (the caller has checked they are there).
    std::uint64_t load(std::size_t at, std::size_t n) const noexcept {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            v = (v << 8) | byte_at(at + i);
        }
        return v;
    }

    // The header of the value at `at`, if its bytes (all of them) are there; its payload may still be
    // missing (fits()).
    SIGNALRPP_DECL std::optional<header> header_at(std::size_t at) const noexcept;

    // Whether a value that is not a container (header `h`, at the position) is all there.
    bool fits(const header& h) const noexcept { return h.size + h.length <= remaining(); }

    // The header of the next value if it is of `type`, not a container, and all there.
    std::optional<header> whole_value(kind type) const noexcept {
        auto h = header_at(pos_);
        if (!h || h->type != type || !fits(*h)) {
            return std::nullopt;
        }
        return h;
    }

    // An integer's sign and 64 bits (two's complement when negative), from its header at the position.
    std::pair<bool, std::uint64_t> integer_at(const header& h) const noexcept {
        const std::uint8_t m = byte_at(pos_);
        if (h.length == 0) {
            return m >= format::negative_fixint_min
                       ? std::pair{true, static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int8_t>(m)))}
                       : std::pair{false, std::uint64_t{m}};
        }
        const std::uint64_t bits = load(pos_ + 1, static_cast<std::size_t>(h.length));
        if (m < format::int8) {
            return {false, bits}; // uint8 .. uint64
        }
        // int8 .. int64: sign-extend from the value's width.
        const unsigned width = static_cast<unsigned>(h.length) * 8;
        const std::int64_t v = width == 64 ? static_cast<std::int64_t>(bits)
                                           : static_cast<std::int64_t>(bits << (64 - width)) >> (64 - width);
        return {v < 0, static_cast<std::uint64_t>(v)};
    }

    bool read_bytes(kind type, std::string_view& out) noexcept {
        const auto h = whole_value(type);
        if (!h) {
            return false;
        }
        out = data_.substr(pos_ + h->size, static_cast<std::size_t>(h->length));
        pos_ += h->size + h->length;
        return true;
    }

    bool read_container(kind type, std::size_t bytes_per_element, std::size_t& count) noexcept {
        const auto h = header_at(pos_);
        // (A multiplication, not a division: this runs for every container read. The count is below
        // 2^32 and bytes_per_element at most 2: no overflow.)
        if (!h || h->type != type || h->length * bytes_per_element > remaining() - h->size) {
            return false;
        }
        count = static_cast<std::size_t>(h->length);
        pos_ += h->size;
        return true;
    }

    // Where the whole value at `at` ends, walking into containers with a count of the values still to
    // pass, which may never exceed the bytes left.
    SIGNALRPP_DECL std::optional<std::size_t> value_end(std::size_t at) const noexcept;

    std::string_view data_;
    std::size_t pos_ = 0;
};

} // namespace signalrpp::msgpack

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/msgpack/impl/reader.ipp>
#endif
