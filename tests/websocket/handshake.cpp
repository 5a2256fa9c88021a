#include <signalrpp/websocket/handshake.hpp>

#include <signalrpp/http/parser.hpp>
#include <signalrpp/http/writer.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace http = signalrpp::http;
namespace ws = signalrpp::websocket;

namespace {

http::request parse(std::string_view text) {
    http::request_parser parser;
    http::request_parser::status s;
    parser.parse(text, s);
    REQUIRE(s == http::request_parser::status::done);
    return parser.message();
}

const char* const browser_request = "GET /chat?id=abc HTTP/1.1\r\nHost: localhost:5000\r\nConnection: keep-alive, Upgrade\r\n"
                                    "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

} // namespace

TEST_CASE("the accept key of the RFC 6455 example") {
    CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a browser's upgrade request is accepted with 101 and the accept key") {
    const auto request = parse(browser_request);
    CHECK(ws::is_upgrade_request(request));
    CHECK_FALSE(ws::check_upgrade_request(request));
    std::string out;
    http::write_response(out, ws::accept_response(request));
    CHECK(out == "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                 "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_CASE("requests that are not WebSocket requests are told apart") {
    CHECK_FALSE(ws::is_upgrade_request(parse("GET /chat?id=abc HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n")));
    CHECK(ws::is_upgrade_request(parse("GET / HTTP/1.1\r\nUpgrade: WebSocket\r\n\r\n")));
}

TEST_CASE("bad WebSocket requests are refused: 426 for another version, 400 otherwise") {
    const std::string good = browser_request;
    const auto with = [&](std::string_view from, std::string_view to) {
        std::string text = good;
        text.replace(text.find(from), from.size(), to);
        return ws::check_upgrade_request(parse(text));
    };
    auto refusal = with("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    REQUIRE(refusal);
    CHECK(refusal->status == 426);
    std::string out;
    http::write_response(out, ws::refusal_response(*refusal));
    CHECK(out.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
    CHECK(with("GET /chat", "POST /chat")->status == 400);
    CHECK(with("HTTP/1.1", "HTTP/1.0")->status == 400);
    CHECK(with("keep-alive, Upgrade", "keep-alive")->status == 400);
    CHECK(with("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ==")->status == 400); // 11 bytes, not 16
    CHECK(with("dGhlIHNhbXBsZSBub25jZQ==", "not base64!")->status == 400);
}

TEST_CASE("the client's request and its check of the answer") {
    const auto request = ws::upgrade_request("/chat?id=abc", "127.0.0.1:5000", "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK_FALSE(ws::check_upgrade_request(request));
    const auto response = ws::accept_response(request);
    CHECK(ws::response_accepts(response, "dGhlIHNhbXBsZSBub25jZQ=="));
    CHECK_FALSE(ws::response_accepts(response, "AAAAAAAAAAAAAAAAAAAAAA=="));
    http::response not_upgraded;
    not_upgraded.status = 200;
    CHECK_FALSE(ws::response_accepts(not_upgraded, "dGhlIHNhbXBsZSBub25jZQ=="));
}

TEST_CASE("token lists match whole tokens, case-insensitively, across repeated fields") {
    http::fields f;
    f.add("Connection", "keep-alive");
    f.add("connection", " foo ,UPGRADE");
    CHECK(f.has_token("Connection", "upgrade"));
    CHECK(f.has_token("Connection", "keep-alive"));
    CHECK_FALSE(f.has_token("Connection", "upgra"));
    CHECK_FALSE(f.has_token("Upgrade", "upgrade"));
}
