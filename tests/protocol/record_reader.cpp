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
