#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/protocol_choice.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace protocol = signalrpp::protocol;

namespace {

// What parsing one handshake record gave: ok, the message, or the error.
template <class Message>
struct parsed {
    bool ok = false;
    Message message;
    protocol::protocol_error error;
};

template <class Message, class Parser>
parsed<Message> parse_with(Parser parser, std::string text) {
    signalrpp::json::insitu_document document;
    parsed<Message> r;
    r.ok = parser(text.data(), text.size(), document, r.message, r.error);
    return r;
}

parsed<protocol::handshake_request> parse_request(std::string text) {
    return parse_with<protocol::handshake_request>(protocol::parse_handshake_request, std::move(text));
}

parsed<protocol::handshake_response> parse_response(std::string text) {
    return parse_with<protocol::handshake_response>(protocol::parse_handshake_response, std::move(text));
}

} // namespace

TEST_CASE("handshake requests are written and read") {
    std::string out;
    protocol::write_handshake_request(out, "json", 1);
    CHECK(out == "{\"protocol\":\"json\",\"version\":1}\x1e");
    const auto r = parse_request(R"({"version":2,"extra":[1],"protocol":"messagepack"})");
    REQUIRE(r.ok);
    CHECK(r.message.protocol == "messagepack");
    CHECK(r.message.version == 2);
}

TEST_CASE("a handshake request missing a property quotes the request") {
    auto r = parse_request(R"({"version":1})");
    CHECK_FALSE(r.ok);
    CHECK(r.error.message == R"(Missing required property 'protocol'. Message content: {"version":1})");
    r = parse_request(R"({"protocol":"json"})");
    CHECK(r.error.message == R"(Missing required property 'version'. Message content: {"protocol":"json"})");
    r = parse_request(R"({"protocol":"json","version":null})");
    CHECK(r.error.message == R"(Missing required property 'version'. Message content: {"protocol":"json","version":null})");
}

TEST_CASE("a handshake request with wrong types or bad JSON is refused") {
    CHECK(parse_request(R"({"protocol":1,"version":1})").error.message == "Expected 'protocol' to be of type String.");
    CHECK(parse_request(R"({"protocol":"json","version":"1"})").error.message == "Expected 'version' to be of type Number.");
    CHECK(parse_request("{").error.message == "Error reading JSON.");
    CHECK(parse_request("[]").error.message == "Unexpected JSON Token Type 'Array'. Expected a JSON Object.");
}

TEST_CASE("the handshake chooses an accepted protocol by name, up to its version") {
    const protocol::hub_protocol* json_only[] = {&protocol::json_protocol()};
    CHECK(protocol::choose_protocol({"json", 1}, json_only, true).protocol == &protocol::json_protocol());
    CHECK(protocol::choose_protocol({"json", 2}, json_only, false).protocol == &protocol::json_protocol());
    const auto too_new = protocol::choose_protocol({"json", 3}, json_only, true);
    CHECK(too_new.protocol == nullptr);
    CHECK(too_new.refusal == "The server does not support version 3 of the 'json' protocol.");
    CHECK(protocol::choose_protocol({"messagepack", 1}, json_only, true).refusal ==
          "The protocol 'messagepack' is not supported.");
}

TEST_CASE("handshake responses are written and read") {
    std::string out;
    protocol::write_handshake_response(out);
    CHECK(out == "{}\x1e");
    out.clear();
    protocol::write_handshake_response(out, "The protocol 'x' is not supported.");
    CHECK(out == "{\"error\":\"The protocol 'x' is not supported.\"}\x1e");

    auto r = parse_response("{}");
    REQUIRE(r.ok);
    CHECK_FALSE(r.message.error);
    r = parse_response(R"({"minorVersion":1,"error":"nope"})");
    REQUIRE(r.ok);
    CHECK(r.message.error == "nope");
}

TEST_CASE("a hub message where the handshake response belongs is refused") {
    const auto r = parse_response(R"({"type":6})");
    CHECK_FALSE(r.ok);
    CHECK(r.error.message == "Expected a handshake response from the server.");
    CHECK(parse_response(R"({"error":5})").error.message == "Expected 'error' to be of type String.");
}
