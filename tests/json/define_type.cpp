#include <signalrpp/json/define_type.hpp>

#include <signalrpp/json/bytes.hpp>
#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/scalars.hpp>
#include <signalrpp/json/time_point.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;

namespace shapes {

struct point {
    int x = 0;
    int y = 0;
    friend bool operator==(const point&, const point&) = default;
};
SIGNALRPP_DEFINE_TYPE(point, x, y)

struct polygon {
    std::string name;
    std::vector<point> corners;
    std::optional<std::string> label;
    friend bool operator==(const polygon&, const polygon&) = default;
};
SIGNALRPP_DEFINE_TYPE(polygon, (name, "Name"), (corners, "Corners"), label)

} // namespace shapes

// The complex object the .NET functional tests exchange: PascalCase names, byte array, time.
struct complex_object {
    std::string string;
    std::vector<int> int_array;
    signalrpp::bytes byte_array;
    std::string guid;
    std::chrono::system_clock::time_point date_time;
    friend bool operator==(const complex_object&, const complex_object&) = default;
};
SIGNALRPP_DEFINE_TYPE(complex_object, (string, "String"), (int_array, "IntArray"), (byte_array, "ByteArray"),
                      (guid, "Guid"), (date_time, "DateTime"))

TEST_CASE("a described struct is an object with its members in order") {
    CHECK(to_string(shapes::point{1, 2}) == R"({"x":1,"y":2})");
    CHECK(read_as<shapes::point>(R"({"x":1,"y":2})").value == shapes::point{1, 2});
}

TEST_CASE("described structs nest, with wire names") {
    const shapes::polygon p{"tri", {{0, 0}, {1, 0}, {0, 1}}, std::nullopt};
    const std::string text = to_string(p);
    CHECK(text == R"({"Name":"tri","Corners":[{"x":0,"y":0},{"x":1,"y":0},{"x":0,"y":1}],"label":null})");
    CHECK(read_as<shapes::polygon>(text).value == p);
    CHECK(to_string(std::vector<shapes::polygon>{p}) == "[" + text + "]");
}

TEST_CASE("property names match case-insensitively; unknown ones are ignored; missing ones keep defaults") {
    const auto r = read_as<shapes::polygon>(R"({"NAME":"sq","extra":{"deep":[1]},"corners":[{"X":3,"Y":4}]})");
    REQUIRE(r.ok);
    CHECK(r.value.name == "sq");
    CHECK(r.value.corners == std::vector<shapes::point>{{3, 4}});
    CHECK_FALSE(r.value.label);
    CHECK(read_as<shapes::point>("{}").value == shapes::point{});
}

TEST_CASE("a member of the wrong type fails the whole read") {
    CHECK_FALSE(reads<shapes::point>(R"({"x":"1"})"));
    CHECK_FALSE(reads<shapes::polygon>(R"({"Corners":[{"x":true}]})"));
    CHECK_FALSE(reads<shapes::point>("[1,2]"));
    CHECK_FALSE(reads<shapes::point>("null"));
}

TEST_CASE("the .NET complex object round-trips") {
    using namespace std::chrono;
    const complex_object o{"hello world", {1, 2, 3}, {std::byte{1}, std::byte{2}, std::byte{3}},
                           "00010203-0405-0607-0706-050403020100", sys_days{year{2000} / 1 / 1}};
    const std::string text = to_string(o);
    CHECK(text == R"({"String":"hello world","IntArray":[1,2,3],"ByteArray":"AQID",)"
                  R"("Guid":"00010203-0405-0607-0706-050403020100","DateTime":"2000-01-01T00:00:00Z"})");
    CHECK(read_as<complex_object>(text).value == o);
}
