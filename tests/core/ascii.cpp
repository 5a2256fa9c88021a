#include <signalrpp/core/ascii.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace ascii = signalrpp::ascii;

TEST_CASE("iequals matches ASCII letters in either case, and nothing else") {
    CHECK(ascii::iequals("Echo", "Echo"));
    CHECK(ascii::iequals("Echo", "ECHO"));
    CHECK(ascii::iequals("sendMessage", "SENDmessage"));
    CHECK(ascii::iequals("", ""));
    CHECK_FALSE(ascii::iequals("Echo", "Ech"));
    CHECK_FALSE(ascii::iequals("Echo", "Echo "));
    CHECK_FALSE(ascii::iequals("Echo", "Ecko"));
    // Only A-Z fold: '@' and '`' sit next to the letters, '[' and '{' differ by the case bit too.
    CHECK_FALSE(ascii::iequals("@", "`"));
    CHECK_FALSE(ascii::iequals("a[", "A{"));
    // Bytes above 0x7f are compared as they are.
    CHECK(ascii::iequals("\xc3\xa9t\xc3\xa9", "\xc3\xa9T\xc3\xa9"));
    CHECK_FALSE(ascii::iequals("\xc3\xa9", "\xc3\x89"));
    // Every pair of bytes: equal exactly when they are the same byte or the same letter.
    for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; ++y) {
            const std::string a(1, static_cast<char>(x));
            const std::string b(1, static_cast<char>(y));
            const bool letters = (x | 0x20) == (y | 0x20) && (x | 0x20) >= 'a' && (x | 0x20) <= 'z';
            if (ascii::iequals(a, b) != (x == y || letters)) {
                FAIL("bytes " << x << " and " << y);
            }
        }
    }
}
