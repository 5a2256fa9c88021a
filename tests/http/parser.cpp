#include <signalrpp/http/parser.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace http = signalrpp::http;

namespace {

// Feeds `input` in pieces of `piece` bytes, keeping unused bytes as a transport would; collects every
// finished request and the final status.
struct fed {
    std::vector<http::request> requests;
    http::request_parser::status last = http::request_parser::status::incomplete;
    http::parse_error error;
};

fed feed(std::string_view input, std::size_t piece = 1 << 20, http::parser_limits limits = {}) {
    http::request_parser parser(limits);
    fed result;
    std::string buffer;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        buffer.append(input.substr(at, piece));
        for (;;) {
            const std::size_t used = parser.parse(buffer, result.last);
            buffer.erase(0, used);
            if (result.last == http::request_parser::status::done) {
                result.requests.push_back(parser.message());
                continue;
            }
            break;
        }
        if (result.last == http::request_parser::status::error) {
            result.error = parser.error();
            return result;
        }
    }
    return result;
}

int error_status(std::string_view input, http::parser_limits limits = {}) {
    const fed f = feed(input, 1 << 20, limits);
    return f.last == http::request_parser::status::error ? f.error.status : 0;
}

} // namespace

TEST_CASE("a simple request: method, target, version, fields, path and query") {
    const fed f = feed("GET /chat/negotiate?negotiateVersion=1&x=y HTTP/1.1\r\nHost: localhost\r\n"
                       "X-Custom:  spaced value \t\r\nAccept: */*\r\n\r\n");
    REQUIRE(f.requests.size() == 1);
    const auto& r = f.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.target == "/chat/negotiate?negotiateVersion=1&x=y");
    CHECK(r.path() == "/chat/negotiate");
    CHECK(r.query() == "negotiateVersion=1&x=y");
    CHECK(r.version_minor == 1);
    CHECK(r.fields.size() == 3);
    CHECK(r.fields.find("host") == "localhost");
    CHECK(r.fields.find("X-CUSTOM") == "spaced value");
    CHECK(r.body.empty());
    CHECK(http::keep_alive(r));
}

TEST_CASE("a request split at every possible place parses the same") {
    const std::string input = "POST /chat?id=abc HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world"
                              "GET /second HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab\r\nc\r\n0\r\n\r\n";
    for (std::size_t piece = 1; piece <= input.size(); ++piece) {
        const fed f = feed(input, piece);
        INFO("piece " << piece);
        REQUIRE(f.requests.size() == 2);
        CHECK(f.requests[0].body == "hello world");
        CHECK(f.requests[1].target == "/second");
        CHECK(f.requests[1].body == "ab\r\nc");
    }
}

TEST_CASE("pipelined requests come out one after the other, with nothing lost") {
    const fed f = feed("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyzGET /d HTTP/1.1\r\n");
    REQUIRE(f.requests.size() == 3);
    CHECK(f.requests[0].target == "/a");
    CHECK(f.requests[1].target == "/b");
    CHECK(f.requests[2].body == "xyz");
    CHECK(f.last == http::request_parser::status::incomplete);
}

TEST_CASE("chunked bodies: sizes in hex, extensions and trailers ignored") {
    const fed f = feed("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                       "A;name=value\r\n0123456789\r\n1\r\n!\r\n0\r\nX-Trailer: yes\r\n\r\n");
    REQUIRE(f.requests.size() == 1);
    CHECK(f.requests[0].body == "0123456789!");
}

TEST_CASE("empty lines before a request are ignored") {
    const fed f = feed("\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    REQUIRE(f.requests.size() == 1);
    CHECK(f.requests[0].target == "/");
}

TEST_CASE("keep-alive follows the version and the Connection field") {
    CHECK_FALSE(http::keep_alive(feed("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").requests.at(0)));
    CHECK_FALSE(http::keep_alive(feed("GET / HTTP/1.0\r\n\r\n").requests.at(0)));
    CHECK(http::keep_alive(feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").requests.at(0)));
    CHECK(feed("GET / HTTP/1.0\r\n\r\n").requests.at(0).version_minor == 0);
}

TEST_CASE("malformed request lines are 400, other HTTP versions 505") {
    CHECK(error_status("GET /\r\n\r\n") == 400);
    CHECK(error_status("GET  / HTTP/1.1\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1 extra\r\n\r\n") == 400);
    CHECK(error_status("G(T / HTTP/1.1\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/x.1\r\n\r\n") == 400);
    CHECK(error_status("GET / FTP/1.1\r\n\r\n") == 400);
    CHECK(error_status("GET /\x01 HTTP/1.1\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(error_status("GET / HTTP/1.2\r\n\r\n") == 505);
}

TEST_CASE("malformed fields are 400") {
    CHECK(error_status("GET / HTTP/1.1\r\nNo colon here\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1\r\nName : value\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1\r\n: value\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1\r\nA: b\x01c\r\n\r\n") == 400);
    CHECK(error_status("GET / HTTP/1.1\r\nA: b\nC: d\r\n\r\n") == 400);
}

TEST_CASE("body framing that could smuggle a request is refused") {
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc") == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: 3 3\r\n\r\nabc") == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n") == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n") == 400);
    // The same Content-Length twice is allowed.
    CHECK(feed("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc").requests.at(0).body == "abc");
}

TEST_CASE("limits: request line 414, fields 431, body 413, each before more is kept") {
    http::parser_limits limits;
    limits.max_start_line = 64;
    limits.max_header_bytes = 256;
    limits.max_fields = 3;
    limits.max_body = 10;
    CHECK(error_status("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", limits) == 414);
    CHECK(error_status("GET /" + std::string(100, 'a'), limits) == 414); // no line end yet
    CHECK(error_status("GET / HTTP/1.1\r\nA: " + std::string(300, 'b') + "\r\n\r\n", limits) == 431);
    CHECK(error_status("GET / HTTP/1.1\r\nA: " + std::string(300, 'b'), limits) == 431);
    CHECK(error_status("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits) == 431);
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits) == 413);
    CHECK(error_status("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", limits) == 400);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", limits) == 413);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", limits) == 413);
    CHECK(error_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(300, 't'), limits) == 431);
    CHECK(feed("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", 1 << 20, limits).requests.size() == 1);
}

TEST_CASE("an error is final") {
    http::request_parser parser;
    http::request_parser::status s;
    parser.parse("BROKEN\r\n\r\n", s);
    REQUIRE(s == http::request_parser::status::error);
    CHECK(parser.parse("GET / HTTP/1.1\r\n\r\n", s) == 0);
    CHECK(s == http::request_parser::status::error);
}

namespace {

http::response parse_response(std::string_view input, std::string_view method = "GET", bool eof = false) {
    http::response_parser parser;
    parser.set_request_method(method);
    http::response_parser::status s;
    const std::size_t used = parser.parse(input, s);
    if (eof) {
        REQUIRE(s == http::response_parser::status::incomplete);
        REQUIRE(parser.finish_at_eof());
    } else {
        REQUIRE(s == http::response_parser::status::done);
        REQUIRE(used == input.size());
    }
    return parser.message();
}

} // namespace

TEST_CASE("responses: status, reason, fields and body") {
    auto r = parse_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    CHECK(r.status == 101);
    CHECK(r.reason == "Switching Protocols");
    CHECK(r.fields.find("upgrade") == "websocket");
    r = parse_response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(r.body == "{}");
    r = parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    CHECK(r.body == "{}");
    r = parse_response("HTTP/1.0 404\r\n\r\n", "GET", true);
    CHECK(r.status == 404);
    CHECK(r.reason.empty());
}

TEST_CASE("responses without a body: 204, 304, to HEAD; otherwise read until the connection ends") {
    CHECK(parse_response("HTTP/1.1 204 No Content\r\n\r\n").body.empty());
    CHECK(parse_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").body.empty());
    CHECK(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD").body.empty());
    CHECK(parse_response("HTTP/1.1 200 OK\r\n\r\nall of it", "GET", true).body == "all of it");
}

TEST_CASE("malformed status lines are errors") {
    for (const char* bad : {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 OK\r\n\r\n", "HTTP/3.0 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n",
                            "HTTP/1.1 600 Nope\r\n\r\n"}) {
        http::response_parser parser;
        http::response_parser::status s;
        parser.parse(bad, s);
        INFO(bad);
        CHECK(s == http::response_parser::status::error);
    }
}
