#include <signalrpp/json/mappings.hpp>
#include <signalrpp/msgpack/mappings.hpp>

#include "msgpack_test_support.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

using msgpack_test::bytes;
using msgpack_test::hex;
using signalrpp::msgpack::from_bytes;
using signalrpp::msgpack::to_bytes;

namespace {

// Reads `hex` as one T; nothing if refused.
template <class T>
std::optional<T> read_as(std::string_view hex_text) {
    T out{};
    if (!from_bytes(bytes(hex_text), out)) {
        return std::nullopt;
    }
    return out;
}

template <class T>
std::string written(const T& v) {
    return hex(to_bytes(v));
}

enum class color : std::uint8_t { red = 1, blue = 200 };

} // namespace

namespace shapes {

struct point {
    int x = 0;
    int y = 0;
    std::optional<std::string> label;
};
SIGNALRPP_DEFINE_TYPE(point, x, y, (label, "Label"))

struct drawing {
    std::string title;
    std::vector<point> points;
    std::map<std::string, double> weights;
};
SIGNALRPP_DEFINE_TYPE(drawing, (title, "Title"), (points, "Points"), weights)

} // namespace shapes

TEST_CASE("scalars: integers range-checked, floats by width, enums as numbers, strings as checked UTF-8") {
    CHECK(written(true) == "c3");
    CHECK(written(std::int16_t{-200}) == "d1 ff 38");
    CHECK(written(std::uint32_t{70000}) == "ce 00 01 11 70");
    CHECK(read_as<std::uint8_t>("cc ff") == 255);
    CHECK_FALSE(read_as<std::uint8_t>("cd 01 00"));
    CHECK_FALSE(read_as<int>("c3"));
    CHECK(written(1.5f) == "ca 3f c0 00 00");
    CHECK(written(1.5) == "cb 3f f8 00 00 00 00 00 00");
    CHECK(read_as<double>("05") == 5.0);
    CHECK(read_as<float>("cb 3f f8 00 00 00 00 00 00") == 1.5f);
    CHECK(read_as<float>("cb 47 ef ff ff e0 00 00 00") == std::numeric_limits<float>::max());
    CHECK_FALSE(read_as<float>("cb 47 f0 00 00 00 00 00 00")); // 2^128: past float's range
    CHECK(std::isinf(*read_as<float>("cb 7f f0 00 00 00 00 00 00"))); // infinity is a value in MessagePack
    CHECK(written(std::numeric_limits<double>::quiet_NaN()).substr(0, 2) == "cb");
    CHECK(written(color::blue) == "cc c8");
    CHECK(read_as<color>("01") == color::red);
    CHECK(written(std::string("hé")) == "a3 68 c3 a9");
    CHECK(read_as<std::string>("a3 68 c3 a9") == "hé");
    CHECK_FALSE(read_as<std::string>("a2 c3 28")); // not UTF-8
    CHECK_FALSE(read_as<std::string>("c0"));       // nil is not a string: std::optional<std::string> takes it
    CHECK_FALSE(read_as<std::string>("c4 01 61")); // bin is not a string
    CHECK_FALSE(read_as<int>("01 02"));            // one value, nothing after it
}

TEST_CASE("containers: optional as nil, arrays, fixed-size arrays, maps with string keys") {
    CHECK(written(std::optional<int>{}) == "c0");
    CHECK(written(std::optional<int>{3}) == "03");
    const auto empty = read_as<std::optional<int>>("c0");
    REQUIRE(empty);
    CHECK_FALSE(empty->has_value());
    CHECK(*read_as<std::optional<int>>("07") == 7);
    CHECK(written(std::vector<int>{1, -1}) == "92 01 ff");
    CHECK(read_as<std::vector<int>>("93 01 02 03") == std::vector<int>{1, 2, 3});
    CHECK_FALSE(read_as<std::vector<int>>("92 01 a1 78"));
    CHECK_FALSE(read_as<std::vector<int>>("dd ff ff ff ff 01")); // four billion elements in 6 bytes: refused
    CHECK(read_as<std::array<int, 2>>("92 01 02") == std::array<int, 2>{1, 2});
    CHECK_FALSE(read_as<std::array<int, 2>>("93 01 02 03"));
    CHECK(written(std::map<std::string, int>{{"a", 1}, {"b", 2}}) == "82 a1 61 01 a1 62 02");
    const auto map = read_as<std::unordered_map<std::string, int>>("82 a1 61 01 a1 61 02");
    REQUIRE(map);
    CHECK(map->size() == 1);
    CHECK(map->at("a") == 2); // a repeated key: the last one wins
    CHECK_FALSE(read_as<std::map<std::string, int>>("81 01 01")); // a key that is not a string
}

TEST_CASE("byte arrays are bin; a vector of small integers stays an array") {
    const signalrpp::bytes data{std::byte{0}, std::byte{1}, std::byte{255}};
    CHECK(written(data) == "c4 03 00 01 ff");
    CHECK(read_as<signalrpp::bytes>("c4 03 00 01 ff") == data);
    CHECK(read_as<signalrpp::bytes>("c4 00") == signalrpp::bytes{});
    CHECK_FALSE(read_as<signalrpp::bytes>("a1 61"));
    CHECK(written(std::vector<std::uint8_t>{1, 255}) == "92 01 cc ff");
}

TEST_CASE("time points are timestamps, down to the nanosecond; what the clock cannot hold is refused") {
    using namespace std::chrono;
    const system_clock::time_point epoch{};
    CHECK(written(epoch) == "d6 ff 00 00 00 00");
    const auto moment = sys_days{year{2024} / 2 / 29} + hours{12} + nanoseconds{5};
    const auto text = to_bytes(system_clock::time_point(moment));
    CHECK(hex(text).substr(0, 5) == "d7 ff");
    system_clock::time_point back;
    CHECK(from_bytes(text, back));
    CHECK(back == moment);
    const auto before_1970 = system_clock::time_point(sys_days{year{1900} / 1 / 1}) + milliseconds{250};
    CHECK(hex(to_bytes(before_1970)).substr(0, 8) == "c7 0c ff");
    CHECK(from_bytes(to_bytes(before_1970), back));
    CHECK(back == before_1970);
    // .NET's DateTime.MinValue, 0001-01-01: before what system_clock holds.
    std::string min_value;
    signalrpp::msgpack::writer(min_value).write_timestamp(-62135596800, 0);
    CHECK_FALSE(from_bytes(min_value, back));
    CHECK_FALSE(read_as<system_clock::time_point>("a1 61"));
}

TEST_CASE("raw MessagePack passes through whole, and only a whole value is one") {
    using signalrpp::msgpack::raw_msgpack;
    CHECK(written(raw_msgpack{}) == "c0");
    const auto raw = read_as<raw_msgpack>("92 01 81 a1 61 c3");
    REQUIRE(raw);
    CHECK(hex(raw->bytes()) == "92 01 81 a1 61 c3");
    CHECK(written(*raw) == "92 01 81 a1 61 c3");
    CHECK(raw_msgpack::parse(bytes("92 01 02")));
    CHECK_FALSE(raw_msgpack::parse(bytes("92 01")));
    CHECK_FALSE(raw_msgpack::parse(bytes("01 02")));
}

TEST_CASE("SIGNALRPP_DEFINE_TYPE's one list gives both formats: a JSON object and a MessagePack map") {
    const shapes::drawing d{"plan", {{1, 2, "a"}, {3, 4, std::nullopt}}, {{"w", 0.5}}};
    CHECK(signalrpp::json::to_string(d) ==
          R"({"Title":"plan","Points":[{"x":1,"y":2,"Label":"a"},{"x":3,"y":4,"Label":null}],"weights":{"w":0.5}})");
    const std::string packed = to_bytes(d);
    CHECK(hex(packed).substr(0, 20) == "83 a5 54 69 74 6c 65"); // {"Title": ...
    shapes::drawing back;
    REQUIRE(from_bytes(packed, back));
    CHECK(back.title == "plan");
    REQUIRE(back.points.size() == 2);
    CHECK((back.points[0].x == 1 && back.points[0].y == 2 && back.points[0].label == "a"));
    CHECK((back.points[1].x == 3 && !back.points[1].label));
    CHECK(back.weights.at("w") == 0.5);
}

TEST_CASE("a described type reads keys case-insensitively, skips unknown entries, keeps defaults") {
    // {"X": 5, "extra": [1, {"deep": nil}], 7: "int key", "LABEL": "l"} — no y.
    const auto p = read_as<shapes::point>("84 a1 58 05 a5 65 78 74 72 61 92 01 81 a4 64 65 65 70 c0 07 a7 69 6e 74 20 6b "
                                          "65 79 a5 4c 41 42 45 4c a1 6c");
    REQUIRE(p);
    CHECK(p->x == 5);
    CHECK(p->y == 0);
    CHECK(p->label == "l");
    CHECK_FALSE(read_as<shapes::point>("81 a1 78 a1 61"));       // x is not an int
    CHECK_FALSE(read_as<shapes::point>("92 01 02"));             // an array is not a map
    CHECK_FALSE(read_as<shapes::point>("82 a1 78 01 a5 65 78")); // truncated unknown entry
}
