#include <signalrpp/protocol/json_hub_writer.hpp>

#include <signalrpp/json/containers.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/json/scalars.hpp>

#include "protocol_test_support.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace protocol = signalrpp::protocol;
using protocol_test::parse;
using protocol_test::text_of;

TEST_CASE("invocation: type, invocationId, target, arguments, streamIds, in that order") {
    std::string out;
    protocol::write_invocation(out, {"", "message"}, std::string("alice"), 42, std::vector<int>{1, 2});
    CHECK(out == "{\"type\":1,\"target\":\"message\",\"arguments\":[\"alice\",42,[1,2]]}\x1e");

    out.clear();
    const std::string_view ids[] = {"1", "2"};
    const protocol::header headers[] = {{"traceparent", "00-1"}};
    protocol::write_invocation(out, {"s1", "Result", ids, headers});
    CHECK(out == "{\"type\":1,\"headers\":{\"traceparent\":\"00-1\"},\"invocationId\":\"s1\",\"target\":\"Result\","
                 "\"arguments\":[],\"streamIds\":[\"1\",\"2\"]}\x1e");
}

TEST_CASE("a stream invocation is written with its id and arguments") {
    std::string out;
    protocol::write_stream_invocation(out, {"3", "Counter"}, 10);
    CHECK(out == "{\"type\":4,\"invocationId\":\"3\",\"target\":\"Counter\",\"arguments\":[10]}\x1e");
}

TEST_CASE("stream item always carries item, even null") {
    std::string out;
    protocol::write_stream_item(out, "4", std::string("a"));
    protocol::write_stream_item(out, "4", std::optional<int>{});
    CHECK(out == "{\"type\":2,\"invocationId\":\"4\",\"item\":\"a\"}\x1e{\"type\":2,\"invocationId\":\"4\",\"item\":null}\x1e");
}

TEST_CASE("completions: result, void as result null, error, empty") {
    std::string out;
    protocol::write_completion_result(out, "1", 3);
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\",\"result\":3}\x1e");
    out.clear();
    protocol::write_completion_void(out, "1");
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\",\"result\":null}\x1e");
    out.clear();
    protocol::write_completion_result(out, "1", std::optional<std::string>{});
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\",\"result\":null}\x1e");
    out.clear();
    protocol::write_completion_error(out, "1", "An unexpected error occurred invoking 'X' on the server.");
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\",\"error\":\"An unexpected error occurred invoking 'X' on the server.\"}\x1e");
    out.clear();
    protocol::write_completion_empty(out, "1");
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\"}\x1e");
    out.clear();
    protocol::write_completion_error(out, "1", "");
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\"}\x1e");
}

TEST_CASE("string and void completions: plain text copied as it is, escapes where needed, after what is there") {
    std::string out = "kept";
    protocol::write_completion_result(out, "12", std::string("plain text"));
    CHECK(out == "kept{\"type\":3,\"invocationId\":\"12\",\"result\":\"plain text\"}\x1e");
    out.clear();
    protocol::write_completion_result(out, "12", std::string("say \"hi\"\\\n\x01"));
    CHECK(out == "{\"type\":3,\"invocationId\":\"12\",\"result\":\"say \\\"hi\\\"\\\\\\n\\u0001\"}\x1e");
    out.clear();
    protocol::write_completion_result(out, "a\"b", std::string("x"));
    CHECK(out == "{\"type\":3,\"invocationId\":\"a\\\"b\",\"result\":\"x\"}\x1e");
    out.clear();
    protocol::write_completion_result(out, "1", std::string());
    CHECK(out == "{\"type\":3,\"invocationId\":\"1\",\"result\":\"\"}\x1e");
    out = "kept";
    protocol::write_completion_void(out, "7");
    CHECK(out == "kept{\"type\":3,\"invocationId\":\"7\",\"result\":null}\x1e");
    out.clear();
    protocol::write_completion_void(out, "7\n");
    CHECK(out == "{\"type\":3,\"invocationId\":\"7\\n\",\"result\":null}\x1e");
    out.clear();
    protocol::write_completion_void(out, "");
    CHECK(out == "{\"type\":3,\"result\":null}\x1e");
}

TEST_CASE("cancel, ping, close, ack, sequence") {
    std::string out;
    protocol::write_cancel_invocation(out, "9");
    CHECK(out == "{\"type\":5,\"invocationId\":\"9\"}\x1e");
    out.clear();
    protocol::write_ping(out);
    CHECK(out == "{\"type\":6}\x1e");
    out.clear();
    protocol::write_close(out);
    CHECK(out == "{\"type\":7}\x1e");
    out.clear();
    protocol::write_close(out, "Connection closed with an error.", true);
    CHECK(out == "{\"type\":7,\"error\":\"Connection closed with an error.\",\"allowReconnect\":true}\x1e");
    out.clear();
    protocol::write_close(out, "", false);
    CHECK(out == "{\"type\":7,\"error\":\"\"}\x1e");
    out.clear();
    protocol::write_ack(out, 1394);
    protocol::write_sequence(out, 9007199254740993);
    CHECK(out == "{\"type\":8,\"sequenceId\":1394}\x1e{\"type\":9,\"sequenceId\":9007199254740993}\x1e");
}

TEST_CASE("strings are escaped as JSON needs and nothing more") {
    std::string out;
    protocol::write_invocation(out, {"", "m\"x"}, std::string("<b>\xc3\xa9\n"));
    CHECK(out == "{\"type\":1,\"target\":\"m\\\"x\",\"arguments\":[\"<b>\xc3\xa9\\n\"]}\x1e");
}

TEST_CASE("a value that cannot be written leaves the output as it was") {
    std::string out = "kept";
    CHECK_THROWS_AS(protocol::write_completion_result(out, "1", std::numeric_limits<double>::quiet_NaN()),
                    std::domain_error);
    CHECK(out == "kept");
    CHECK_THROWS_AS(protocol::write_invocation(out, {"", "m"}, 1, std::numeric_limits<double>::infinity()),
                    std::domain_error);
    CHECK(out == "kept");
}

TEST_CASE("what the writer writes, the parser reads back") {
    std::string out;
    const std::string_view ids[] = {"7"};
    protocol::write_invocation(out, {"12", "Go", ids}, std::string("x"), signalrpp::json::raw_json::parse("{\"k\":[1]}").value());
    REQUIRE(out.back() == '\x1e');
    out.pop_back();
    const auto p = parse(out);
    REQUIRE(p->status == protocol::parse_status::message);
    const auto& m = p->as<protocol::invocation_message>();
    CHECK(m.invocation_id == "12");
    CHECK(m.target == "Go");
    CHECK(text_of(m.arguments) == R"(["x",{"k":[1]}])");
    REQUIRE(m.stream_ids.size() == 1);
    CHECK(m.stream_ids[0] == "7");
}

TEST_CASE("short and long ids and results are escaped where needed, whatever byte needs it and wherever") {
    // Texts of 0 to 12 bytes (the short ones are checked byte by byte, the others in blocks), with one
    // byte that needs escaping (or none) at each position: written, then read back by RapidJSON.
    for (std::size_t size = 0; size <= 12; ++size) {
        for (std::size_t at = 0; at <= size; ++at) {
            for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
                std::string text(size, '7');
                if (at < size) {
                    text[at] = special;
                }
                std::string out;
                protocol::write_completion_result(out, text, text);
                REQUIRE(out.back() == '\x1e');
                out.pop_back();
                rapidjson::Document d;
                d.Parse(out.c_str());
                INFO(out);
                REQUIRE_FALSE(d.HasParseError());
                if (text.empty()) {
                    CHECK_FALSE(d.HasMember("invocationId")); // an empty id is not written
                } else {
                    CHECK(std::string(d["invocationId"].GetString(), d["invocationId"].GetStringLength()) == text);
                }
                CHECK(std::string(d["result"].GetString(), d["result"].GetStringLength()) == text);
            }
        }
    }
}
