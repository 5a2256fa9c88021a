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
// The writing functions with branches are defined in impl/writer.ipp: compiled once in
// separate-compilation mode (by <signalrpp/src.hpp>), not again in every file that writes a hub type.

#include <signalrpp/core/separate_compilation.hpp>
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

    SIGNALRPP_DECL void write_uint(std::uint64_t v);
    SIGNALRPP_DECL void write_int(std::int64_t v);

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

    SIGNALRPP_DECL void write_string(std::string_view s);
    /// The bytes write_string() puts before a string of `length` bytes (below 2^32).
    static constexpr std::size_t string_header_size(std::size_t length) noexcept {
        return length <= format::fixstr_max_length ? 1 : length <= 0xff ? 2 : length <= 0xffff ? 3 : 5;
    }
    SIGNALRPP_DECL void write_binary(std::string_view bytes);

    /// The header of an array of `count` elements, which are written next.
    SIGNALRPP_DECL void write_array_header(std::size_t count);

    /// The header of a map of `count` entries, whose keys and values are written next, alternately.
    SIGNALRPP_DECL void write_map_header(std::size_t count);

    /// An extension value of `type` (negative types are reserved by the format: -1 is the timestamp).
    SIGNALRPP_DECL void write_extension(std::int8_t type, std::string_view data);

    /// A timestamp: `seconds` since 1970-01-01T00:00:00Z (negative before) and `nanoseconds` in the
    /// second (below 1,000,000,000), in the shortest layout that holds them.
    SIGNALRPP_DECL void write_timestamp(std::int64_t seconds, std::uint32_t nanoseconds);

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
    SIGNALRPP_DECL void sized(std::size_t length, std::uint8_t marker8, std::uint8_t marker16, std::uint8_t marker32);

    std::string& out_;
};

} // namespace signalrpp::msgpack

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/msgpack/impl/writer.ipp>
#endif
