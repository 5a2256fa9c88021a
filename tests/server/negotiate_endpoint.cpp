// POST {path}/negotiate through a real server, over each carrier: ids, versions, transports, errors, methods.
#include <signalrpp/server/connection_endpoint.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

using namespace server_test;

TEST_CASE("negotiate version 1 answers a public id and a distinct secret token", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto r = c.request("POST", "/echo/negotiate?negotiateVersion=1");
    CHECK(r.status == 200);
    CHECK(r.fields.find("Content-Type") == "application/json");
    const auto id_at = r.body.find("\"connectionId\":\"");
    REQUIRE(id_at != std::string::npos);
    const std::string id = r.body.substr(id_at + 16, 22);
    const std::string token = token_of(r.body);
    CHECK(token.size() == 22);
    CHECK(id != token);
    CHECK(r.body.find("\"negotiateVersion\":1") != std::string::npos);
    CHECK(server.server().connections().find(token) != nullptr);
    CHECK(server.server().connections().find(id) == nullptr); // the table is keyed by the secret
}

TEST_CASE("negotiate version 0 has no token: the id is the key", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    const auto r = c.request("POST", "/ECHO/negotiate");
    CHECK(r.status == 200);
    CHECK(r.body.find("connectionToken") == std::string::npos);
    CHECK(r.body.find("\"negotiateVersion\":0") != std::string::npos);
    CHECK(server.server().connections().find(token_of(r.body)) != nullptr);
}

TEST_CASE("negotiate lists only the path's transports, in the reference's order", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.transports = transport::long_polling | transport::server_sent_events;
    running_server server(carrier, options);
    client c(server);
    const auto r = c.request("POST", "/echo/negotiate?negotiateVersion=1");
    CHECK(r.body.find("WebSockets") == std::string::npos);
    CHECK(r.body.find("\"availableTransports\":[{\"transport\":\"ServerSentEvents\",\"transferFormats\":[\"Text\"]},"
                      "{\"transport\":\"LongPolling\",\"transferFormats\":[\"Text\",\"Binary\"]}]") !=
          std::string::npos);
}

TEST_CASE("negotiate errors are 200 with an error body and make no connection", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.minimum_protocol_version = 1;
    running_server server(carrier, options);
    client c(server);
    auto r = c.request("POST", "/echo/negotiate?negotiateVersion=abc");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"error":"The client requested a non-integer protocol version."})");
    r = c.request("POST", "/echo/negotiate");
    CHECK(r.body == R"({"error":"The client requested version '0', but the server does not support this version."})");
    CHECK(server.server().connections().size() == 0);
}

TEST_CASE("negotiate takes POST only", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    CHECK(c.request("GET", "/echo/negotiate").status == 405);
    CHECK(c.request("PUT", "/echo/negotiate").status == 405);
    CHECK(server.server().connections().size() == 0);
}

TEST_CASE("a negotiated connection nobody uses is reaped after the disconnect timeout", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    transport::http_connection_options options;
    options.disconnect_timeout = std::chrono::milliseconds(200);
    running_server server(carrier, options);
    client c(server);
    const auto token = token_of(c.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    REQUIRE(server.server().connections().find(token) != nullptr);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server.server().connections().find(token) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(server.server().connections().find(token) == nullptr);
    CHECK(c.request("GET", "/echo?id=" + token).status == 404);
    CHECK(server.handler->connected_count() == 0); // never started, so never told
}

TEST_CASE("negotiate bodies are capped small: a larger one is refused with 413 before it is read", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    CHECK(c.request("POST", "/echo/negotiate?negotiateVersion=1", std::string(100, 'x')).status == 200);
    // Only the head of a large one is sent: the answer does not wait for its body.
    client large(server);
    large.send("POST /echo/negotiate HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    CHECK(large.read_response().status == 413);
    CHECK(large.closed_by_server());
    client chunked(server);
    chunked.send("POST /echo/negotiate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" +
                 std::string(5000, 'x') + "\r\n");
    CHECK(chunked.read_response().status == 413);
    // The connection's own requests keep the session's limit.
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    CHECK(c.request("POST", "/echo?id=" + token, std::string(100 * 1024, 'x')).status == 200);
}
