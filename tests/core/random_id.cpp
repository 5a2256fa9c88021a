#include <signalrpp/core/random_id.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

TEST_CASE("random ids are 22 base64url characters of 16 bytes, and do not repeat") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        const std::string id = signalrpp::random_id();
        REQUIRE(id.size() == 22);
        std::vector<std::byte> bytes;
        REQUIRE_FALSE(signalrpp::base64::decode(id, bytes, signalrpp::base64::alphabet::url));
        CHECK(bytes.size() == 16);
        CHECK(id.find_first_of("+/=") == std::string::npos);
        seen.insert(id);
    }
    CHECK(seen.size() == 2000);
}
