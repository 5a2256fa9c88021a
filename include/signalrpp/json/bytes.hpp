#pragma once
// Byte arrays: signalrpp::bytes (std::vector<std::byte>) is a base64 string in JSON, as .NET writes byte[]
// and as the JavaScript client expects. (A std::vector<std::uint8_t> stays an array of numbers.)

#include <signalrpp/core/base64.hpp>
#include <signalrpp/core/bytes.hpp>
#include <signalrpp/json/serializer.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace signalrpp::json {

template <>
struct serializer<bytes> {
    static bool read(const value& in, bytes& out) {
        if (!in.IsString()) {
            return false;
        }
        out.clear();
        return !base64::decode({in.GetString(), in.GetStringLength()}, out);
    }
    static void write(writer& out, const bytes& v) {
        const std::string text = base64::encode(v);
        out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    }
};

} // namespace signalrpp::json
