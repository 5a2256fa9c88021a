#pragma once
// JSON mappings of bool, numbers, enums (as their numbers, as .NET does) and std::string.
// Integers are range-checked: 300 does not read into a std::uint8_t, 1.5 does not read into an int.
// Non-finite floating-point values have no JSON form; writing one throws std::domain_error.

#include <signalrpp/core/detail/wire_integer.hpp>
#include <signalrpp/json/serializer.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace signalrpp::json {

template <>
struct serializer<bool> {
    static bool read(const value& in, bool& out) {
        if (!in.IsBool()) {
            return false;
        }
        out = in.GetBool();
        return true;
    }
    static void write(writer& out, bool v) { out.Bool(v); }
};

template <signalrpp::detail::wire_integer T>
struct serializer<T> {
    static bool read(const value& in, T& out) {
        if constexpr (std::is_signed_v<T>) {
            if (!in.IsInt64()) {
                return false;
            }
            const std::int64_t n = in.GetInt64();
            if (n < std::numeric_limits<T>::min() || n > std::numeric_limits<T>::max()) {
                return false;
            }
            out = static_cast<T>(n);
        } else {
            if (!in.IsUint64()) {
                return false;
            }
            const std::uint64_t n = in.GetUint64();
            if (n > std::numeric_limits<T>::max()) {
                return false;
            }
            out = static_cast<T>(n);
        }
        return true;
    }
    static void write(writer& out, T v) {
        if constexpr (std::is_signed_v<T>) {
            out.Int64(v);
        } else {
            out.Uint64(v);
        }
    }
};

template <std::floating_point T>
struct serializer<T> {
    static bool read(const value& in, T& out) {
        if (!in.IsNumber()) {
            return false;
        }
        const double d = in.GetDouble();
        if constexpr (sizeof(T) < sizeof(double)) {
            if (std::abs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
                return false;
            }
        }
        out = static_cast<T>(d);
        return true;
    }
    static void write(writer& out, T v) {
        if (!std::isfinite(v)) {
            throw std::domain_error("a non-finite floating-point value (NaN or infinity) cannot be written as JSON");
        }
        out.Double(static_cast<double>(v));
    }
};

// std::byte is an enum too, but alone it has no JSON form; std::vector<std::byte> is a byte array (bytes.hpp).
template <class T>
    requires std::is_enum_v<T> && (!std::same_as<T, std::byte>)
struct serializer<T> {
    using underlying = std::underlying_type_t<T>;
    static bool read(const value& in, T& out) {
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
    static bool read(const value& in, std::string& out) {
        if (!in.IsString()) {
            return false;
        }
        out.clear(); // (then append: no overlap to handle, unlike assign's replace)
        out.append(in.GetString(), in.GetStringLength());
        return true;
    }
    static void write(writer& out, const std::string& v) {
        out.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
};

} // namespace signalrpp::json
