// The HTTP/1.1 layer through a real server, over each carrier: routing and methods, keep-alive and
// pipelining, chunked bodies, malformed requests, the request timeout and CORS (static files:
// static_files.cpp).
#include <signalrpp/server/http_session.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

using namespace server_test;

TEST_CASE("unmapped paths get 404; mapped paths 405 for other methods", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    CHECK(c.request("GET", "/nothing").status == 404);
    CHECK(c.request("PUT", "/echo").status == 405);
    CHECK(c.request("PATCH", "/echo?id=x").status == 405);
    CHECK(c.request("POST", "/Echo/Negotiate/").status == 200); // case-insensitive, trailing slash
}

TEST_CASE("keep-alive serves several requests on one socket, pipelined ones in order", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo/negotiate HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
           "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_response().status == 404);
    CHECK(c.read_response().status == 200);
    CHECK(c.read_response().status == 404);
    CHECK(c.request("GET", "/c").status == 404);
}

TEST_CASE("Connection: close and HTTP/1.0 close the socket after the answer", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    c.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto r = c.read_response();
    CHECK(r.fields.find("Connection") == "close");
    CHECK(c.closed_by_server());
    client old(server);
    old.send("GET /a HTTP/1.0\r\n\r\n");
    CHECK(old.read_response().status == 404);
    CHECK(old.closed_by_server());
}

TEST_CASE("a chunked POST body reaches the connection whole", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.shutdown_timeout = std::chrono::milliseconds(100); // stop() waits that long for the idle long poll
    running_server server(carrier, {}, options);
    client c(server);
    const auto token = token_of(c.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200);
    c.send("POST /echo?id=" + token + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    CHECK(c.read_response().status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 1; }));
    CHECK(server.handler->received[0] == "abcde");
}

TEST_CASE("malformed requests get the parser's status and the socket closes", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.http.limits.max_body = 16;
    running_server server(carrier, {}, options);
    struct bad {
        std::string bytes;
        int status;
    };
    const std::vector<bad> cases = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\n\r\n", 505},
        {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
        {"GET / HTTP/1.1\r\nX: " + std::string(40000, 'a') + "\r\n\r\n", 431},
        {"POST /echo HTTP/1.1\r\nContent-Length: 17\r\n\r\n", 413},
        {"POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
    };
    client bystander(server);
    for (const auto& b : cases) {
        INFO(b.bytes.substr(0, 40));
        client c(server);
        c.send(b.bytes);
        CHECK(c.read_response().status == b.status);
        CHECK(c.closed_by_server());
    }
    CHECK(bystander.request("POST", "/echo/negotiate").status == 200);
}

TEST_CASE("a request trickled slower than the timeout gets 408 and is dropped", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.http.request_timeout = std::chrono::milliseconds(300);
    running_server server(carrier, {}, options);
    client c(server);
    c.send("GET /echo HTTP/1.1\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    c.send("Host: x\r\n");
    const auto r = c.read_response();
    CHECK(r.status == 408);
    CHECK(c.closed_by_server());
}

TEST_CASE("an idle kept-alive socket is closed after the keep-alive timeout", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.http.keep_alive_timeout = std::chrono::milliseconds(200);
    running_server server(carrier, {}, options);
    client c(server);
    CHECK(c.request("GET", "/x").status == 404);
    CHECK(c.closed_by_server());
}

TEST_CASE("CORS: preflights get 204 with the allow headers; answers carry the origin", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.cors.allowed_origins = {"http://good.example"};
    options.cors.allow_credentials = true;
    running_server server(carrier, {}, options);
    client c(server);
    http::fields f;
    f.add("Origin", "http://good.example");
    f.add("Access-Control-Request-Method", "POST");
    f.add("Access-Control-Request-Headers", "x-requested-with,x-signalr-user-agent");
    auto r = c.request("OPTIONS", "/echo/negotiate", {}, f);
    CHECK(r.status == 204);
    CHECK(r.fields.find("Access-Control-Allow-Origin") == "http://good.example");
    CHECK(r.fields.find("Access-Control-Allow-Methods") == "POST");
    CHECK(r.fields.find("Access-Control-Allow-Headers") == "x-requested-with,x-signalr-user-agent");
    CHECK(r.fields.find("Access-Control-Allow-Credentials") == "true");
    http::fields origin;
    origin.add("Origin", "http://good.example");
    r = c.request("POST", "/echo/negotiate", {}, origin);
    CHECK(r.fields.find("Access-Control-Allow-Origin") == "http://good.example");
    CHECK(r.fields.find("Access-Control-Allow-Credentials") == "true");

    f.set("Origin", "http://evil.example");
    r = c.request("OPTIONS", "/echo/negotiate", {}, f);
    CHECK(r.status == 204);
    CHECK(!r.fields.contains("Access-Control-Allow-Origin"));
    origin.set("Origin", "http://evil.example");
    CHECK(!c.request("POST", "/echo/negotiate", {}, origin).fields.contains("Access-Control-Allow-Origin"));
}

TEST_CASE("HTTP routes: prefixes, answers now or later from another thread, in order, 500 when dropped", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    std::vector<std::thread> later;
    running_server server(carrier, {}, {}, 1, [&](signalrpp::server& s) {
        s.map_http("/now", [](const http::request& r) {
            http::response out;
            out.status = 201;
            out.body = r.method + " " + r.target;
            return out;
        });
        s.map_http("/later", [&](const http::request& r, signalrpp::http_responder answer) {
            later.emplace_back([answer, path = std::string(r.path())] {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                http::response out;
                out.status = 200;
                out.body = "late " + path;
                answer.respond(out);
                answer.respond(http::response{}); // only the first answer counts
            });
        });
        s.map_http("/dropped", [](const http::request&, signalrpp::http_responder) {});
    });
    client c(server);
    auto r = c.request("GET", "/now/a?b=c");
    CHECK(r.status == 201);
    CHECK(r.body == "GET /now/a?b=c");
    CHECK(c.request("POST", "/NOW").status == 201); // case-insensitive, any method
    CHECK(c.request("GET", "/nowhere").status == 404); // a prefix of path segments, not of text
    // A later answer comes first on its socket: the pipelined request after it waits.
    c.send("GET /later/x HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n");
    r = c.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == "late /later/x");
    CHECK(c.read_response().status == 201);
    r = c.request("GET", "/dropped");
    CHECK(r.status == 500);
    CHECK(r.body == "The handler gave no answer");
    CHECK(c.request("POST", "/echo/negotiate").status == 200); // mapped connections still served
    for (auto& t : later) {
        t.join();
    }
}

TEST_CASE("CORS: allow_origin_if and localhost_origin accept pages on this machine, any port", "[server]") {
    CHECK(signalrpp::hosting::localhost_origin("http://localhost:5173"));
    CHECK(signalrpp::hosting::localhost_origin("https://127.0.0.1"));
    CHECK(signalrpp::hosting::localhost_origin("http://[::1]:8080"));
    CHECK(!signalrpp::hosting::localhost_origin("http://localhost.evil.example"));
    CHECK(!signalrpp::hosting::localhost_origin("http://example.com:5000"));
    CHECK(!signalrpp::hosting::localhost_origin("null"));
    // The security review's F7: only scheme://host[:digits], to the end.
    for (const char* bad : {"http://localhost:80@evil.com", "http://localhost:abc", "http://localhost:1, http://evil.com",
                            "http://localhost:", "http://localhost:1234567", "http://localhost/", "http://LOCALHOST:1",
                            "http://127.0.0.1.nip.io", "ws://localhost", "http://[::1]x"}) {
        CAPTURE(bad);
        CHECK(!signalrpp::hosting::localhost_origin(bad));
    }
    signalrpp::server_options options;
    options.cors.allow_origin_if = signalrpp::hosting::localhost_origin;
    running_server server(carrier::memory, {}, options);
    client c(server);
    http::fields origin;
    origin.add("Origin", "http://localhost:4321");
    CHECK(c.request("POST", "/echo/negotiate", {}, origin).fields.find("Access-Control-Allow-Origin") ==
          "http://localhost:4321");
    origin.set("Origin", "http://example.com");
    CHECK(!c.request("POST", "/echo/negotiate", {}, origin).fields.contains("Access-Control-Allow-Origin"));
}

TEST_CASE("CORS: \"*\" with credentials is refused when the server is made, as ASP.NET Core refuses it", "[server]") {
    asio::io_context io;
    signalrpp::server_options options;
    options.cors.allowed_origins = {"*"};
    options.cors.allow_credentials = true;
    CHECK_THROWS_AS(signalrpp::server(io, options), std::invalid_argument);
    options.cors.allow_credentials = false;
    CHECK_NOTHROW(signalrpp::server(io, options));
    options.cors.allowed_origins = {"http://localhost:5000"};
    options.cors.allow_credentials = true;
    CHECK_NOTHROW(signalrpp::server(io, options));
}

TEST_CASE("Host: none in HTTP/1.1, or two, is 400 and the socket closes; HTTP/1.0 may omit it", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    for (const auto& [host_fields, reason] : {std::pair{"", "Request is missing Host header."},
                                              std::pair{"Host: a\r\nHost: b\r\n", "Multiple Host headers."}}) {
        client c(server);
        c.send(std::string("POST /echo/negotiate HTTP/1.1\r\n") + host_fields + "Content-Length: 0\r\n\r\n");
        const auto r = c.read_response();
        CHECK(r.status == 400);
        CHECK(r.body == reason);
        CHECK(c.closed_by_server());
    }
    {
        client c(server);
        c.send("POST /echo/negotiate HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
        CHECK(c.read_response().status == 200);
    }
    CHECK(server.server().connections().size() == 1); // only the last made a connection
}

TEST_CASE("HTTP/1.0 with Transfer-Encoding is answered, then the socket closes even with keep-alive", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    client c(server);
    c.send("POST /echo/negotiate HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
           "POST /echo/negotiate HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
    const auto r = c.read_response();
    CHECK(r.status == 200);
    CHECK(r.fields.find("Connection") == "close");
    CHECK(c.closed_by_server()); // the second request is not served
    CHECK(server.server().connections().size() == 1);
}
