#include <signalrpp/transport/sse_format.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {
std::string event(std::string_view payload) {
    std::string out;
    signalrpp::transport::append_sse_event(out, payload);
    return out;
}
} // namespace

TEST_CASE("a payload without line feeds is one data line") {
    CHECK(event("{\"type\":6}\x1e") == "data: {\"type\":6}\x1e\r\n\r\n");
    CHECK(event("") == "\r\n");
    CHECK(event("a\rb") == "data: a\rb\r\n\r\n");
}

TEST_CASE("each line of the payload gets its own data line, as the reference writes them") {
    CHECK(event("one\ntwo") == "data: one\r\ndata: two\r\n\r\n");
    CHECK(event("one\r\ntwo\r\n") == "data: one\r\ndata: two\r\ndata: \r\n\r\n");
    CHECK(event("\n") == "data: \r\ndata: \r\n\r\n");
    // A line that is only "\r" keeps it (the reference trims only longer lines).
    CHECK(event("\r\nx") == "data: \r\r\ndata: x\r\n\r\n");
}

TEST_CASE("the stream begins with a comment line") {
    CHECK(signalrpp::transport::sse_preamble == ":\r\n");
}
