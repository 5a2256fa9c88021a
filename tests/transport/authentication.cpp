#include <signalrpp/transport/authentication.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

namespace http = signalrpp::http;
using signalrpp::transport::access_token_of;

http::request request(std::string target, std::string authorization = {}) {
    http::request r;
    r.method = "GET";
    r.target = std::move(target);
    if (!authorization.empty()) {
        r.fields.add("Authorization", std::move(authorization));
    }
    return r;
}

} // namespace

TEST_CASE("the token of an Authorization: Bearer header, the scheme in any case") {
    CHECK(access_token_of(request("/chat", "Bearer abc.def.ghi")) == "abc.def.ghi");
    CHECK(access_token_of(request("/chat", "bearer abc")) == "abc");
    CHECK(access_token_of(request("/chat", "BEARER abc")) == "abc");
    CHECK(access_token_of(request("/chat", "Bearer   abc  ")) == "abc"); // trimmed, as JwtBearer does
}

TEST_CASE("the token of the access_token query parameter, URL-decoded") {
    CHECK(access_token_of(request("/chat?id=1&access_token=a%2Bb%3D.c")) == "a+b=.c");
    CHECK(access_token_of(request("/chat?access_token=x+y")) == "x y");
    CHECK(access_token_of(request("/chat?ACCESS_TOKEN=abc")) == "abc"); // keys compare case-insensitively
    CHECK(access_token_of(request("/chat?id=1&access_token=first&access_token=second")) == "first");
}

TEST_CASE("the header is preferred to the query") {
    CHECK(access_token_of(request("/chat?access_token=query", "Bearer header")) == "header");
}

TEST_CASE("no token: no header, another scheme, an empty token") {
    CHECK_FALSE(access_token_of(request("/chat")));
    CHECK_FALSE(access_token_of(request("/chat?id=1&token=abc")));
    CHECK_FALSE(access_token_of(request("/chat", "Basic dXNlcjpwYXNz")));
    CHECK_FALSE(access_token_of(request("/chat", "Bearer")));
    CHECK_FALSE(access_token_of(request("/chat", "Bearer    ")));
    CHECK_FALSE(access_token_of(request("/chat", "Bearerabc")));
    CHECK_FALSE(access_token_of(request("/chat?access_token=")));
    CHECK_FALSE(access_token_of(request("/chat?access_token")));
}

TEST_CASE("a header without a bearer token falls back to the query") {
    CHECK(access_token_of(request("/chat?access_token=q", "Basic dXNlcjpwYXNz")) == "q");
    CHECK(access_token_of(request("/chat?access_token=q", "Bearer ")) == "q");
}

TEST_CASE("user_identity::claim gives the first claim of a type, compared exactly") {
    signalrpp::transport::user_identity user{"alice", {{"role", "admin"}, {"role", "user"}, {"name", "Alice"}}};
    CHECK(user.claim("role") == "admin");
    CHECK(user.claim("name") == "Alice");
    CHECK_FALSE(user.claim("Role"));
    CHECK_FALSE(user.claim("email"));
}
