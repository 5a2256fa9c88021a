#include <signalrpp/core/base64.hpp>

#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

namespace base64 = signalrpp::base64;

namespace {

std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> out;
    for (const char c : text) {
        out.push_back(static_cast<std::byte>(c));
    }
    return out;
}

std::vector<std::byte> decoded(std::string_view text, base64::alphabet a = base64::alphabet::standard) {
    std::vector<std::byte> out;
    const auto ec = base64::decode(text, out, a);
    REQUIRE_FALSE(ec);
    return out;
}

} // namespace

TEST_CASE("standard base64 matches the RFC 4648 test vectors") {
    // RFC 4648, section 10.
    const std::pair<std::string_view, std::string_view> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64::encode(bytes_of(plain)) == encoded);
        CHECK(decoded(encoded) == bytes_of(plain));
        CHECK(base64::encoded_size(plain.size()) == encoded.size());
    }
}

TEST_CASE("url base64 has no padding and uses - and _") {
    const std::vector<std::byte> data = {std::byte{0xfb}, std::byte{0xff}, std::byte{0xbf}, std::byte{0x01}};
    CHECK(base64::encode(data) == "+/+/AQ==");
    CHECK(base64::encode(data, base64::alphabet::url) == "-_-_AQ");
    CHECK(base64::encoded_size(data.size(), base64::alphabet::url) == 6);
    CHECK(decoded("-_-_AQ", base64::alphabet::url) == data);
    // 16 random bytes (a connection id) are 22 characters.
    CHECK(base64::encoded_size(16, base64::alphabet::url) == 22);
}

TEST_CASE("all byte values round-trip in both alphabets") {
    std::vector<std::byte> data;
    for (int i = 0; i < 256; ++i) {
        data.push_back(static_cast<std::byte>(i));
    }
    for (std::size_t size = 0; size <= data.size(); size += 37) {
        const std::vector<std::byte> part(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(size));
        for (const auto a : {base64::alphabet::standard, base64::alphabet::url}) {
            const std::string text = base64::encode(part, a);
            CHECK(text.size() == base64::encoded_size(size, a));
            CHECK(decoded(text, a) == part);
        }
    }
}

TEST_CASE("decoding rejects malformed text and leaves the output as it was") {
    const std::string_view bad_standard[] = {
        "Zg=",      // length not a multiple of 4
        "Z===",     // three padding characters
        "Zg==Zg==", // padding in the middle
        "Zm9v YmFy", "Zm9-", "Zm9_", "Zm9\n", "====",
    };
    for (const auto text : bad_standard) {
        std::vector<std::byte> out = bytes_of("kept");
        CHECK(base64::decode(text, out) == signalrpp::error::invalid_base64);
        CHECK(out == bytes_of("kept"));
    }
    const std::string_view bad_url[] = {"A", "Zm9v+", "Zm9/", "Zg=="};
    for (const auto text : bad_url) {
        std::vector<std::byte> out;
        CHECK(base64::decode(text, out, base64::alphabet::url) == signalrpp::error::invalid_base64);
        CHECK(out.empty());
    }
}

TEST_CASE("decoding appends to what the output already holds") {
    std::vector<std::byte> out = bytes_of("ab");
    REQUIRE_FALSE(base64::decode("Y2Q=", out));
    CHECK(out == bytes_of("abcd"));
}
