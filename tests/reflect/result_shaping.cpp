#include <signalrpp/reflect/method_invoker.hpp>

#include "dispatch_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace shaping {

struct item {
    std::string name;
    std::vector<int> values;
};
SIGNALRPP_DEFINE_TYPE(item, (name, "Name"), (values, "Values"));

struct custom_error {};

struct shaping_hub {
    void nothing() {}
    std::optional<int> none() { return std::nullopt; }
    std::optional<int> some() { return 5; }
    item make() { return {"a", {1, 2}}; }
    signalrpp::bytes blob() { return {std::byte{1}, std::byte{2}, std::byte{3}}; }
    std::chrono::system_clock::time_point epoch() { return {}; }
    double not_a_number() { return std::numeric_limits<double>::quiet_NaN(); }
    void throws_std() { throw std::invalid_argument("bad input"); }
    void throws_hub() { throw signalrpp::hub_exception("visible to clients"); }
    void throws_other() { throw custom_error{}; }
    int noexcept_method() const noexcept { return 7; }
};
SIGNALRPP_HUB(shaping_hub, nothing, none, some, make, blob, epoch, not_a_number, throws_std, throws_hub,
              throws_other, noexcept_method);

} // namespace shaping

using dispatch_test::call;
using dispatch_test::error_completion;
using dispatch_test::result_completion;
using answers = std::vector<std::string>;

TEST_CASE("a void method's Completion carries result null, as from ASP.NET Core") {
    dispatch_test::harness<shaping::shaping_hub> h;
    CHECK(h.run(call("1", "nothing", "[]")) == answers{result_completion("1", "null")});
}

TEST_CASE("results are written with their JSON mapping") {
    dispatch_test::harness<shaping::shaping_hub> h;
    CHECK(h.run(call("1", "none", "[]") + call("2", "some", "[]") + call("3", "make", "[]") + call("4", "blob", "[]") +
                call("5", "epoch", "[]") + call("6", "noexcept_method", "[]")) ==
          answers{result_completion("1", "null"), result_completion("2", "5"),
                  result_completion("3", R"({"Name":"a","Values":[1,2]})"), result_completion("4", R"("AQID")"),
                  result_completion("5", R"("1970-01-01T00:00:00Z")"), result_completion("6", "7")});
}

TEST_CASE("a thrown exception: the reference's text; its detail with detailed errors on") {
    dispatch_test::harness<shaping::shaping_hub> h;
    const std::string plain = "An unexpected error occurred invoking 'throws_std' on the server.";
    CHECK(h.run(call("1", "throws_std", "[]")) == answers{error_completion("1", plain)});
    // In whatever case the client calls it, the method is named as declared (as ASP.NET Core 10 does).
    dispatch_test::harness<shaping::shaping_hub> any_case;
    CHECK(any_case.run(call("2", "THROWS_Std", "[]")) == answers{error_completion("2", plain)});

    dispatch_test::harness<shaping::shaping_hub> detailed;
    detailed.options.detailed_errors = true;
    CHECK(detailed.run(call("1", "throws_std", "[]") + call("2", "throws_other", "[]")) ==
          answers{error_completion("1", plain + " std::invalid_argument: bad input"),
                  error_completion("2", "An unexpected error occurred invoking 'throws_other' on the server. Exception: "
                                        "An exception that is not a std::exception was thrown.")});
}

TEST_CASE("a hub_exception's message always reaches the caller") {
    dispatch_test::harness<shaping::shaping_hub> h;
    CHECK(h.run(call("1", "throws_hub", "[]")) ==
          answers{error_completion("1", "An unexpected error occurred invoking 'throws_hub' on the server. HubException: "
                                        "visible to clients")});
}

TEST_CASE("a result with no JSON form becomes an error, never a broken message") {
    dispatch_test::harness<shaping::shaping_hub> h;
    h.options.detailed_errors = true;
    const auto got = h.run(call("1", "not_a_number", "[]"));
    REQUIRE(got.size() == 1);
    CHECK(got[0].rfind(R"({"type":3,"invocationId":"1","error":"An unexpected error occurred invoking 'not_a_number' on the server. std::domain_error: )", 0) == 0);
}
