#pragma once
// Helpers of the MessagePack tests: bytes from hex ("cd 01 00"), bytes as hex, and a value written
// by msgpack::writer as hex.

#include <signalrpp/msgpack/writer.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace msgpack_test {

/// The bytes that `hex` spells, two digits each, spaces ignored.
inline std::string bytes(std::string_view hex) {
    std::string out;
    int high = -1;
    for (const char c : hex) {
        if (c == ' ') {
            continue;
        }
        const int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        if (high < 0) {
            high = digit;
        } else {
            out.push_back(static_cast<char>(high * 16 + digit));
            high = -1;
        }
    }
    return out;
}

/// `data` as lowercase hex, a space between bytes.
inline std::string hex(std::string_view data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        if (i > 0) {
            out.push_back(' ');
        }
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

/// What `write` writes, as hex.
template <class Write>
std::string written(Write write) {
    std::string out;
    signalrpp::msgpack::writer w(out);
    write(w);
    return hex(out);
}

} // namespace msgpack_test
