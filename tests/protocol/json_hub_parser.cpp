#include <signalrpp/protocol/json_hub_parser.hpp>

#include "protocol_test_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace protocol_test;
using protocol::parse_status;

TEST_CASE("invocation: target, arguments, invocation id, stream ids, headers") {
    const auto p = parse(R"({"type":1,"invocationId":"7","target":"Send","arguments":[1,"a",null],)"
                         R"("streamIds":["s1","s2"],"headers":{"traceparent":"00-ab","x":"y"}})");
    REQUIRE(p->status == parse_status::message);
    REQUIRE(protocol::type_of(p->message) == protocol::message_type::invocation);
    const auto& m = p->as<protocol::invocation_message>();
    CHECK(m.invocation_id == "7");
    CHECK(m.target == "Send");
    CHECK(text_of(m.arguments) == R"([1,"a",null])");
    REQUIRE(m.stream_ids.size() == 2);
    CHECK(m.stream_ids[0] == "s1");
    CHECK(m.stream_ids[1] == "s2");
    std::vector<std::string_view> ids;
    m.stream_ids.for_each([&](std::string_view id) { ids.push_back(id); });
    CHECK(ids == std::vector<std::string_view>{"s1", "s2"});
    CHECK(m.headers.size() == 2);
    CHECK(m.headers.find("traceparent") == "00-ab");
    CHECK_FALSE(m.headers.find("missing"));
}

// A call's message is written by the parser and read by the dispatcher at once, for every call: its
// lists stay two words each, whatever the format (bench/hub_dispatch_bench.cpp).
static_assert(sizeof(protocol::wire_list) <= 2 * sizeof(void*));
static_assert(sizeof(protocol::string_list) <= 2 * sizeof(void*));
static_assert(sizeof(protocol::header_map) <= 2 * sizeof(void*));

TEST_CASE("invocation without an id is a non-blocking call") {
    const auto p = parse(R"({"type":1,"target":"Send","arguments":[]})");
    REQUIRE(p->status == parse_status::message);
    const auto& m = p->as<protocol::invocation_message>();
    CHECK(m.invocation_id.empty());
    CHECK(m.stream_ids.empty());
    CHECK(m.headers.empty());
}

TEST_CASE("properties may come in any order, unknown ones are skipped") {
    const auto p = parse(R"({"arguments":[{"deep":[1,{"x":2}]}],"extra":{"nested":[true]},"target":"T",)"
                         R"("future":[1,2],"invocationId":"1","type":1})");
    REQUIRE(p->status == parse_status::message);
    const auto& m = p->as<protocol::invocation_message>();
    CHECK(m.target == "T");
    CHECK(m.invocation_id == "1");
    CHECK(text_of(m.arguments) == R"([{"deep":[1,{"x":2}]}])");
}

TEST_CASE("stream invocation") {
    const auto p = parse(R"({"type":4,"invocationId":"3","target":"Counter","arguments":[10,500]})");
    REQUIRE(p->status == parse_status::message);
    const auto& m = p->as<protocol::stream_invocation_message>();
    CHECK(m.invocation_id == "3");
    CHECK(m.target == "Counter");
    CHECK(text_of(m.arguments) == "[10,500]");
}

TEST_CASE("stream item, including a null item and an item before its id") {
    auto p = parse(R"({"type":2,"invocationId":"4","item":{"a":1}})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::stream_item_message>().invocation_id == "4");
    CHECK(text_of(p->as<protocol::stream_item_message>().item) == R"({"a":1})");
    p = parse(R"({"item":null,"type":2,"invocationId":"4"})");
    REQUIRE(p->status == parse_status::message);
    CHECK(text_of(p->as<protocol::stream_item_message>().item) == "null");
}

TEST_CASE("completion with a result, a null result, an error, or nothing") {
    auto p = parse(R"({"type":3,"invocationId":"1","result":42})");
    REQUIRE(p->status == parse_status::message);
    CHECK(text_of(p->as<protocol::completion_message>().result) == "42");
    CHECK_FALSE(p->as<protocol::completion_message>().error);

    p = parse(R"({"type":3,"invocationId":"1","result":null})");
    REQUIRE(p->status == parse_status::message);
    CHECK(text_of(p->as<protocol::completion_message>().result) == "null");

    p = parse(R"({"type":3,"invocationId":"1","error":"boom"})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::completion_message>().error == "boom");
    CHECK_FALSE(p->as<protocol::completion_message>().result.present());

    p = parse(R"({"type":3,"invocationId":"1"})");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::completion_message>().result.present());
    CHECK_FALSE(p->as<protocol::completion_message>().error);
}

TEST_CASE("cancel invocation, ping, close, ack, sequence") {
    auto p = parse(R"({"type":5,"invocationId":"9"})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::cancel_invocation_message>().invocation_id == "9");

    p = parse(R"({"type":6})");
    REQUIRE(p->status == parse_status::message);
    CHECK(std::holds_alternative<protocol::ping_message>(p->message));

    p = parse(R"({"type":7})");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::close_message>().error);
    CHECK_FALSE(p->as<protocol::close_message>().allow_reconnect);

    p = parse(R"({"type":7,"error":"Connection closed with an error.","allowReconnect":true})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::close_message>().error == "Connection closed with an error.");
    CHECK(p->as<protocol::close_message>().allow_reconnect);

    p = parse(R"({"type":8,"sequenceId":1394})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::ack_message>().sequence_id == 1394);

    p = parse(R"({"sequenceId":9007199254740993,"type":9})");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::sequence_message>().sequence_id == 9007199254740993);
}

TEST_CASE("an unknown message type is ignored, not an error") {
    CHECK(parse(R"({"type":99,"whatever":[1]})")->status == parse_status::ignored);
    CHECK(parse(R"({"type":0})")->status == parse_status::ignored);
    CHECK(parse(R"({"type":-1})")->status == parse_status::ignored);
}

TEST_CASE("text after the message object is ignored, as the reference does") {
    CHECK(parse(R"( {"type":6} trailing)")->status == parse_status::message);
}

TEST_CASE("malformed JSON is 'Error reading JSON.'") {
    for (const char* text : {"", " ", "{", R"({"type":6)", R"({"type":6,})", "{'type':6}", "{type:6}",
                             R"({"type":6 "x":1})", "\xff", R"({"type":1,"target":"\xc3","arguments":[]})"}) {
        INFO(text);
        CHECK(error_of(text) == "Error reading JSON.");
    }
}

TEST_CASE("nesting deeper than 64 is refused, so nothing recurses without bound") {
    std::string deep = R"({"type":1,"target":"x","arguments":)";
    std::string shallow = deep;
    for (int i = 0; i < 62; ++i) {
        shallow += '[';
    }
    for (int i = 0; i < 62; ++i) {
        shallow += ']';
    }
    CHECK(parse(shallow + "}")->status == parse_status::message); // 1 + 62 + 1 = 64 levels with the object
    for (int i = 0; i < 100000; ++i) {
        deep += '[';
    }
    CHECK(error_of(deep) == "Error reading JSON.");
    // Brackets inside strings do not count.
    CHECK(parse(R"({"type":1,"target":"[[[[","arguments":["]]]]{{{{\"[["]})")->status == parse_status::message);
}

TEST_CASE("a message that is not an object names what it is") {
    CHECK(error_of("[1]") == "Unexpected JSON Token Type 'Array'. Expected a JSON Object.");
    CHECK(error_of("\"x\"") == "Unexpected JSON Token Type 'String'. Expected a JSON Object.");
    CHECK(error_of("42") == "Unexpected JSON Token Type 'Number'. Expected a JSON Object.");
    CHECK(error_of("null") == "Unexpected JSON Token Type 'Null'. Expected a JSON Object.");
    CHECK(error_of("true") == "Unexpected JSON Token Type 'True'. Expected a JSON Object.");
}

TEST_CASE("wrong types for known properties give the reference's texts") {
    CHECK(error_of(R"({"type":"1"})") == "Expected 'type' to be of type Number.");
    CHECK(error_of(R"({"type":null})") == "Expected 'type' to be of type Number.");
    CHECK(error_of(R"({"type":1.5})") == "Expected 'type' to be of type Number.");
    CHECK(error_of(R"({"type":1,"invocationId":1,"target":"x","arguments":[]})") ==
          "Expected 'invocationId' to be of type String.");
    CHECK(error_of(R"({"type":1,"target":5,"arguments":[]})") == "Expected 'target' to be of type String.");
    CHECK(error_of(R"({"type":3,"invocationId":"1","error":{}})") == "Expected 'error' to be of type String.");
    CHECK(error_of(R"({"type":1,"target":"x","arguments":{}})") == "Expected 'arguments' to be of type Array.");
    CHECK(error_of(R"({"type":1,"target":"x","arguments":[],"streamIds":"s"})") ==
          "Expected 'streamIds' to be of type Array.");
    CHECK(error_of(R"({"type":1,"target":"x","arguments":[],"streamIds":[null]})") ==
          "Null value for 'streamIds' is not valid.");
    const auto bad_id = parse(R"({"type":1,"target":"x","arguments":[],"streamIds":[5]})");
    CHECK(bad_id->error.message == "Cannot get the value of a token type 'Number' as a string.");
    CHECK(bad_id->error.exception_type == "InvalidOperationException");
    CHECK(error_of(R"({"type":1,"target":"x","arguments":[],"headers":[]})") ==
          "Expected 'headers' to be of type StartObject.");
    CHECK(error_of(R"({"type":1,"target":"x","arguments":[],"headers":{"a":"b","n":1}})") ==
          "Expected header 'n' to be of type String.");
    CHECK(error_of(R"({"type":7,"allowReconnect":"yes"})") == "Expected 'allowReconnect' to be true or false.");
    CHECK(error_of(R"({"type":8,"sequenceId":"1"})") == "Expected 'sequenceId' to be of type Number.");
    // The type of a property is checked as it is met, even when the message type does not use it.
    CHECK(error_of(R"({"type":6,"target":false})") == "Expected 'target' to be of type String.");
}

TEST_CASE("missing required properties give the reference's texts, in its order") {
    CHECK(error_of(R"({})") == "Missing required property 'type'.");
    CHECK(error_of(R"({"target":"x","arguments":[]})") == "Missing required property 'type'.");
    CHECK(error_of(R"({"type":1,"arguments":[]})") == "Missing required property 'target'.");
    CHECK(error_of(R"({"type":1,"target":"","arguments":[]})") == "Missing required property 'target'.");
    CHECK(error_of(R"({"type":1,"target":"x"})") == "Missing required property 'arguments'.");
    CHECK(error_of(R"({"type":4,"target":"x","arguments":[]})") == "Missing required property 'invocationId'.");
    CHECK(error_of(R"({"type":4,"invocationId":"","target":"x","arguments":[]})") ==
          "Missing required property 'invocationId'.");
    CHECK(error_of(R"({"type":4,"invocationId":"1","target":"x"})") == "Missing required property 'arguments'.");
    CHECK(error_of(R"({"type":4,"invocationId":"1","arguments":[]})") == "Missing required property 'target'.");
    CHECK(error_of(R"({"type":4,"invocationId":"1","target":"","arguments":[]})") ==
          "Missing required property 'target'.");
    CHECK(error_of(R"({"type":2,"item":1})") == "Missing required property 'invocationId'.");
    CHECK(error_of(R"({"type":2,"invocationId":"1"})") == "Missing required property 'item'.");
    CHECK(error_of(R"({"type":3,"result":1})") == "Missing required property 'invocationId'.");
    CHECK(error_of(R"({"type":5})") == "Missing required property 'invocationId'.");
    CHECK(error_of(R"({"type":8})") == "Missing required property 'sequenceId'.");
    CHECK(error_of(R"({"type":9,"sequenceId":null})") == "Missing required property 'sequenceId'.");
}

TEST_CASE("a completion may not carry both error and result") {
    CHECK(error_of(R"({"type":3,"invocationId":"1","error":"e","result":1})") ==
          "The 'error' and 'result' properties are mutually exclusive.");
    CHECK(error_of(R"({"type":3,"invocationId":"1","result":null,"error":""})") ==
          "The 'error' and 'result' properties are mutually exclusive.");
}

TEST_CASE("errors are InvalidDataException unless said otherwise") {
    const auto p = parse(R"({"type":1})");
    CHECK(p->error.exception_type == "InvalidDataException");
    CHECK(p->error.detail() == "InvalidDataException: Missing required property 'target'.");
}
