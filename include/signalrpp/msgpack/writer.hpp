#pragma once
// msgpack::writer: appends MessagePack values to a std::string, each in the form the .NET MessagePack
// library (the one ASP.NET Core's MessagePack hub protocol uses) writes:
// - integers in their smallest form; a value of zero or more in an unsigned form (fixint, uint8 ..
//   uint64), a negative one in a signed form (negative fixint, int8 .. int64);
// - float and double as float32 and float64;
// - strings (UTF-8, not checked here) and binary in the shortest str / bin form, array and map headers
//   in the shortest form; a length past 2^32 - 1 has no MessagePack form and throws std::length_error;
// - timestamps as extension -1 in the shortest of its three layouts.
// Containers are written as a header (the element count) followed by the elements, which the caller
// writes next: the writer keeps no state besides the string it appends to.

#include <signalrpp/msgpack/format.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace signalrpp::msgpack {

class writer {
public:
    explicit writer(std::string& out) noexcept : out_(out) {}

    std::string& output() noexcept { return out_; }

    void write_nil() { byte(format::nil); }
    void write_bool(bool v) { byte(v ? format::true_value : format::false_value); }

    void write_uint(std::uint64_t v) {
        if (v <= format::positive_fixint_max) {
            byte(static_cast<std::uint8_t>(v));
        } else if (v <= std::numeric_limits<std::uint8_t>::max()) {
            marked(format::uint8, static_cast<std::uint8_t>(v));
        } else if (v <= std::numeric_limits<std::uint16_t>::max()) {
            marked(format::uint16, static_cast<std::uint16_t>(v));
        } else if (v <= std::numeric_limits<std::uint32_t>::max()) {
            marked(format::uint32, static_cast<std::uint32_t>(v));
        } else {
            marked(format::uint64, v);
        }
    }

    void write_int(std::int64_t v) {
        if (v >= 0) {
            write_uint(static_cast<std::uint64_t>(v));
        } else if (v >= -32) {
            byte(static_cast<std::uint8_t>(v));
        } else if (v >= std::numeric_limits<std::int8_t>::min()) {
            marked(format::int8, static_cast<std::uint8_t>(v));
        } else if (v >= std::numeric_limits<std::int16_t>::min()) {
            marked(format::int16, static_cast<std::uint16_t>(v));
        } else if (v >= std::numeric_limits<std::int32_t>::min()) {
            marked(format::int32, static_cast<std::uint32_t>(v));
        } else {
            marked(format::int64, static_cast<std::uint64_t>(v));
        }
    }

    void write_float32(float v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        marked(format::float32, bits);
    }

    void write_float64(double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        marked(format::float64, bits);
    }

    void write_string(std::string_view s) {
        if (s.size() <= format::fixstr_max_length) {
            byte(static_cast<std::uint8_t>(format::fixstr | s.size()));
        } else {
            sized(s.size(), format::str8, format::str16, format::str32);
        }
        out_.append(s);
    }

    void write_binary(std::string_view bytes) {
        sized(bytes.size(), format::bin8, format::bin16, format::bin32);
        out_.append(bytes);
    }

    /// The header of an array of `count` elements, which are written next.
    void write_array_header(std::size_t count) {
        if (count <= format::fixarray_max_count) {
            byte(static_cast<std::uint8_t>(format::fixarray | count));
        } else {
            sized(count, 0, format::array16, format::array32);
        }
    }

    /// The header of a map of `count` entries, whose keys and values are written next, alternately.
    void write_map_header(std::size_t count) {
        if (count <= format::fixmap_max_count) {
            byte(static_cast<std::uint8_t>(format::fixmap | count));
        } else {
            sized(count, 0, format::map16, format::map32);
        }
    }

    /// An extension value of `type` (negative types are reserved by the format: -1 is the timestamp).
    void write_extension(std::int8_t type, std::string_view data) {
        switch (data.size()) {
        case 1: byte(format::fixext1); break;
        case 2: byte(format::fixext2); break;
        case 4: byte(format::fixext4); break;
        case 8: byte(format::fixext8); break;
        case 16: byte(format::fixext16); break;
        default: sized(data.size(), format::ext8, format::ext16, format::ext32); break;
        }
        byte(static_cast<std::uint8_t>(type));
        out_.append(data);
    }

    /// A timestamp: `seconds` since 1970-01-01T00:00:00Z (negative before) and `nanoseconds` in the
    /// second (below 1,000,000,000), in the shortest layout that holds them.
    void write_timestamp(std::int64_t seconds, std::uint32_t nanoseconds) {
        char data[12];
        if (seconds >= 0 && (static_cast<std::uint64_t>(seconds) >> 34) == 0) {
            const std::uint64_t packed = (std::uint64_t{nanoseconds} << 34) | static_cast<std::uint64_t>(seconds);
            if ((packed >> 32) == 0) {
                store(data, static_cast<std::uint32_t>(packed));
                write_extension(format::timestamp_extension, std::string_view(data, 4));
            } else {
                store(data, packed);
                write_extension(format::timestamp_extension, std::string_view(data, 8));
            }
            return;
        }
        store(data, nanoseconds);
        store(data + 4, static_cast<std::uint64_t>(seconds));
        write_extension(format::timestamp_extension, std::string_view(data, 12));
    }

    /// Bytes that are already one or more whole MessagePack values, appended as they are.
    void write_raw(std::string_view encoded) { out_.append(encoded); }

private:
    void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }

    template <class Unsigned>
    static void store(char* at, Unsigned v) noexcept {
        for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
            at[i] = static_cast<char>(static_cast<std::uint8_t>(v >> (8 * (sizeof(Unsigned) - 1 - i))));
        }
    }

    // A marker followed by `v` in big-endian order.
    template <class Unsigned>
    void marked(std::uint8_t marker, Unsigned v) {
        static_assert(std::is_unsigned_v<Unsigned>);
        char bytes[1 + sizeof(Unsigned)];
        bytes[0] = static_cast<char>(marker);
        store(bytes + 1, v);
        out_.append(bytes, sizeof bytes);
    }

    // The marker of the shortest of the 8-, 16- and 32-bit length forms (no 8-bit form: marker8 == 0),
    // with the length.
    void sized(std::size_t length, std::uint8_t marker8, std::uint8_t marker16, std::uint8_t marker32) {
        if (marker8 != 0 && length <= std::numeric_limits<std::uint8_t>::max()) {
            marked(marker8, static_cast<std::uint8_t>(length));
        } else if (length <= std::numeric_limits<std::uint16_t>::max()) {
            marked(marker16, static_cast<std::uint16_t>(length));
        } else if (length <= std::numeric_limits<std::uint32_t>::max()) {
            marked(marker32, static_cast<std::uint32_t>(length));
        } else {
            throw std::length_error("a MessagePack string, binary, extension or container holds at most 2^32 - 1 "
                                    "bytes or elements");
        }
    }

    std::string& out_;
};

} // namespace signalrpp::msgpack
