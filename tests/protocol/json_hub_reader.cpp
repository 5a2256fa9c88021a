#include <signalrpp/protocol/json_hub_reader.hpp>

#include <signalrpp/protocol/json_hub_writer.hpp>

#include "protocol_test_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace protocol = signalrpp::protocol;
using protocol_test::text_of;
using status = protocol::json_hub_reader::status;

namespace {

// Reads every message available now and describes each as "type:detail".
std::vector<std::string> read_all(protocol::json_hub_reader& r, status* last = nullptr) {
    std::vector<std::string> seen;
    protocol::hub_message m;
    status s;
    while ((s = r.next(m)) == status::message) {
        std::string d = std::to_string(static_cast<int>(protocol::type_of(m)));
        if (const auto* inv = std::get_if<protocol::invocation_message>(&m)) {
            d.append(":").append(inv->target).append(text_of(inv->arguments));
        }
        seen.push_back(d);
    }
    if (last) {
        *last = s;
    }
    return seen;
}

} // namespace

TEST_CASE("the handshake and the first messages may arrive in one piece") {
    protocol::json_hub_reader r;
    std::string input;
    protocol::write_handshake_request(input, "json", 1);
    protocol::write_ping(input);
    protocol::write_invocation(input, {"1", "Echo"}, std::string("hi"));
    r.append(input);
    protocol::handshake_request request;
    REQUIRE(r.next_handshake_request(request) == status::message);
    CHECK(request.protocol == "json");
    CHECK(request.version == 1);
    CHECK(read_all(r) == std::vector<std::string>{"6", "1:Echo[\"hi\"]"});
    CHECK(r.buffered() == 0);
}

TEST_CASE("messages fed one byte at a time come out whole") {
    std::string input;
    protocol::write_invocation(input, {"", "A"}, 1);
    input += "{\"type\":42}\x1e"; // unknown type: skipped
    protocol::write_invocation(input, {"", "B"}, std::string("\x1e is not a separator inside JSON? it is"));
    protocol::write_ping(input);
    // A raw 0x1E inside a JSON string would end the record: JSON writers escape it as \u001E.
    CHECK(input.find("\\u001E") != std::string::npos);
    protocol::json_hub_reader r;
    std::vector<std::string> seen;
    for (const char c : input) {
        r.append(std::string_view(&c, 1));
        for (auto& s : read_all(r)) {
            seen.push_back(s);
        }
    }
    CHECK(seen == std::vector<std::string>{"1:A[1]", "1:B[\"\\u001E is not a separator inside JSON? it is\"]", "6"});
}

TEST_CASE("a message over the maximum size ends the connection with the reference's text") {
    protocol::json_hub_reader r(64);
    std::string input;
    protocol::write_invocation(input, {"", "Echo"}, std::string(100, 'x'));
    r.append(input);
    status last;
    CHECK(read_all(r, &last).empty());
    CHECK(last == status::error);
    CHECK(r.error().message == "The maximum message size of 64B was exceeded. The message size can be configured in AddHubOptions.");
}

TEST_CASE("the default limit is 32 KiB") {
    protocol::json_hub_reader r;
    std::string input;
    protocol::write_invocation(input, {"", "Echo"}, std::string(40000, 'x'));
    r.append(input);
    status last;
    read_all(r, &last);
    CHECK(last == status::error);
    CHECK(r.error().message.find("32768B") != std::string::npos);
}

TEST_CASE("an error is final: nothing after it is read") {
    protocol::json_hub_reader r;
    r.append("{\"type\":6}\x1e{\"type\":1}\x1e{\"type\":6}\x1e");
    status last;
    CHECK(read_all(r, &last) == std::vector<std::string>{"6"});
    CHECK(last == status::error);
    CHECK(r.error().message == "Missing required property 'target'.");
    protocol::hub_message m;
    CHECK(r.next(m) == status::error);
}

TEST_CASE("a peer leaving mid-message leaves bytes buffered") {
    protocol::json_hub_reader r;
    r.append("{\"type\":6}\x1e{\"type\":");
    read_all(r);
    CHECK(r.buffered() == 8);
}

TEST_CASE("the client reads the handshake response and what follows it") {
    protocol::json_hub_reader r;
    std::string input;
    protocol::write_handshake_response(input);
    protocol::write_invocation(input, {"", "welcome"});
    r.append(input);
    protocol::handshake_response response;
    REQUIRE(r.next_handshake_response(response) == status::message);
    CHECK_FALSE(response.error);
    CHECK(read_all(r) == std::vector<std::string>{"1:welcome[]"});
}
