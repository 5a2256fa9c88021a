#include <signalrpp/json/scalars.hpp>
#include <signalrpp/json/writer.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;

TEST_CASE("bool reads only true and false") {
    CHECK(read_as<bool>("true").value);
    CHECK(reads<bool>("false"));
    CHECK_FALSE(read_as<bool>("false").value);
    CHECK_FALSE(reads<bool>("1"));
    CHECK_FALSE(reads<bool>("\"true\""));
    CHECK_FALSE(reads<bool>("null"));
    CHECK(to_string(true) == "true");
}

TEST_CASE("integers are range-checked for their type") {
    CHECK(read_as<int>("42").value == 42);
    CHECK(read_as<int>("-7").value == -7);
    CHECK(read_as<std::uint8_t>("255").value == 255);
    CHECK_FALSE(reads<std::uint8_t>("256"));
    CHECK_FALSE(reads<std::uint8_t>("-1"));
    CHECK(read_as<std::int8_t>("-128").value == -128);
    CHECK_FALSE(reads<std::int8_t>("-129"));
    CHECK_FALSE(reads<int>("2147483648"));
    CHECK(read_as<std::int64_t>("-9223372036854775808").value == std::numeric_limits<std::int64_t>::min());
    CHECK(read_as<std::uint64_t>("18446744073709551615").value == std::numeric_limits<std::uint64_t>::max());
    CHECK_FALSE(reads<std::uint64_t>("18446744073709551616"));
    CHECK_FALSE(reads<int>("1.5"));
    CHECK_FALSE(reads<int>("1.0"));
    CHECK_FALSE(reads<int>("\"1\""));
    CHECK_FALSE(reads<int>("null"));
    CHECK(to_string(-5) == "-5");
    CHECK(to_string(std::uint64_t{18446744073709551615u}) == "18446744073709551615");
    CHECK(to_string(std::int16_t{-300}) == "-300");
}

TEST_CASE("floating point reads any number and writes the shortest exact form") {
    CHECK(read_as<double>("1.5").value == 1.5);
    CHECK(read_as<double>("3").value == 3.0);
    CHECK(read_as<double>("-2e3").value == -2000.0);
    CHECK(read_as<float>("0.25").value == 0.25f);
    CHECK_FALSE(reads<float>("1e300"));
    CHECK_FALSE(reads<double>("\"1.5\""));
    CHECK_FALSE(reads<double>("NaN"));
    CHECK(to_string(1.5) == "1.5");
    CHECK(to_string(0.1) == "0.1");
    CHECK(to_string(100.0) == "100.0");
}

TEST_CASE("non-finite floating point cannot be written") {
    CHECK_THROWS_AS(to_string(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
    CHECK_THROWS_AS(to_string(std::numeric_limits<float>::infinity()), std::domain_error);
}

namespace {
enum class color : std::uint8_t { red = 1, green = 2 };
enum plain { first = 10 };
} // namespace

TEST_CASE("enums are their numbers") {
    CHECK(read_as<color>("2").value == color::green);
    CHECK_FALSE(reads<color>("300"));
    CHECK_FALSE(reads<color>("\"green\""));
    CHECK(to_string(color::red) == "1");
    CHECK(to_string(first) == "10");
}

TEST_CASE("strings keep every character, escapes decoded and re-encoded") {
    CHECK(read_as<std::string>(R"("hello")").value == "hello");
    CHECK(read_as<std::string>(R"("a\"b\\c\nd\u00e9\u0000e")").value == std::string("a\"b\\c\nd\xc3\xa9\0e", 11));
    CHECK(read_as<std::string>(R"("\ud83d\ude00")").value == "\xf0\x9f\x98\x80");
    CHECK_FALSE(reads<std::string>("null"));
    CHECK_FALSE(reads<std::string>("5"));
    CHECK(to_string(std::string("q\"\\\n\x01")) == R"("q\"\\\n\u0001")");
    // Like ASP.NET Core's relaxed escaping: non-ASCII and HTML characters stay as they are.
    CHECK(to_string(std::string("<\xc3\xa9>&'")) == "\"<\xc3\xa9>&'\"");
}

TEST_CASE("text that is not valid UTF-8 is not JSON") {
    CHECK_FALSE(reads<std::string>("\"\xff\""));
    CHECK_FALSE(reads<std::string>("\"\xc3\""));
}

TEST_CASE("strings are written as RapidJSON's writer writes them, wherever the characters to escape fall") {
    // json::append_quoted copies plain runs sixteen (then eight) bytes at a time: put each character
    // that needs an escape at every position around those blocks, and compare with RapidJSON's Writer.
    const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', '\t', '\b', '\f', '\r', '\0'};
    for (const char special : specials) {
        for (std::size_t before = 0; before < 40; ++before) {
            for (std::size_t after : {0, 1, 7, 8, 15, 16, 17, 33}) {
                const std::string text = std::string(before, 'a') + special + std::string(after, 'z') + "\xc3\xa9\x7f";
                rapidjson::StringBuffer expected;
                rapidjson::Writer<rapidjson::StringBuffer> writer(expected);
                writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
                std::string written;
                signalrpp::json::append_quoted(written, text);
                INFO(before << " " << static_cast<int>(special) << " " << after);
                CHECK(written == std::string(expected.GetString(), expected.GetSize()));
            }
        }
    }
}
