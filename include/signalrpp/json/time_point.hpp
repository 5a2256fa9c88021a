#pragma once
// std::chrono::system_clock::time_point as an ISO-8601 UTC string, as .NET writes a UTC DateTime:
// "2000-01-01T00:00:00Z", with up to 7 fractional digits (100 ns, .NET's tick) when the time has them.
// Reading accepts what .NET and JavaScript peers send: a date ("2000-01-01"), or a date and time with any
// number of fractional digits and an optional "Z" or "+hh:mm"/"-hh:mm" offset; no offset means UTC.
// A date the clock cannot hold is refused (libstdc++'s system_clock spans the years 1677 to 2262, so
// .NET's DateTime.MinValue, 0001-01-01, does not read).

#include <signalrpp/json/serializer.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace signalrpp::json {

namespace detail {

// Reads exactly `count` digits at `pos`; false if any is not a digit.
constexpr bool read_digits(std::string_view text, std::size_t& pos, int count, int& out) {
    if (text.size() < pos + static_cast<std::size_t>(count)) {
        return false;
    }
    out = 0;
    for (int i = 0; i < count; ++i, ++pos) {
        const char c = text[pos];
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + (c - '0');
    }
    return true;
}

constexpr bool read_char(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

inline bool parse_iso8601(std::string_view text, std::chrono::system_clock::time_point& out) {
    using namespace std::chrono;
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0;
    if (!read_digits(text, pos, 4, year) || !read_char(text, pos, '-') || !read_digits(text, pos, 2, month) ||
        !read_char(text, pos, '-') || !read_digits(text, pos, 2, day)) {
        return false;
    }
    const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return false;
    }
    nanoseconds time_of_day{0};
    if (pos < text.size()) {
        int hour = 0, minute = 0, second = 0;
        if (!read_char(text, pos, 'T') || !read_digits(text, pos, 2, hour) || !read_char(text, pos, ':') ||
            !read_digits(text, pos, 2, minute) || !read_char(text, pos, ':') || !read_digits(text, pos, 2, second) ||
            hour > 23 || minute > 59 || second > 59) {
            return false;
        }
        time_of_day = hours{hour} + minutes{minute} + seconds{second};
        if (read_char(text, pos, '.')) {
            std::int64_t fraction = 0;
            int digits = 0;
            for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
                if (digits < 9) {
                    fraction = fraction * 10 + (text[pos] - '0');
                }
            }
            if (digits == 0) {
                return false;
            }
            for (int d = digits; d < 9; ++d) {
                fraction *= 10;
            }
            time_of_day += nanoseconds{fraction};
        }
        if (read_char(text, pos, 'Z')) {
            // UTC
        } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            const bool ahead = text[pos++] == '+';
            int offset_hours = 0, offset_minutes = 0;
            if (!read_digits(text, pos, 2, offset_hours) || !read_char(text, pos, ':') ||
                !read_digits(text, pos, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
                return false;
            }
            const minutes offset = hours{offset_hours} + minutes{offset_minutes};
            time_of_day -= ahead ? offset : -offset;
        }
    }
    if (pos != text.size()) {
        return false;
    }
    // The clock may not reach the date (libstdc++ counts nanoseconds: years 1677 to 2262); a day's margin
    // on each side leaves room for the time of day and the offset.
    const sys_days first_day = floor<days>(system_clock::time_point::min()) + days{1};
    const sys_days last_day = floor<days>(system_clock::time_point::max()) - days{1};
    if (sys_days{date} < first_day || sys_days{date} > last_day) {
        return false;
    }
    out = time_point_cast<system_clock::duration>(sys_days{date} + time_of_day);
    return true;
}

} // namespace detail

template <>
struct serializer<std::chrono::system_clock::time_point> {
    using time_point = std::chrono::system_clock::time_point;

    static bool read(const value& in, time_point& out) {
        return in.IsString() && detail::parse_iso8601({in.GetString(), in.GetStringLength()}, out);
    }

    static void write(writer& out, const time_point& v) {
        using namespace std::chrono;
        using ticks = duration<std::int64_t, std::ratio<1, 10'000'000>>; // .NET's 100 ns
        const auto day = floor<days>(v);
        const year_month_day date{day};
        const hh_mm_ss time{floor<ticks>(v - day)};
        const int year = static_cast<int>(date.year());
        if (year < 1 || year > 9999) {
            throw std::domain_error("a time point outside the years 1 to 9999 cannot be written as ISO-8601");
        }
        char text[40];
        int size = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", year,
                                 static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                 static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                                 static_cast<int>(time.seconds().count()));
        if (auto fraction = time.subseconds().count(); fraction != 0) {
            int digits = 7;
            while (fraction % 10 == 0) {
                fraction /= 10;
                --digits;
            }
            size += std::snprintf(text + size, sizeof text - static_cast<std::size_t>(size), ".%0*lld", digits,
                                  static_cast<long long>(fraction));
        }
        text[size++] = 'Z';
        out.String(text, static_cast<rapidjson::SizeType>(size));
    }
};

} // namespace signalrpp::json
