#include <signalrpp/json/bytes.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;

TEST_CASE("bytes are base64 strings, as .NET writes byte[]") {
    const signalrpp::bytes data = {std::byte{1}, std::byte{2}, std::byte{3}};
    CHECK(to_string(data) == R"("AQID")");
    CHECK(read_as<signalrpp::bytes>(R"("AQID")").value == data);
    CHECK(to_string(signalrpp::bytes{}) == R"("")");
    CHECK(read_as<signalrpp::bytes>(R"("")").value.empty());
    CHECK(read_as<signalrpp::bytes>(R"("/w==")").value == signalrpp::bytes{std::byte{0xff}});
}

TEST_CASE("bytes reject what is not base64") {
    CHECK_FALSE(reads<signalrpp::bytes>(R"("AQI")"));
    CHECK_FALSE(reads<signalrpp::bytes>(R"("A@ID")"));
    CHECK_FALSE(reads<signalrpp::bytes>("[1,2,3]"));
    CHECK_FALSE(reads<signalrpp::bytes>("null"));
}
