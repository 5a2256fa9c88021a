#include <signalrpp/server/jwt_hs256.hpp>

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using signalrpp::jwt_hs256;
namespace base64 = signalrpp::base64;

const std::string secret = "a secret of at least thirty-two bytes";

std::string b64(std::string_view text) { return base64::encode(std::as_bytes(std::span(text)), base64::alphabet::url); }

std::string decode(std::string_view text) {
    std::vector<std::byte> bytes;
    REQUIRE_FALSE(base64::decode(text, bytes, base64::alphabet::url));
    std::string out;
    for (const std::byte b : bytes) {
        out.push_back(static_cast<char>(b));
    }
    return out;
}

// A token with this header and payload text, signed (correctly) with `key`, independently of jwt_hs256.
std::string signed_token(std::string_view header, std::string_view payload, const std::string& key = secret) {
    const std::string input = b64(header) + "." + b64(payload);
    std::array<unsigned char, 32> mac{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac.data(), &size);
    REQUIRE(size == 32);
    return input + "." + base64::encode(std::as_bytes(std::span(mac)), base64::alphabet::url);
}

constexpr std::string_view hs256 = R"({"alg":"HS256","typ":"JWT"})";

std::int64_t now() {
    using std::chrono::system_clock;
    return std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count();
}

std::string in(std::int64_t seconds) { return std::to_string(now() + seconds); }

// A well-formed payload with extra members.
std::string payload(std::string_view members) {
    std::string out = R"({"sub":"alice","exp":)" + in(3600);
    if (!members.empty()) {
        out += ',';
        out += members;
    }
    return out + '}';
}

} // namespace

TEST_CASE("issue then validate: the user id from sub, claims kept, repeated claims as an array") {
    const jwt_hs256 jwt(secret);
    const auto token = jwt.issue({{"sub", "alice"}, {"name", "Alice Liddell"}, {"role", "admin"}, {"role", "user"}},
                                 std::chrono::hours(1));
    const auto user = jwt.validate(token);
    REQUIRE(user);
    CHECK(user->user_id == "alice");
    CHECK(user->claim("name") == "Alice Liddell");
    CHECK(user->claims == std::vector<std::pair<std::string, std::string>>{
                              {"sub", "alice"}, {"name", "Alice Liddell"}, {"role", "admin"}, {"role", "user"}});
}

TEST_CASE("issued tokens: the HS256 header, the claims as members, exp/iat/nbf as numbers") {
    const jwt_hs256 jwt(secret, {std::string("issuer"), std::string("audience"), std::chrono::minutes(5)});
    const auto token =
        jwt.issue({{"sub", "a\"b"}, {"role", "x"}, {"role", "y"}, {"exp", "1"}}, std::chrono::seconds(60));
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    REQUIRE(second != std::string::npos);
    CHECK(token.find('=') == std::string::npos); // unpadded
    CHECK(decode(token.substr(0, first)) == hs256);
    const std::string body = decode(token.substr(first + 1, second - first - 1));
    const auto t = now();
    const std::string expected_prefix = R"({"sub":"a\"b","role":["x","y"],"exp":)";
    REQUIRE(body.rfind(expected_prefix, 0) == 0);
    const std::int64_t exp = std::stoll(body.substr(expected_prefix.size()));
    CHECK(exp >= t + 59);
    CHECK(exp <= t + 61);
    CHECK(body.find(R"(,"iat":)") != std::string::npos);
    CHECK(body.find(R"(,"nbf":)") != std::string::npos);
    CHECK(body.find(R"("iss":"issuer","aud":"audience"})") != std::string::npos);
    CHECK(decode(token.substr(second + 1)).size() == 32);
    CHECK(jwt.validate(token)->user_id == "a\"b");
}

TEST_CASE("the user id: sub, else nameid, else the NameIdentifier claim, else empty") {
    const jwt_hs256 jwt(secret);
    CHECK(jwt.validate(signed_token(hs256, payload(R"("nameid":"n")")))->user_id == "alice");
    const std::string exp = R"("exp":)" + in(60);
    CHECK(jwt.validate(signed_token(hs256, "{\"nameid\":\"n\"," + exp + "}"))->user_id == "n");
    CHECK(jwt.validate(signed_token(
                           hs256, R"({"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier":"long",)" +
                                      exp + "}"))
              ->user_id == "long");
    const auto anonymous = jwt.validate(signed_token(hs256, R"({"name":"x",)" + exp + "}"));
    REQUIRE(anonymous);
    CHECK(anonymous->user_id.empty());
    CHECK(anonymous->claim("name") == "x");
}

TEST_CASE("claims: strings and arrays of strings; other members are not claims") {
    const jwt_hs256 jwt(secret);
    const auto user = jwt.validate(
        signed_token(hs256, payload(R"("roles":["a",1,"b",null],"n":5,"o":{"k":"v"},"t":true,"e":"")")));
    REQUIRE(user);
    CHECK(user->claims ==
          std::vector<std::pair<std::string, std::string>>{
              {"sub", "alice"}, {"roles", "a"}, {"roles", "b"}, {"e", ""}});
}

TEST_CASE("a tampered token, another key's token and a stripped signature are refused") {
    const jwt_hs256 jwt(secret);
    const auto token = jwt.issue({{"sub", "alice"}}, std::chrono::hours(1));
    REQUIRE(jwt.validate(token));
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    const std::string forged_payload = b64(payload(R"("role":"admin")"));
    CHECK_FALSE(jwt.validate(token.substr(0, first + 1) + forged_payload + token.substr(second)));
    std::string flipped = token;
    flipped[second + 3] = flipped[second + 3] == 'A' ? 'B' : 'A';
    CHECK_FALSE(jwt.validate(flipped));
    CHECK_FALSE(jwt.validate(token.substr(0, second + 1)));          // no signature
    CHECK_FALSE(jwt.validate(token.substr(0, token.size() - 4))); // a shorter signature (29 bytes)
    CHECK_FALSE(jwt.validate(token + "AAAA"));                     // a longer one (35 bytes)
    CHECK_FALSE(jwt_hs256("another secret of thirty-two bytes...").validate(token));
    CHECK_FALSE(jwt.validate(signed_token(hs256, payload(""), "another secret of thirty-two bytes...")));
}

TEST_CASE("only alg HS256: none, other algorithms, a missing or odd alg and crit are refused") {
    const jwt_hs256 jwt(secret);
    const auto p = payload("");
    CHECK(jwt.validate(signed_token(R"({"alg":"HS256"})", p)));
    CHECK_FALSE(jwt.validate(b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(p) + "."));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"none"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"HS384"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"hs256"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"RS256"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"typ":"JWT"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":256})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":["HS256"]})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"HS256","alg":"HS256"})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"({"alg":"HS256","crit":["exp"]})", p)));
    CHECK_FALSE(jwt.validate(signed_token(R"(["HS256"])", p)));
    CHECK_FALSE(jwt.validate(signed_token("", p)));
    CHECK_FALSE(jwt.validate(signed_token("{", p)));
}

TEST_CASE("exp is required; exp and nbf are checked with the clock skew") {
    const jwt_hs256 jwt(secret); // 5 minutes of skew
    CHECK_FALSE(jwt.validate(signed_token(hs256, R"({"sub":"alice"})")));
    CHECK_FALSE(jwt.validate(jwt.issue({{"sub", "alice"}}, -std::chrono::minutes(6)))); // expired beyond the skew
    CHECK(jwt.validate(jwt.issue({{"sub", "alice"}}, -std::chrono::minutes(4))));       // within it
    CHECK_FALSE(jwt.validate(signed_token(hs256, R"({"exp":)" + in(-301) + "}")));
    CHECK(jwt.validate(signed_token(hs256, R"({"exp":)" + in(-290) + "}")));
    CHECK_FALSE(jwt.validate(signed_token(hs256, payload(R"("nbf":)" + in(600)))));   // not yet valid
    CHECK_FALSE(jwt.validate(signed_token(hs256, payload(R"("nbf":)" + in(310)))));
    CHECK(jwt.validate(signed_token(hs256, payload(R"("nbf":)" + in(290)))));         // within the skew
    CHECK(jwt.validate(signed_token(hs256, payload(R"("nbf":)" + in(-10) + ".5")))); // numbers may have fractions
    CHECK(jwt.validate(signed_token(hs256, R"({"exp":)" + in(100) + ".25}")));

    const jwt_hs256 strict(secret, {{}, {}, std::chrono::seconds(0)});
    CHECK_FALSE(strict.validate(strict.issue({{"sub", "alice"}}, -std::chrono::seconds(5))));
    CHECK_FALSE(strict.validate(signed_token(hs256, payload(R"("nbf":)" + in(30)))));
    CHECK(strict.validate(strict.issue({{"sub", "alice"}}, std::chrono::seconds(30))));
}

TEST_CASE("iss and aud are checked when configured, and only then") {
    const jwt_hs256 configured(secret, {std::string("me"), std::string("chat"), std::chrono::minutes(5)});
    const jwt_hs256 plain(secret);
    CHECK(configured.validate(configured.issue({{"sub", "alice"}}, std::chrono::hours(1))));
    CHECK_FALSE(configured.validate(plain.issue({{"sub", "alice"}}, std::chrono::hours(1)))); // neither
    CHECK(plain.validate(configured.issue({{"sub", "alice"}}, std::chrono::hours(1))));       // not checked
    CHECK(configured.validate(signed_token(hs256, payload(R"("iss":"me","aud":["other","chat"])"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"you","aud":"chat")"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"me","aud":"other")"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"me","aud":["other"])"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"me")"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("aud":"chat")"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":["me"],"aud":"chat")"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"me","aud":7)"))));
    CHECK_FALSE(configured.validate(signed_token(hs256, payload(R"("iss":"ME","aud":"chat")")))); // exact
}

TEST_CASE("malformed tokens are refused, never thrown") {
    const jwt_hs256 jwt(secret);
    const auto good = jwt.issue({{"sub", "alice"}}, std::chrono::hours(1));
    CHECK_FALSE(jwt.validate(""));
    CHECK_FALSE(jwt.validate("."));
    CHECK_FALSE(jwt.validate(".."));
    CHECK_FALSE(jwt.validate("..."));
    CHECK_FALSE(jwt.validate(good.substr(0, good.find('.')))); // one part
    CHECK_FALSE(jwt.validate(good.substr(0, good.rfind('.')))); // two parts
    CHECK_FALSE(jwt.validate(good + ".AAAA")); // four parts
    CHECK_FALSE(jwt.validate("e30.e30.e30"));
    CHECK_FALSE(jwt.validate("!!!." + b64(payload("")) + ".AAAA")); // not base64url
    CHECK_FALSE(jwt.validate(b64(hs256) + "." + b64(payload("")) + "=.AAAA"));
    CHECK_FALSE(jwt.validate(b64(hs256) + ".A.AAAA")); // a length base64 cannot have
    CHECK_FALSE(jwt.validate(good.substr(0, good.rfind('.')) + ".!!!!")); // a signature that is not base64url
    std::string plus = good;
    plus[plus.find('.') + 2] = '+'; // the standard alphabet's character
    CHECK_FALSE(jwt.validate(plus));
    CHECK_FALSE(jwt.validate(" " + good));
    CHECK_FALSE(jwt.validate(good + " "));
    CHECK_FALSE(jwt.validate("Bearer " + good));
}

TEST_CASE("payloads that are not an object, or with members of the wrong type, are refused") {
    const jwt_hs256 jwt(secret);
    for (const std::string& text :
         {std::string("[]"), std::string("\"x\""), std::string("42"), std::string("null"), std::string(""),
          std::string("{"), std::string(R"({"exp":)" + in(60)),
          std::string("{\"sub\":\"\xff\",\"exp\":" + in(60) + "}"),
          std::string(R"({"exp":"tomorrow"})"), std::string(R"({"exp":null})"), std::string(R"({"exp":[1]})"),
          std::string(R"({"exp":true})"), payload(R"("nbf":"now")"), payload(R"("iat":{})"),
          payload(R"("sub":"bob")"), payload(R"("exp":1)"), std::string(200, '[') + std::string(200, ']')}) {
        INFO(text);
        CHECK_FALSE(jwt.validate(signed_token(hs256, text)));
    }
}

TEST_CASE("the authenticator validates the request's token and refuses none") {
    const jwt_hs256 jwt(secret);
    const auto authenticate = jwt.authenticator();
    signalrpp::http::request r;
    r.method = "GET";
    r.target = "/chat";
    const auto token = jwt.issue({{"sub", "alice"}}, std::chrono::hours(1));
    CHECK(authenticate({token, r})->user_id == "alice");
    CHECK_FALSE(authenticate({"", r}));
    CHECK_FALSE(authenticate({"not a token", r}));
}

TEST_CASE("a secret shorter than 256 bits is refused up front") {
    CHECK_THROWS_AS(jwt_hs256("short"), std::invalid_argument);
    CHECK_THROWS_AS(jwt_hs256(std::string(31, 'k')), std::invalid_argument);
    CHECK_NOTHROW(jwt_hs256(std::string(32, 'k')));
}
