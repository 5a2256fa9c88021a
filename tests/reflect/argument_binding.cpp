#include <signalrpp/reflect/method_invoker.hpp>

#include "dispatch_test_support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace binding {

struct point {
    int x = 0;
    int y = 0;
};
SIGNALRPP_DEFINE_TYPE(point, x, y);

struct binding_hub {
    std::string last;
    std::string concat(std::string a, const std::string& b, int n) { return a + b + std::to_string(n); }
    int sum(std::vector<int> v) {
        int s = 0;
        for (int i : v) s += i;
        return s;
    }
    int area(const point& p) { return p.x * p.y; }
    std::string maybe(std::optional<std::string> s) { return s.value_or("none"); }
    void remember(std::string& s) { last = s; } // a non-const reference binds too
    int count(std::map<std::string, int> m) { return static_cast<int>(m.size()); }
    signalrpp::json::raw_json pass(signalrpp::json::raw_json any) { return any; }
};
SIGNALRPP_HUB(binding_hub, concat, sum, area, maybe, remember, count, pass);

// The capacity of each string argument's storage, to see storage handed from call to call.
struct storage_hub {
    std::vector<std::size_t> capacities;
    std::string echo(std::string s) {
        capacities.push_back(s.capacity());
        return s;
    }
    std::size_t length(const std::string& s) {
        capacities.push_back(s.capacity());
        return s.size();
    }
};
SIGNALRPP_HUB(storage_hub, echo, length);

} // namespace binding

using dispatch_test::call;
using dispatch_test::error_completion;
using dispatch_test::result_completion;
using answers = std::vector<std::string>;

TEST_CASE("arguments bind by position to typed parameters") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "concat", R"(["a","b",3])")) == answers{result_completion("1", R"("ab3")")});
}

TEST_CASE("containers, optionals, maps and described structs bind") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "sum", "[[1,2,3]]") + call("2", "area", R"([{"X":3,"y":4}])") +
                call("3", "maybe", "[null]") + call("4", "maybe", R"(["x"])") + call("5", "count", R"([{"a":1,"b":2}])")) ==
          answers{result_completion("1", "6"), result_completion("2", "12"), result_completion("3", R"("none")"),
                  result_completion("4", R"("x")"), result_completion("5", "2")});
}

TEST_CASE("a raw_json parameter takes any argument and passes it through untouched") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "pass", R"([{"a":[1,{"b":null}],"c":"d"}])") + call("2", "pass", "[42]") +
                call("3", "pass", "[null]")) ==
          answers{result_completion("1", R"({"a":[1,{"b":null}],"c":"d"})"), result_completion("2", "42"),
                  result_completion("3", "null")});
}

TEST_CASE("a parameter taken by non-const reference gets the bound value") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "remember", R"(["kept"])")) == answers{result_completion("1", "null")});
    CHECK(h.hub.last == "kept");
}

// String arguments are read into storage kept per thread, which a call's string parameters and result
// give back: they must still bind whole whatever the lengths before them, kept storage or not.
TEST_CASE("string arguments of every length bind whole, call after call, in reused storage") {
    dispatch_test::harness<binding::storage_hub> h;
    std::string wire;
    answers expected;
    const std::size_t lengths[] = {3, 40, 16, 15, 5000, 200, 0, 4096, 4097, 31, 1, 100, 100};
    for (std::size_t i = 0; i < std::size(lengths); ++i) {
        const std::string text(lengths[i], static_cast<char>('a' + i));
        const std::string id = std::to_string(i);
        wire += call(id, i % 2 == 0 ? "echo" : "length", "[\"" + text + "\"]");
        expected.push_back(result_completion(id, i % 2 == 0 ? "\"" + text + "\"" : std::to_string(text.size())));
    }
    CHECK(h.run(wire) == expected);

    // An echo's result gives its storage back, and the next string argument is read into it: a short
    // one then has the capacity of the long one before (read into a new string, it would have less).
    dispatch_test::harness<binding::storage_hub> again;
    const std::string text(100, 'x');
    CHECK(again.run(call("a", "echo", "[\"" + text + "\"]") + call("b", "length", R"(["twenty characters!!!"])") +
                call("c", "length", R"(["twenty characters!!!"])")) ==
          answers{result_completion("a", "\"" + text + "\""), result_completion("b", "20"),
                  result_completion("c", "20")});
    REQUIRE(again.hub.capacities.size() == 3);
    CHECK(again.hub.capacities[1] >= 100);
    CHECK(again.hub.capacities[2] >= 100); // (a const reference parameter gives it back too)
}

TEST_CASE("wrong argument types: the reference's text, with detail only when asked") {
    dispatch_test::harness<binding::binding_hub> h;
    const std::string plain = "Failed to invoke 'concat' due to an error on the server.";
    CHECK(h.run(call("1", "concat", R"(["a",2,3])")) == answers{error_completion("1", plain)});

    dispatch_test::harness<binding::binding_hub> detailed;
    detailed.options.detailed_errors = true;
    CHECK(detailed.run(call("1", "concat", R"(["a","b","3"])")) ==
          answers{error_completion("1", plain + " InvalidDataException: Error binding arguments. Make sure that the types "
                                                "of the provided values match the types of the hub method being invoked.")});
    CHECK(detailed.run(call("2", "sum", R"([[1,"2"]])")).back() ==
          error_completion("2", "Failed to invoke 'sum' due to an error on the server. InvalidDataException: Error binding "
                                "arguments. Make sure that the types of the provided values match the types of the hub "
                                "method being invoked."));
}

TEST_CASE("wrong argument counts: the reference's text, with detail only when asked") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "concat", R"(["a","b"])")) ==
          answers{error_completion("1", "Failed to invoke 'concat' due to an error on the server.")});

    dispatch_test::harness<binding::binding_hub> detailed;
    detailed.options.detailed_errors = true;
    CHECK(detailed.run(call("1", "concat", R"(["a","b"])") + call("2", "concat", R"(["a","b",1,true])") +
                       call("3", "sum", "[]")) ==
          answers{error_completion("1", "Failed to invoke 'concat' due to an error on the server. InvalidDataException: "
                                        "Invocation provides 2 argument(s) but target expects 3."),
                  error_completion("2", "Failed to invoke 'concat' due to an error on the server. InvalidDataException: "
                                        "Invocation provides 4 argument(s) but target expects 3."),
                  error_completion("3", "Failed to invoke 'sum' due to an error on the server. InvalidDataException: "
                                        "Invocation provides 0 argument(s) but target expects 1.")});
}

TEST_CASE("a type error among the expected arguments is reported before a count error") {
    dispatch_test::harness<binding::binding_hub> h;
    h.options.detailed_errors = true;
    CHECK(h.run(call("1", "concat", R"([1])")).back().find("Error binding arguments") != std::string::npos);
    // Extra arguments are not read, so only the count is wrong here.
    CHECK(h.run(call("2", "sum", R"([[1],"extra"])")).back().find("provides 2 argument(s)") != std::string::npos);
}

TEST_CASE("an unknown method gets the reference's text whatever the options") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("1", "Missing", "[]")) ==
          answers{error_completion("1", "Failed to invoke 'Missing' due to an error on the server. HubException: "
                                        "Method does not exist.")});
}

TEST_CASE("calls without an invocation id get no answer, not even errors") {
    dispatch_test::harness<binding::binding_hub> h;
    CHECK(h.run(call("", "concat", R"(["a","b",1])") + call("", "concat", "[1]") + call("", "Missing", "[]") +
                call("", "sum", "[]"))
              .empty());
    h.run(call("", "remember", R"(["side effect"])"));
    CHECK(h.hub.last == "side effect");
}
