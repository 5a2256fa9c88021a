// What the application's callbacks throw, through a real server: an HTTP route handler (500), a
// connection handler's on_connected / on_received (that connection is aborted) and on_disconnected;
// each is logged, and the server serves on (nothing escapes io_context::run, whose threads would end
// the test). And the logging hook: every connection's end is logged once, with its reason.
#include <signalrpp/core/log.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace server_test;

namespace {

// Throws from the calls named in `throw_in`; echoes otherwise.
class throwing_handler final : public transport::connection_handler {
public:
    explicit throwing_handler(std::string throw_in) : throw_in_(std::move(throw_in)) {}

    void on_connected(const std::shared_ptr<transport::connection>&) override { maybe_throw("on_connected"); }
    void on_received(const std::shared_ptr<transport::connection>& c, std::string_view data, bool binary) override {
        if (data == "throw") {
            maybe_throw("on_received");
        }
        c->send(std::string(data), binary);
    }
    void on_disconnected(const std::shared_ptr<transport::connection>&, std::error_code) override {
        maybe_throw("on_disconnected");
    }

private:
    void maybe_throw(std::string_view where) {
        if (throw_in_.find(where) != std::string::npos) {
            throw std::runtime_error("thrown in " + std::string(where));
        }
    }
    std::string throw_in_;
};

} // namespace

TEST_CASE("an HTTP route handler that throws gets its request a 500; the server serves on", "[server]") {
    recorded_log logged(signalrpp::log_level::error);
    running_server server(carrier::tcp, {}, {}, 2, [](signalrpp::server& s) {
        s.map_http("/boom", [](const http::request&) -> http::response { throw std::runtime_error("kaboom"); });
        s.map_http("/fine", [](const http::request&) { return http::text_response(200, "fine"); });
    });
    client c(server.port);
    CHECK(c.request("GET", "/boom").status == 500);
    CHECK(c.request("GET", "/fine").body == "fine");
    REQUIRE(logged.of("RouteHandlerFailed").size() == 1);
    CHECK(logged.of("RouteHandlerFailed")[0].message.find("kaboom") != std::string::npos);
}

TEST_CASE("a connection handler that throws aborts that connection only, and is logged", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    const std::string where = GENERATE(std::string("on_connected"), std::string("on_received"), std::string("on_disconnected"));
    CAPTURE(where);
    recorded_log logged;
    auto handler = std::make_shared<throwing_handler>(where);
    running_server server(carrier, {}, {}, 2, [&](signalrpp::server& s) { s.map_connection("/throws", handler); });
    {
        client c(server);
        if (where == "on_connected") { // the socket closes, before or after the 101
            CHECK(c.upgrade_ends_in_close("/throws"));
        } else {
            REQUIRE(c.upgrade("/throws").status == 101);
            c.send_frame(ws::opcode::text, "throw");
            if (where == "on_disconnected") {
                CHECK(c.read_frame().payload == "throw"); // nothing threw yet: echoed
            } else {
                CHECK(c.closed_by_server());
            }
        }
    }
    REQUIRE(eventually([&] { return logged.of("ApplicationError").size() == 1; }));
    CHECK(logged.of("ApplicationError")[0].message.find("thrown in " + where) != std::string::npos);
    REQUIRE(eventually([&] { return logged.of("ConnectionEnded").size() == 1; }));
    const auto ended = logged.of("ConnectionEnded");
    if (where != "on_disconnected") {
        CHECK(ended[0].message.find(make_error_code(signalrpp::error::handler_failed).message()) != std::string::npos);
    }
    // The server serves on.
    client other(server);
    REQUIRE(other.upgrade("/echo").status == 101);
    other.send_frame(ws::opcode::text, "fine");
    CHECK(other.read_frame().payload == "fine");
}

TEST_CASE("logging: each connection's end is logged once, with its reason", "[server]") {
    recorded_log logged;
    transport::http_connection_options options;
    options.transport_send_timeout = std::chrono::milliseconds(200);
    options.disconnect_timeout = std::chrono::milliseconds(200);
    running_server server(carrier::memory, options);
    server.handler->echo = false;
    std::vector<std::pair<std::string, std::error_code>> expected; // connection id, reason

    { // a protocol violation: an unmasked frame
        client c(server);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.send_frame(ws::opcode::text, "x", true, false);
        CHECK(c.closed_by_server());
    }
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    { // a peer that stops reading: the send timeout
        client c(server);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.memory().set_capacity(1024);
        REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 2; }));
        const auto conn = server.handler->connected[1];
        for (int i = 0; i < 100 && !conn->ended() && !conn->send_backlogged(); ++i) {
            conn->send(std::string(16 * 1024, 'x'));
        }
        REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 2; }));
    }
    { // a slow consumer of others' messages: 16 times the send limit queued
        client c(server);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.memory().set_capacity(1024);
        REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 3; }));
        const auto conn = server.handler->connected[2];
        const std::string chunk(64 * 1024, 'y');
        for (int i = 0; i < 40 && conn->send(chunk); ++i) {
        }
        REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 3; }));
    }
    { // nobody connects after negotiating: the disconnect timeout
        client c(server);
        negotiate(c);
        REQUIRE(eventually([&] { return server.server().connections().size() == 0; }));
    }
    { // a clean close
        client c(server);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.send_frame(ws::opcode::close, "");
        CHECK(c.closed_by_server());
        REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 4; }));
    }
    const std::vector<std::error_code> reasons = {
        signalrpp::error::transport_protocol_violation, signalrpp::error::send_timeout,
        signalrpp::error::send_buffer_full, signalrpp::error::disconnect_timeout, {}};
    const auto ended = logged.of("ConnectionEnded");
    REQUIRE(ended.size() == reasons.size()); // once per connection
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        CAPTURE(i, ended[i].message);
        if (reasons[i]) {
            CHECK(ended[i].level == signalrpp::log_level::warning);
            CHECK(ended[i].message == "the connection ended: " + reasons[i].message());
        } else {
            CHECK(ended[i].level == signalrpp::log_level::information);
            CHECK(ended[i].message == "the connection ended");
        }
    }
    std::vector<std::string> ids;
    for (const auto& e : ended) {
        ids.push_back(e.connection_id);
    }
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    CHECK(logged.of("ConnectionStarted").size() == 4); // (the negotiated one never started a transport)
}
