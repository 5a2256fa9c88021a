// The envelope scan (the short way through usual hub messages) against the whole parse: both must
// decide every record alike, and the scan must take the usual records itself and leave the others
// untouched.
#include <signalrpp/protocol/json_hub_parser.hpp>

#include "parse_description.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using protocol_test::describe_parse;
using protocol_test::parse_way;
namespace protocol = signalrpp::protocol;

namespace {

// What fields_from_envelope makes of a record, and whether it left the text as it was.
struct envelope_result {
    protocol::detail::envelope_outcome outcome;
    bool text_untouched;
};

envelope_result scan(std::string_view record) {
    std::string text(record);
    signalrpp::json::insitu_document document;
    protocol::detail::message_fields fields;
    protocol::protocol_error error;
    const auto outcome = protocol::detail::fields_from_envelope(text.data(), text.size(), document, fields, error);
    return {outcome, text == record};
}

const std::vector<std::string> usual_records = {
    R"({"type":1,"invocationId":"1234","target":"Echo","arguments":["hello"]})",
    R"({"arguments":["a",1,null,{"k":[true]}],"invocationId":"0","target":"Send","type":1})",
    R"({"type":1,"target":"Notify","arguments":[]})",
    " \t\r\n{ \"type\" : 1 ,\n\"target\" :\"T\" , \"arguments\" : [ 1 , 2 ] } ",
    R"({"type":4,"invocationId":"9","target":"Counter","arguments":[10,"x\"y\\z\n"]})",
    R"({"type":2,"invocationId":"s1","item":{"name":"x"}})",
    R"({"type":2,"invocationId":"s1","item":null})",
    R"({"type":3,"invocationId":"1","result":42})",
    R"({"type":3,"invocationId":"1","result":"text"})",
    R"({"type":3,"invocationId":"1","error":"failed"})",
    R"({"type":3,"invocationId":"1"})",
    R"({"type":3,"invocationId":"1","error":"e","result":1})",
    R"({"type":5,"invocationId":"1"})",
    R"({"type":6})",
    R"({"type":7})",
    R"({"type":7,"error":"bye"})",
    R"({"type":0})",
    R"({"type":123456789})",
    R"({"type":1,"target":"Echo","arguments":["héllo wörld ✓"]})",
    R"({"type":1,"target":"T","arguments":{"not":"an array"}})",
    R"({"type":1,"target":"T","arguments":"text"})",
    R"({"type":1,"target":"T","arguments":[1,]})",
    R"({"type":1,"target":"T","arguments":1x})",
    R"({"type":1,"target":"T","arguments":[[[[[[[[1]]]]]]]]})",
    R"({"type":1,"target":"T","arguments":[ "a" ,"b",	"c"
 ,"d" ]})",
    R"({"type":1,"target":"T","arguments":["a","b","c","d","e"]})",
    R"({"type":1,"target":"T","arguments":["a","b\"c"]})",
    R"({"type":1,"target":"T","arguments":["a",1,true,null]})",
    R"({"type":1,"target":"T","arguments":["a",]})",
    R"({"type":1,"target":"T","arguments":["a" "b"]})",
    R"({"type":1,"target":"T","arguments":[ ]})",
    R"({"type":1,"target":"T","arguments":["",""]})",
    R"({"type":2,"invocationId":"1","item":["x","y"]})",
    R"({})",
    R"({"target":"T","arguments":[]})",
    R"({"type":1,"arguments":[]})",
    R"({"type":1,"target":"","arguments":[]})",
    R"({"type":1,"target":"T","arguments":[]} trailing text)",
    R"({"type":1,"target":"T","arguments":[]})" "\x1e" R"({"type":6})",
    // What the whole parse checks before parsing, met in each part of a usual record.
    std::string(R"({"type":6})") + "\xff",
    std::string(R"({"type":6})") + std::string(70, '['),
    std::string(R"({"type":6})") + std::string(1, '\0') + std::string(70, '['),
    std::string(R"({"type":6} "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")"),
    "{\"type\":1,\"target\":\"T\",\"arguments\":[\"\xff\"]}",
    "{\"type\":1,\"target\":\"T\",\"arguments\":[1,\"\xff\"]}",
    "{\"type\":1,\"target\":\"\xc3\xa9\",\"arguments\":[1,\"\xe2\x82\xac\"]}",
    "{\"type\":1,\"invocationId\":\"\xed\xa0\x80\",\"target\":\"T\",\"arguments\":[]}",
    "{\"type\":1,\"target\":\"T\",\"arguments\":[\"" + std::string(300, 'x') + "\xc3\"]}",
    "{\"type\":1,\"target\":\"T\",\"arguments\":[\"" + std::string(300, 'x') + "\xc3\xa9\"]}",
    "{\"type\":1,\"target\":\"T\",\"arguments\":[\"\xe2\x82\xac" + std::string(300, 'x') + "\xc3\"]}",
    R"({"type":1,"target":"T","arguments":)" + std::string(63, '[') + std::string(63, ']') + "}",
    R"({"type":1,"target":"T","arguments":)" + std::string(64, '[') + std::string(64, ']') + "}",
};

const std::vector<std::string> unusual_records = {
    R"({"type":1,"invocationId":"1","target":"Echo","arguments":["a"],"streamIds":["s"]})",
    R"({"type":1,"target":"Echo","arguments":[],"headers":{"a":"b"}})",
    R"({"type":1,"target":"Echo","arguments":[],"extra":1})",
    R"({"type":1,"target":"E\u0063ho","arguments":[]})",
    R"({"typ\u0065":1,"target":"Echo","arguments":[]})",
    R"({"type":1,"type":1,"target":"Echo","arguments":[]})",
    R"({"type":1,"target":"A","target":"B","arguments":[]})",
    R"({"type":1,"target":"T","arguments":[],"arguments":[1]})",
    R"({"type":3,"invocationId":"1","result":1,"item":2})",
    R"({"type":1.0,"target":"T","arguments":[]})",
    R"({"type":01,"target":"T","arguments":[]})",
    R"({"type":-1,"target":"T","arguments":[]})",
    R"({"type":1e0,"target":"T","arguments":[]})",
    R"({"type":1234567890,"target":"T","arguments":[]})",
    R"({"type":"1","target":"T","arguments":[]})",
    R"({"type":1,"invocationId":null,"target":"T","arguments":[]})",
    R"({"type":1,"invocationId":7,"target":"T","arguments":[]})",
    R"({"type":7,"allowReconnect":true})",
    R"({"type":8,"sequenceId":3})",
    R"([1,2])",
    R"("text")",
    R"({"type":1,"target":"T","arguments":[])",
    R"({"type":1,"target":"T","arguments":["unterminated)",
    R"({"type":1,"target":"T","arguments":["ends in a backslash\)",
    "{\"type\":1,\"target\":\"T\tab\",\"arguments\":[]}",
    R"({"type":1,"target":"T","arguments":[1]]})",
    R"({"type":1 "target":"T","arguments":[]})",
    R"({"type":1,,"target":"T","arguments":[]})",
    R"({'type':1})",
    "",
    "   ",
};

} // namespace

TEST_CASE("the envelope scan reads usual records itself and leaves the others to the whole parse untouched") {
    for (const auto& record : usual_records) {
        CAPTURE(record);
        CHECK(scan(record).outcome != protocol::detail::envelope_outcome::unusual);
    }
    for (const auto& record : unusual_records) {
        CAPTURE(record);
        const auto result = scan(record);
        CHECK(result.outcome == protocol::detail::envelope_outcome::unusual);
        CHECK(result.text_untouched);
    }
}

TEST_CASE("text that is not UTF-8 or is nested too deeply is refused by the envelope scan's way too") {
    const std::string bad_utf8 = "{\"type\":1,\"target\":\"\xc3\",\"arguments\":[]}";
    CHECK(scan(bad_utf8).outcome == protocol::detail::envelope_outcome::error);
    CHECK(describe_parse(bad_utf8, parse_way::usual) == "error InvalidDataException: Error reading JSON.");
    const std::string deep = R"({"type":1,"target":"T","arguments":)" + std::string(70, '[') + std::string(70, ']') + "}";
    CHECK(scan(deep).outcome == protocol::detail::envelope_outcome::error);
    CHECK(describe_parse(deep, parse_way::whole) == "error InvalidDataException: Error reading JSON.");
}

TEST_CASE("the envelope scan tells when it has read a whole record as ASCII, which then needs no check") {
    const auto read_all_as_ascii = [](std::string record) {
        protocol::detail::message_fields fields;
        protocol::detail::deferred_value value;
        protocol::detail::envelope_scanner scanner(record.data(), record.data() + record.size());
        REQUIRE(scanner.scan(fields, value));
        return scanner.read_all_as_ascii();
    };
    const std::string long_text(300, 'x'); // read in runs, not byte by byte
    CHECK(read_all_as_ascii(R"({"type":1,"invocationId":"1234","target":"Echo","arguments":["hello"]})"));
    CHECK(read_all_as_ascii(R"({"type":1,"target":"Echo","arguments":[")" + long_text + R"(","b"]})"));
    CHECK(read_all_as_ascii(R"({"type":3,"invocationId":"1","error":"failed"})"));
    CHECK(read_all_as_ascii(R"({"type":6})"));
    CHECK(read_all_as_ascii("{\"type\":6} \r\n"));
    CHECK(read_all_as_ascii(" { \"type\" : 2 , \"invocationId\":\"1\", \"item\" : [ \"x\" ] }\t"));
    // A byte above 0x7f anywhere in a string, read byte by byte or in a run.
    CHECK_FALSE(read_all_as_ascii("{\"type\":1,\"target\":\"\xc3\xa9\",\"arguments\":[]}"));
    CHECK_FALSE(read_all_as_ascii("{\"type\":1,\"invocationId\":\"" + long_text + "\xc3\xa9\",\"target\":\"T\",\"arguments\":[]}"));
    CHECK_FALSE(read_all_as_ascii("{\"type\":1,\"target\":\"T\",\"arguments\":[\"" + long_text + "\xff\"]}"));
    CHECK_FALSE(read_all_as_ascii("{\"type\":1,\"target\":\"T\",\"arguments\":[\"\xff" + long_text + "\"]}"));
    CHECK_FALSE(read_all_as_ascii("{\"type\":7,\"error\":\"\xed\xa0\x80\"}"));
    // A structured value skipped for the JSON parser, and text after the object but whitespace: not read.
    CHECK_FALSE(read_all_as_ascii(R"({"type":1,"target":"T","arguments":[1]})"));
    CHECK_FALSE(read_all_as_ascii(R"({"type":3,"invocationId":"1","result":"text"})"));
    CHECK_FALSE(read_all_as_ascii(R"({"type":6}x)"));
}

TEST_CASE("the envelope scan and the whole parse decide every record alike") {
    for (const auto* records : {&usual_records, &unusual_records}) {
        for (const auto& record : *records) {
            CAPTURE(record);
            CHECK(describe_parse(record, parse_way::usual) == describe_parse(record, parse_way::whole));
        }
    }
}

TEST_CASE("the envelope scan and the whole parse agree on records mutated at random") {
    // Mutations around the characters that steer a JSON scan, so that most mutants stay near the edge
    // between the usual and the unusual, and between valid and invalid.
    const std::string alphabet = "{}[]\":,\\ \t\n0123456789-.eE+truefalsnl\x01\x1f\x7f\xc3\xa9uabT";
    std::mt19937 random(20261122);
    std::size_t usual_taken = 0;
    std::size_t tried = 0;
    for (const auto* records : {&usual_records, &unusual_records}) {
        for (const auto& seed : *records) {
            for (int round = 0; round < 300; ++round) {
                std::string record = seed;
                const int edits = 1 + static_cast<int>(random() % 3);
                for (int e = 0; e < edits; ++e) {
                    const std::size_t at = record.empty() ? 0 : random() % (record.size() + 1);
                    const char c = alphabet[random() % alphabet.size()];
                    switch (random() % 4) {
                    case 0: record.insert(record.begin() + static_cast<std::ptrdiff_t>(at), c); break;
                    case 1:
                        if (at < record.size()) {
                            record[at] = c;
                        }
                        break;
                    case 2:
                        if (at < record.size()) {
                            record.erase(at, 1);
                        }
                        break;
                    default: record.resize(at); break;
                    }
                }
                const std::string usual = describe_parse(record, parse_way::usual);
                const std::string whole = describe_parse(record, parse_way::whole);
                if (usual != whole) {
                    CAPTURE(seed, record);
                    CHECK(usual == whole);
                }
                ++tried;
                usual_taken += scan(record).outcome != protocol::detail::envelope_outcome::unusual ? 1 : 0;
            }
        }
    }
    // The mutants exercise both ways, not only the fallback.
    CHECK(usual_taken > tried / 20);
    CHECK(usual_taken < tried);
}
