#include <signalrpp/http/writer.hpp>

#include <signalrpp/http/parser.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace http = signalrpp::http;

TEST_CASE("responses get the standard reason phrase and a Content-Length") {
    http::response r;
    r.status = 404;
    r.fields.add("Content-Type", "text/plain");
    r.body = "No Connection with that ID";
    std::string out;
    http::write_response(out, r);
    CHECK(out == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 26\r\n\r\nNo Connection with that ID");
}

TEST_CASE("an empty 200 says Content-Length: 0; 204 and 101 say nothing of length") {
    std::string out;
    http::response ok;
    http::write_response(out, ok);
    CHECK(out == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    out.clear();
    http::response none;
    none.status = 204;
    http::write_response(out, none);
    CHECK(out == "HTTP/1.1 204 No Content\r\n\r\n");
    out.clear();
    http::response upgrade;
    upgrade.status = 101;
    upgrade.fields.add("Upgrade", "websocket");
    http::write_response(out, upgrade);
    CHECK(out == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
}

TEST_CASE("a response head leaves the body to follow") {
    http::response sse;
    sse.fields.add("Content-Type", "text/event-stream");
    std::string out;
    http::write_response_head(out, sse);
    CHECK(out == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
}

TEST_CASE("what the writers write, the parsers read back") {
    http::request req;
    req.method = "POST";
    req.target = "/chat/negotiate?negotiateVersion=1";
    req.fields.add("Host", "127.0.0.1:5000");
    std::string out;
    http::write_request(out, req);
    CHECK(out == "POST /chat/negotiate?negotiateVersion=1 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nContent-Length: 0\r\n\r\n");
    http::request_parser rp;
    http::request_parser::status s;
    CHECK(rp.parse(out, s) == out.size());
    REQUIRE(s == http::request_parser::status::done);
    CHECK(rp.message().target == req.target);

    http::response res;
    res.status = 200;
    res.fields.add("Content-Type", "application/json");
    res.body = R"({"negotiateVersion":1})";
    out.clear();
    http::write_response(out, res);
    http::response_parser sp;
    http::response_parser::status ss;
    CHECK(sp.parse(out, ss) == out.size());
    REQUIRE(ss == http::response_parser::status::done);
    CHECK(sp.message().body == res.body);
    CHECK(sp.message().fields.find("content-length") == "22");
}

TEST_CASE("a chunked body: chunks in hex sizes, nothing for empty data, the last chunk ends it") {
    http::response head;
    head.fields.add("Transfer-Encoding", "chunked");
    std::string out;
    http::write_response_head(out, head);
    http::write_chunk(out, ":\r\n");
    http::write_chunk(out, "");
    http::write_chunk(out, std::string(26, 'x'));
    const std::string chunks = "3\r\n:\r\n\r\n1a\r\n" + std::string(26, 'x') + "\r\n";
    CHECK(out.substr(out.size() - chunks.size()) == chunks);
    http::write_last_chunk(out);
    http::response_parser parser;
    http::response_parser::status s;
    CHECK(parser.parse(out, s) == out.size());
    REQUIRE(s == http::response_parser::status::done);
    CHECK(parser.message().body == ":\r\n" + std::string(26, 'x'));
}
