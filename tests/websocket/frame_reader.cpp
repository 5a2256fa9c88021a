#include <signalrpp/websocket/frame_reader.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ws = signalrpp::websocket;
using status = ws::frame_reader::status;

namespace {

const ws::masking_key key = {0x37, 0xfa, 0x21, 0x3d};

// A client's frame (masked).
std::string client_frame(ws::opcode op, std::string_view payload, bool fin = true) {
    std::string out;
    ws::write_frame(out, op, payload, fin, key);
    return out;
}

// What a reader makes of `input` fed in pieces: "message:text:<payload>", "ping:<payload>",
// "close:<code>:<reason>", and finally "error:<code>" if it failed.
std::vector<std::string> events(std::string_view input, ws::role role = ws::role::server, std::size_t piece = 1 << 20,
                                ws::reader_limits limits = {}) {
    ws::frame_reader reader(role, limits);
    std::vector<std::string> seen;
    std::string buffer;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        buffer.append(input.substr(at, piece));
        for (;;) {
            status s;
            const std::size_t used = reader.parse(buffer, s);
            buffer.erase(0, used);
            switch (s) {
            case status::message:
                seen.push_back(std::string("message:") +
                               (reader.message_opcode() == ws::opcode::text ? "text:" : "binary:") + reader.payload());
                continue;
            case status::ping: seen.push_back("ping:" + reader.payload()); continue;
            case status::pong: seen.push_back("pong:" + reader.payload()); continue;
            case status::close:
                seen.push_back("close:" + std::to_string(reader.close_status()) + ":" + std::string(reader.close_reason()));
                continue;
            case status::error: seen.push_back("error:" + std::to_string(reader.error_code())); return seen;
            case status::incomplete: break;
            }
            break;
        }
    }
    return seen;
}

using list = std::vector<std::string>;

} // namespace

TEST_CASE("masked text and binary messages of every length encoding") {
    const std::string medium(300, 'm');    // 16-bit length
    const std::string large(70000, 'L');   // 64-bit length
    CHECK(events(client_frame(ws::opcode::text, "hello") + client_frame(ws::opcode::binary, std::string("\0\1\2", 3)) +
                 client_frame(ws::opcode::text, medium) + client_frame(ws::opcode::binary, large)) ==
          list{"message:text:hello", std::string("message:binary:\0\1\2", 18), "message:text:" + medium,
               "message:binary:" + large});
}

TEST_CASE("frames split at every byte are read the same") {
    const std::string input = client_frame(ws::opcode::text, "first", false) + client_frame(ws::opcode::ping, "p") +
                              client_frame(ws::opcode::continuation, " second") +
                              client_frame(ws::opcode::text, std::string(200, 'x')) + client_frame(ws::opcode::close, "");
    const list expected{"ping:p", "message:text:first second", "message:text:" + std::string(200, 'x'),
                        "close:1005:"};
    for (std::size_t piece = 1; piece <= 16; ++piece) {
        INFO("piece " << piece);
        CHECK(events(input, ws::role::server, piece) == expected);
    }
}

TEST_CASE("fragments join into one message; control frames may come between them") {
    CHECK(events(client_frame(ws::opcode::binary, "a", false) + client_frame(ws::opcode::pong, "") +
                 client_frame(ws::opcode::continuation, "b", false) + client_frame(ws::opcode::continuation, "c")) ==
          list{"pong:", "message:binary:abc"});
}

TEST_CASE("a client frame without a mask is a protocol error (1002)") {
    std::string unmasked;
    ws::write_frame(unmasked, ws::opcode::text, "hi");
    CHECK(events(unmasked) == list{"error:1002"});
    // and the other way round, for the client role
    CHECK(events(client_frame(ws::opcode::text, "hi"), ws::role::client) == list{"error:1002"});
    CHECK(events(unmasked, ws::role::client) == list{"message:text:hi"});
}

TEST_CASE("reserved bits and unknown opcodes are protocol errors (1002)") {
    std::string frame = client_frame(ws::opcode::text, "x");
    for (const unsigned char bit : {0x40, 0x20, 0x10}) {
        std::string f = frame;
        f[0] = static_cast<char>(static_cast<unsigned char>(f[0]) | bit);
        CHECK(events(f) == list{"error:1002"});
    }
    for (const unsigned char op : {0x3, 0x7, 0xb, 0xf}) {
        std::string f = frame;
        f[0] = static_cast<char>(0x80 | op);
        CHECK(events(f) == list{"error:1002"});
    }
}

TEST_CASE("fragmented or oversized control frames are protocol errors (1002)") {
    CHECK(events(client_frame(ws::opcode::ping, "x", false)) == list{"error:1002"});
    CHECK(events(client_frame(ws::opcode::ping, std::string(126, 'p'))) == list{"error:1002"});
    CHECK(events(client_frame(ws::opcode::pong, std::string(125, 'p'))) == list{"pong:" + std::string(125, 'p')});
}

TEST_CASE("continuations need a message under way, and a new message needs none (1002)") {
    CHECK(events(client_frame(ws::opcode::continuation, "x")) == list{"error:1002"});
    CHECK(events(client_frame(ws::opcode::text, "a", false) + client_frame(ws::opcode::text, "b")) == list{"error:1002"});
}

TEST_CASE("text that is not UTF-8 is invalid payload (1007), even across fragments") {
    CHECK(events(client_frame(ws::opcode::text, "bad \xff")) == list{"error:1007"});
    // A code point split between fragments is fine; a truncated one at the end is not.
    CHECK(events(client_frame(ws::opcode::text, "\xe2\x82", false) + client_frame(ws::opcode::continuation, "\xac")) ==
          list{"message:text:\xe2\x82\xac"});
    CHECK(events(client_frame(ws::opcode::text, "\xe2\x82")) == list{"error:1007"});
    CHECK(events(client_frame(ws::opcode::binary, "\xff")) == list{"message:binary:\xff"});
}

TEST_CASE("a message over the limit is too big (1009), before its payload is kept") {
    ws::reader_limits limits;
    limits.max_message = 100;
    CHECK(events(client_frame(ws::opcode::text, std::string(100, 'a')), ws::role::server, 1 << 20, limits) ==
          list{"message:text:" + std::string(100, 'a')});
    CHECK(events(client_frame(ws::opcode::text, std::string(101, 'a')).substr(0, 8), ws::role::server, 1 << 20,
                 limits) == list{"error:1009"});
    CHECK(events(client_frame(ws::opcode::text, std::string(60, 'a'), false) +
                     client_frame(ws::opcode::continuation, std::string(60, 'a')),
                 ws::role::server, 1 << 20, limits) == list{"error:1009"});
}

TEST_CASE("close frames: no payload, a code, a code and reason; bad codes and reasons are refused") {
    std::string close_frame;
    ws::write_close(close_frame, 1000, "bye", key);
    CHECK(events(close_frame) == list{"close:1000:bye"});
    CHECK(events(client_frame(ws::opcode::close, "")) == list{"close:1005:"});
    CHECK(events(client_frame(ws::opcode::close, "\x03")) == list{"error:1002"});
    for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
        std::string f;
        ws::write_close(f, code, "", key);
        INFO(code);
        CHECK(events(f) == list{"error:1002"});
    }
    for (const std::uint16_t code : {1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999}) {
        std::string f;
        ws::write_close(f, code, "", key);
        CHECK(events(f) == list{"close:" + std::to_string(code) + ":"});
    }
    std::string bad_reason;
    ws::write_close(bad_reason, 1000, "\xff", key);
    CHECK(events(bad_reason) == list{"error:1007"});
}

TEST_CASE("a 64-bit length with the top bit set is a protocol error") {
    std::string f = "\x82\xff";
    f += std::string("\x80\0\0\0\0\0\0\0", 8);
    f += "abcd";
    CHECK(events(f) == list{"error:1002"});
}

TEST_CASE("after an error the reader reads nothing more") {
    ws::frame_reader reader(ws::role::server);
    status s;
    std::string unmasked;
    ws::write_frame(unmasked, ws::opcode::text, "hi");
    reader.parse(unmasked, s);
    REQUIRE(s == status::error);
    CHECK(reader.parse(client_frame(ws::opcode::text, "hi"), s) == 0);
    CHECK(s == status::error);
    CHECK_FALSE(reader.error_reason().empty());
}
