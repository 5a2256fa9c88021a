#include <signalrpp/protocol/binary_framing.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using signalrpp::protocol::length_prefixed_reader;
using signalrpp::protocol::write_length_prefix;
using status = length_prefixed_reader::status;

namespace {

std::string prefix_of(std::size_t length) {
    std::string out;
    write_length_prefix(out, length);
    return out;
}

std::string frame(std::string_view message) {
    return prefix_of(message.size()) + std::string(message);
}

// Every message the reader hands out until it has no whole one left.
std::vector<std::string> drain(length_prefixed_reader& reader) {
    std::vector<std::string> out;
    std::string_view message;
    while (reader.next(message) == status::message) {
        out.emplace_back(message);
    }
    return out;
}

} // namespace

TEST_CASE("length prefixes are VarInts, 7 bits a byte, lowest first") {
    CHECK(prefix_of(0) == std::string(1, '\0'));
    CHECK(prefix_of(127) == "\x7f");
    CHECK(prefix_of(128) == "\x80\x01");
    CHECK(prefix_of(0x1480) == "\x80\x29");
    CHECK(prefix_of(0x7fffffff) == "\xff\xff\xff\xff\x07");
}

TEST_CASE("messages come out whole however the bytes are split") {
    const std::string big(300, 'b');
    const std::string stream = frame("one") + frame("") + frame(big) + frame("last");
    for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
        CAPTURE(piece);
        length_prefixed_reader reader;
        std::vector<std::string> got;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            reader.append(std::string_view(stream).substr(at, piece));
            for (auto& m : drain(reader)) {
                got.push_back(std::move(m));
            }
        }
        REQUIRE(got.size() == 4);
        CHECK(got[0] == "one");
        CHECK(got[1].empty());
        CHECK(got[2] == big);
        CHECK(got[3] == "last");
        CHECK(reader.buffered() == 0);
    }
}

TEST_CASE("a frame over the limit is refused as soon as its prefix is there; one at the limit is read") {
    length_prefixed_reader reader(100);
    std::string_view message;
    reader.append(prefix_of(200)); // nothing of the message yet
    CHECK(reader.next(message) == status::too_large);

    length_prefixed_reader exact(100);
    exact.append(frame(std::string(99, 'x'))); // 1-byte prefix + 99 = 100
    REQUIRE(exact.next(message) == status::message);
    CHECK(message.size() == 99);
    length_prefixed_reader over(100);
    over.append(prefix_of(100)); // 1-byte prefix + 100 = 101
    CHECK(over.next(message) == status::too_large);
}

TEST_CASE("a prefix of more than 5 bytes, or of 2 GiB or more, is malformed; a short one waits") {
    std::string_view message;
    for (const std::string_view bad : {std::string_view("\xff\xff\xff\xff\x08", 5), std::string_view("\xff\xff\xff\xff\xff", 5),
                                       std::string_view("\x80\x80\x80\x80\x80\x01", 6)}) {
        length_prefixed_reader reader;
        reader.append(bad);
        CHECK(reader.next(message) == status::malformed);
    }
    CHECK(signalrpp::protocol::oversized_length_prefix_error == "Messages over 2GB in size are not supported.");
    length_prefixed_reader waiting;
    waiting.append("\x80\x80\x80\x80");
    CHECK(waiting.next(message) == status::incomplete);
    length_prefixed_reader largest;
    largest.append("\xff\xff\xff\xff\x07"); // 2^31 - 1: valid, its message not there yet
    CHECK(largest.next(message) == status::incomplete);
}

TEST_CASE("an idle reader gives its memory back") {
    length_prefixed_reader reader;
    reader.append(frame(std::string(10000, 'm')) + frame("x").substr(0, 1));
    CHECK(drain(reader).size() == 1);
    CHECK(reader.buffered() == 1);
    reader.append("x");
    CHECK(drain(reader) == std::vector<std::string>{"x"});
    reader.release_memory();
    CHECK(reader.buffered() == 0);
}
