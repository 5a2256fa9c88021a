// http::requested_range: one byte range read from a Range field, as a server answering single ranges
// reads it, with everything it does not answer ignored (the whole representation is sent).
#include <signalrpp/http/byte_range.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string_view>

using namespace signalrpp::http;

namespace {

range_request of(std::string_view field, std::uint64_t size = 1000) { return requested_range(field, size); }

void check_range(const range_request& r, std::uint64_t first, std::uint64_t last) {
    REQUIRE(r.what == range_request::kind::range);
    CHECK(r.range.first == first);
    CHECK(r.range.last == last);
}

} // namespace

TEST_CASE("a single range: first-last, first-, and a suffix, cut to the representation", "[http]") {
    check_range(of("bytes=0-99"), 0, 99);
    check_range(of("bytes=100-"), 100, 999);
    check_range(of("bytes=-10"), 990, 999);
    check_range(of("bytes=-5000"), 0, 999);  // a suffix longer than it: all of it
    check_range(of("bytes=990-5000"), 990, 999); // a last past the end: cut
    check_range(of("Bytes=5-5"), 5, 5); // the unit in any case
    CHECK(of("bytes=0-99").range.length() == 100);
    CHECK(of("bytes=0-99").range.content_range(1000) == "bytes 0-99/1000");
}

TEST_CASE("ranges that start past the end cannot be satisfied", "[http]") {
    CHECK(of("bytes=1000-").what == range_request::kind::unsatisfiable);
    CHECK(of("bytes=1000-2000").what == range_request::kind::unsatisfiable);
    CHECK(of("bytes=-0").what == range_request::kind::unsatisfiable);
}

TEST_CASE("whatever is not one well-formed byte range is ignored", "[http]") {
    for (const std::string_view field : {"bytes=0-1,5-6", "items=0-5", "bytes=", "bytes=5", "bytes=a-b", "bytes=10-5",
                                         "bytes=--5", "bytes=-", "bytes=1-2-3", "bytes=+1-2", "bytes=99999999999999999999-"}) {
        INFO(field);
        CHECK(of(field).what == range_request::kind::whole);
    }
    CHECK(requested_range(std::nullopt, 1000).what == range_request::kind::whole);
    CHECK(requested_range("bytes=0-5", 0).what == range_request::kind::whole); // an empty representation
}
