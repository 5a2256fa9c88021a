#include <signalrpp/reflect/method_invoker.hpp>

#include "dispatch_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

namespace async_calls {

struct async_hub {
    int finished = 0;

    asio::awaitable<int> doubled(int x) { co_return x * 2; }
    asio::awaitable<void> done() {
        ++finished;
        co_return;
    }
    asio::awaitable<std::string> slow(std::string s) {
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
        co_return s;
    }
    int quick() { return 1; }
    asio::awaitable<int> fails_at_once() {
        throw std::runtime_error("before suspending");
        co_return 0;
    }
    asio::awaitable<int> fails_later() {
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
        co_await timer.async_wait(asio::use_awaitable);
        throw signalrpp::hub_exception("after suspending");
    }
};
SIGNALRPP_HUB(async_hub, doubled, done, slow, quick, fails_at_once, fails_later);

} // namespace async_calls

using dispatch_test::call;
using dispatch_test::error_completion;
using dispatch_test::result_completion;
using answers = std::vector<std::string>;

TEST_CASE("an awaitable method's result arrives when it finishes") {
    dispatch_test::harness<async_calls::async_hub> h;
    CHECK(h.run(call("1", "doubled", "[21]") + call("2", "done", "[]")) ==
          answers{result_completion("1", "42"), result_completion("2", "null")});
    CHECK(h.hub.finished == 1);
}

TEST_CASE("dispatch returns while an awaitable method waits; later calls are answered first") {
    dispatch_test::harness<async_calls::async_hub> h;
    h.dispatch(call("1", "slow", R"(["late"])") + call("2", "quick", "[]"));
    h.collect();
    CHECK(h.answers == answers{result_completion("2", "1")});
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{result_completion("2", "1"), result_completion("1", R"("late")")});
}

TEST_CASE("an awaitable method that throws, before or after suspending, answers with the error") {
    dispatch_test::harness<async_calls::async_hub> h;
    h.options.detailed_errors = true;
    CHECK(h.run(call("1", "fails_at_once", "[]") + call("2", "fails_later", "[]")) ==
          answers{error_completion("1", "An unexpected error occurred invoking 'fails_at_once' on the server. "
                                        "std::runtime_error: before suspending"),
                  error_completion("2", "An unexpected error occurred invoking 'fails_later' on the server. "
                                        "HubException: after suspending")});
}

TEST_CASE("an awaitable method called without invocation id runs and answers nothing") {
    dispatch_test::harness<async_calls::async_hub> h;
    CHECK(h.run(call("", "done", "[]") + call("", "fails_later", "[]")).empty());
    CHECK(h.hub.finished == 1);
}
