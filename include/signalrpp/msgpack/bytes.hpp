#pragma once
// Byte arrays: signalrpp::bytes (std::vector<std::byte>) is a bin value in MessagePack, as .NET writes
// byte[]. (A std::vector<std::uint8_t> stays an array of numbers.)

#include <signalrpp/core/bytes.hpp>
#include <signalrpp/msgpack/serializer.hpp>

#include <cstddef>
#include <cstring>
#include <string_view>

namespace signalrpp::msgpack {

template <>
struct serializer<bytes> {
    static bool read(reader& in, bytes& out) {
        std::string_view data;
        if (!in.read_binary(data)) {
            return false;
        }
        out.resize(data.size());
        if (!data.empty()) {
            std::memcpy(out.data(), data.data(), data.size());
        }
        return true;
    }
    static void write(writer& out, const bytes& v) {
        out.write_binary(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    }
};

} // namespace signalrpp::msgpack
