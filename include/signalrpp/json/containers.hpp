#pragma once
// JSON mappings of the standard containers:
//   std::optional<T>                        T, or null for an empty optional
//   std::vector<T>, std::array<T, N>        arrays (std::array: exactly N elements)
//   std::map / std::unordered_map<std::string, T>   objects (a repeated key: the last one wins)
// std::vector<std::byte> (signalrpp::bytes) is the exception: a base64 string, see bytes.hpp.

#include <signalrpp/json/bytes.hpp>
#include <signalrpp/json/serializer.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace signalrpp::json {

template <mapped T>
struct serializer<std::optional<T>> {
    static bool read(const value& in, std::optional<T>& out) {
        if (in.IsNull()) {
            out.reset();
            return true;
        }
        return json::read(in, out.emplace());
    }
    static void write(writer& out, const std::optional<T>& v) {
        if (v) {
            json::write(out, *v);
        } else {
            out.Null();
        }
    }
};

template <mapped T, class Allocator>
struct serializer<std::vector<T, Allocator>> {
    static bool read(const value& in, std::vector<T, Allocator>& out) {
        if (!in.IsArray()) {
            return false;
        }
        out.clear();
        out.reserve(in.Size());
        for (const auto& element : in.GetArray()) {
            T item{};
            if (!json::read(element, item)) {
                return false;
            }
            out.push_back(std::move(item));
        }
        return true;
    }
    static void write(writer& out, const std::vector<T, Allocator>& v) {
        out.StartArray();
        for (const auto& item : v) {
            json::write(out, static_cast<const T&>(item));
        }
        out.EndArray();
    }
};

template <mapped T, std::size_t N>
struct serializer<std::array<T, N>> {
    static bool read(const value& in, std::array<T, N>& out) {
        if (!in.IsArray() || in.Size() != N) {
            return false;
        }
        for (std::size_t i = 0; i < N; ++i) {
            if (!json::read(in[static_cast<rapidjson::SizeType>(i)], out[i])) {
                return false;
            }
        }
        return true;
    }
    static void write(writer& out, const std::array<T, N>& v) {
        out.StartArray();
        for (const auto& item : v) {
            json::write(out, item);
        }
        out.EndArray();
    }
};

namespace detail {

// Objects with string keys, for any map type with std::string keys.
template <class Map>
struct string_keyed_serializer {
    using mapped_type = typename Map::mapped_type;

    static bool read(const value& in, Map& out) {
        if (!in.IsObject()) {
            return false;
        }
        out.clear();
        for (const auto& member : in.GetObject()) {
            mapped_type item{};
            if (!json::read(member.value, item)) {
                return false;
            }
            out.insert_or_assign(std::string(member.name.GetString(), member.name.GetStringLength()), std::move(item));
        }
        return true;
    }
    static void write(writer& out, const Map& v) {
        out.StartObject();
        for (const auto& [key, item] : v) {
            out.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
            json::write(out, item);
        }
        out.EndObject();
    }
};

} // namespace detail

template <mapped T, class Compare, class Allocator>
struct serializer<std::map<std::string, T, Compare, Allocator>>
    : detail::string_keyed_serializer<std::map<std::string, T, Compare, Allocator>> {};

template <mapped T, class Hash, class Equal, class Allocator>
struct serializer<std::unordered_map<std::string, T, Hash, Equal, Allocator>>
    : detail::string_keyed_serializer<std::unordered_map<std::string, T, Hash, Equal, Allocator>> {};

} // namespace signalrpp::json
