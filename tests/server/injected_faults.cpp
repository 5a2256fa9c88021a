// The server over in-memory streams with injected faults (memory carrier only: a socket cannot be made
// to fail on its n-th write or to deliver one byte per read): a write failing mid-answer ends that socket
// and its connection only; requests and frames read one byte at a time, and answers written a few bytes
// at a time, arrive whole.
#include <signalrpp/test/memory_stream.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

using namespace server_test;
using status = ws::frame_reader::status;

namespace {

// A server end that accepts at most `write_size` bytes per write and fails its operation number
// `fail_at` (reads and writes counted together, from 0) with connection_reset.
std::function<void(memory_stream&)> failing_writes(std::size_t write_size, std::size_t fail_at) {
    return [=](memory_stream& server_end) {
        server_end.set_write_size(write_size);
        server_end.fail_after(fail_at);
    };
}

void trickled_reads(memory_stream& server_end) { server_end.set_read_size(1); }

void trickled_writes(memory_stream& server_end) { server_end.set_write_size(3); }

} // namespace

TEST_CASE("a write failing mid-answer closes that socket only; the server serves the next one", "[server]") {
    running_server server(carrier::memory);
    // Operation 0 reads the request; 1 and 2 write 8 bytes each of the 404; 3 fails.
    client c(server, failing_writes(8, 3));
    c.send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.closed_by_server());
    CHECK(c.buffered() == "HTTP/1.1 404 Not");
    client next(server);
    CHECK(next.request("POST", "/echo/negotiate").status == 200);
    CHECK(next.request("GET", "/nothing").status == 404);
}

TEST_CASE("a WebSocket whose write fails mid-message ends with the error; other connections go on", "[server]") {
    running_server server(carrier::memory);
    client bystander(server);
    REQUIRE(bystander.upgrade("/echo").status == 101);
    // 16 bytes per write: the 101 takes about ten writes, the echoed 8000-byte message 500; the 200th
    // operation fails in the middle of the message.
    client c(server, failing_writes(16, 200));
    REQUIRE(c.upgrade("/echo").status == 101);
    const std::string big(8000, 'm');
    c.send_frame(ws::opcode::text, big);
    CHECK_THROWS_WITH(c.read_frame(),
                      Catch::Matchers::StartsWith("connection closed before a whole frame (End of file"));
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == asio::error::connection_reset);
    REQUIRE(server.handler->connected_count() == 2);
    CHECK(server.handler->disconnected[0].first == server.handler->connected[1]->id());
    CHECK(server.server().connections().size() == 1);
    bystander.send_frame(ws::opcode::text, "still here");
    CHECK(bystander.read_frame().payload == "still here");
}

TEST_CASE("an event stream whose write fails mid-event ends its connection; POSTs to it then get 404",
          "[server]") {
    running_server server(carrier::memory);
    server.handler->echo = false;
    client poster(server);
    const auto token = negotiate(poster);
    // The head and opening comment take about fifteen writes of 16 bytes; a 4000-byte event takes 250.
    client stream(server, failing_writes(16, 100));
    open_event_stream(stream, token);
    const auto conn = first_connection(server);
    conn->send(std::string(4000, 'e'));
    CHECK(stream.closed_by_server());
    CHECK(stream.buffered().find("data: ") != std::string::npos); // the event had begun
    CHECK(stream.buffered().find("\r\n\r\n") == std::string::npos); // and did not end
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == asio::error::connection_reset);
    CHECK(poster.request("POST", "/echo?id=" + token, "x").status == 404);
    CHECK(poster.request("POST", "/echo/negotiate").status == 200);
}

TEST_CASE("a long poll whose socket fails leaves the connection to the next poll", "[server]") {
    running_server server(carrier::memory);
    server.handler->echo = false;
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    const auto conn = first_connection(server);
    {
        // Operation 0 reads the poll; 1, the read that watches for the client going away, fails.
        client failing(server, [](memory_stream& server_end) { server_end.fail_after(1); });
        failing.send_request({"GET", "/echo?id=" + token, 1, {}, {}});
        CHECK(failing.closed_by_server());
        CHECK(failing.buffered().empty());
    }
    CHECK(server.handler->disconnected.empty());
    CHECK(conn->send("for the next poll"));
    const auto r = c.request("GET", "/echo?id=" + token);
    CHECK(r.status == 200);
    CHECK(r.body == "for the next poll");
}

TEST_CASE("HTTP requests read one byte at a time: pipelined, with bodies, chunked", "[server]") {
    running_server server(carrier::memory);
    client c(server, trickled_reads);
    const auto token = negotiate(c);
    REQUIRE(token.size() == 22);
    c.send("GET /echo?id=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n" +                           // the first poll
           "POST /echo?id=" + token + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabc\x1e" + // a send
           "POST /echo?id=" + token +
           " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nfgh\r\n2\r\nij\r\n0\r\n\r\n" +
           "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_response().status == 200);
    CHECK(c.read_response().status == 200);
    CHECK(c.read_response().status == 200);
    CHECK(c.read_response().status == 404);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 2; }));
    CHECK(server.handler->received[0] == "abc\x1e");
    CHECK(server.handler->received[1] == "fghij");
    const auto r = c.request("GET", "/echo?id=" + token); // the echoes
    CHECK(r.body == "abc\x1e" "fghij");
}

TEST_CASE("WebSocket frames read one byte at a time, right behind the upgrade request", "[server]") {
    running_server server(carrier::memory);
    client c(server, trickled_reads);
    std::string out;
    http::write_request(out, ws::upgrade_request("/echo", "memory", "dGhlIHNhbXBsZSBub25jZQ=="));
    const std::string medium(300, 'w'); // a 16-bit payload length
    ws::write_frame(out, ws::opcode::text, "frag", false, ws::masking_key{1, 2, 3, 4});
    ws::write_frame(out, ws::opcode::ping, "p", true, ws::masking_key{5, 6, 7, 8});
    ws::write_frame(out, ws::opcode::continuation, "mented", true, ws::masking_key{9, 10, 11, 12});
    ws::write_frame(out, ws::opcode::binary, medium, true, ws::masking_key{13, 14, 15, 16});
    ws::write_frame(out, ws::opcode::close, std::string("\x0f\xa0", 2), true, ws::masking_key{0, 1, 0, 1});
    c.send(out);
    CHECK(c.read_response().status == 101);
    auto e = c.read_frame();
    CHECK(e.status == status::pong);
    CHECK(e.payload == "p");
    e = c.read_frame();
    CHECK(e.status == status::message);
    CHECK(e.payload == "fragmented");
    e = c.read_frame();
    CHECK(e.op == ws::opcode::binary);
    CHECK(e.payload == medium);
    e = c.read_frame();
    CHECK(e.status == status::close);
    CHECK(e.close_code == 1000);
    CHECK(c.closed_by_server());
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(!server.handler->disconnected[0].second);
}

TEST_CASE("answers written three bytes at a time arrive whole on every transport", "[server]") {
    transport::http_connection_options options;
    options.send_limit = 256 * 1024; // room for the 64-bit-length message below
    running_server server(carrier::memory, options);
    client c(server, trickled_writes);
    // HTTP: a negotiate answer, a 404 with its body.
    const auto negotiated = c.request("POST", "/echo/negotiate?negotiateVersion=1");
    CHECK(negotiated.status == 200);
    CHECK(negotiated.body.find("\"availableTransports\":[") != std::string::npos);
    CHECK(negotiated.body.back() == '}');
    const auto lp = token_of(negotiated.body);
    REQUIRE(lp.size() == 22);
    CHECK(c.request("GET", "/nothing").status == 404);
    // Long polling: two queued echoes in one poll.
    REQUIRE(c.request("GET", "/echo?id=" + lp).status == 200);
    CHECK(c.request("POST", "/echo?id=" + lp, "one\x1e").status == 200);
    CHECK(c.request("POST", "/echo?id=" + lp, std::string(1000, 'l') + "\x1e").status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 2; }));
    CHECK(c.request("GET", "/echo?id=" + lp).body == "one\x1e" + std::string(1000, 'l') + "\x1e");
    // Server-Sent Events.
    const auto sse = negotiate(c);
    client stream(server, trickled_writes);
    open_event_stream(stream, sse);
    CHECK(c.request("POST", "/echo?id=" + sse, "two\nlines").status == 200);
    CHECK(stream.read_until("lines\r\n\r\n").find("data: two\r\ndata: lines\r\n\r\n") != std::string::npos);
    // WebSockets: a 16-bit and a 64-bit payload length.
    client websocket(server, trickled_writes);
    REQUIRE(websocket.upgrade("/echo").status == 101);
    const std::string medium(1000, 'x');
    const std::string large(70000, 'y');
    websocket.send_frame(ws::opcode::text, medium);
    websocket.send_frame(ws::opcode::binary, large);
    CHECK(websocket.read_frame().payload == medium);
    const auto e = websocket.read_frame();
    CHECK(e.op == ws::opcode::binary);
    CHECK(e.payload == large);
}
