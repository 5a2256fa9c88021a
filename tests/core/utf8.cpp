#include <signalrpp/core/utf8.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using signalrpp::utf8::valid;

TEST_CASE("valid UTF-8 of every length passes") {
    CHECK(valid(""));
    CHECK(valid("plain ASCII, longer than eight bytes at a time"));
    CHECK(valid("\xc3\xa9"));             // é, two bytes
    CHECK(valid("\xe2\x82\xac"));         // €, three bytes
    CHECK(valid("\xf0\x9f\x98\x80"));     // 😀, four bytes
    CHECK(valid("\xed\x9f\xbf"));         // U+D7FF, just below the surrogates
    CHECK(valid("\xee\x80\x80"));         // U+E000, just above them
    CHECK(valid("\xf4\x8f\xbf\xbf"));     // U+10FFFF, the last code point
    CHECK(valid(std::string_view("a\0b", 3)));
    CHECK(valid("mixed \xc3\xa9 and ASCII runs \xe2\x82\xac over eight bytes \xf0\x9f\x98\x80 end"));
}

TEST_CASE("malformed UTF-8 fails") {
    const std::string_view bad[] = {
        "\x80",             // continuation byte first
        "\xbf",
        "\xc0\xaf",         // overlong two-byte form of '/'
        "\xc1\xbf",
        "\xe0\x80\xaf",     // overlong three-byte form
        "\xf0\x80\x80\xaf", // overlong four-byte form
        "\xed\xa0\x80",     // U+D800, a surrogate
        "\xed\xbf\xbf",     // U+DFFF
        "\xf4\x90\x80\x80", // U+110000, past the last code point
        "\xf5\x80\x80\x80",
        "\xff",
        "\xc3",             // truncated at the end
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xed",
        "\xc3(",            // bad continuation
        "\xe2\x28\xa1",
        "\xf0\x9f\x28\x80",
    };
    for (const auto text : bad) {
        INFO(std::string(text));
        CHECK_FALSE(valid(text));
    }
    CHECK_FALSE(valid("a long ASCII prefix before the bad byte \xff"));
}

TEST_CASE("a malformed or multi-byte sequence is found wherever it falls in the text's sixteen-byte blocks") {
    for (std::size_t length = 1; length <= 50; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
            CAPTURE(length, at);
            std::string text(length, 'a');
            text[at] = '\x80'; // a continuation byte alone
            CHECK_FALSE(valid(text));
            if (at + 1 < length) {
                text[at] = '\xc3';
                text[at + 1] = '\xa9'; // é
                CHECK(valid(text));
                text[at + 1] = 'a'; // é cut short
                CHECK_FALSE(valid(text));
            }
        }
    }
}
