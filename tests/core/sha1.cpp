#include <signalrpp/core/sha1.hpp>

#include <signalrpp/core/base64.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string hex(const signalrpp::sha1::digest& d) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (const auto b : d) {
        s += digits[static_cast<unsigned>(b) >> 4];
        s += digits[static_cast<unsigned>(b) & 15];
    }
    return s;
}

} // namespace

TEST_CASE("SHA-1 matches the FIPS 180 test vectors") {
    CHECK(hex(signalrpp::sha1::of("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(hex(signalrpp::sha1::of("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex(signalrpp::sha1::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    signalrpp::sha1 million;
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) {
        million.update(thousand);
    }
    CHECK(hex(million.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("SHA-1 over pieces equals SHA-1 of the whole, at every block boundary") {
    std::string data;
    for (int i = 0; i < 200; ++i) {
        data += static_cast<char>(i * 7);
    }
    for (std::size_t n = 0; n <= data.size(); ++n) {
        const std::string part = data.substr(0, n);
        for (std::size_t split = 0; split <= n; split += 13) {
            signalrpp::sha1 h;
            h.update(std::string_view(part).substr(0, split)).update(std::string_view(part).substr(split));
            REQUIRE(h.finish() == signalrpp::sha1::of(part));
        }
    }
}

TEST_CASE("the RFC 6455 handshake example") {
    // RFC 6455, 1.3: key "dGhlIHNhbXBsZSBub25jZQ==" gives accept "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
    const auto digest = signalrpp::sha1::of("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    CHECK(signalrpp::base64::encode(digest) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
