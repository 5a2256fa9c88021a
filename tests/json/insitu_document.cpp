#include <signalrpp/json/insitu_document.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

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
