#include <signalrpp/json/time_point.hpp>

#include "json_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

using json_test::read_as;
using json_test::reads;
using signalrpp::json::to_string;
using namespace std::chrono;

namespace {
system_clock::time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}
} // namespace

TEST_CASE("time points are written as .NET writes a UTC DateTime") {
    CHECK(to_string(utc(2000, 1, 1)) == R"("2000-01-01T00:00:00Z")");
    CHECK(to_string(utc(2024, 2, 29, 23, 59, 58)) == R"("2024-02-29T23:59:58Z")");
    CHECK(to_string(utc(2000, 1, 1) + milliseconds{500}) == R"("2000-01-01T00:00:00.5Z")");
    CHECK(to_string(utc(2000, 1, 1) + microseconds{1234}) == R"("2000-01-01T00:00:00.001234Z")");
    // .NET keeps 100 ns ticks: finer digits are dropped.
    CHECK(to_string(utc(2000, 1, 1) + nanoseconds{123456789}) == R"("2000-01-01T00:00:00.1234567Z")");
    CHECK(to_string(utc(1969, 12, 31, 23, 59, 59)) == R"("1969-12-31T23:59:59Z")");
}

TEST_CASE("dates the clock cannot hold are refused, not wrapped around") {
    const auto first = floor<days>(system_clock::time_point::min()) + days{2};
    const auto last = floor<days>(system_clock::time_point::max()) - days{2};
    CHECK(read_as<system_clock::time_point>(to_string(system_clock::time_point{first})).ok);
    CHECK(read_as<system_clock::time_point>(to_string(system_clock::time_point{last})).ok);
    const year_month_day before{first - days{365 * 2}};
    const year_month_day after{last + days{365 * 2}};
    char text[32];
    std::snprintf(text, sizeof text, "\"%04d-01-01T00:00:00Z\"", static_cast<int>(before.year()));
    CHECK_FALSE(reads<system_clock::time_point>(text));
    std::snprintf(text, sizeof text, "\"%04d-01-01T00:00:00Z\"", static_cast<int>(after.year()));
    CHECK_FALSE(reads<system_clock::time_point>(text));
}

TEST_CASE("time points read what .NET and JavaScript send") {
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01T00:00:00Z")").value == utc(2000, 1, 1));
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01T00:00:00.000Z")").value == utc(2000, 1, 1));
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01T12:30:00.25Z")").value ==
          utc(2000, 1, 1, 12, 30) + milliseconds{250});
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01T12:30:00")").value == utc(2000, 1, 1, 12, 30));
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01")").value == utc(2000, 1, 1));
    CHECK(read_as<system_clock::time_point>(R"("2000-01-01T02:00:00+02:00")").value == utc(2000, 1, 1));
    CHECK(read_as<system_clock::time_point>(R"("1999-12-31T22:30:00-01:30")").value == utc(2000, 1, 1));
    // Round trip.
    const auto t = utc(2031, 7, 4, 5, 6, 7) + microseconds{890};
    CHECK(read_as<system_clock::time_point>(to_string(t)).value == t);
}

TEST_CASE("time points reject malformed and impossible dates") {
    const char* bad[] = {
        R"("2000-02-30T00:00:00Z")", R"("2000-13-01")",          R"("2000-01-01T24:00:00Z")",
        R"("2000-01-01T00:60:00Z")", R"("2000-01-01T00:00:00.Z")", R"("2000-01-01T00:00:00Zjunk")",
        R"("2000-1-01")",            R"("")",                     R"("2000-01-01T00:00:00+0200")",
        "946684800",                 "null",
    };
    for (const char* text : bad) {
        INFO(text);
        CHECK_FALSE(reads<system_clock::time_point>(text));
    }
}
