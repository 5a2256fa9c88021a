#include <signalrpp/json/containers.hpp>

#include <signalrpp/json/scalars.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;

TEST_CASE("optional is null when empty") {
    CHECK_FALSE(read_as<std::optional<int>>("null").value.has_value());
    CHECK(read_as<std::optional<int>>("null").ok);
    CHECK(read_as<std::optional<int>>("3").value == 3);
    CHECK_FALSE(reads<std::optional<int>>("\"3\""));
    CHECK(to_string(std::optional<int>{}) == "null");
    CHECK(to_string(std::optional<std::string>{"x"}) == R"("x")");
}

TEST_CASE("vector is an array, element types checked") {
    CHECK(read_as<std::vector<int>>("[1,2,3]").value == std::vector<int>{1, 2, 3});
    CHECK(read_as<std::vector<int>>("[]").value.empty());
    CHECK_FALSE(reads<std::vector<int>>("[1,\"2\"]"));
    CHECK_FALSE(reads<std::vector<int>>("{}"));
    CHECK_FALSE(reads<std::vector<int>>("null"));
    CHECK(read_as<std::vector<std::vector<std::string>>>(R"([["a"],[],["b","c"]])").value ==
          std::vector<std::vector<std::string>>{{"a"}, {}, {"b", "c"}});
    CHECK(to_string(std::vector<int>{1, 2}) == "[1,2]");
    CHECK(to_string(std::vector<bool>{true, false}) == "[true,false]");
    CHECK(read_as<std::vector<bool>>("[false,true]").value == std::vector<bool>{false, true});
    // A vector of uint8_t is numbers, not base64 (that is signalrpp::bytes).
    CHECK(to_string(std::vector<std::uint8_t>{1, 2}) == "[1,2]");
}

TEST_CASE("std::array needs exactly its size") {
    CHECK(read_as<std::array<int, 2>>("[5,6]").value == std::array<int, 2>{5, 6});
    CHECK_FALSE(reads<std::array<int, 2>>("[5]"));
    CHECK_FALSE(reads<std::array<int, 2>>("[5,6,7]"));
    CHECK(to_string(std::array<double, 2>{0.5, 2.5}) == "[0.5,2.5]");
}

TEST_CASE("string-keyed maps are objects") {
    using map = std::map<std::string, int>;
    CHECK(read_as<map>(R"({"b":2,"a":1})").value == map{{"a", 1}, {"b", 2}});
    CHECK(read_as<map>(R"({"a":1,"a":5})").value == map{{"a", 5}});
    CHECK_FALSE(reads<map>(R"({"a":"x"})"));
    CHECK_FALSE(reads<map>("[]"));
    CHECK(to_string(map{{"a", 1}, {"b", 2}}) == R"({"a":1,"b":2})");

    using umap = std::unordered_map<std::string, std::vector<int>>;
    const auto u = read_as<umap>(R"({"x":[1],"y":[]})");
    REQUIRE(u.ok);
    CHECK(u.value.at("x") == std::vector<int>{1});
    CHECK(u.value.at("y").empty());
    CHECK(to_string(umap{{"k", {3}}}) == R"({"k":[3]})");
}
