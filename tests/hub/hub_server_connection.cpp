#include <signalrpp/hub/hub_server_connection.hpp>

#include <signalrpp/core/log.hpp>

#include "hub_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

// The hub protocol on one connection: handshake, invocations and their answers, lifecycle hooks,
// context, closing, limits and keep-alive.

namespace hub_server_connection_tests {

using hub_test::hub_client;
using hub_test::hub_server;

std::atomic<int> connected_calls{0};
std::atomic<int> disconnected_calls{0};
std::atomic<bool> disconnected_with_error{false};

struct test_hub : signalrpp::hub {
    std::string echo(std::string s) { return s; }
    int add(int a, int b) { return a + b; }
    void nothing() {}
    void fail(std::string message) { throw std::runtime_error(message); }
    void fail_for_client(std::string message) { throw signalrpp::hub_exception(message); }
    std::string connection_id() { return context().connection_id(); }
    std::optional<std::string> query(std::string name) { return context().request().query_parameter(name); }
    std::string transport_name() { return context().transport() == signalrpp::transport::websockets ? "WebSockets" : "other"; }
    int count() {
        auto& items = context().items();
        auto& n = items["n"];
        const int next = n.has_value() ? std::any_cast<int>(n) + 1 : 1;
        n = next;
        return next;
    }
    void leave() { context().abort(); }
    asio::awaitable<std::string> later(int ms, std::string s) {
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
        co_await t.async_wait(asio::use_awaitable);
        co_return s;
    }
    void on_connected() { ++connected_calls; }
    void on_disconnected(std::exception_ptr error) {
        disconnected_with_error = error != nullptr;
        ++disconnected_calls;
    }
};
SIGNALRPP_HUB(test_hub, (echo, "Echo"), add, nothing, fail, fail_for_client, connection_id, query, transport_name,
              count, leave, later);

// What a hub depends on, given through map_hub's factory (no default constructor).
struct greeting_service {
    std::string greeting;
    std::atomic<int> hubs_made{0};
};

struct injected_hub : signalrpp::hub {
    explicit injected_hub(std::shared_ptr<greeting_service> s) : service(std::move(s)) { ++service->hubs_made; }
    std::string greet(std::string name) { return service->greeting + ", " + name; }
    std::shared_ptr<greeting_service> service;
};
SIGNALRPP_HUB(injected_hub, greet);


} // namespace hub_server_connection_tests

using namespace hub_server_connection_tests;
using server_test::eventually;
using server_test::recorded_log;

TEST_CASE("a handshake for json version 1 or 2 is answered with {} and a wrong one with its error") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    SECTION("version 1 and 2") {
        hub_client a(server);
        hub_client b(server, "/hub", false);
        b.send(R"({"protocol":"json","version":2})");
        CHECK(b.read() == "{}");
    }
    SECTION("unknown protocol") {
        hub_client c(server, "/hub", false);
        c.send(R"({"protocol":"protobuf","version":1})");
        CHECK(c.read() == R"({"error":"The protocol 'protobuf' is not supported."})");
        CHECK(c.closed_by_server());
    }
    SECTION("version too high") {
        hub_client c(server, "/hub", false);
        c.send(R"({"protocol":"json","version":3})");
        CHECK(c.read() == R"({"error":"The server does not support version 3 of the 'json' protocol."})");
        CHECK(c.closed_by_server());
    }
    SECTION("malformed") {
        hub_client c(server, "/hub", false);
        c.send(R"({"protocol":"json"})");
        CHECK(c.read() == R"({"error":"An unexpected error occurred during connection handshake."})");
        CHECK(c.closed_by_server());
    }
}

TEST_CASE("a handshake split over several messages, followed by a call in the same message, works") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    hub_client c(server, "/hub", false);
    c.send_raw(R"({"protocol":"js)");
    c.send_raw("on\",\"version\":1}\x1e{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"x\"]}\x1e");
    CHECK(c.read() == "{}");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"x"})");
}

TEST_CASE("a handshake that does not come within the handshake timeout is refused") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.handshake_timeout = std::chrono::milliseconds(200);
    hub_server<test_hub> server(carrier, o);
    hub_client c(server, "/hub", false);
    CHECK(c.read() == R"({"error":"Handshake was canceled."})");
    CHECK(c.closed_by_server());
}

TEST_CASE("invocations are answered with results, null for void, and the reference's error texts") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"ECHO","arguments":["hi"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"hi"})");
    c.send(R"({"type":1,"invocationId":"2","target":"add","arguments":[2,3]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":5})");
    c.send(R"({"type":1,"invocationId":"3","target":"nothing","arguments":[]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"3","result":null})");
    c.send(R"({"type":1,"invocationId":"4","target":"fail","arguments":["secret"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"4","error":"An unexpected error occurred invoking 'fail' on the server."})");
    c.send(R"({"type":1,"invocationId":"5","target":"fail_for_client","arguments":["shown"]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"5","error":"An unexpected error occurred invoking 'fail_for_client' on the server. HubException: shown"})");
    c.send(R"({"type":1,"invocationId":"6","target":"missing","arguments":[]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"6","error":"Failed to invoke 'missing' due to an error on the server. HubException: Method does not exist."})");
    c.send(R"({"type":1,"invocationId":"7","target":"add","arguments":[1]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"7","error":"Failed to invoke 'add' due to an error on the server."})");
    // Without an invocation id: no answer at all, errors included; the next answer is the next call's.
    c.send(R"({"type":1,"target":"fail","arguments":["x"]})");
    c.send(R"({"type":1,"target":"echo","arguments":["x"]})");
    c.send(R"({"type":1,"invocationId":"8","target":"echo","arguments":["after"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"8","result":"after"})");
}

TEST_CASE("map_hub with a factory: each connection's hub object comes from it, dependencies and all") {
    HUB_TEST_EACH_CARRIER();
    auto service = std::make_shared<greeting_service>();
    service->greeting = "hello";
    hub_server<injected_hub> server(carrier, {}, [service] { return injected_hub(service); });
    hub_client a(server);
    hub_client b(server);
    a.send(R"({"type":1,"invocationId":"1","target":"greet","arguments":["ana"]})");
    CHECK(a.read() == R"({"type":3,"invocationId":"1","result":"hello, ana"})");
    b.send(R"({"type":1,"invocationId":"1","target":"greet","arguments":["ben"]})");
    CHECK(b.read() == R"({"type":3,"invocationId":"1","result":"hello, ben"})");
    CHECK(service->hubs_made == 2); // one per connection
}

TEST_CASE("detailed errors add the exception's type and message") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.enable_detailed_errors = true;
    hub_server<test_hub> server(carrier, o);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"fail","arguments":["secret"]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"1","error":"An unexpected error occurred invoking 'fail' on the server. std::runtime_error: secret"})");
}

TEST_CASE("the caller's context: connection id, query, transport, items kept between calls") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    hub_client c(server, "/hub?room=blue");
    c.send(R"({"type":1,"invocationId":"1","target":"connection_id","arguments":[]})");
    const auto id_answer = c.read();
    CHECK(id_answer.find(R"("result":")") != std::string::npos);
    const auto id = id_answer.substr(id_answer.find("\"result\":\"") + 10, 22);
    CHECK(server.context.clients().client(id).send("ping_back") == 1);
    CHECK(c.read() == R"({"type":1,"target":"ping_back","arguments":[]})");
    c.send(R"({"type":1,"invocationId":"2","target":"query","arguments":["room"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"blue"})");
    c.send(R"({"type":1,"invocationId":"3","target":"query","arguments":["none"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"3","result":null})");
    c.send(R"({"type":1,"invocationId":"4","target":"transport_name","arguments":[]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"4","result":"WebSockets"})");
    c.send(R"({"type":1,"invocationId":"5","target":"count","arguments":[]})");
    c.send(R"({"type":1,"invocationId":"6","target":"count","arguments":[]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"5","result":1})");
    CHECK(c.read() == R"({"type":3,"invocationId":"6","result":2})");
}

TEST_CASE("on_connected runs after the handshake and on_disconnected when the connection ends") {
    HUB_TEST_EACH_CARRIER();
    connected_calls = 0;
    disconnected_calls = 0;
    hub_server<test_hub> server(carrier);
    {
        hub_client c(server);
        CHECK(eventually([] { return connected_calls == 1; }));
        c.send(R"({"type":7})"); // the client closes
        CHECK(c.closed_by_server());
    }
    CHECK(eventually([] { return disconnected_calls == 1; }));
    CHECK_FALSE(disconnected_with_error);
    CHECK(eventually([&] { return server.context.connection_count() == 0; }));
}

TEST_CASE("a client's Close with an error reaches on_disconnected as an error") {
    HUB_TEST_EACH_CARRIER();
    disconnected_calls = 0;
    hub_server<test_hub> server(carrier);
    {
        hub_client c(server);
        c.send(R"({"type":7,"error":"client broke"})");
        CHECK(c.closed_by_server());
    } // (the socket closes: no need to wait for the close handshake's timeout)
    CHECK(eventually([] { return disconnected_calls == 1; }));
    CHECK(disconnected_with_error);
}

TEST_CASE("context().abort() sends a Close without error, then closes") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"leave","arguments":[]})");
    CHECK(c.read() == R"({"type":7})");
}

TEST_CASE("malformed messages and oversized ones end the connection with a Close error") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.maximum_receive_message_size = 100;
    SECTION("plain") {
        recorded_log logged;
        hub_server<test_hub> server(carrier, o);
        hub_client c(server);
        c.send(R"({"type":1,"target":"echo"})");
        CHECK(c.read() == R"({"type":7,"error":"Connection closed with an error.","allowReconnect":true})");
        CHECK(c.closed_by_server());
        hub_client d(server); // the server goes on serving others
        d.send("{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"" + std::string(200, 'x') + "\"]}");
        CHECK(d.read() == R"({"type":7,"error":"Connection closed with an error.","allowReconnect":true})");
        // Each protocol error is logged once, as the reference logs it (an error, with the detail).
        const auto errors = logged.of("ErrorProcessingRequest");
        REQUIRE(errors.size() == 2);
        CHECK(errors[0].level == signalrpp::log_level::error);
        CHECK(errors[0].connection_id != errors[1].connection_id);
        CHECK(errors[1].message.find("maximum message size") != std::string::npos);
        hub_client e(server);
        e.send(R"({"type":1,"invocationId":"1","target":"echo","arguments":["ok"]})");
        CHECK(e.read() == R"({"type":3,"invocationId":"1","result":"ok"})");
    }
    SECTION("detailed") {
        o.enable_detailed_errors = true;
        hub_server<test_hub> server(carrier, o);
        hub_client c(server);
        c.send("{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"" + std::string(200, 'x') + "\"]}");
        CHECK(c.read() ==
              R"({"type":7,"error":"Connection closed with an error. InvalidDataException: The maximum message size of 100B was exceeded. The message size can be configured in AddHubOptions.","allowReconnect":true})");
        hub_client d(server);
        d.send(R"({"type":"1"})");
        CHECK(d.read() ==
              R"({"type":7,"error":"Connection closed with an error. InvalidDataException: Expected 'type' to be of type Number.","allowReconnect":true})");
    }
}

TEST_CASE("the server pings a silent client, not one it is talking to, and times out a client that pinged and went quiet") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::milliseconds(300);
    o.client_timeout_interval = std::chrono::milliseconds(2500);
    hub_server<test_hub> server(carrier, o);
    hub_client c(server);
    const auto start = std::chrono::steady_clock::now();
    CHECK(c.read() == R"({"type":6})"); // within about a second (the heartbeat's tick)
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    c.send(R"({"type":6})"); // arms the client timeout
    bool closed = false;
    for (int i = 0; i < 10 && !closed; ++i) {
        const auto m = c.read();
        if (m != R"({"type":6})") {
            CHECK(m == R"({"type":7,"error":"Connection closed with an error.","allowReconnect":true})");
            closed = true;
        }
    }
    CHECK(closed);
}

TEST_CASE("a client that pinged once and then keeps sending messages is not timed out") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::milliseconds(5000);
    o.client_timeout_interval = std::chrono::milliseconds(1500);
    hub_server<test_hub> server(carrier, o);
    hub_client c(server);
    c.send(R"({"type":6})"); // arms the client timeout
    // Any message counts as the client being alive, not only pings: for three seconds (two client
    // timeouts, several heartbeat ticks) the client sends an invocation every 200 ms and no ping.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        c.send(R"({"type":1,"invocationId":"t","target":"echo","arguments":["alive"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"t","result":"alive"})");
    }
}

TEST_CASE("a client that never pinged is not timed out, and a server that keeps talking sends no Ping") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::milliseconds(1000);
    o.client_timeout_interval = std::chrono::milliseconds(300);
    hub_server<test_hub> server(carrier, o);
    hub_client c(server);
    // Silent for several client timeouts: the timeout waits for the client's first Ping.
    const auto silent_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (std::chrono::steady_clock::now() < silent_until) {
        CHECK(c.read() == R"({"type":6})");
    }
    c.send(R"({"type":1,"invocationId":"alive","target":"echo","arguments":["yes"]})");
    CHECK(c.read_skipping_pings() == R"({"type":3,"invocationId":"alive","result":"yes"})");
    // The server answers every 100 ms, well inside the keep-alive interval: nothing but the answers.
    for (int i = 0; i < 15; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        c.send(R"({"type":1,"invocationId":"t","target":"echo","arguments":["talk"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"t","result":"talk"})");
    }
}

TEST_CASE("an awaiting invocation holds the only slot: the next waits, in order; with two slots they overlap") {
    HUB_TEST_EACH_CARRIER();
    SECTION("one slot (the default)") {
        hub_server<test_hub> server(carrier);
        hub_client c(server);
        c.send(R"({"type":1,"invocationId":"1","target":"later","arguments":[300,"slow"]})");
        c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["fast"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"slow"})");
        CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"fast"})");
    }
    SECTION("two slots") {
        signalrpp::hub_options o;
        o.maximum_parallel_invocations_per_client = 2;
        hub_server<test_hub> server(carrier, o);
        hub_client c(server);
        c.send(R"({"type":1,"invocationId":"1","target":"later","arguments":[300,"slow"]})");
        c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["fast"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"fast"})");
        CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"slow"})");
    }
}

namespace hub_server_connection_tests {

// Records what it sees; refuses the method named "fail_for_client".
struct recording_filter : signalrpp::hub_filter {
    std::mutex mutex;
    std::vector<std::string> events;
    void note(std::string e) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(e));
    }
    void before_invoke(const signalrpp::hub_invocation_context& c) override {
        note("before " + std::string(c.method));
        if (c.method == "fail_for_client") {
            throw signalrpp::hub_exception("refused by filter");
        }
    }
    void after_invoke(const signalrpp::hub_invocation_context& c) override { note("after " + std::string(c.method)); }
    void on_connected(const signalrpp::hub_caller_context&) override { note("connected"); }
    void on_disconnected(const signalrpp::hub_caller_context&, std::exception_ptr) override { note("disconnected"); }
    std::vector<std::string> seen() {
        std::lock_guard lock(mutex);
        return events;
    }
};

} // namespace hub_server_connection_tests

TEST_CASE("filters run around invocations (asynchronous ones too), connect and disconnect, and may refuse") {
    HUB_TEST_EACH_CARRIER();
    auto filter = std::make_shared<recording_filter>();
    signalrpp::hub_options o;
    o.filters.push_back(filter);
    hub_server<test_hub> server(carrier, o);
    {
        hub_client c(server);
        c.send(R"({"type":1,"invocationId":"1","target":"echo","arguments":["x"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"x"})");
        c.send(R"({"type":1,"invocationId":"2","target":"later","arguments":[10,"y"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"y"})");
        c.send(R"({"type":1,"invocationId":"3","target":"fail_for_client","arguments":["z"]})");
        CHECK(c.read() ==
              R"({"type":3,"invocationId":"3","error":"An unexpected error occurred invoking 'fail_for_client' on the server. HubException: refused by filter"})");
    }
    CHECK(eventually([&] { return filter->seen().size() == 7; }));
    // Filters see the method as the hub declares it ("Echo"), whatever case the client called it in.
    CHECK(filter->seen() == std::vector<std::string>{"connected", "before Echo", "after Echo", "before later",
                                                     "after later", "before fail_for_client", "disconnected"});
}

namespace hub_server_connection_tests {

// Throws from after_invoke and on_disconnected.
struct throwing_filter : signalrpp::hub_filter {
    void after_invoke(const signalrpp::hub_invocation_context&) override { throw std::runtime_error("after"); }
    void on_disconnected(const signalrpp::hub_caller_context&, std::exception_ptr) override {
        throw std::runtime_error("gone");
    }
};

// The messages of the error records logged while it lives.
} // namespace hub_server_connection_tests

TEST_CASE("an authorize or filter that throws fails that call only, and is logged; the connection goes on") {
    HUB_TEST_EACH_CARRIER();
    recorded_log logged(signalrpp::log_level::error);
    signalrpp::hub_options o;
    o.filters.push_back(std::make_shared<throwing_filter>());
    o.authorize = [](const signalrpp::hub_caller_context&, std::string_view method) -> bool {
        if (method == "add") {
            throw std::runtime_error("no policy");
        }
        return true;
    };
    hub_server<test_hub> server(carrier, o);
    {
        hub_client c(server);
        c.send(R"({"type":1,"invocationId":"1","target":"add","arguments":[1,2]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"1","error":"An unexpected error occurred invoking 'add' on the server."})");
        c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["ok"]})");
        CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"ok"})"); // after_invoke threw: the answer stands
    }
    CHECK(eventually([&] { return logged.has("authorize threw: no policy"); }));
    CHECK(eventually([&] { return logged.has("a filter's after_invoke threw: after"); }));
    CHECK(eventually([&] { return logged.has("a filter's on_disconnected threw: gone"); }));
    hub_client next(server); // the server serves on
    next.send(R"({"type":1,"invocationId":"1","target":"echo","arguments":["still"]})");
    CHECK(next.read() == R"({"type":3,"invocationId":"1","result":"still"})");
}

TEST_CASE("a hub factory that throws aborts that connection only, and is logged") {
    HUB_TEST_EACH_CARRIER();
    recorded_log logged(signalrpp::log_level::error);
    auto service = std::make_shared<greeting_service>();
    service->greeting = "hi";
    auto made = std::make_shared<std::atomic<int>>(0);
    hub_server<injected_hub> server(carrier, {}, [service, made] {
        if ((*made)++ == 0) {
            throw std::runtime_error("no hub today");
        }
        return injected_hub(service);
    });
    {
        // The connection ends as it starts: the socket closes (before or after the 101).
        server_test::client refused(server.server(), carrier, server.port);
        CHECK(refused.upgrade_ends_in_close("/hub"));
    }
    CHECK(eventually([&] { return logged.has("on_connected threw: no hub today"); }));
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"greet","arguments":["ana"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"hi, ana"})");
}

TEST_CASE("the authorize option refuses methods with the reference's text; unknown methods stay unknown") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.authorize = [](const signalrpp::hub_caller_context& caller, std::string_view method) {
        return method != "add" || caller.request().query_parameter("admin").has_value();
    };
    hub_server<test_hub> server(carrier, o);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"add","arguments":[1,2]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","error":"Failed to invoke 'add' because user is unauthorized"})");
    // The policy and the refusal see the method's declared name, in whatever case it was called.
    c.send(R"({"type":1,"invocationId":"4","target":"ADD","arguments":[1,2]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"4","error":"Failed to invoke 'add' because user is unauthorized"})");
    c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["ok"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"ok"})");
    c.send(R"({"type":1,"invocationId":"3","target":"nope","arguments":[]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"3","error":"Failed to invoke 'nope' due to an error on the server. HubException: Method does not exist."})");
    hub_client admin(server, "/hub?admin=1");
    admin.send(R"({"type":1,"invocationId":"1","target":"add","arguments":[1,2]})");
    CHECK(admin.read() == R"({"type":3,"invocationId":"1","result":3})");
}

TEST_CASE("a hub over long polling: handshake and calls by POST, answers in polls, and no keep-alive pings") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::milliseconds(100);
    hub_server<test_hub> server(carrier, o);
    server_test::client poller(server.server(), carrier, server.port), poster(server.server(), carrier, server.port);
    const auto token = server_test::token_of(poster.request("POST", "/hub/negotiate?negotiateVersion=1").body);
    CHECK(poller.request("GET", "/hub?id=" + token).status == 200); // the first poll: at once, empty
    CHECK(poster.request("POST", "/hub?id=" + token, "{\"protocol\":\"json\",\"version\":1}\x1e").status == 200);
    CHECK(poller.request("GET", "/hub?id=" + token).body == "{}\x1e");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // a socket transport would have had pings
    CHECK(poster.request("POST", "/hub?id=" + token,
                         "{\"type\":1,\"invocationId\":\"1\",\"target\":\"transport_name\",\"arguments\":[]}\x1e")
              .status == 200);
    CHECK(poller.request("GET", "/hub?id=" + token).body == "{\"type\":3,\"invocationId\":\"1\",\"result\":\"other\"}\x1e");
}

TEST_CASE("over long polling, a POST the hub cannot take yet is answered only once it can (backpressure)") {
    // The security review's F6: POSTs were answered at once, so that while a method held the invocation
    // slot, any number of them piled up. Now a POST past the hub's input limit waits for its answer.
    hub_server<test_hub> server(server_test::carrier::tcp);
    server_test::client poller(server.port), poster(server.port), second(server.port);
    const auto token = server_test::token_of(poster.request("POST", "/hub/negotiate?negotiateVersion=1").body);
    const std::string target = "/hub?id=" + token;
    CHECK(poller.request("GET", target).status == 200);
    CHECK(poster.request("POST", target, "{\"protocol\":\"json\",\"version\":1}\x1e").status == 200);
    CHECK(poller.request("GET", target).body == "{}\x1e");
    // The slot is taken for two seconds; then 80 KiB of Echo calls wait behind it.
    CHECK(poster.request("POST", target, R"({"type":1,"invocationId":"1","target":"later","arguments":[2000,"slow"]})"
                                         "\x1e").status == 200);
    std::string echoes;
    for (int i = 2; i < 22; ++i) {
        echoes += R"({"type":1,"invocationId":")" + std::to_string(i) + R"(","target":"echo","arguments":[")" +
                  std::string(4000, 'e') + "\"]}\x1e";
    }
    signalrpp::http::request post{"POST", target, 1, {}, echoes};
    post.fields.add("Content-Length", std::to_string(echoes.size()));
    second.send_request(post);
    const auto conn = server.server().connections().all().at(0);
    REQUIRE(eventually([&] { return conn->receive_paused(); })); // the hub holds what it cannot take
    CHECK_FALSE(second.bytes_arrive_within(std::chrono::milliseconds(200))); // (it answered at once before)
    // The answers come in polls ("later" first); the POST is answered once the hub has taken all it
    // brought and the answers went out (past the send limit, they wait for a poll).
    std::string answers;
    while (answers.find(R"("invocationId":"21")") == std::string::npos) {
        const auto more = poller.request("GET", target);
        REQUIRE(more.status == 200);
        answers += more.body;
    }
    CHECK(answers.find(R"({"type":3,"invocationId":"1","result":"slow"})") < answers.find(R"("invocationId":"2")"));
    CHECK(second.read_response().status == 200);
}

TEST_CASE("a hub over Server-Sent Events: handshake and calls by POST, answers and pings as events") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::milliseconds(100);
    hub_server<test_hub> server(carrier, o);
    server_test::client stream(server.server(), carrier, server.port), poster(server.server(), carrier, server.port);
    const auto token = server_test::token_of(poster.request("POST", "/hub/negotiate?negotiateVersion=1").body);
    signalrpp::http::fields accept;
    accept.add("Accept", "text/event-stream");
    stream.send_request({"GET", "/hub?id=" + token, 1, accept, {}});
    stream.read_until(":\r\n\r\n");
    CHECK(poster.request("POST", "/hub?id=" + token, "{\"protocol\":\"json\",\"version\":1}\x1e").status == 200);
    CHECK(stream.read_until("\r\n\r\n").find("data: {}\x1e\r\n\r\n") != std::string::npos);
    CHECK(stream.read_until("\r\n\r\n").find("data: {\"type\":6}\x1e\r\n\r\n") != std::string::npos);
    CHECK(poster.request("POST", "/hub?id=" + token,
                         "{\"type\":1,\"invocationId\":\"1\",\"target\":\"echo\",\"arguments\":[\"sse\"]}\x1e")
              .status == 200);
    std::string events;
    while (events.find("\"invocationId\":\"1\"") == std::string::npos) {
        events += stream.read_until("\r\n\r\n"); // (pings may come first)
    }
    CHECK(events.find("data: {\"type\":3,\"invocationId\":\"1\",\"result\":\"sse\"}\x1e\r\n\r\n") != std::string::npos);
}

TEST_CASE("a stopping server sends its hub clients a Close that allows reconnecting") {
    HUB_TEST_EACH_CARRIER();
    hub_server<test_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"echo","arguments":["before"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"before"})");
    server.server().stop();
    CHECK(c.read() == R"({"type":7,"allowReconnect":true})");
    CHECK(c.closed_by_server());
}
