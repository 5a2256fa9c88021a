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

TEST_CASE("messages come out whole however the bytes are split, appended or lent") {
    const std::string big(300, 'b');
    const std::string stream = frame("one") + frame("") + frame(big) + frame("last");
    for (const bool lend : {false, true}) {
        for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
            CAPTURE(lend, piece);
            length_prefixed_reader reader;
            std::vector<std::string> got;
            for (std::size_t at = 0; at < stream.size(); at += piece) {
                std::string bytes = stream.substr(at, piece);
                if (lend) {
                    reader.lend(bytes);
                } else {
                    reader.append(bytes);
                }
                for (auto& m : drain(reader)) {
                    got.push_back(std::move(m));
                }
                reader.keep_lent();
                bytes.assign(bytes.size(), 'z'); // lent bytes go away
            }
            CHECK(got == std::vector<std::string>{"one", "", big, "last"});
            CHECK(reader.buffered() == 0);
        }
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

namespace {

// Whether `view` points into `bytes`.
bool inside(std::string_view view, const std::string& bytes) {
    return view.data() >= bytes.data() && view.data() < bytes.data() + bytes.size();
}

} // namespace

TEST_CASE("length-prefixed messages in lent bytes are handed out where they are, and an unfinished one is kept") {
    length_prefixed_reader reader;
    const std::string second = frame("second");
    std::string lent = frame("first") + second + frame("partial").substr(0, 4);
    reader.lend(lent);
    CHECK(reader.lending());
    std::string_view message;
    REQUIRE(reader.next(message) == status::message);
    CHECK(message == "first");
    CHECK(message.data() == lent.data() + 1); // not copied: just past the one-byte prefix
    REQUIRE(reader.next(message) == status::message);
    CHECK(message == "second");
    CHECK(inside(message, lent));
    CHECK(reader.buffered() == 4);
    CHECK(reader.next(message) == status::incomplete); // the unfinished message is copied in
    CHECK_FALSE(reader.lending());
    lent.assign(lent.size(), 'z'); // the lent bytes go away
    CHECK(reader.buffered() == 4);
    reader.append("tial");
    CHECK(drain(reader) == std::vector<std::string>{"partial"});
    CHECK(reader.buffered() == 0);
}

TEST_CASE("length-prefixed: keep_lent() after the reader stopped early copies the messages not yet handed out") {
    length_prefixed_reader reader;
    std::string lent = frame("a") + frame("") + frame("c");
    reader.lend(lent);
    std::string_view message;
    REQUIRE(reader.next(message) == status::message);
    CHECK(message == "a");
    CHECK(reader.buffered() == 3);
    reader.keep_lent();
    lent.assign(lent.size(), 'z');
    CHECK(reader.buffered() == 3);
    CHECK(drain(reader) == std::vector<std::string>{"", "c"});
    reader.keep_lent(); // nothing lent: nothing to do
    CHECK(reader.buffered() == 0);
}

TEST_CASE("length-prefixed: lent bytes behind buffered ones are joined to them, in order") {
    length_prefixed_reader reader;
    const std::string whole = frame("joined") + frame("next");
    reader.append(whole.substr(0, 3));
    std::string lent = whole.substr(3);
    reader.lend(lent);
    std::string_view message;
    REQUIRE(reader.next(message) == status::message);
    CHECK(message == "joined");
    CHECK_FALSE(inside(message, lent));
    CHECK(drain(reader) == std::vector<std::string>{"next"});
    reader.keep_lent();
    CHECK(reader.buffered() == 0);
}

TEST_CASE("length-prefixed: lent bytes obey the frame limit and the prefix rules like appended ones") {
    std::string_view message;
    SECTION("a frame at the limit is read; one over it is refused from its prefix alone") {
        length_prefixed_reader exact(100);
        std::string lent = frame(std::string(99, 'x'));
        exact.lend(lent);
        REQUIRE(exact.next(message) == status::message);
        CHECK(message.size() == 99);
        length_prefixed_reader over(100);
        std::string prefix = prefix_of(100);
        over.lend(prefix);
        CHECK(over.next(message) == status::too_large);
    }
    SECTION("a malformed prefix") {
        length_prefixed_reader reader;
        std::string lent("\xff\xff\xff\xff\x08", 5);
        reader.lend(lent);
        CHECK(reader.next(message) == status::malformed);
    }
    SECTION("take_buffered() takes the unread lent bytes too") {
        length_prefixed_reader reader;
        std::string lent = frame("kept") + "\x05";
        reader.lend(lent);
        CHECK(reader.take_buffered() == lent);
        CHECK_FALSE(reader.lending());
        CHECK(reader.buffered() == 0);
    }
}
