// json::plain_prefix: where the first byte that needs an escape is, for every position in texts of every
// length around the sizes it reads at once (sixteen and thirty-two bytes, and the overlapping last load).
#include <signalrpp/json/string_scan.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>

using signalrpp::json::plain_prefix;

TEST_CASE("plain_prefix stops at the first quote, backslash or control character, wherever it is") {
    const std::string specials = std::string("\"\\\x1f\x01", 4) + std::string(1, '\0');
    const std::string plains = " ~\x7f\x80\xff!#[]{}";
    for (std::size_t length = 0; length <= 80; ++length) {
        const std::string clean(length, 'a');
        CAPTURE(length);
        CHECK(plain_prefix(clean.data(), clean.size()) == length);
        for (std::size_t at = 0; at < length; ++at) {
            for (const char c : specials) {
                std::string text = clean;
                text[at] = c;
                text[length - 1] = length - 1 > at ? '"' : text[length - 1]; // a later special is not first
                CAPTURE(at, static_cast<int>(static_cast<unsigned char>(c)));
                CHECK(plain_prefix(text.data(), text.size()) == at);
            }
            for (const char c : plains) {
                std::string text = clean;
                text[at] = c;
                CHECK(plain_prefix(text.data(), text.size()) == length);
            }
        }
    }
}

TEST_CASE("plain_prefix reads only inside the text") {
    // The text is the start of a longer buffer whose next byte needs an escape: not seen.
    const std::string buffer = std::string(40, 'a') + "\"";
    for (std::size_t length = 0; length <= 40; ++length) {
        CHECK(plain_prefix(buffer.data(), length) == length);
    }
}
