#include <signalrpp/websocket/frame.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace ws = signalrpp::websocket;

TEST_CASE("server frames: FIN and opcode, then the length, unmasked") {
    std::string out;
    ws::write_frame(out, ws::opcode::text, "Hello");
    CHECK(out == std::string("\x81\x05Hello"));
    out.clear();
    ws::write_frame(out, ws::opcode::binary, std::string(256, 'b'));
    CHECK(out.substr(0, 4) == std::string("\x82\x7e\x01\x00", 4));
    CHECK(out.size() == 4 + 256);
    out.clear();
    ws::write_frame(out, ws::opcode::binary, std::string(65536, 'b'));
    CHECK(out.substr(0, 10) == std::string("\x82\x7f\0\0\0\0\0\x01\0\0", 10));
    out.clear();
    ws::write_frame(out, ws::opcode::text, "part", false);
    CHECK(static_cast<unsigned char>(out[0]) == 0x01);
}

TEST_CASE("client frames are masked: the RFC 6455 example") {
    // RFC 6455, 5.7: a masked "Hello" with key 37 fa 21 3d.
    std::string out;
    ws::write_frame(out, ws::opcode::text, "Hello", true, ws::masking_key{0x37, 0xfa, 0x21, 0x3d});
    CHECK(out == std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"));
}

TEST_CASE("close frames carry the code big-endian and at most 123 bytes of reason") {
    std::string out;
    ws::write_close(out, 1000);
    CHECK(out == std::string("\x88\x02\x03\xe8", 4));
    out.clear();
    ws::write_close(out, 1011, std::string(200, 'r'));
    CHECK(out.size() == 2 + 125);
}

TEST_CASE("valid close codes are the defined ones") {
    CHECK(ws::valid_close_code(1000));
    CHECK(ws::valid_close_code(3000));
    CHECK_FALSE(ws::valid_close_code(1005));
    CHECK_FALSE(ws::valid_close_code(1006));
    CHECK_FALSE(ws::valid_close_code(5000));
}
