#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/msgpack/writer.hpp>

#include "msgpack_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

using msgpack_test::bytes;
using signalrpp::msgpack::kind;
using signalrpp::msgpack::reader;
using signalrpp::msgpack::writer;

namespace {

// Reads one Integer from `hex`; nothing if the read is refused (which must then consume nothing).
template <class Integer>
std::optional<Integer> integer(std::string_view hex) {
    const std::string data = bytes(hex);
    reader r(data);
    Integer v{};
    if (!r.read_integer(v)) {
        CHECK(r.position() == 0);
        return std::nullopt;
    }
    CHECK(r.at_end());
    return v;
}

} // namespace

TEST_CASE("the kind of the next value comes from its first byte") {
    const auto kind_of = [](std::string_view hex) {
        const std::string data = bytes(hex);
        return reader(data).next_kind();
    };
    CHECK(kind_of("") == kind::end);
    CHECK(kind_of("c0") == kind::nil);
    CHECK(kind_of("c3") == kind::boolean);
    CHECK(kind_of("05") == kind::integer);
    CHECK(kind_of("ff") == kind::integer);
    CHECK(kind_of("d3") == kind::integer);
    CHECK(kind_of("ca") == kind::float32);
    CHECK(kind_of("cb") == kind::float64);
    CHECK(kind_of("a1") == kind::string);
    CHECK(kind_of("d9 01") == kind::string);
    CHECK(kind_of("c4 00") == kind::binary);
    CHECK(kind_of("93") == kind::array);
    CHECK(kind_of("81") == kind::map);
    CHECK(kind_of("d6 ff") == kind::extension);
    CHECK(kind_of("c1") == kind::invalid);
}

TEST_CASE("integers read from every encoding, range-checked for the target type") {
    CHECK(integer<int>("05") == 5);
    CHECK(integer<int>("ff") == -1);
    CHECK(integer<int>("e0") == -32);
    CHECK(integer<int>("cc ff") == 255);
    CHECK(integer<int>("cd ff ff") == 65535);
    CHECK(integer<int>("d0 80") == -128);
    CHECK(integer<int>("d0 7f") == 127); // a wide form of a small value still reads
    CHECK(integer<int>("d1 80 00") == -32768);
    CHECK(integer<int>("d2 80 00 00 00") == std::numeric_limits<int>::min());
    CHECK(integer<std::int64_t>("d3 80 00 00 00 00 00 00 00") == std::numeric_limits<std::int64_t>::min());
    CHECK(integer<std::uint64_t>("cf ff ff ff ff ff ff ff ff") == std::numeric_limits<std::uint64_t>::max());

    CHECK_FALSE(integer<std::uint8_t>("cd 01 00"));              // 256
    CHECK_FALSE(integer<std::uint8_t>("ff"));                    // -1
    CHECK_FALSE(integer<std::uint64_t>("d3 ff ff ff ff ff ff ff ff")); // -1 in int64
    CHECK_FALSE(integer<std::int8_t>("d1 ff 7f"));               // -129
    CHECK_FALSE(integer<int>("ce 80 00 00 00"));                 // 2^31
    CHECK_FALSE(integer<std::int64_t>("cf 80 00 00 00 00 00 00 00")); // 2^63
    CHECK(integer<std::int64_t>("cf 7f ff ff ff ff ff ff ff") == std::numeric_limits<std::int64_t>::max());
    CHECK_FALSE(integer<int>("cd 01"));  // truncated
    CHECK_FALSE(integer<int>("c0"));     // nil
    CHECK_FALSE(integer<int>("ca 3f c0 00 00")); // a float is not an integer
}

TEST_CASE("what the writer writes, the reader reads back, across each form's edges") {
    const std::int64_t edges[] = {0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128,
                                  -129, -32768, -32769, std::numeric_limits<std::int32_t>::min(),
                                  std::int64_t{std::numeric_limits<std::int32_t>::min()} - 1,
                                  std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
    std::string data;
    writer w(data);
    for (const auto v : edges) {
        w.write_int(v);
    }
    reader r(data);
    for (const auto expected : edges) {
        std::int64_t v = 0;
        REQUIRE(r.read_integer(v));
        CHECK(v == expected);
    }
    CHECK(r.at_end());
}

TEST_CASE("nil and booleans read only as themselves; floating-point reads take integers too") {
    const std::string data = bytes("c0 c2 c3 ca 3f c0 00 00 cb 3f f8 00 00 00 00 00 00 2a d0 fe");
    reader r(data);
    bool b = true;
    double d = 0;
    CHECK_FALSE(r.read_bool(b)); // nil is not a boolean
    CHECK(r.read_nil());
    CHECK_FALSE(r.read_nil());
    CHECK(r.read_bool(b));
    CHECK_FALSE(b);
    CHECK(r.read_bool(b));
    CHECK(b);
    CHECK(r.read_double(d));
    CHECK(d == 1.5);
    CHECK(r.read_double(d));
    CHECK(d == 1.5);
    CHECK(r.read_double(d)); // integers read as doubles, as .NET reads them
    CHECK(d == 42);
    CHECK(r.read_double(d));
    CHECK(d == -2);
    CHECK(r.at_end());
    CHECK_FALSE(r.read_double(d));
    const std::string truncated = bytes("cb 3f f8 00");
    reader t(truncated);
    CHECK_FALSE(t.read_double(d));
    CHECK(t.position() == 0);
}

TEST_CASE("strings and binary come back as views of the input, each only as itself") {
    std::string data;
    writer w(data);
    w.write_string("hé");
    w.write_string(std::string(300, 's'));
    w.write_binary(std::string("\0\1\2", 3));
    reader r(data);
    std::string_view s;
    CHECK_FALSE(r.read_binary(s)); // a str is not a bin
    CHECK(r.read_string(s));
    CHECK(s == "hé");
    CHECK(s.data() >= data.data());
    CHECK(r.read_string(s));
    CHECK(s == std::string(300, 's'));
    CHECK_FALSE(r.read_string(s)); // a bin is not a str
    CHECK(r.read_binary(s));
    CHECK(s == std::string_view("\0\1\2", 3));
    CHECK(r.at_end());
}

TEST_CASE("a length past the end of the input is refused and consumes nothing") {
    for (const auto* hex : {"a5 61 62", "d9 05 61", "da 00", "db ff ff ff ff 00", "c4 03 00 00", "c6 7f ff ff ff",
                            "d6 ff 00", "c7 04 05 00", "c9 ff ff ff ff 05", "d8", "d4", "c7 00", "cd 01"}) {
        CAPTURE(hex);
        const std::string data = bytes(hex);
        reader r(data);
        std::string_view s;
        std::int8_t type = 0;
        CHECK_FALSE(r.read_string(s));
        CHECK_FALSE(r.read_binary(s));
        CHECK_FALSE(r.read_extension(type, s));
        CHECK_FALSE(r.skip());
        CHECK_FALSE(r.read_raw(s));
        CHECK(r.position() == 0);
    }
}

TEST_CASE("container headers: counts, and counts that the bytes left cannot hold refused at once") {
    std::size_t n = 0;
    {
        const std::string data = bytes("93 01 02 03");
        reader r(data);
        CHECK_FALSE(r.read_map_header(n));
        CHECK(r.read_array_header(n));
        CHECK(n == 3);
        CHECK(r.position() == 1);
    }
    {
        const std::string data = bytes("82 a1 61 01 a1 62 02");
        reader r(data);
        CHECK(r.read_map_header(n));
        CHECK(n == 2);
    }
    // Four billion elements claimed by a message of a few bytes: refused before anything is sized from it.
    for (const auto* hex : {"dd ff ff ff ff 00 00", "df ff ff ff ff 00 00", "dc 00 05 01 02 03 04", "83 01 02 03 04"}) {
        CAPTURE(hex);
        const std::string data = bytes(hex);
        reader r(data);
        CHECK_FALSE(r.read_array_header(n));
        CHECK_FALSE(r.read_map_header(n));
        CHECK_FALSE(r.skip());
        CHECK(r.position() == 0);
    }
}

TEST_CASE("skip and read_raw pass whole nested values, without recursion") {
    // [1, {"a": [nil, true]}, "x"], then 7
    const std::string data = bytes("93 01 81 a1 61 92 c0 c3 a1 78 07");
    reader r(data);
    std::string_view raw;
    CHECK(r.read_raw(raw));
    CHECK(raw == data.substr(0, 10));
    int seven = 0;
    CHECK(r.read_integer(seven));
    CHECK(seven == 7);

    // Nesting deeper than any stack would allow if it were walked by recursion.
    std::string deep(1'000'000, '\x91');
    deep.push_back('\xc0');
    reader d(deep);
    CHECK(d.skip());
    CHECK(d.at_end());
    deep.pop_back();
    reader truncated(deep);
    CHECK_FALSE(truncated.skip());
    CHECK(truncated.position() == 0);

    const std::string invalid = bytes("92 01 c1");
    reader i(invalid);
    CHECK_FALSE(i.skip());
}

TEST_CASE("every prefix of a value is refused, the whole value read") {
    std::string data;
    writer w(data);
    w.write_array_header(6);
    w.write_int(1);
    w.write_map_header(1);
    w.write_string("key");
    w.write_string("value");
    w.write_string("7");
    w.write_string("Target");
    w.write_array_header(2);
    w.write_float64(2.5);
    w.write_binary("bytes");
    w.write_array_header(0);
    for (std::size_t cut = 0; cut < data.size(); ++cut) {
        CAPTURE(cut);
        const std::string_view prefix(data.data(), cut);
        reader r(prefix);
        CHECK_FALSE(r.skip());
    }
    reader r(data);
    CHECK(r.skip());
    CHECK(r.at_end());
}

TEST_CASE("extensions, and timestamps in each of their layouts with their nanoseconds checked") {
    std::string data;
    writer w(data);
    w.write_timestamp(0, 0);
    w.write_timestamp(4294967296, 123);
    w.write_timestamp(-62135596800, 999999999); // 0001-01-01T00:00:00, as .NET's DateTime.MinValue
    w.write_extension(7, "abc");
    reader r(data);
    std::int64_t s = 1;
    std::uint32_t ns = 1;
    CHECK(r.read_timestamp(s, ns));
    CHECK((s == 0 && ns == 0));
    CHECK(r.read_timestamp(s, ns));
    CHECK((s == 4294967296 && ns == 123));
    CHECK(r.read_timestamp(s, ns));
    CHECK((s == -62135596800 && ns == 999999999));
    const auto before = r.position();
    CHECK_FALSE(r.read_timestamp(s, ns)); // extension 7 is not a timestamp
    CHECK(r.position() == before);
    std::int8_t type = 0;
    std::string_view ext;
    CHECK(r.read_extension(type, ext));
    CHECK(type == 7);
    CHECK(ext == "abc");
    CHECK(r.at_end());

    // Nanoseconds of a second or more, and a timestamp of another length, are refused.
    for (const auto* hex : {"d7 ff ee 6b 28 00 00 00 00 00", "c7 0c ff 3b 9a ca 00 00 00 00 00 00 00 00 00",
                            "d5 ff 00 00"}) {
        CAPTURE(hex);
        const std::string bad = bytes(hex);
        reader b(bad);
        CHECK_FALSE(b.read_timestamp(s, ns));
        CHECK(b.position() == 0);
    }
}
