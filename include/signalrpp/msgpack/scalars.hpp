#pragma once
// MessagePack mappings of bool, numbers, enums and std::string, as ASP.NET Core's MessagePack hub
// protocol maps their .NET counterparts:
// - integers in their smallest encoding, read from any encoding and range-checked (300 does not read
//   into a std::uint8_t); a float or double reads from a float32, a float64 or an integer, and a float
//   only when the value is within its range;
// - float as float32, double as float64 (NaN and the infinities included: MessagePack has them);
// - enums as their integer values (ASP.NET Core's default resolver writes .NET enums as their names,
//   which a C++ enum does not have: a .NET peer that exchanges enums with us must map them as numbers);
// - std::string as str, its UTF-8 checked when read (a string read here may be written out as JSON).

#include <signalrpp/core/detail/wire_integer.hpp>
#include <signalrpp/core/utf8.hpp>
#include <signalrpp/msgpack/serializer.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace signalrpp::msgpack {

template <>
struct serializer<bool> {
    static bool read(reader& in, bool& out) { return in.read_bool(out); }
    static void write(writer& out, bool v) { out.write_bool(v); }
};

template <signalrpp::detail::wire_integer T>
struct serializer<T> {
    static bool read(reader& in, T& out) { return in.read_integer(out); }
    static void write(writer& out, T v) {
        if constexpr (std::is_signed_v<T>) {
            out.write_int(v);
        } else {
            out.write_uint(v);
        }
    }
};

template <std::floating_point T>
struct serializer<T> {
    static bool read(reader& in, T& out) {
        double d = 0;
        if (!in.read_double(d)) {
            return false;
        }
        if constexpr (sizeof(T) < sizeof(double)) {
            if (std::isfinite(d) && std::abs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
                return false;
            }
        }
        out = static_cast<T>(d);
        return true;
    }
    static void write(writer& out, T v) {
        if constexpr (sizeof(T) <= sizeof(float)) {
            out.write_float32(static_cast<float>(v));
        } else {
            out.write_float64(static_cast<double>(v));
        }
    }
};

// std::byte is an enum too, but alone it has no MessagePack form; signalrpp::bytes is bin (bytes.hpp).
template <class T>
    requires std::is_enum_v<T> && (!std::same_as<T, std::byte>)
struct serializer<T> {
    using underlying = std::underlying_type_t<T>;
    static bool read(reader& in, T& out) {
        underlying n{};
        if (!serializer<underlying>::read(in, n)) {
            return false;
        }
        out = static_cast<T>(n);
        return true;
    }
    static void write(writer& out, T v) { serializer<underlying>::write(out, static_cast<underlying>(v)); }
};

template <>
struct serializer<std::string> {
    static bool read(reader& in, std::string& out) {
        std::string_view s;
        if (!in.read_string(s) || !utf8::valid(s)) {
            return false;
        }
        out.assign(s);
        return true;
    }
    static void write(writer& out, const std::string& v) { out.write_string(v); }
};

} // namespace signalrpp::msgpack
