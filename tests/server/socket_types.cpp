// The same WebSocket session carried end to end by the other stream types: the in-memory test stream
// (handed to server::accept), a Unix-domain socket and TLS over TCP (listen).
#define SIGNALRPP_ENABLE_TLS
#include <signalrpp/server/tls.hpp>

#include <signalrpp/test/memory_stream.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <unistd.h>

using namespace server_test;
using status = ws::frame_reader::status;

namespace {

// A self-signed certificate for 127.0.0.1 (EC P-256, valid for a century), made for these tests only.
constexpr const char* test_certificate = R"(-----BEGIN CERTIFICATE-----
MIIBfzCCASWgAwIBAgIUQ7a5g+WkWcByfJ/dQ10vqOi0NhYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMTEzMzAyNFoYDzIxMjYxMDI4
MTMzMDI0WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT24wOMfZ9CtCLhUsuAJq/FhegFmW0Fyjhqo3pzh8LGdNgPm4ox6Tc0
46vktBPEl2w/2TaA5mXeK1sQQ5HWPlxoo1MwUTAdBgNVHQ4EFgQUyiqnt6Qhy2z6
NEJgM+tq+fXJEoowHwYDVR0jBBgwFoAUyiqnt6Qhy2z6NEJgM+tq+fXJEoowDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAxQd+HFbOoCFXYwsQGQ3R
Z3a2GwUUV84YKIyXUIJdjGcCIAwVFAqTs5sJpQGtmIWpCC/x7wzrVUO/UxXrEnry
iU0r
-----END CERTIFICATE-----
)";
constexpr const char* test_key = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBjXxtRoGMoYhy1vy
oaliZetn+futBIRHwR1Xg2M5QZOhRANCAAT24wOMfZ9CtCLhUsuAJq/FhegFmW0F
yjhqo3pzh8LGdNgPm4ox6Tc046vktBPEl2w/2TaA5mXeK1sQQ5HWPlxo
-----END PRIVATE KEY-----
)";

asio::ssl::context server_tls_context() {
    asio::ssl::context tls(asio::ssl::context::tls_server);
    tls.use_certificate_chain(asio::buffer(std::string_view(test_certificate)));
    tls.use_private_key(asio::buffer(std::string_view(test_key)), asio::ssl::context::pem);
    return tls;
}

// Upgrades, exchanges a text and a binary message, then closes, over any synchronous stream.
template <class SyncStream>
void websocket_round_trip(SyncStream& stream) {
    std::string out;
    http::write_request(out, ws::upgrade_request("/echo", "localhost", "dGhlIHNhbXBsZSBub25jZQ=="));
    ws::write_frame(out, ws::opcode::text, "over any stream", true, ws::masking_key{9, 8, 7, 6});
    ws::write_frame(out, ws::opcode::binary, std::string("\x00\xff", 2), true, ws::masking_key{1, 1, 1, 1});
    ws::write_frame(out, ws::opcode::close, std::string("\x03\xe8", 2), true, ws::masking_key{0, 0, 0, 0});
    asio::write(stream, asio::buffer(out));

    std::string in;
    http::response_parser parser;
    ws::frame_reader reader(ws::role::client);
    std::vector<std::pair<status, std::string>> events;
    bool head_done = false;
    char data[4096];
    while (events.empty() || events.back().first != status::close) {
        std::error_code ec;
        const std::size_t n = stream.read_some(asio::buffer(data), ec);
        REQUIRE(!ec);
        in.append(data, n);
        if (!head_done) {
            http::response_parser::status s{};
            in.erase(0, parser.parse(in, s));
            if (s != http::response_parser::status::done) {
                continue;
            }
            REQUIRE(parser.message().status == 101);
            head_done = true;
        }
        for (;;) {
            status s{};
            in.erase(0, reader.parse(in, s));
            if (s == status::incomplete) {
                break;
            }
            events.emplace_back(s, s == status::close ? std::to_string(reader.close_status()) : reader.payload());
        }
    }
    REQUIRE(events.size() == 3);
    CHECK(events[0].second == "over any stream");
    CHECK(events[1].second == std::string("\x00\xff", 2));
    CHECK(events[2].second == "1000");
}

} // namespace

TEST_CASE("the in-memory stream carries a WebSocket session, handed to the server as a connected socket") {
    asio::io_context io;
    signalrpp::server server(io);
    auto handler = std::make_shared<recording_handler>();
    server.map_connection("/echo", handler);
    auto ends = signalrpp::test::make_memory_stream_pair(io.get_executor());
    auto& client_end = ends.first; // a plain reference: lambdas below capture it (clang 14 cannot capture bindings)
    server.accept(std::move(ends.second));

    std::string out;
    http::write_request(out, ws::upgrade_request("/echo", "memory", "dGhlIHNhbXBsZSBub25jZQ=="));
    ws::write_frame(out, ws::opcode::text, "in memory", true, ws::masking_key{1, 2, 3, 4});
    asio::write(client_end, asio::buffer(out));
    client_end.set_read_size(7); // the answer arrives in small pieces
    std::string in;
    char data[64];
    std::function<void()> read_more;
    read_more = [&] {
        client_end.async_read_some(asio::buffer(data), [&](std::error_code ec, std::size_t n) {
            if (ec) {
                return;
            }
            in.append(data, n);
            if (in.find("in memory") == std::string::npos) {
                read_more();
            } else {
                server.stop();
            }
        });
    };
    read_more();
    io.run_for(std::chrono::seconds(10));
    CHECK(in.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    CHECK(in.find(std::string("\x81\x09in memory", 11)) != std::string::npos);
    REQUIRE(handler->connected.size() == 1);
    CHECK(handler->connected[0]->request().remote_endpoint.empty());
    CHECK(!handler->connected[0]->request().secure);
    handler->forget_connections();
}

TEST_CASE("a failing in-memory stream ends that connection only") {
    asio::io_context io;
    signalrpp::server server(io);
    auto handler = std::make_shared<recording_handler>();
    server.map_connection("/echo", handler);
    auto [client_end, server_end] = signalrpp::test::make_memory_stream_pair(io.get_executor());
    server_end.fail_after(2); // the upgrade is read and answered; the next read fails
    server.accept(std::move(server_end));
    std::string out;
    http::write_request(out, ws::upgrade_request("/echo", "memory", "dGhlIHNhbXBsZSBub25jZQ=="));
    asio::write(client_end, asio::buffer(out));
    io.run_for(std::chrono::milliseconds(500));
    REQUIRE(handler->connected.size() == 1);
    REQUIRE(handler->disconnected.size() == 1);
    CHECK(handler->disconnected[0].second == asio::error::connection_reset);
    CHECK(server.connections().size() == 0);
    handler->forget_connections();
}

TEST_CASE("a Unix-domain socket carries a WebSocket session") {
    const std::string path = "/tmp/signalrpp-test-" + std::to_string(::getpid()) + ".sock";
    asio::io_context io;
    signalrpp::server server(io);
    auto handler = std::make_shared<recording_handler>();
    server.map_connection("/echo", handler);
    server.listen(asio::local::stream_protocol::endpoint(path));
    std::thread runner([&] { io.run(); });
    {
        asio::io_context client_io;
        asio::local::stream_protocol::socket socket(client_io);
        socket.connect(asio::local::stream_protocol::endpoint(path));
        websocket_round_trip(socket);
    }
    server.stop();
    runner.join();
    ::unlink(path.c_str());
    handler->forget_connections();
}

TEST_CASE("TLS carries a WebSocket session, and the connection knows it is secure") {
    asio::ssl::context tls = server_tls_context();
    asio::io_context io;
    signalrpp::server server(io);
    auto handler = std::make_shared<recording_handler>();
    server.map_connection("/echo", handler);
    const auto endpoint = signalrpp::listen_tls(server, {asio::ip::make_address("127.0.0.1"), 0}, tls);
    std::thread runner([&] { io.run(); });
    {
        asio::io_context client_io;
        asio::ssl::context client_tls(asio::ssl::context::tls_client);
        client_tls.add_certificate_authority(asio::buffer(std::string_view(test_certificate)));
        client_tls.set_verify_mode(asio::ssl::verify_peer);
        asio::ssl::stream<asio::ip::tcp::socket> stream(client_io, client_tls);
        stream.lowest_layer().connect(endpoint);
        stream.handshake(asio::ssl::stream_base::client);
        websocket_round_trip(stream);
    }
    REQUIRE(handler->wait([&] { return !handler->connected.empty(); }));
    CHECK(handler->connected[0]->request().secure);
    server.stop();
    runner.join();
    handler->forget_connections();
}

TEST_CASE("a TLS client that never finishes its handshake does not block others") {
    asio::ssl::context tls = server_tls_context();
    asio::io_context io;
    signalrpp::server server(io);
    auto handler = std::make_shared<recording_handler>();
    server.map_connection("/echo", handler);
    const auto endpoint = signalrpp::listen_tls(server, {asio::ip::make_address("127.0.0.1"), 0}, tls);
    std::thread runner([&] { io.run(); });
    client plain(endpoint.port());
    plain.send("GET /echo HTTP/1.1\r\n\r\n"); // not TLS at all
    {
        asio::io_context client_io;
        asio::ssl::context client_tls(asio::ssl::context::tls_client);
        asio::ssl::stream<asio::ip::tcp::socket> stream(client_io, client_tls);
        stream.lowest_layer().connect(endpoint);
        stream.handshake(asio::ssl::stream_base::client);
        websocket_round_trip(stream);
    }
    CHECK(plain.closed_by_server());
    server.stop();
    runner.join();
    handler->forget_connections();
}
