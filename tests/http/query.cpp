#include <signalrpp/http/query.hpp>

#include <catch2/catch.hpp>

namespace http = signalrpp::http;

TEST_CASE("parameters are found by name in any case, decoded") {
    const std::string_view query = "id=abc%2Bdef&negotiateVersion=1&access_token=a%20b+c&empty=&flag";
    CHECK(http::query_parameter(query, "id") == "abc+def");
    CHECK(http::query_parameter(query, "NEGOTIATEVERSION") == "1");
    CHECK(http::query_parameter(query, "access_token") == "a b c");
    CHECK(http::query_parameter(query, "empty") == "");
    CHECK(http::query_parameter(query, "flag") == "");
    CHECK_FALSE(http::query_parameter(query, "missing"));
    CHECK_FALSE(http::query_parameter("", "id"));
    CHECK(http::query_parameter("a=1&a=2", "a") == "1");
    CHECK(http::query_parameter("na%6De=v", "name") == "v");
}

TEST_CASE("percent-decoding keeps malformed escapes as they are") {
    CHECK(http::url_decode("%41%62%e2%82%ac") == "Ab\xe2\x82\xac");
    CHECK(http::url_decode("100%") == "100%");
    CHECK(http::url_decode("%zz%4") == "%zz%4");
    CHECK(http::url_decode("a+b") == "a b");
    CHECK(http::url_decode("a+b", false) == "a+b");
}

TEST_CASE("encoding keeps only unreserved characters and round-trips") {
    CHECK(http::url_encode("a b/c?d=e&f~_.-") == "a%20b%2Fc%3Fd%3De%26f~_.-");
    const std::string all = "token+/=: \xe2\x82\xac";
    CHECK(http::url_decode(http::url_encode(all)) == all);
}
