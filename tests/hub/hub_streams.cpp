#include <signalrpp/hub/hub_server_connection.hpp>

#include "hub_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>

// Streams over a real connection: server-to-client items, cancellation (still answered with a
// Completion), errors mid-stream, client-to-server streams with their errors, and the bounded buffer.

namespace hub_streams_tests {

using hub_test::hub_client;
using hub_test::hub_server;

std::atomic<bool> producer_stopped{false};

struct stream_hub : signalrpp::hub {
    void count(int n, signalrpp::stream_writer<int> out) {
        for (int i = 0; i < n; ++i) {
            out.write(i);
        }
    }
    asio::awaitable<void> forever(signalrpp::stream_writer<int> out) {
        producer_stopped = false;
        asio::steady_timer t(co_await asio::this_coro::executor);
        try {
            for (int i = 0;; ++i) {
                if (!out.write(i)) {
                    break;
                }
                t.expires_after(std::chrono::milliseconds(20));
                co_await t.async_wait(asio::use_awaitable);
            }
        } catch (...) {
            producer_stopped = true;
            throw;
        }
        producer_stopped = true;
    }
    asio::awaitable<void> broken(signalrpp::stream_writer<int> out) {
        out.write(1);
        throw std::runtime_error("mid-stream");
        co_return;
    }
    asio::awaitable<std::string> concat(signalrpp::stream_reader<std::string> parts) {
        std::string all;
        while (auto part = co_await parts.read()) {
            all += *part;
        }
        co_return all;
    }
    asio::awaitable<int> slow_sum(signalrpp::stream_reader<int> numbers) {
        int sum = 0;
        asio::steady_timer t(co_await asio::this_coro::executor);
        while (auto n = co_await numbers.read()) {
            t.expires_after(std::chrono::milliseconds(2));
            co_await t.async_wait(asio::use_awaitable);
            sum += *n;
        }
        co_return sum;
    }
    std::string echo(std::string s) { return s; }
    // Counts the items and says whether reading from the connection was paused meanwhile.
    asio::awaitable<std::string> count_watching(signalrpp::stream_reader<std::string> items) {
        int n = 0;
        bool paused = false;
        while (co_await items.read()) {
            ++n;
            paused = paused || context().connection()->receive_paused();
        }
        co_return std::to_string(n) + (paused ? " paused" : " never paused");
    }
};
SIGNALRPP_HUB(stream_hub, count, forever, broken, concat, slow_sum, echo, count_watching);

// The next message that is not a StreamItem (a running stream's items may come before it).
std::string read_skipping_items(hub_client& c) {
    std::string m;
    do {
        m = c.read();
    } while (m.find(R"("type":2,)") != std::string::npos);
    return m;
}

} // namespace hub_streams_tests

using namespace hub_streams_tests;

TEST_CASE("a streaming method's items come as StreamItems, then an empty Completion") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":4,"invocationId":"s","target":"count","arguments":[3]})");
    CHECK(c.read() == R"({"type":2,"invocationId":"s","item":0})");
    CHECK(c.read() == R"({"type":2,"invocationId":"s","item":1})");
    CHECK(c.read() == R"({"type":2,"invocationId":"s","item":2})");
    CHECK(c.read() == R"({"type":3,"invocationId":"s"})");
    c.send(R"({"type":1,"invocationId":"1","target":"count","arguments":[3]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"1","error":"The client attempted to invoke the streaming 'count' method with a non-streaming invocation."})");
}

TEST_CASE("CancelInvocation stops the producer, and a Completion still comes; the connection goes on") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":4,"invocationId":"s","target":"forever","arguments":[]})");
    CHECK(c.read() == R"({"type":2,"invocationId":"s","item":0})");
    // A second stream with the same id while the first runs is refused.
    c.send(R"({"type":4,"invocationId":"s","target":"forever","arguments":[]})");
    CHECK(read_skipping_items(c) == R"({"type":3,"invocationId":"s","error":"Invocation ID 's' is already in use."})");
    // A stream running does not hold up invocations.
    c.send(R"({"type":1,"invocationId":"1","target":"echo","arguments":["meanwhile"]})");
    CHECK(read_skipping_items(c) == R"({"type":3,"invocationId":"1","result":"meanwhile"})");
    c.send(R"({"type":5,"invocationId":"s"})");
    CHECK(read_skipping_items(c) == R"({"type":3,"invocationId":"s"})");
    for (int i = 0; i < 200 && !producer_stopped; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(producer_stopped);
    c.send(R"({"type":5,"invocationId":"unknown"})"); // ignored
    c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["still here"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"still here"})");
}

TEST_CASE("a stream that throws after items ends with the streaming error") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":4,"invocationId":"s","target":"broken","arguments":[]})");
    CHECK(c.read() == R"({"type":2,"invocationId":"s","item":1})");
    CHECK(c.read() == R"({"type":3,"invocationId":"s","error":"An error occurred on the server while streaming results."})");
}

TEST_CASE("a client-to-server stream is read by the method; its error reaches the method") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"concat","arguments":[],"streamIds":["7"]})");
    c.send(R"({"type":2,"invocationId":"7","item":"a"})");
    c.send(R"({"type":2,"invocationId":"7","item":"b"})");
    c.send(R"({"type":2,"invocationId":"unknown","item":"ignored"})");
    c.send(R"({"type":3,"invocationId":"7"})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"ab"})");

    c.send(R"({"type":1,"invocationId":"2","target":"concat","arguments":[],"streamIds":["8"]})");
    c.send(R"({"type":2,"invocationId":"8","item":"a"})");
    c.send(R"({"type":3,"invocationId":"8","error":"client gave up"})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"2","error":"An unexpected error occurred invoking 'concat' on the server. HubException: client gave up"})");
}

TEST_CASE("a method reading an upload takes no invocation slot: calls and items behind it go on") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier); // one slot, the default
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"concat","arguments":[],"streamIds":["7"]})");
    c.send(R"({"type":1,"invocationId":"2","target":"concat","arguments":[],"streamIds":["8"]})");
    c.send(R"({"type":1,"invocationId":"3","target":"echo","arguments":["during"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"3","result":"during"})");
    c.send(R"({"type":2,"invocationId":"8","item":"y"})");
    c.send(R"({"type":2,"invocationId":"7","item":"x"})");
    c.send(R"({"type":3,"invocationId":"8"})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"y"})");
    c.send(R"({"type":3,"invocationId":"7"})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"x"})");
}

TEST_CASE("more items than the stream buffer holds wait (nothing is lost, the order is kept)") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.stream_buffer_capacity = 2;
    hub_server<stream_hub> server(carrier, o);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"slow_sum","arguments":[],"streamIds":["n"]})");
    std::string items;
    int expected = 0;
    for (int i = 1; i <= 50; ++i) {
        items += R"({"type":2,"invocationId":"n","item":)" + std::to_string(i) + "}\x1e";
        expected += i;
    }
    items += "{\"type\":3,\"invocationId\":\"n\"}\x1e";
    items += "{\"type\":1,\"invocationId\":\"2\",\"target\":\"echo\",\"arguments\":[\"next\"]}\x1e";
    c.send_raw(items); // all at once
    // The invocation behind the items waits for them to be taken, then runs at once: the method still
    // summing holds no invocation slot (it reads an upload), so its answer comes second.
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"next"})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":)" + std::to_string(expected) + "}");
}

TEST_CASE("a pile of input behind a full upload stream stops the WebSocket's reading until it is handled") {
    HUB_TEST_EACH_CARRIER();
    hub_server<stream_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"count_watching","arguments":[],"streamIds":["x"]})");
    const std::string item = "{\"type\":2,\"invocationId\":\"x\",\"item\":\"" + std::string(100, 'i') + "\"}\x1e";
    std::string pile;
    for (int i = 0; i < 2000; ++i) {
        pile += item;
    }
    c.send_raw(pile); // about 230 KB at once: far more than the 10-item buffer and the 64 KiB input limit
    c.send(R"({"type":3,"invocationId":"x"})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"2000 paused"})");
    c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["reading again"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"reading again"})");
}
