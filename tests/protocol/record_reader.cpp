#include <signalrpp/protocol/record_reader.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using signalrpp::protocol::record_reader;

namespace {

// Every record the reader hands out now, as strings; stops at the first non-record status.
std::vector<std::string> drain(record_reader& r, record_reader::status* last = nullptr) {
    std::vector<std::string> records;
    char* text = nullptr;
    std::size_t size = 0;
    record_reader::status s;
    while ((s = r.next(text, size)) == record_reader::status::record) {
        CHECK(text[size] == '\0');
        records.emplace_back(text, size);
    }
    if (last) {
        *last = s;
    }
    return records;
}

} // namespace

TEST_CASE("several records in one piece come out one by one") {
    record_reader r;
    r.append("{\"a\":1}\x1e{}\x1e[]\x1e");
    CHECK(drain(r) == std::vector<std::string>{"{\"a\":1}", "{}", "[]"});
    CHECK(r.buffered() == 0);
}

TEST_CASE("a record split across pieces is reassembled, whatever the split") {
    const std::string input = "{\"type\":6}\x1e{\"type\":1,\"target\":\"x\",\"arguments\":[]}\x1e";
    for (std::size_t piece = 1; piece <= input.size(); ++piece) {
        record_reader r;
        std::vector<std::string> records;
        for (std::size_t at = 0; at < input.size(); at += piece) {
            r.append(std::string_view(input).substr(at, piece));
            for (auto& rec : drain(r)) {
                records.push_back(rec);
            }
        }
        INFO("piece size " << piece);
        CHECK(records == std::vector<std::string>{"{\"type\":6}", "{\"type\":1,\"target\":\"x\",\"arguments\":[]}"});
        CHECK(r.buffered() == 0);
    }
}

TEST_CASE("an unfinished record is kept and counted as buffered") {
    record_reader r;
    r.append("{}\x1e{\"par");
    record_reader::status last;
    CHECK(drain(r, &last) == std::vector<std::string>{"{}"});
    CHECK(last == record_reader::status::incomplete);
    CHECK(r.buffered() == 5);
    r.append("tial\":1}\x1e");
    CHECK(drain(r) == std::vector<std::string>{"{\"partial\":1}"});
    CHECK(r.buffered() == 0);
}

TEST_CASE("a record may fill the limit, separator included, and not one byte more") {
    const std::string fits(9, 'x'); // 9 bytes + separator = 10
    record_reader r(10);
    r.append(fits + '\x1e');
    CHECK(drain(r) == std::vector<std::string>{fits});

    record_reader over(10);
    over.append(fits + "x\x1e");
    record_reader::status last;
    CHECK(drain(over, &last).empty());
    CHECK(last == record_reader::status::too_large);
}

TEST_CASE("an oversized record is reported before its end arrives") {
    record_reader r(16);
    r.append(std::string(15, 'x'));
    record_reader::status last;
    drain(r, &last);
    CHECK(last == record_reader::status::incomplete);
    r.append("x");
    drain(r, &last);
    CHECK(last == record_reader::status::too_large);
}

TEST_CASE("a long stream of records keeps the buffer small") {
    record_reader r;
    const std::string record = std::string(100, 'y') + '\x1e';
    std::size_t count = 0;
    for (int i = 0; i < 1000; ++i) {
        r.append(record + record.substr(0, 50));
        count += drain(r).size();
        r.append(record.substr(50));
        count += drain(r).size();
    }
    CHECK(count == 2000);
    CHECK(r.buffered() == 0);
}

// ----- Lent bytes (handed out in place) ------------------------------------------------------------

namespace {

// Whether `text` points into `bytes`.
bool inside(const char* text, const std::string& bytes) {
    return text >= bytes.data() && text < bytes.data() + bytes.size();
}

} // namespace

TEST_CASE("records in lent bytes are handed out where they are, and an unfinished one is kept") {
    record_reader r;
    std::string lent = "{}\x1e[1]\x1e{\"par";
    r.lend(lent);
    char* text = nullptr;
    std::size_t size = 0;
    REQUIRE(r.next(text, size) == record_reader::status::record);
    CHECK(std::string(text, size) == "{}");
    CHECK(text == lent.data()); // not copied
    CHECK(lent[2] == '\0');     // the separator is the record's NUL
    REQUIRE(r.next(text, size) == record_reader::status::record);
    CHECK(std::string(text, size) == "[1]");
    CHECK(inside(text, lent));
    CHECK(r.next(text, size) == record_reader::status::incomplete);
    CHECK(r.buffered() == 5);
    r.keep_lent();
    lent.assign(lent.size(), 'z'); // the lent bytes go away
    r.append("tial\":1}\x1e");
    CHECK(drain(r) == std::vector<std::string>{"{\"partial\":1}"});
    CHECK(r.buffered() == 0);
}

TEST_CASE("keep_lent() after the reader stopped early copies the records not yet handed out") {
    record_reader r;
    std::string lent = "a\x1e" "b\x1e" "c\x1e";
    r.lend(lent);
    char* text = nullptr;
    std::size_t size = 0;
    REQUIRE(r.next(text, size) == record_reader::status::record);
    CHECK(std::string(text, size) == "a");
    CHECK(r.buffered() == 4);
    r.keep_lent();
    lent.assign(lent.size(), 'z');
    CHECK(r.buffered() == 4);
    CHECK(drain(r) == std::vector<std::string>{"b", "c"});
    r.keep_lent(); // nothing lent: nothing to do
    CHECK(r.buffered() == 0);
}

TEST_CASE("lent bytes behind buffered ones are joined to them, in order") {
    record_reader r;
    r.append("{\"a\"");
    std::string lent = ":1}\x1e{}\x1e";
    r.lend(lent);
    char* text = nullptr;
    std::size_t size = 0;
    REQUIRE(r.next(text, size) == record_reader::status::record);
    CHECK(std::string(text, size) == "{\"a\":1}");
    CHECK_FALSE(inside(text, lent));
    CHECK(drain(r) == std::vector<std::string>{"{}"});
    r.keep_lent();
    CHECK(r.buffered() == 0);
}

TEST_CASE("a record split across lent pieces is reassembled, whatever the split") {
    const std::string input = "{\"type\":6}\x1e{\"type\":1,\"target\":\"x\",\"arguments\":[]}\x1e{}\x1e";
    for (std::size_t piece = 1; piece <= input.size(); ++piece) {
        record_reader r;
        std::vector<std::string> records;
        for (std::size_t at = 0; at < input.size(); at += piece) {
            std::string lent = input.substr(at, piece);
            r.lend(lent);
            for (auto& rec : drain(r)) {
                records.push_back(rec);
            }
            r.keep_lent();
            lent.assign(lent.size(), 'z');
        }
        INFO("piece size " << piece);
        CHECK(records == std::vector<std::string>{"{\"type\":6}", "{\"type\":1,\"target\":\"x\",\"arguments\":[]}", "{}"});
        CHECK(r.buffered() == 0);
    }
}

TEST_CASE("lent bytes obey the record limit like appended ones") {
    SECTION("a record that fills the limit") {
        record_reader r(10);
        std::string lent = std::string(9, 'x') + '\x1e';
        r.lend(lent);
        CHECK(drain(r) == std::vector<std::string>{std::string(9, 'x')});
    }
    SECTION("one byte more, whole or not") {
        for (const std::string tail : {"x\x1e", "x"}) {
            record_reader r(10);
            std::string lent = std::string(9, 'x') + tail;
            r.lend(lent);
            record_reader::status last;
            CHECK(drain(r, &last).empty());
            CHECK(last == record_reader::status::too_large);
        }
    }
    SECTION("an unfinished record under the limit, completed by the next piece") {
        record_reader r(10);
        std::string lent(8, 'x');
        r.lend(lent);
        record_reader::status last;
        CHECK(drain(r, &last).empty());
        CHECK(last == record_reader::status::incomplete);
        r.keep_lent();
        std::string more = "xx\x1e";
        r.lend(more);
        drain(r, &last);
        CHECK(last == record_reader::status::too_large);
    }
}
