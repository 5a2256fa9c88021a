#include <signalrpp/json/serializer.hpp>

#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/scalars.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

// A type from a library we do not own: it gets its JSON form by specializing the customization point.
namespace third_party {
struct rgb {
    unsigned char r = 0, g = 0, b = 0;
    friend bool operator==(const rgb&, const rgb&) = default;
};
} // namespace third_party

template <>
struct signalrpp::json::serializer<third_party::rgb> {
    static bool read(const value& in, third_party::rgb& out) {
        unsigned r = 0, g = 0, b = 0;
        if (!in.IsString() || in.GetStringLength() != 7 ||
            std::sscanf(in.GetString(), "#%2x%2x%2x", &r, &g, &b) != 3) {
            return false;
        }
        out = {static_cast<unsigned char>(r), static_cast<unsigned char>(g), static_cast<unsigned char>(b)};
        return true;
    }
    static void write(writer& out, const third_party::rgb& v) {
        char text[8];
        std::snprintf(text, sizeof text, "#%02x%02x%02x", v.r, v.g, v.b);
        out.String(text, 7);
    }
};

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;

TEST_CASE("a specialized serializer gives a third-party type its JSON form") {
    static_assert(signalrpp::json::mapped<third_party::rgb>);
    CHECK(to_string(third_party::rgb{255, 0, 16}) == R"("#ff0010")");
    CHECK(read_as<third_party::rgb>(R"("#0a0b0c")").value == third_party::rgb{10, 11, 12});
    CHECK_FALSE(reads<third_party::rgb>(R"("red")"));
    CHECK_FALSE(reads<third_party::rgb>("[1,2,3]"));
}

TEST_CASE("a specialized type composes with the built-in mappings") {
    const std::vector<std::optional<third_party::rgb>> palette = {third_party::rgb{1, 2, 3}, std::nullopt};
    CHECK(to_string(palette) == R"(["#010203",null])");
    CHECK(read_as<std::vector<std::optional<third_party::rgb>>>(R"(["#010203",null])").value == palette);
}

TEST_CASE("types without a mapping are not mapped") {
    struct unmapped {};
    static_assert(!signalrpp::json::mapped<unmapped>);
    static_assert(!signalrpp::json::mapped<char>);
    static_assert(!signalrpp::json::mapped<std::byte>);
    static_assert(!signalrpp::json::mapped<std::vector<unmapped>>);
    CHECK(signalrpp::json::mapped<std::vector<std::optional<int>>>);
}
