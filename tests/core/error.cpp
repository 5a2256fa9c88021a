#include <signalrpp/core/error.hpp>

#include <catch2/catch.hpp>

TEST_CASE("signalrpp errors convert to std::error_code in their own category") {
    const std::error_code ec = signalrpp::error::invalid_base64;
    CHECK(ec);
    CHECK(ec.category() == signalrpp::error_category());
    CHECK(std::string(ec.category().name()) == "signalrpp");
    CHECK(ec.value() == 1);
    CHECK(ec.message() == "invalid base64 text");
    CHECK(ec == signalrpp::error::invalid_base64);
    CHECK(ec != std::make_error_code(std::errc::invalid_argument));
}

TEST_CASE("an unknown value still has a message") {
    const std::error_code ec(999, signalrpp::error_category());
    CHECK(ec.message() == "unknown signalrpp error");
}
