#pragma once
// MessagePack mappings of the standard containers:
//   std::optional<T>                        T, or nil for an empty optional
//   std::vector<T>, std::array<T, N>        arrays (std::array: exactly N elements)
//   std::map / std::unordered_map<std::string, T>   maps whose keys read as std::string does (str,
//                                           UTF-8 checked; a repeated key: the last one wins)
// std::vector<std::byte> (signalrpp::bytes) is the exception: a bin value, see bytes.hpp.
// An array's element count is checked against the bytes left before anything is reserved for it.

#include <signalrpp/msgpack/bytes.hpp>
#include <signalrpp/msgpack/scalars.hpp>
#include <signalrpp/msgpack/serializer.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace signalrpp::msgpack {

template <mapped T>
struct serializer<std::optional<T>> {
    static bool read(reader& in, std::optional<T>& out) {
        if (in.read_nil()) {
            out.reset();
            return true;
        }
        return msgpack::read(in, out.emplace());
    }
    static void write(writer& out, const std::optional<T>& v) {
        if (v) {
            msgpack::write(out, *v);
        } else {
            out.write_nil();
        }
    }
};

template <mapped T, class Allocator>
struct serializer<std::vector<T, Allocator>> {
    static bool read(reader& in, std::vector<T, Allocator>& out) {
        std::size_t count = 0;
        if (!in.read_array_header(count)) {
            return false;
        }
        out.clear();
        out.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            T item{};
            if (!msgpack::read(in, item)) {
                return false;
            }
            out.push_back(std::move(item));
        }
        return true;
    }
    static void write(writer& out, const std::vector<T, Allocator>& v) {
        out.write_array_header(v.size());
        for (const auto& item : v) {
            msgpack::write(out, static_cast<const T&>(item));
        }
    }
};

template <mapped T, std::size_t N>
struct serializer<std::array<T, N>> {
    static bool read(reader& in, std::array<T, N>& out) {
        std::size_t count = 0;
        if (!in.read_array_header(count) || count != N) {
            return false;
        }
        for (auto& item : out) {
            if (!msgpack::read(in, item)) {
                return false;
            }
        }
        return true;
    }
    static void write(writer& out, const std::array<T, N>& v) {
        out.write_array_header(N);
        for (const auto& item : v) {
            msgpack::write(out, item);
        }
    }
};

namespace detail {

// Maps with str keys, for any map type with std::string keys.
template <class Map>
struct string_keyed_serializer {
    using mapped_type = typename Map::mapped_type;

    static bool read(reader& in, Map& out) {
        std::size_t count = 0;
        if (!in.read_map_header(count)) {
            return false;
        }
        out.clear();
        for (std::size_t i = 0; i < count; ++i) {
            std::string key;
            mapped_type item{};
            if (!msgpack::read(in, key) || !msgpack::read(in, item)) {
                return false;
            }
            out.insert_or_assign(std::move(key), std::move(item));
        }
        return true;
    }
    static void write(writer& out, const Map& v) {
        out.write_map_header(v.size());
        for (const auto& [key, item] : v) {
            out.write_string(key);
            msgpack::write(out, item);
        }
    }
};

} // namespace detail

template <mapped T, class Compare, class Allocator>
struct serializer<std::map<std::string, T, Compare, Allocator>>
    : detail::string_keyed_serializer<std::map<std::string, T, Compare, Allocator>> {};

template <mapped T, class Hash, class Equal, class Allocator>
struct serializer<std::unordered_map<std::string, T, Hash, Equal, Allocator>>
    : detail::string_keyed_serializer<std::unordered_map<std::string, T, Hash, Equal, Allocator>> {};

} // namespace signalrpp::msgpack
