#pragma once
// random_id(): 16 random bytes from the operating system's generator (std::random_device, which reads
// getrandom or /dev/urandom on Linux), base64url-encoded: 22 characters. How ASP.NET Core makes
// connection ids and connection tokens.

#include <signalrpp/core/base64.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace signalrpp {

inline std::string random_id() {
    thread_local std::random_device source;
    std::array<std::byte, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 4) {
        const std::uint32_t word = source();
        for (std::size_t j = 0; j < 4; ++j) {
            bytes[i + j] = static_cast<std::byte>(word >> (8 * j));
        }
    }
    return base64::encode(bytes, base64::alphabet::url);
}

} // namespace signalrpp
