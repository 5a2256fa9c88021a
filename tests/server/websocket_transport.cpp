// The WebSockets transport through a real server, over each carrier: handshake, echo, fragments,
// control frames, the close handshake, protocol violations and their close codes, ids and conflicts.
#include <signalrpp/transport/websocket_session.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <thread>

using namespace server_test;
using status = ws::frame_reader::status;

namespace {
// Reads one message per payload, in order, each the payload.
void expect_messages(client& c, const std::vector<std::string>& payloads) {
    for (const auto& payload : payloads) {
        const auto e = c.read_frame();
        REQUIRE(e.status == status::message);
        CHECK(e.payload == payload);
    }
}
} // namespace

TEST_CASE("a WebSocket without negotiation makes a connection and echoes text and binary", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto r = c.upgrade("/echo");
    REQUIRE(r.status == 101);
    CHECK(r.fields.find("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    c.send_frame(ws::opcode::text, "hello");
    c.send_frame(ws::opcode::binary, std::string("\0\1\2", 3));
    auto e = c.read_frame();
    CHECK(e.status == status::message);
    CHECK(e.op == ws::opcode::text);
    CHECK(e.payload == "hello");
    e = c.read_frame();
    CHECK(e.op == ws::opcode::binary);
    CHECK(e.payload == std::string("\0\1\2", 3));
    REQUIRE(server.handler->connected_count() == 1);
    const auto conn = server.handler->connected[0];
    CHECK(conn->token() == conn->id());
    CHECK(conn->transport() == transport::websockets);
    CHECK(conn->request().path == "/echo");
    if (carrier == carrier::tcp) {
        CHECK(conn->request().remote_endpoint.rfind("127.0.0.1:", 0) == 0);
    } else {
        CHECK(conn->request().remote_endpoint.empty()); // an in-memory stream has no address
    }
}

TEST_CASE("a negotiated WebSocket keeps the connection's ids and request snapshot", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto body = c.request("POST", "/echo/negotiate?negotiateVersion=1").body;
    const auto token = token_of(body);
    http::request up = ws::upgrade_request("/echo?id=" + token + "&access_token=abc", "127.0.0.1",
                                           "dGhlIHNhbXBsZSBub25jZQ==");
    up.fields.add("Cookie", "session=s1; theme=dark; base64=QUI%2BREU%2FRw%3D%3D; plus=a+b");
    c.send_request(up);
    REQUIRE(c.read_response().status == 101);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    const auto conn = server.handler->connected[0];
    CHECK(conn->token() == token);
    CHECK(body.find(conn->id()) != std::string::npos);
    CHECK(conn->request().query_parameter("access_token") == "abc");
    CHECK(conn->request().cookie("theme") == "dark");
    CHECK(conn->request().cookie("THEME") == "dark");                 // names in any case
    CHECK(conn->request().cookie("base64") == "QUI+REU/Rw==");        // values percent-decoded
    CHECK(conn->request().cookie("plus") == "a+b");                   // '+' is not a space there
    CHECK(conn->request().cookie("missing") == std::nullopt);
    CHECK(conn->request().headers.find("Sec-WebSocket-Version") == "13");
}

TEST_CASE("WebSocket connect errors: unknown id 404, second socket 409, other transport 400", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client a(server);
    CHECK(a.upgrade("/echo?id=unknown").status == 404);
    const auto token = token_of(a.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    REQUIRE(a.upgrade("/echo?id=" + token).status == 101);
    client b(server);
    CHECK(b.upgrade("/echo?id=" + token).status == 409);
    CHECK(b.request("POST", "/echo?id=" + token, "x").status == 405);
    CHECK(b.request("GET", "/echo?id=" + token).status == 400); // a long poll on a WebSocket connection
    CHECK(b.request("DELETE", "/echo?id=" + token).status == 400);
}

TEST_CASE("fragmented messages are joined; pings are answered with pongs", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    c.send_frame(ws::opcode::text, "hel", false);
    c.send_frame(ws::opcode::ping, "p1");
    c.send_frame(ws::opcode::continuation, "lo", true);
    auto e = c.read_frame();
    CHECK(e.status == status::pong);
    CHECK(e.payload == "p1");
    e = c.read_frame();
    CHECK(e.status == status::message);
    CHECK(e.payload == "hello");
}

TEST_CASE("a peer that pings and never reads: one pong waits, the server stops reading, the latest ping is answered",
          "[server]") {
    // The security review's F1: pongs used to queue without bound behind a write the peer never let finish.
    running_server server(carrier::memory);
    client c(server, [](memory_stream& s) { s.set_capacity(64 * 1024); }); // the server's receive buffer
    REQUIRE(c.upgrade("/echo").status == 101);
    c.memory().set_capacity(4096); // the client's: full after about 30 pongs

    constexpr int pings = 20000; // 2.6 MB of pings, 20 times what the two buffers hold
    std::string out;
    for (int i = 0; i < pings; ++i) {
        std::string payload = std::to_string(i);
        payload.resize(125, '.');
        ws::write_frame(out, ws::opcode::ping, payload, true, ws::masking_key{1, 2, 3, 4});
    }
    // The server stops reading (no read waits at its end) while its write waits for room at ours.
    auto& mine = c.memory();
    c.start_send(out);
    REQUIRE(c.run_until([&] {
        return !c.sending() || (mine.write_waiting() && mine.peer_write_waiting() && !mine.peer_read_waiting());
    }));
    CHECK(c.sending()); // it did not take them all

    // Reading from now on, the client gets all its pings taken, fewer pongs than pings, the last one for the
    // last ping, and the connection still echoes.
    mine.set_capacity(std::numeric_limits<std::size_t>::max());
    int pongs = 0;
    std::string last;
    auto take = [&](const client::frame_event& e) {
        REQUIRE(e.status == status::pong);
        ++pongs;
        last = e.payload;
    };
    while (c.sending()) {
        take(c.read_frame());
    }
    c.send_frame(ws::opcode::text, "still here");
    for (auto e = c.read_frame(); e.status != status::message; e = c.read_frame()) {
        take(e);
    }
    CHECK(pongs < pings);
    CHECK(last.substr(0, last.find('.')) == std::to_string(pings - 1));
}

TEST_CASE("a close without a status is answered with 1000, and the connection ends cleanly", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    c.send_frame(ws::opcode::close, "");
    const auto e = c.read_frame();
    CHECK(e.status == status::close);
    CHECK(e.close_code == 1000);
    CHECK(c.closed_by_server());
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(!server.handler->disconnected[0].second);
}

TEST_CASE("a peer's close is answered with 1000 whatever its code, as ASP.NET Core answers", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    c.send_frame(ws::opcode::close, std::string("\x0f\xa0", 2)); // 4000
    const auto e = c.read_frame();
    CHECK(e.status == status::close);
    CHECK(e.close_code == 1000);
}

TEST_CASE("protocol violations close with the RFC's code for that peer only", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client bystander(server);
    REQUIRE(bystander.upgrade("/echo").status == 101);
    struct violation {
        const char* name;
        std::string bytes;
        std::uint16_t code;
    };
    std::string unmasked;
    ws::write_frame(unmasked, ws::opcode::text, "x");
    const std::vector<violation> cases = {
        {"unmasked frame", unmasked, 1002},
        {"reserved bit", std::string("\xc1\x80\0\0\0\0", 6), 1002},
        {"unknown opcode", std::string("\x83\x80\0\0\0\0", 6), 1002},
        {"fragmented ping", std::string("\x09\x80\0\0\0\0", 6), 1002},
        {"invalid UTF-8", std::string("\x81\x82\0\0\0\0\xc3\x28", 8), 1007},
        {"message too big", std::string("\x82\xff\0\0\0\0\x7f\0\0\0\0\0\0\0", 14), 1009},
    };
    for (const auto& v : cases) {
        INFO(v.name);
        client c(server);
        REQUIRE(c.upgrade("/echo").status == 101);
        c.send(v.bytes);
        const auto e = c.read_frame();
        CHECK(e.status == status::close);
        CHECK(e.close_code == v.code);
        CHECK(c.closed_by_server());
    }
    bystander.send_frame(ws::opcode::text, "still here");
    CHECK(bystander.read_frame().payload == "still here");
    // (Read under the handler's lock, inside wait: its calls come on the server's threads.)
    CHECK(server.handler->wait([&] {
        const auto& ended = server.handler->disconnected;
        return ended.size() == cases.size() && std::all_of(ended.begin(), ended.end(), [](const auto& d) {
                   return d.second == signalrpp::error::transport_protocol_violation;
               });
    }));
}

TEST_CASE("a server-side close sends 1000 after what is queued, then waits for the peer", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    const auto conn = server.handler->connected[0];
    CHECK(conn->send("last words"));
    conn->close();
    CHECK(!conn->send("too late"));
    CHECK(c.read_frame().payload == "last words");
    const auto e = c.read_frame();
    CHECK(e.status == status::close);
    CHECK(e.close_code == 1000);
    c.send_frame(ws::opcode::close, std::string("\x03\xe8", 2));
    CHECK(c.closed_by_server());
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(!server.handler->disconnected[0].second);
}

TEST_CASE("bad upgrade requests get 400 or 426", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    http::request r = ws::upgrade_request("/echo", "127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ==");
    r.fields.set("Sec-WebSocket-Version", "8");
    c.send_request(r);
    auto response = c.read_response();
    CHECK(response.status == 426);
    CHECK(response.fields.find("Sec-WebSocket-Version") == "13");
    r.fields.set("Sec-WebSocket-Version", "13");
    r.fields.set("Sec-WebSocket-Key", "short");
    c.send_request(r);
    CHECK(c.read_response().status == 400);
}

// Sizes across the three length forms (7-bit, 16-bit, 64-bit), one message at a time and in a burst
// that the server's reads cut anywhere.
TEST_CASE("messages of many sizes arrive whole and in order, alone and in a burst", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    const auto payload_of = [](std::size_t n, std::size_t seed) {
        std::string p(n, ' ');
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = static_cast<char>('a' + (i + seed) % 26);
        }
        return p;
    };

    std::vector<std::size_t> sizes;
    for (std::size_t n = 40; n <= 80; ++n) {
        sizes.push_back(n);
    }
    for (const std::size_t n : {10, 124, 125, 126, 127, 5000, 10, 65535, 65536, 3, 70000, 1, 0, 200}) {
        sizes.push_back(n);
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        CAPTURE(sizes[i]);
        const std::string payload = payload_of(sizes[i], i);
        c.send_frame(ws::opcode::text, payload);
        const auto e = c.read_frame();
        REQUIRE(e.status == status::message);
        CHECK(e.payload == payload);
    }

    // A burst written at once: the server's reads cut it anywhere.
    std::string burst;
    std::vector<std::string> sent;
    for (std::size_t n = 0; n < 150; ++n) {
        sent.push_back(payload_of(n % 3 == 0 ? n * 7 : n % 70, n));
        ws::write_frame(burst, ws::opcode::text, sent.back(), true, ws::masking_key{1, 2, 3, 4});
    }
    c.send(burst);
    expect_messages(c, sent);
}

// The server reads a socket into a 64 KiB buffer of its thread's. When a read fills it, more may be
// waiting that no readiness event will announce: the server must read again without waiting. Here the
// server's thread is held while the client writes far more than 64 KiB, so its first read fills the
// buffer and the rest is already there.
TEST_CASE("a read that fills the read buffer is followed by another read, not a wait", "[server]") {
    running_server server;
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);

    server_thread_hold hold(server.server());
    std::vector<std::string> sent;
    std::string burst;
    for (int i = 0; i < 6; ++i) {
        sent.emplace_back(30000, static_cast<char>('a' + i));
        ws::write_frame(burst, ws::opcode::binary, sent.back(), true, ws::masking_key{1, 2, 3, 4});
    }
    std::thread writer([&] { c.send(burst); }); // may block until the server reads
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    hold.release();
    writer.join();
    expect_messages(c, sent);
}

// Hub records queued one after another go out as one WebSocket message, as ASP.NET Core sends what its
// pipe holds; raw messages keep their own frames, and records join only records of their kind, up to
// outbound_message::max_joined bytes.
TEST_CASE("records queued together share a frame; raw messages and other kinds do not", "[server]") {
    running_server server;
    server.handler->echo = false;
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    const auto conn = server.handler->connected[0];

    server_thread_hold hold(server.server()); // while the messages are queued: one write takes them all
    const std::string big(3000, 'x');
    CHECK(conn->send_records("{\"a\":1}\x1e"));
    CHECK(conn->send(transport::outbound_message::records("{\"b\":2}\x1e")));
    CHECK(conn->send_records("{\"c\":3}\x1e"));
    CHECK(conn->send("raw"));
    CHECK(conn->send("raw too"));
    CHECK(conn->send_records("{\"d\":4}\x1e"));
    CHECK(conn->send_records(std::string_view("\x02\x01\x00", 3), true));
    CHECK(conn->send_records(big));
    CHECK(conn->send_records(big)); // the two would pass max_joined together
    hold.release();

    const std::vector<std::pair<ws::opcode, std::string>> expected = {
        {ws::opcode::text, "{\"a\":1}\x1e{\"b\":2}\x1e{\"c\":3}\x1e"},
        {ws::opcode::text, "raw"},
        {ws::opcode::text, "raw too"},
        {ws::opcode::text, "{\"d\":4}\x1e"},
        {ws::opcode::binary, std::string("\x02\x01\x00", 3)},
        {ws::opcode::text, big},
        {ws::opcode::text, big},
    };
    for (const auto& [op, payload] : expected) {
        const auto e = c.read_frame();
        REQUIRE(e.status == status::message);
        CHECK(e.op == op);
        CHECK(e.payload == payload);
    }
}

TEST_CASE("websocket_allowed_origins: an upgrade from another origin is 403; listed ones, in any case, and none pass",
          "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    recorded_log logged;
    transport::http_connection_options options;
    options.websocket_allowed_origins = {"https://app.example"};
    running_server server(carrier, options);
    const auto upgrade_from = [&](const char* origin) {
        client c(server);
        http::request r = ws::upgrade_request("/echo", "127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ==");
        if (origin != nullptr) {
            r.fields.set("Origin", origin);
        }
        c.send_request(r);
        return c.read_response().status;
    };
    CHECK(upgrade_from("https://evil.example") == 403);
    CHECK(upgrade_from("https://app.example.evil") == 403);
    CHECK(upgrade_from("HTTPS://APP.EXAMPLE") == 101);
    CHECK(upgrade_from(nullptr) == 101); // not from a browser
    const auto refused = logged.of("OriginNotAllowed");
    REQUIRE(refused.size() == 2);
    CHECK(refused[0].message.find("https://evil.example") != std::string::npos);
}

TEST_CASE("websocket_allowed_origins with \"*\" allows any origin", "[server]") {
    transport::http_connection_options options;
    options.websocket_allowed_origins = {"https://app.example", "*"};
    running_server server(carrier::tcp, options);
    client c(server);
    http::request r = ws::upgrade_request("/echo", "127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ==");
    r.fields.set("Origin", "https://anywhere.example");
    c.send_request(r);
    CHECK(c.read_response().status == 101);
}
