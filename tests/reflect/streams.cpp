#include <signalrpp/reflect/method_invoker.hpp>

#include "dispatch_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace streaming {

struct stream_hub {
    bool saw_cancel = false;

    void counter(int n, signalrpp::stream_writer<int> out) {
        for (int i = 0; i < n; ++i) {
            out.write(i);
        }
    }
    asio::awaitable<void> ticks(int n, signalrpp::stream_writer<std::string> out) {
        for (int i = 0; i < n; ++i) {
            asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
            co_await timer.async_wait(asio::use_awaitable);
            out.write("tick" + std::to_string(i));
        }
    }
    void empty(signalrpp::stream_writer<int>) {}
    void throws_first(signalrpp::stream_writer<int>) { throw std::runtime_error("no stream for you"); }
    void throws_midway(signalrpp::stream_writer<int> out) {
        out.write(1);
        throw std::runtime_error("broke");
    }
    void throws_hub_midway(signalrpp::stream_writer<int> out) {
        out.write(1);
        throw signalrpp::hub_exception("told");
    }
    asio::awaitable<void> forever(signalrpp::stream_writer<int> out) {
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
        try {
            co_await timer.async_wait(asio::use_awaitable);
        } catch (const std::system_error&) {
            saw_cancel = out.cancelled();
            throw;
        }
    }
    int plain() { return 1; }

    asio::awaitable<std::string> concat(signalrpp::stream_reader<std::string> parts) {
        std::string all;
        while (auto part = co_await parts.read()) {
            all += *part;
        }
        co_return all;
    }
    asio::awaitable<int> mixed(int a, signalrpp::stream_reader<int> s, int b) {
        int total = a + b;
        while (auto v = co_await s.read()) {
            total += *v;
        }
        co_return total;
    }
    asio::awaitable<int> two(signalrpp::stream_reader<int> x, signalrpp::stream_reader<int> y) {
        int total = 0;
        while (auto v = co_await x.read()) total += *v;
        while (auto v = co_await y.read()) total += 10 * *v;
        co_return total;
    }
};
SIGNALRPP_HUB(stream_hub, counter, ticks, empty, throws_first, throws_midway, throws_hub_midway, forever, plain, concat,
              mixed, two);

} // namespace streaming

using dispatch_test::call;
using dispatch_test::error_completion;
using dispatch_test::result_completion;
using answers = std::vector<std::string>;

namespace {

std::string stream_call(std::string_view id, std::string_view target, std::string_view arguments) {
    return "{\"type\":4,\"invocationId\":\"" + std::string(id) + "\",\"target\":\"" + std::string(target) +
           "\",\"arguments\":" + std::string(arguments) + "}\x1e";
}

std::string upload_call(std::string_view id, std::string_view target, std::string_view arguments,
                        std::string_view stream_ids) {
    return "{\"type\":1,\"invocationId\":\"" + std::string(id) + "\",\"target\":\"" + std::string(target) +
           "\",\"arguments\":" + std::string(arguments) + ",\"streamIds\":" + std::string(stream_ids) + "}\x1e";
}

std::string item(std::string_view id, std::string_view json) {
    return "{\"type\":2,\"invocationId\":\"" + std::string(id) + "\",\"item\":" + std::string(json) + "}";
}

std::string end_of(std::string_view id) {
    return "{\"type\":3,\"invocationId\":\"" + std::string(id) + "\"}";
}

// Feeds one JSON value to an upload channel, as the runtime does with a StreamItem.
bool push(signalrpp::reflect::upload_channel_base& channel, const char* json) {
    signalrpp::json::document doc;
    doc.Parse(json);
    return channel.push(signalrpp::protocol::wire_value(&doc));
}

} // namespace

TEST_CASE("a streaming method's items go out as StreamItems, then an empty Completion") {
    dispatch_test::harness<streaming::stream_hub> h;
    CHECK(h.run(stream_call("1", "counter", "[3]")) == answers{item("1", "0"), item("1", "1"), item("1", "2"), end_of("1")});
    CHECK(h.run(stream_call("2", "empty", "[]")).back() == end_of("2"));
}

TEST_CASE("an awaitable streaming method streams as it goes") {
    dispatch_test::harness<streaming::stream_hub> h;
    CHECK(h.run(stream_call("7", "ticks", "[2]")) == answers{item("7", R"("tick0")"), item("7", R"("tick1")"), end_of("7")});
}

TEST_CASE("calling a streaming method with an Invocation, or a plain one with a StreamInvocation, is refused") {
    dispatch_test::harness<streaming::stream_hub> h;
    CHECK(h.run(call("1", "counter", "[3]") + stream_call("2", "plain", "[]")) ==
          answers{error_completion("1", "The client attempted to invoke the streaming 'counter' method with a "
                                        "non-streaming invocation."),
                  error_completion("2", "The client attempted to invoke the non-streaming 'plain' method with a "
                                        "streaming invocation.")});
    CHECK(h.run(call("", "counter", "[3]")).size() == 2); // no invocation id: dropped silently
}

TEST_CASE("a stream that fails before its first item, and one that fails midway") {
    dispatch_test::harness<streaming::stream_hub> h;
    CHECK(h.run(stream_call("1", "throws_first", "[]") + stream_call("2", "throws_midway", "[]") +
                stream_call("3", "throws_hub_midway", "[]")) ==
          answers{error_completion("1", "An unexpected error occurred invoking 'throws_first' on the server."),
                  item("2", "1"), error_completion("2", "An error occurred on the server while streaming results."),
                  item("3", "1"),
                  error_completion("3", "An error occurred on the server while streaming results. HubException: told")});

    dispatch_test::harness<streaming::stream_hub> detailed;
    detailed.options.detailed_errors = true;
    CHECK(detailed.run(stream_call("2", "throws_midway", "[]")).back() ==
          error_completion("2", "An error occurred on the server while streaming results. std::runtime_error: broke"));
}

TEST_CASE("a cancelled stream writes nothing more and still ends with an empty Completion") {
    dispatch_test::harness<streaming::stream_hub> h;
    asio::cancellation_signal cancel;
    h.cancel = &cancel;
    h.dispatch(stream_call("5", "forever", "[]"));
    REQUIRE(h.sink->streams.size() == 1);
    CHECK(h.sink->streams[0]->invocation_id == "5");
    h.io.poll(); // the method is now waiting for its hour-long timer
    CHECK(h.answers.empty());
    // What the runtime does on CancelInvocation: mark the stream, cancel what the method awaits.
    h.sink->streams[0]->cancelled = true;
    cancel.emit(asio::cancellation_type::all);
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{end_of("5")});
    CHECK(h.hub.saw_cancel);
}

TEST_CASE("a stream_writer of a cancelled stream sends nothing") {
    dispatch_test::harness<streaming::stream_hub> h;
    auto sink = std::make_shared<dispatch_test::recording_sink>();
    auto state = std::make_shared<signalrpp::reflect::result_stream_state>();
    state->invocation_id = "9";
    signalrpp::stream_writer<int> writer(sink, state);
    CHECK(writer.write(1));
    state->cancelled = true;
    CHECK(writer.cancelled());
    CHECK_FALSE(writer.write(2));
    CHECK(sink->sent == answers{item("9", "1")});
    CHECK(state->items_written == 1);
}

TEST_CASE("an upload stream feeds a stream_reader; the result comes when the client ends it") {
    dispatch_test::harness<streaming::stream_hub> h;
    h.dispatch(upload_call("1", "concat", "[]", R"(["s1"])"));
    REQUIRE(h.sink->uploads.count("s1") == 1);
    auto& channel = *h.sink->uploads.at("s1");
    h.io.poll();
    CHECK(push(channel, R"("a")"));
    h.io.poll();
    CHECK(push(channel, R"("b")"));
    CHECK(push(channel, R"("c")"));
    h.io.poll();
    CHECK(h.answers.empty());
    channel.complete();
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{result_completion("1", R"("abc")")});
}

TEST_CASE("stream parameters may stand between ordinary ones; arguments skip them") {
    dispatch_test::harness<streaming::stream_hub> h;
    h.dispatch(upload_call("1", "mixed", "[1,2]", R"(["x"])") + upload_call("2", "two", "[]", R"(["p","q"])"));
    CHECK(push(*h.sink->uploads.at("x"), "10"));
    h.sink->uploads.at("x")->complete();
    CHECK(push(*h.sink->uploads.at("p"), "1"));
    CHECK(push(*h.sink->uploads.at("q"), "2"));
    h.sink->uploads.at("p")->complete();
    h.sink->uploads.at("q")->complete();
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{result_completion("1", "13"), result_completion("2", "21")});
}

TEST_CASE("a client stream ended with an error reaches the method as a hub_exception") {
    dispatch_test::harness<streaming::stream_hub> h;
    h.dispatch(upload_call("1", "concat", "[]", R"(["s1"])"));
    CHECK(push(*h.sink->uploads.at("s1"), R"("a")"));
    h.sink->uploads.at("s1")->complete("client gave up");
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{error_completion("1", "An unexpected error occurred invoking 'concat' on the server. "
                                                     "HubException: client gave up")});
}

TEST_CASE("an upload item of the wrong type ends that stream") {
    dispatch_test::harness<streaming::stream_hub> h;
    h.dispatch(upload_call("1", "concat", "[]", R"(["s1"])"));
    auto& channel = *h.sink->uploads.at("s1");
    CHECK(push(channel, R"("a")"));
    CHECK_FALSE(push(channel, "42"));
    CHECK_FALSE(push(channel, R"("after the end")"));
    h.io.run();
    h.collect();
    CHECK(h.answers == answers{result_completion("1", R"("a")")});
}

TEST_CASE("an upload channel is full at its capacity, 10 by default") {
    signalrpp::reflect::upload_channel<int> channel;
    for (int i = 0; i < 9; ++i) {
        CHECK(push(channel, "1"));
    }
    CHECK_FALSE(channel.full());
    CHECK(push(channel, "1"));
    CHECK(channel.full());
}

TEST_CASE("the number of client streams must match the method's stream parameters") {
    dispatch_test::harness<streaming::stream_hub> h;
    CHECK(h.run(upload_call("1", "concat", "[]", "[]") + upload_call("2", "concat", "[]", R"(["a","b"])") +
                upload_call("3", "plain", "[]", R"(["a"])")) ==
          answers{error_completion("1", "An unexpected error occurred invoking 'concat' on the server. HubException: "
                                        "Client sent 0 stream(s), Hub method expects 1."),
                  error_completion("2", "An unexpected error occurred invoking 'concat' on the server. HubException: "
                                        "Client sent 2 stream(s), Hub method expects 1."),
                  error_completion("3", "An unexpected error occurred invoking 'plain' on the server. HubException: "
                                        "Client sent 1 stream(s), Hub method expects 0.")});
    CHECK(h.sink->uploads.empty());
}
