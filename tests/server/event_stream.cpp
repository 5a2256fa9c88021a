// Server-Sent Events through a real server, over each carrier: the head, the opening comment, events
// as data: lines, sends by POST, the close, conflicts.
#include <signalrpp/transport/event_stream.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

using namespace server_test;

namespace {

http::fields accept_event_stream() {
    http::fields f;
    f.add("Accept", "text/event-stream");
    return f;
}

} // namespace

TEST_CASE("an event stream starts with its head and a comment, then carries each message as an event",
          "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client poster(server);
    const auto token = token_of(poster.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    client stream(server);
    stream.send_request({"GET", "/echo?id=" + token, 1, accept_event_stream(), {}});
    const std::string head = stream.read_until(":\r\n\r\n");
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(head.find("Cache-Control: no-cache,no-store\r\n") != std::string::npos);
    CHECK(head.find("Pragma: no-cache\r\n") != std::string::npos);
    CHECK(head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(head.find("3\r\n:\r\n\r\n") != std::string::npos); // the comment, as the first chunk
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    CHECK(server.handler->connected[0]->transport() == transport::server_sent_events);

    CHECK(poster.request("POST", "/echo?id=" + token, "{\"a\":1}\x1e").status == 200);
    const std::string event = stream.read_until("\r\n\r\n");
    CHECK(event.find("data: {\"a\":1}\x1e\r\n\r\n") != std::string::npos);

    server.handler->connected[0]->send("two\nlines");
    CHECK(stream.read_until("lines\r\n\r\n").find("data: two\r\ndata: lines\r\n\r\n") != std::string::npos);
}

TEST_CASE("a second event stream gets 409, a long poll 400, DELETE 400", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto token = token_of(c.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    client stream(server);
    stream.send_request({"GET", "/echo?id=" + token, 1, accept_event_stream(), {}});
    stream.read_until(":\r\n");
    client second(server);
    second.send_request({"GET", "/echo?id=" + token, 1, accept_event_stream(), {}});
    CHECK(second.read_response().status == 409);
    CHECK(c.request("GET", "/echo?id=" + token).status == 400);
    CHECK(c.request("DELETE", "/echo?id=" + token).status == 400);
    CHECK(c.upgrade("/echo?id=" + token).status == 400);
}

TEST_CASE("a server-side close ends the body, and the socket serves on; an abort cuts it and the socket", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto token = negotiate(c);
    client stream(server);
    open_event_stream(stream, token);
    const auto conn = first_connection(server);
    SECTION("close: what is queued is sent, then the end of the chunked body") {
        conn->send("last");
        conn->close();
        CHECK(stream.read_until("0\r\n\r\n").find("data: last\r\n\r\n\r\n0\r\n\r\n") != std::string::npos);
        // The answer is complete, so the socket is kept alive like after any other answer (clients reuse it).
        CHECK(stream.request("POST", "/echo/negotiate").status == 200);
    }
    SECTION("abort") {
        conn->abort();
        CHECK(stream.closed_by_server());
    }
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
}

TEST_CASE("the client dropping its event stream ends the connection", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto token = negotiate(c);
    {
        client stream(server);
        open_event_stream(stream, token);
    }
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(c.request("POST", "/echo?id=" + token, "x").status == 404);
}
