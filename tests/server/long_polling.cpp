// Long polling through a real server, over each carrier: the first poll, waiting polls, timeouts,
// superseding polls, DELETE, sends by POST (those sent before the transport starts too), and the ids'
// status codes.
#include <signalrpp/transport/long_poll.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <vector>

using namespace server_test;

TEST_CASE("the first poll answers 200 at once with an empty body and starts the connection", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto token = negotiate(c);
    const auto r = c.request("GET", "/echo?id=" + token + "&_=1");
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(r.fields.find("Content-Type") == "application/octet-stream");
    CHECK(r.fields.find("Cache-Control") == "no-cache, no-store");
    CHECK(r.fields.find("Expires") == "Thu, 01 Jan 1970 00:00:00 GMT");
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    CHECK(server.handler->connected[0]->transport() == transport::long_polling);
}

TEST_CASE("POSTed messages reach the handler; queued replies come back in one poll", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    auto r = c.request("POST", "/echo?id=" + token, "one\x1e");
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(c.request("POST", "/echo?id=" + token, "two\x1e").status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 2; }));
    r = c.request("GET", "/echo?id=" + token);
    CHECK(r.status == 200);
    CHECK(r.fields.find("Content-Type") == "application/octet-stream");
    CHECK(r.body == "one\x1etwo\x1e");
}

TEST_CASE("a waiting poll is answered when a message is sent", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    c.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(c.buffered().empty());
    server.handler->connected[0]->send("pushed");
    const auto r = c.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == "pushed");
}

TEST_CASE("a poll times out with 200 and an empty text/plain body", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.long_poll_timeout = std::chrono::milliseconds(100);
    running_server server(carrier, options);
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    const auto r = c.request("GET", "/echo?id=" + token);
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(r.fields.find("Content-Type") == "text/plain");
    CHECK(server.server().connections().find(token) != nullptr);
}

TEST_CASE("a newer poll supersedes the pending one, which gets 204", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client first(server);
    const auto token = negotiate(first);
    REQUIRE(first.request("GET", "/echo?id=" + token).status == 200);
    first.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    client second(server);
    second.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
    CHECK(first.read_response().status == 204);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    server.handler->connected[0]->send("to the newest");
    CHECK(second.read_response().body == "to the newest");
}

TEST_CASE("DELETE answers 202, ends the pending poll with 204 and the connection", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client poller(server);
    const auto token = negotiate(poller);
    REQUIRE(poller.request("GET", "/echo?id=" + token).status == 200);
    poller.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    client other(server);
    CHECK(other.request("DELETE", "/echo?id=" + token).status == 202);
    CHECK(poller.read_response().status == 204);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(other.request("GET", "/echo?id=" + token).status == 404);
}

TEST_CASE("a server-side close delivers what is queued, then answers 204", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    const auto conn = first_connection(server);
    conn->send("bye");
    conn->close();
    auto r = c.request("GET", "/echo?id=" + token);
    CHECK(r.status == 200);
    CHECK(r.body == "bye");
    r = c.request("GET", "/echo?id=" + token);
    CHECK(r.status == 204);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
}

TEST_CASE("a server-side close answers the waiting poll 204 and ends the connection", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    const auto conn = first_connection(server);
    c.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    conn->close();
    CHECK(c.read_response().status == 204);
    // The client polls no more after a 204 (as the reference's do): the connection ends now, not at
    // the disconnect timeout (15 s).
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(!server.handler->disconnected[0].second);
    CHECK(server.server().connections().find(token) == nullptr);
    CHECK(c.request("GET", "/echo?id=" + token).status == 404);
}

TEST_CASE("a client that stops polling is reaped after the disconnect timeout", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.disconnect_timeout = std::chrono::milliseconds(200);
    running_server server(carrier, options);
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::disconnect_timeout);
}

TEST_CASE("ids: none 400, unknown 404; a transport the path does not allow 404", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.transports = transport::websockets;
    running_server server(carrier, options);
    client c(server);
    auto r = c.request("GET", "/echo");
    CHECK(r.status == 404);
    CHECK(r.body == "LongPolling transport not supported by this end point type");
    running_server all(carrier);
    client d(all);
    r = d.request("GET", "/echo");
    CHECK(r.status == 400);
    CHECK(r.body == "Connection ID required");
    r = d.request("POST", "/echo?id=nope", "x");
    CHECK(r.status == 404);
    CHECK(r.body == "No Connection with that ID");
    CHECK(d.request("DELETE", "/echo").status == 400);
}

namespace {

// Records the order of what the connection's handler is told.
class ordered_handler final : public transport::connection_handler {
public:
    void on_connected(const std::shared_ptr<transport::connection>&) override { add("connected"); }
    void on_received(const std::shared_ptr<transport::connection>&, std::string_view data, bool) override {
        add("received " + std::string(data));
    }
    void on_disconnected(const std::shared_ptr<transport::connection>&, std::error_code) override { add("disconnected"); }

    std::vector<std::string> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    void add(std::string event) {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    std::mutex mutex_;
    std::vector<std::string> events_;
};

} // namespace

TEST_CASE("a POST before the transport starts waits for it, and reaches the connection after on_connected",
          "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    auto handler = std::make_shared<ordered_handler>();
    running_server server(carrier, {}, {}, 1, [&](signalrpp::server& s) { s.map_connection("/ordered", handler); });
    client sender(server);
    client poller(server);
    const auto token = token_of(sender.request("POST", "/ordered/negotiate?negotiateVersion=1").body);
    sender.send_request({"POST", "/ordered?id=" + token, 1, {}, "early\x1e"});
    REQUIRE(poller.request("GET", "/ordered?id=" + token).status == 200); // the first poll starts it
    CHECK(sender.read_response().status == 200);
    CHECK(eventually([&] { return handler->events().size() == 2; }));
    CHECK(handler->events() == std::vector<std::string>{"connected", "received early\x1e"});
}

TEST_CASE("a POST waiting for a transport that never starts is answered 404 when the connection ends",
          "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.disconnect_timeout = std::chrono::milliseconds(200);
    running_server server(carrier, options);
    client c(server);
    const auto token = negotiate(c);
    c.send_request({"POST", "/echo?id=" + token, 1, {}, "lost\x1e"});
    CHECK(c.read_response().status == 404); // (so it was not delivered: a delivered one is answered 200)
}
