#include <signalrpp/json/raw_json.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

using json_test::read_as;
using signalrpp::json::raw_json;
using signalrpp::json::to_string;

TEST_CASE("raw_json carries any value through unchanged") {
    for (const char* text : {R"({"a":[1,2,{"b":null}],"c":"d"})", "[]", "42", R"("s")", "null", "true"}) {
        const auto r = read_as<raw_json>(text);
        REQUIRE(r.ok);
        CHECK(r.value.text() == text);
        CHECK(to_string(r.value) == text);
    }
}

TEST_CASE("raw_json is written compactly and checked when made from text") {
    CHECK(read_as<raw_json>("{ \"a\" : [ 1 , 2 ] }").value.text() == R"({"a":[1,2]})");
    const auto parsed = raw_json::parse(" [1, \"x\"] ");
    REQUIRE(parsed);
    CHECK(parsed->text() == R"([1,"x"])");
    CHECK_FALSE(raw_json::parse("{"));
    CHECK_FALSE(raw_json::parse("1 2"));
    CHECK(raw_json().text() == "null");
}
