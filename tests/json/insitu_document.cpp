#include <signalrpp/json/insitu_document.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using signalrpp::json::insitu_document;

namespace {

// Parses with `doc` from a buffer of exactly the text and its terminator (a read past the end is a
// heap overflow the sanitizers see), kept alive until the next call: the values point into it.
std::unique_ptr<char[]> last_text;

bool parses(insitu_document& doc, const std::string& text) {
    last_text = std::make_unique<char[]>(text.size() + 1);
    text.copy(last_text.get(), text.size());
    last_text[text.size()] = '\0';
    return doc.parse(last_text.get(), text.size());
}

} // namespace

TEST_CASE("text ending inside a multi-byte UTF-8 sequence is refused without reading past its end") {
    // Found by fuzzing: RapidJSON's own in-situ validation read past the terminator here.
    insitu_document doc;
    CHECK_FALSE(parses(doc, "\"r::::\xed"));
    CHECK_FALSE(parses(doc, "{\"a\":\"\xf0\x9f\x98"));
    CHECK_FALSE(parses(doc, "\"\xc3"));
}

TEST_CASE("invalid UTF-8 anywhere in the text is refused") {
    insitu_document doc;
    CHECK_FALSE(parses(doc, "{\"a\":\"\xff\"}"));
    CHECK_FALSE(parses(doc, "{\"a\":\"\xed\xa0\x80\"}"));
    CHECK(parses(doc, "{\"a\":\"\xc3\xa9\"}"));
    CHECK(std::string(doc.root()["a"].GetString()) == "\xc3\xa9");
}

TEST_CASE("nesting is limited to 64 levels by default, and the limit can be set") {
    insitu_document doc;
    CHECK(parses(doc, std::string(64, '[') + std::string(64, ']')));
    CHECK_FALSE(parses(doc, std::string(65, '[') + std::string(65, ']')));
    CHECK(parses(doc, "\"[[[[[[[[[[\""));
    auto text = std::string(3, '[') + std::string(3, ']');
    CHECK_FALSE(doc.parse(text.data(), text.size(), 2));
}

TEST_CASE("the checks before parsing see every byte, wherever it falls in the text's sixteen-byte blocks") {
    // Lengths around the block size put the byte looked for in the last, partial block, which is
    // checked by a load overlapping the block before it.
    for (std::size_t length = 1; length <= 50; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
            CAPTURE(length, at);
            std::string text(length, ' ');
            text[at] = '\xff';
            CHECK_FALSE(insitu_document::admissible(text.data(), text.size()));
            // Openers: the limit passed exactly when one of them is at `at`.
            std::string nested(length, ' ');
            nested[0] = '[';
            nested[at] = '[';
            const int depth = at == 0 ? 1 : 2;
            CHECK(insitu_document::admissible(nested.data(), nested.size(), depth));
            CHECK_FALSE(insitu_document::admissible(nested.data(), nested.size(), depth - 1));
        }
    }
}

TEST_CASE("openers are counted exactly however many there are (counts kept per byte lane must not wrap)") {
    // 4096 openers put 256 in each of the sixteen lanes of a sixteen-byte block.
    for (const std::size_t n : {64, 65, 4095, 4096, 4097, 8192}) {
        CAPTURE(n);
        const std::string nested = std::string(n, '[') + std::string(n, ']');
        CHECK(insitu_document::admissible(nested.data(), nested.size()) == (n <= 64));
    }
}

TEST_CASE("one document parses text after text, each replacing the last") {
    insitu_document doc;
    for (int i = 0; i < 1000; ++i) {
        const std::string text = "{\"n\":" + std::to_string(i) + ",\"big\":\"" + std::string(static_cast<std::size_t>(i % 50) * 100, 'x') + "\"}";
        REQUIRE(parses(doc, text));
        CHECK(doc.root()["n"].GetInt() == i);
    }
    CHECK(parses(doc, "[1] trailing text is ignored"));
    CHECK(doc.root().IsArray());
    CHECK_FALSE(parses(doc, ""));
    CHECK_FALSE(parses(doc, "{"));
}

TEST_CASE("strings decode as RapidJSON's own parser decodes them, wherever an escape falls") {
    // The reader takes the plain runs of a string sixteen (then eight) bytes at a time: put each kind of
    // escape at every position around those blocks and compare with RapidJSON's parse of the same text.
    insitu_document doc;
    const std::string escapes[] = {"\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9"};
    for (const auto& escape : escapes) {
        for (std::size_t before = 0; before < 40; ++before) {
            for (std::size_t after : {0, 1, 7, 8, 15, 16, 17, 33}) {
                const std::string text =
                    "{\"k\":\"" + std::string(before, 'a') + escape + std::string(after, 'b') + "\",\"n\":1}";
                rapidjson::Document expected;
                expected.Parse(text.c_str());
                REQUIRE_FALSE(expected.HasParseError());
                INFO(text);
                REQUIRE(parses(doc, text));
                CHECK(std::string(doc.root()["k"].GetString(), doc.root()["k"].GetStringLength()) ==
                      std::string(expected["k"].GetString(), expected["k"].GetStringLength()));
                CHECK(doc.root()["n"].GetInt() == 1);
            }
        }
    }
}

TEST_CASE("a control character or the end of the text inside a string is refused at any position") {
    insitu_document doc;
    for (std::size_t before = 0; before < 40; ++before) {
        const std::string start = "{\"k\":\"" + std::string(before, 'a');
        INFO(before);
        CHECK_FALSE(parses(doc, start + '\x01' + "b\"}"));
        CHECK_FALSE(parses(doc, start + '\t' + "b\"}"));
        CHECK_FALSE(parses(doc, start));           // the text ends inside the string
        CHECK_FALSE(parses(doc, start + "\\"));    // ... inside an escape
        CHECK(parses(doc, start + "\"}"));
    }
}

TEST_CASE("string arrays made one after another, between parses, each hold exactly their strings") {
    insitu_document doc;
    // Each string is followed by a byte that make_string_array overwrites with a NUL.
    std::string text = "alpha,beta,gamma,delta,epsilon,zeta,eta,theta";
    const auto make = [&](std::initializer_list<std::pair<std::size_t, std::size_t>> spans) -> const signalrpp::json::value& {
        std::vector<insitu_document::text_string> strings;
        for (const auto& [at, size] : spans) {
            strings.push_back({text.data() + at, size});
        }
        return doc.make_string_array(strings.data(), strings.size());
    };
    const auto strings_of = [](const signalrpp::json::value& array) {
        std::vector<std::string> out;
        for (const auto& v : array.GetArray()) {
            out.emplace_back(v.GetString(), v.GetStringLength());
        }
        return out;
    };
    CHECK(strings_of(make({{0, 5}, {6, 4}, {11, 5}, {17, 5}})) == std::vector<std::string>{"alpha", "beta", "gamma", "delta"});
    CHECK(strings_of(make({{23, 7}})) == std::vector<std::string>{"epsilon"});
    CHECK(strings_of(make({})).empty());
    // More strings than any array before: the kept storage grows.
    CHECK(strings_of(make({{0, 5}, {6, 4}, {11, 5}, {17, 5}, {23, 7}, {31, 4}})) ==
          std::vector<std::string>{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"});
    REQUIRE(parses(doc, "{\"n\":[1,2,3]}"));
    CHECK(doc.root()["n"].Size() == 3);
    CHECK(strings_of(make({{36, 3}, {40, 5}})) == std::vector<std::string>{"eta", "theta"});
    CHECK(doc.root().IsArray());
}
