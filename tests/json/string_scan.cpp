// json::plain_prefix and json::plain_ascii_prefix: where the first byte that stops them is, for every
// position in texts of every length around the sizes they read at once (sixteen, thirty-two and
// sixty-four bytes, and the overlapping last load), in each of their implementations: the portable one
// (SSE2 on x86-64) and, where the processor has it, the AVX2 one that long texts take.
#include <signalrpp/json/string_scan.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace {

namespace json = signalrpp::json;

struct implementation {
    const char* name;
    std::size_t (*scan)(const char*, std::size_t);
    std::size_t shortest; // the shortest text it takes
    bool ascii_only;      // bytes above 0x7f stop it
};

std::vector<implementation> implementations() {
    std::vector<implementation> all{
        {"plain_prefix", json::plain_prefix, 0, false},
        {"plain_ascii_prefix", json::plain_ascii_prefix, 0, true},
        {"portable", json::detail::plain_prefix_portable<false>, 0, false},
        {"portable ascii", json::detail::plain_prefix_portable<true>, 0, true},
    };
#if defined(SIGNALRPP_JSON_AVX2)
    if (json::detail::processor_has_avx2) {
        all.push_back({"avx2", json::detail::plain_prefix_avx2<false>, 64, false});
        all.push_back({"avx2 ascii", json::detail::plain_prefix_avx2<true>, 64, true});
    } else {
        WARN("this processor has no AVX2: its implementation is not tested here");
    }
#endif
    return all;
}

// Runs one scan and notes it in `wrong` if it is wrong: one assertion per implementation, not a million.
void check_scan(const implementation& impl, const std::string& text, std::size_t expected, std::string& wrong) {
    const std::size_t got = impl.scan(text.data(), text.size());
    if (got != expected && wrong.size() < 1000) {
        wrong += std::to_string(text.size()) + " bytes: " + std::to_string(got) + " instead of " +
                 std::to_string(expected) + "; ";
    }
}

} // namespace

TEST_CASE("plain_prefix stops at the first quote, backslash or control character, wherever it is") {
    const std::string escaped = std::string("\"\\\x1f\x01", 4) + std::string(1, '\0');
    const std::string above_ascii = "\x80\xff";
    const std::string plains = " ~\x7f!#[]{}";
    for (const implementation& impl : implementations()) {
        CAPTURE(impl.name);
        const std::string stops = impl.ascii_only ? escaped + above_ascii : escaped;
        const std::string passes = impl.ascii_only ? plains : plains + above_ascii;
        std::string wrong;
        for (std::size_t length = impl.shortest; length <= 160; ++length) {
            const std::string clean(length, 'a');
            check_scan(impl, clean, length, wrong);
            for (std::size_t at = 0; at < length; ++at) {
                for (const char c : stops) {
                    std::string text = clean;
                    text[at] = c;
                    text[length - 1] = length - 1 > at ? '"' : text[length - 1]; // a later stop is not first
                    check_scan(impl, text, at, wrong);
                }
                for (const char c : passes) {
                    std::string text = clean;
                    text[at] = c;
                    check_scan(impl, text, length, wrong);
                }
            }
        }
        CHECK(wrong.empty());
    }
}

TEST_CASE("plain_prefix reads only inside the text") {
    // The text is the start of a longer buffer whose next byte stops a scan: not seen.
    const std::string buffer = std::string(160, 'a') + "\"";
    for (const implementation& impl : implementations()) {
        CAPTURE(impl.name);
        for (std::size_t length = impl.shortest; length <= 160; ++length) {
            CHECK(impl.scan(buffer.data(), length) == length);
        }
    }
}
