#include <signalrpp/msgpack/writer.hpp>

#include "msgpack_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using msgpack_test::hex;
using msgpack_test::written;
using signalrpp::msgpack::writer;

namespace {

std::string uint_form(std::uint64_t v) {
    return written([&](writer& w) { w.write_uint(v); });
}
std::string int_form(std::int64_t v) {
    return written([&](writer& w) { w.write_int(v); });
}

} // namespace

TEST_CASE("unsigned integers take their smallest form") {
    CHECK(uint_form(0) == "00");
    CHECK(uint_form(127) == "7f");
    CHECK(uint_form(128) == "cc 80");
    CHECK(uint_form(255) == "cc ff");
    CHECK(uint_form(256) == "cd 01 00");
    CHECK(uint_form(65535) == "cd ff ff");
    CHECK(uint_form(65536) == "ce 00 01 00 00");
    CHECK(uint_form(4294967295u) == "ce ff ff ff ff");
    CHECK(uint_form(4294967296u) == "cf 00 00 00 01 00 00 00 00");
    CHECK(uint_form(std::numeric_limits<std::uint64_t>::max()) == "cf ff ff ff ff ff ff ff ff");
}

TEST_CASE("signed integers: zero and up in the unsigned forms, below zero in the signed ones, as .NET writes them") {
    CHECK(int_form(0) == "00");
    CHECK(int_form(200) == "cc c8");
    CHECK(int_form(40000) == "cd 9c 40");
    CHECK(int_form(-1) == "ff");
    CHECK(int_form(-32) == "e0");
    CHECK(int_form(-33) == "d0 df");
    CHECK(int_form(-128) == "d0 80");
    CHECK(int_form(-129) == "d1 ff 7f");
    CHECK(int_form(-32768) == "d1 80 00");
    CHECK(int_form(-32769) == "d2 ff ff 7f ff");
    CHECK(int_form(std::numeric_limits<std::int32_t>::min()) == "d2 80 00 00 00");
    CHECK(int_form(std::int64_t{std::numeric_limits<std::int32_t>::min()} - 1) == "d3 ff ff ff ff 7f ff ff ff");
    CHECK(int_form(std::numeric_limits<std::int64_t>::min()) == "d3 80 00 00 00 00 00 00 00");
    CHECK(int_form(std::numeric_limits<std::int64_t>::max()) == "cf 7f ff ff ff ff ff ff ff");
}

TEST_CASE("nil, booleans and floating-point numbers") {
    CHECK(written([](writer& w) { w.write_nil(); }) == "c0");
    CHECK(written([](writer& w) { w.write_bool(false); }) == "c2");
    CHECK(written([](writer& w) { w.write_bool(true); }) == "c3");
    CHECK(written([](writer& w) { w.write_float32(1.5f); }) == "ca 3f c0 00 00");
    CHECK(written([](writer& w) { w.write_float64(1.5); }) == "cb 3f f8 00 00 00 00 00 00");
    CHECK(written([](writer& w) { w.write_float64(-0.0); }) == "cb 80 00 00 00 00 00 00 00");
}

TEST_CASE("strings and binary take the shortest length form") {
    const auto string_head = [](std::size_t n) {
        return written([&](writer& w) { w.write_string(std::string(n, 'x')); }).substr(0, 14);
    };
    CHECK(written([](writer& w) { w.write_string(""); }) == "a0");
    CHECK(written([](writer& w) { w.write_string("abc"); }) == "a3 61 62 63");
    CHECK(string_head(31).substr(0, 2) == "bf");
    CHECK(string_head(32).substr(0, 5) == "d9 20");
    CHECK(string_head(255).substr(0, 5) == "d9 ff");
    CHECK(string_head(256).substr(0, 8) == "da 01 00");
    CHECK(string_head(65536).substr(0, 14) == "db 00 01 00 00");

    CHECK(written([](writer& w) { w.write_binary(""); }) == "c4 00");
    CHECK(written([](writer& w) { w.write_binary(std::string("\x01\x02", 2)); }) == "c4 02 01 02");
    CHECK(written([](writer& w) { w.write_binary(std::string(256, '\0')); }).substr(0, 8) == "c5 01 00");
    CHECK(written([](writer& w) { w.write_binary(std::string(65536, '\0')); }).substr(0, 14) == "c6 00 01 00 00");
}

TEST_CASE("array and map headers take the shortest form") {
    CHECK(written([](writer& w) { w.write_array_header(0); }) == "90");
    CHECK(written([](writer& w) { w.write_array_header(15); }) == "9f");
    CHECK(written([](writer& w) { w.write_array_header(16); }) == "dc 00 10");
    CHECK(written([](writer& w) { w.write_array_header(65536); }) == "dd 00 01 00 00");
    CHECK(written([](writer& w) { w.write_map_header(0); }) == "80");
    CHECK(written([](writer& w) { w.write_map_header(15); }) == "8f");
    CHECK(written([](writer& w) { w.write_map_header(16); }) == "de 00 10");
    CHECK(written([](writer& w) { w.write_map_header(70000); }) == "df 00 01 11 70");
    // The hub protocol's Ping: the array [6], exactly these two bytes.
    CHECK(written([](writer& w) {
              w.write_array_header(1);
              w.write_int(6);
          }) == "91 06");
}

TEST_CASE("extensions: fixext for 1, 2, 4, 8 and 16 bytes, ext 8/16/32 otherwise") {
    const auto ext = [](std::size_t n) {
        return written([&](writer& w) { w.write_extension(5, std::string(n, '\xaa')); });
    };
    CHECK(ext(1) == "d4 05 aa");
    CHECK(ext(2) == "d5 05 aa aa");
    CHECK(ext(4).substr(0, 5) == "d6 05");
    CHECK(ext(8).substr(0, 5) == "d7 05");
    CHECK(ext(16).substr(0, 5) == "d8 05");
    CHECK(ext(0) == "c7 00 05");
    CHECK(ext(3) == "c7 03 05 aa aa aa");
    CHECK(ext(300).substr(0, 11) == "c8 01 2c 05");
    CHECK(ext(70000).substr(0, 17) == "c9 00 01 11 70 05");
}

TEST_CASE("timestamps take the shortest of their three layouts") {
    const auto timestamp = [](std::int64_t s, std::uint32_t ns) {
        return written([&](writer& w) { w.write_timestamp(s, ns); });
    };
    CHECK(timestamp(0, 0) == "d6 ff 00 00 00 00");
    CHECK(timestamp(4294967295, 0) == "d6 ff ff ff ff ff");
    CHECK(timestamp(4294967296, 0) == "d7 ff 00 00 00 01 00 00 00 00");
    CHECK(timestamp(1, 1) == "d7 ff 00 00 00 04 00 00 00 01");
    CHECK(timestamp(17179869183, 999999999) == "d7 ff ee 6b 27 ff ff ff ff ff");
    CHECK(timestamp(17179869184, 0) == "c7 0c ff 00 00 00 00 00 00 00 04 00 00 00 00");
    CHECK(timestamp(-1, 500) == "c7 0c ff 00 00 01 f4 ff ff ff ff ff ff ff ff");
}

TEST_CASE("raw bytes are appended as they are, after what is there") {
    std::string out = "\x92";
    writer w(out);
    w.write_raw(std::string("\xa1x", 2));
    w.write_nil();
    CHECK(hex(out) == "92 a1 78 c0");
    CHECK(&w.output() == &out);
}
