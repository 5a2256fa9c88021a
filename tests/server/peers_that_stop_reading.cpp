// Peers that stop reading, as the security review (shared/reviews/security-2026-12.md) reproduced them,
// through a real server: a WebSocket client that pings and never reads (F1), clients that stop reading
// while the server writes to them (F5: the transport send timeout), over loopback TCP sockets and over
// the in-memory stream with a bounded receive buffer.
#include <signalrpp/transport/websocket_session.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/ip/tcp.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

using namespace server_test;
using status = ws::frame_reader::status;

namespace {

// A loopback TCP connection whose server end has a small send buffer (so that the server's writes
// block soon when the client does not read) and is handed to `server` as an accepted socket; the
// client end, a plain blocking socket with a small receive buffer, is returned.
asio::ip::tcp::socket connect_with_small_buffers(signalrpp::server& server, asio::io_context& io) {
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::ip::tcp::socket client_end(io);
    client_end.open(asio::ip::tcp::v4());
    client_end.set_option(asio::socket_base::receive_buffer_size(4096));
    client_end.connect(acceptor.local_endpoint());
    asio::ip::tcp::socket server_end(server.get_executor());
    acceptor.accept(server_end);
    server_end.set_option(asio::socket_base::send_buffer_size(4096));
    server.accept(signalrpp::transport::make_stream_io(std::move(server_end)));
    return client_end;
}

// Writes the upgrade request on a blocking socket and reads up to the end of the 101's head.
void upgrade(asio::ip::tcp::socket& s, const std::string& target) {
    std::string out;
    http::write_request(out, ws::upgrade_request(target, "127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ=="));
    asio::write(s, asio::buffer(out));
    std::string in;
    char c = 0;
    while (in.size() < 4 || in.compare(in.size() - 4, 4, "\r\n\r\n") != 0) {
        asio::read(s, asio::buffer(&c, 1));
        in.push_back(c);
    }
    REQUIRE(in.rfind("HTTP/1.1 101", 0) == 0);
}

std::string masked_frame(ws::opcode op, std::string_view payload) {
    std::string out;
    ws::write_frame(out, op, payload, true, ws::masking_key{1, 2, 3, 4});
    return out;
}

} // namespace

TEST_CASE("a pinger that never reads over TCP: the server stops reading instead of queueing pongs", "[server]") {
    running_server server;
    asio::io_context io;
    auto s = connect_with_small_buffers(server.server(), io);
    upgrade(s, "/echo");
    // Send pings until a write has waited for 2 s (the server no longer reads), or 64 MB went out (it
    // read them all, queueing a pong for each: what the review saw grow to 1 GB).
    timeval tv{2, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::string batch;
    for (int i = 0; i < 1000; ++i) {
        batch += masked_frame(ws::opcode::ping, std::string(125, 'p'));
    }
    std::size_t sent = 0;
    bool stalled = false;
    while (sent < 64 * 1024 * 1024 && !stalled) {
        const auto n = ::send(s.native_handle(), batch.data(), batch.size(), MSG_NOSIGNAL);
        if (n < 0) {
            stalled = errno == EAGAIN || errno == EWOULDBLOCK;
            REQUIRE(stalled);
        } else {
            sent += static_cast<std::size_t>(n);
        }
    }
    CHECK(stalled);
    INFO("sent " << sent << " bytes of pings");
    CHECK(sent < 64 * 1024 * 1024);
    // The connection is alive.
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    CHECK(server.handler->wait([&] { return server.handler->disconnected.empty(); }));
}

TEST_CASE("a WebSocket whose peer stops reading is aborted after the send timeout", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.transport_send_timeout = std::chrono::milliseconds(300);
    running_server server(carrier, options);
    server.handler->echo = false;
    std::optional<client> c;
    asio::io_context io;
    std::optional<asio::ip::tcp::socket> tcp;
    if (carrier == carrier::memory) {
        c.emplace(server);
        REQUIRE(c->upgrade("/echo").status == 101);
        c->memory().set_capacity(4096);
    } else {
        tcp.emplace(connect_with_small_buffers(server.server(), io));
        upgrade(*tcp, "/echo");
    }
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    const auto conn = server.handler->connected[0];
    // Sent until the queue is past the limit: a write is then under way that the peer does not let finish.
    const std::string chunk(16 * 1024, 'x');
    for (int i = 0; i < 1000 && !conn->ended() && !conn->send_backlogged(); ++i) {
        conn->send(chunk);
    }
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::send_timeout);
}

TEST_CASE("an event stream whose client stops reading is ended after the HTTP send timeout", "[server]") {
    signalrpp::server_options options;
    options.http.send_timeout = std::chrono::milliseconds(300);
    running_server server(carrier::memory, {}, options);
    server.handler->echo = false;
    client c(server);
    const auto token = negotiate(c);
    open_event_stream(c, token);
    c.memory().set_capacity(4096);
    const auto conn = first_connection(server);
    conn->send(std::string(256 * 1024, 'x')); // one event, far more than the client's buffer
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::send_timeout);
}

TEST_CASE("a burst sent before reading gets every echo: its sender is paused, not aborted", "[server]") {
    // The security review's F3: answers to one's own messages past the send limit used to abort the
    // connection. 100 messages of 16 KiB go out before any echo is read.
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server, [](memory_stream& s) { s.set_capacity(64 * 1024); });
    REQUIRE(c.upgrade("/echo").status == 101);
    std::string burst;
    for (int i = 0; i < 100; ++i) {
        std::string payload = std::to_string(i) + ":";
        payload.resize(16 * 1024, 'b');
        burst += masked_frame(ws::opcode::text, payload);
    }
    std::thread writer; // (over TCP a blocking write: it waits while the server does not read)
    if (carrier == carrier::memory) {
        c.memory().set_capacity(4096);
        c.start_send(burst);
    } else {
        writer = std::thread([&] { c.send(burst); });
    }
    for (int i = 0; i < 100; ++i) {
        const auto e = c.read_frame();
        REQUIRE(e.status == status::message);
        CHECK(e.payload.substr(0, e.payload.find(':')) == std::to_string(i));
        CHECK(e.payload.size() == 16 * 1024);
    }
    if (writer.joinable()) {
        writer.join();
    }
    CHECK(server.handler->wait([&] { return server.handler->received.size() == 100; }));
    CHECK(server.handler->wait([&] { return server.handler->disconnected.empty(); }));
}
