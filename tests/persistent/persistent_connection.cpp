#include <signalrpp/persistent/persistent_connection.hpp>

#include "../server/server_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string_view>
#include <utility>

// Raw persistent connections (map_connection<C>) over a direct WebSocket, Server-Sent Events and long
// polling: messages as sent, text and binary kept apart, groups, sending to all from outside.

namespace persistent_tests {

std::atomic<int> connected{0};
std::atomic<int> disconnected{0};

// "<name>:<text>" as its name and its text.
std::pair<std::string_view, std::string_view> split_at_colon(std::string_view s) {
    const auto colon = s.find(':');
    return {s.substr(0, colon), s.substr(colon + 1)};
}

// Echoes, except: "join:<g>" joins group g, "group:<g>:<text>" sends text to group g, "all:<text>"
// sends text to everyone, "whoami" answers the connection's id, "to:<id>:<text>" sends text to the
// connection with that id.
struct echo_connection : signalrpp::persistent_connection {
    void on_connected() { ++connected; }
    void on_received(std::string_view data, bool binary) {
        if (data.rfind("join:", 0) == 0) {
            groups().add(connection_id(), std::string(data.substr(5)));
            send("joined");
        } else if (data.rfind("group:", 0) == 0) {
            const auto [group, text] = split_at_colon(data.substr(6));
            clients().group(std::string(group)).send(text);
        } else if (data.rfind("all:", 0) == 0) {
            clients().all().send(data.substr(4));
        } else if (data == "whoami") {
            send(connection_id());
        } else if (data.rfind("to:", 0) == 0) {
            const auto [id, text] = split_at_colon(data.substr(3));
            clients().client(std::string(id)).send(text);
        } else {
            send(data, binary);
        }
    }
    void on_disconnected(std::error_code) { ++disconnected; }
};

// A server with echo_connection at /echo, run by two threads, reached over `via`.
struct persistent_server {
    explicit persistent_server(server_test::carrier via)
        : server(runner.server()), via(via), context(server.map_connection<echo_connection>("/echo")) {
        port = runner.start(2);
    }
    server_test::server_runner runner;
    signalrpp::server& server;
    const server_test::carrier via;
    signalrpp::persistent_context<echo_connection> context;
    unsigned short port = 0;
};

} // namespace persistent_tests

using namespace persistent_tests;
using server_test::eventually;
namespace ws = signalrpp::websocket;

TEST_CASE("a direct WebSocket: messages come back as sent, text as text and binary as binary") {
    const auto carrier = GENERATE(server_test::each_carrier());
    CAPTURE(carrier);
    connected = 0;
    disconnected = 0;
    persistent_server server(carrier);
    {
        server_test::client c(server.server, carrier, server.port);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.send_frame(ws::opcode::text, "hello");
        auto e = c.read_frame();
        CHECK(e.op == ws::opcode::text);
        CHECK(e.payload == "hello");
        c.send_frame(ws::opcode::binary, std::string("\x00\x01\xff", 3));
        e = c.read_frame();
        CHECK(e.op == ws::opcode::binary);
        CHECK(e.payload == std::string("\x00\x01\xff", 3));
        CHECK(connected == 1);
        CHECK(server.context.connection_count() == 1);
    }
    CHECK(eventually([] { return disconnected == 1; }));
    CHECK(eventually([&] { return server.context.connection_count() == 0; }));
}

TEST_CASE("groups, one connection by its id, and everyone, from a connection and from outside") {
    const auto carrier = GENERATE(server_test::each_carrier());
    CAPTURE(carrier);
    persistent_server server(carrier);
    server_test::client a(server.server, carrier, server.port), b(server.server, carrier, server.port),
        c(server.server, carrier, server.port);
    for (auto* x : {&a, &b, &c}) {
        REQUIRE(x->upgrade("/echo").status == 101);
    }
    a.send_frame(ws::opcode::text, "join:g");
    CHECK(a.read_frame().payload == "joined");
    b.send_frame(ws::opcode::text, "join:g");
    CHECK(b.read_frame().payload == "joined");
    c.send_frame(ws::opcode::text, "group:g:to the group");
    CHECK(a.read_frame().payload == "to the group");
    CHECK(b.read_frame().payload == "to the group");
    b.send_frame(ws::opcode::text, "whoami");
    const auto b_id = b.read_frame().payload;
    c.send_frame(ws::opcode::text, "to:" + b_id + ":to b alone");
    CHECK(b.read_frame().payload == "to b alone");
    CHECK(server.context.clients().all().send("from outside") == 3);
    for (auto* x : {&a, &b, &c}) {
        CHECK(x->read_frame().payload == "from outside"); // a and c got nothing from the group or to b before this
    }
}

TEST_CASE("Server-Sent Events: POSTed messages come back as events") {
    const auto carrier = GENERATE(server_test::each_carrier());
    CAPTURE(carrier);
    persistent_server server(carrier);
    server_test::client stream(server.server, carrier, server.port),
        poster(server.server, carrier, server.port);
    const auto token = server_test::negotiate(poster);
    server_test::open_event_stream(stream, token);
    CHECK(poster.request("POST", "/echo?id=" + token, "over sse").status == 200);
    CHECK(stream.read_until("\r\n\r\n").find("data: over sse\r\n\r\n") != std::string::npos);
    CHECK(poster.request("POST", "/echo?id=" + token, "all:everyone").status == 200);
    CHECK(stream.read_until("\r\n\r\n").find("data: everyone\r\n\r\n") != std::string::npos);
}

TEST_CASE("long polling: POSTed messages come back in the next poll") {
    const auto carrier = GENERATE(server_test::each_carrier());
    CAPTURE(carrier);
    persistent_server server(carrier);
    server_test::client poller(server.server, carrier, server.port),
        poster(server.server, carrier, server.port);
    const auto token = server_test::negotiate(poster);
    CHECK(poller.request("GET", "/echo?id=" + token).status == 200); // the first poll returns at once
    CHECK(poster.request("POST", "/echo?id=" + token, "over long polling").status == 200);
    const auto poll = poller.request("GET", "/echo?id=" + token);
    CHECK(poll.status == 200);
    CHECK(poll.body == "over long polling");
}
