#include <signalrpp/reflect/dispatch_table.hpp>

#include "dispatch_test_support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace menu {

struct catalogue_hub {
    int zeta() { return 1; }
    int alpha() { return 2; }
    int Mixed() { return 3; }
    int renamed() { return 4; }
};
SIGNALRPP_HUB(catalogue_hub, zeta, alpha, Mixed, (renamed, "GetNumber"));

struct empty_hub {};
SIGNALRPP_HUB(empty_hub);

// More methods than a table searches one by one: found by binary search.
struct large_hub {
    int m01() { return 1; }
    int m02() { return 2; }
    int m03() { return 3; }
    int m04() { return 4; }
    int m05() { return 5; }
    int m06() { return 6; }
    int m07() { return 7; }
    int m08() { return 8; }
    int m09() { return 9; }
    int m10() { return 10; }
};
SIGNALRPP_HUB(large_hub, m10, m09, m08, m07, m06, m05, m04, m03, m02, m01);

} // namespace menu

using signalrpp::reflect::dispatch_table;

TEST_CASE("the table holds each described method once, sorted by case-folded wire name") {
    const auto& entries = dispatch_table<menu::catalogue_hub>::entries;
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].name == "alpha");
    CHECK(entries[1].name == "GetNumber");
    CHECK(entries[2].name == "Mixed");
    CHECK(entries[3].name == "zeta");
    static_assert(dispatch_table<menu::catalogue_hub>::entries.size() == 4, "built at compile time");
}

TEST_CASE("methods are found by wire name in any case, and only by wire name") {
    using table = dispatch_table<menu::catalogue_hub>;
    CHECK(table::find("alpha") == &table::entries[0]);
    CHECK(table::find("ALPHA") == &table::entries[0]);
    CHECK(table::find("getnumber") == &table::entries[1]);
    CHECK(table::find("mIXED") == &table::entries[2]);
    CHECK(table::find("Zeta") == &table::entries[3]);
    CHECK(table::find("renamed") == nullptr);
    CHECK(table::find("alph") == nullptr);
    CHECK(table::find("alphas") == nullptr);
    CHECK(table::find("") == nullptr);
}

TEST_CASE("a table too large to search one by one finds every method, in any case, and nothing else") {
    using table = dispatch_table<menu::large_hub>;
    STATIC_REQUIRE(table::entries.size() > table::linear_search_limit);
    for (std::size_t i = 0; i < table::entries.size(); ++i) {
        const std::string name = table::entries[i].name == "m10" ? "M10" : "M0" + std::to_string(i + 1);
        CAPTURE(name);
        CHECK(table::find(name) == &table::entries[i]);
    }
    CHECK(table::find("m00") == nullptr);
    CHECK(table::find("m11") == nullptr);
    CHECK(table::find("m1") == nullptr);
    CHECK(table::find("") == nullptr);
}

TEST_CASE("a hub may describe no methods at all") {
    CHECK(dispatch_table<menu::empty_hub>::entries.empty());
    CHECK(dispatch_table<menu::empty_hub>::find("anything") == nullptr);
}

TEST_CASE("calls reach the method their wire name names") {
    dispatch_test::harness<menu::catalogue_hub> h;
    using dispatch_test::call;
    using dispatch_test::result_completion;
    CHECK(h.run(call("1", "ZETA", "[]") + call("2", "getNUMBER", "[]")) ==
          std::vector<std::string>{result_completion("1", "1"), result_completion("2", "4")});
}
