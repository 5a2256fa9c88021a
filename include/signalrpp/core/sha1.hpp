#pragma once
// SHA-1 (FIPS 180-4), for the WebSocket handshake's Sec-WebSocket-Accept (RFC 6455, 4.2.2), which is
// the only place SignalR needs it. Not for anything that needs a secure hash.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace signalrpp {

class sha1 {
public:
    using digest = std::array<std::byte, 20>;

    sha1& update(std::string_view data) noexcept {
        for (const char c : data) {
            block_[block_size_++] = static_cast<std::uint8_t>(c);
            if (block_size_ == 64) {
                compress();
                block_size_ = 0;
            }
        }
        length_ += data.size();
        return *this;
    }

    digest finish() noexcept {
        const std::uint64_t bits = length_ * 8;
        block_[block_size_++] = 0x80;
        if (block_size_ > 56) {
            std::memset(block_ + block_size_, 0, 64 - block_size_);
            compress();
            block_size_ = 0;
        }
        std::memset(block_ + block_size_, 0, 56 - block_size_);
        for (int i = 0; i < 8; ++i) {
            block_[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
        }
        compress();
        digest out{};
        for (int i = 0; i < 5; ++i) {
            for (int j = 0; j < 4; ++j) {
                out[static_cast<std::size_t>(4 * i + j)] = static_cast<std::byte>(state_[i] >> (24 - 8 * j));
            }
        }
        return out;
    }

    static digest of(std::string_view data) noexcept { return sha1().update(data).finish(); }

private:
    static constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

    void compress() noexcept {
        std::uint32_t w[80];
        for (int i = 0; i < 16; ++i) {
            w[i] = static_cast<std::uint32_t>(block_[4 * i]) << 24 | static_cast<std::uint32_t>(block_[4 * i + 1]) << 16 |
                   static_cast<std::uint32_t>(block_[4 * i + 2]) << 8 | block_[4 * i + 3];
        }
        for (int i = 16; i < 80; ++i) {
            w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        }
        std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
        for (int i = 0; i < 80; ++i) {
            std::uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5a827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ed9eba1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8f1bbcdc;
            } else {
                f = b ^ c ^ d;
                k = 0xca62c1d6;
            }
            const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotl(b, 30);
            b = a;
            a = t;
        }
        state_[0] += a;
        state_[1] += b;
        state_[2] += c;
        state_[3] += d;
        state_[4] += e;
    }

    std::uint32_t state_[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    std::uint8_t block_[64] = {};
    std::size_t block_size_ = 0;
    std::uint64_t length_ = 0;
};

} // namespace signalrpp
