#pragma once
// std::chrono::system_clock::time_point as a MessagePack timestamp (extension -1), as .NET writes a
// DateTime: seconds since 1970-01-01T00:00:00Z and nanoseconds, in the shortest of the three layouts.
// A timestamp the clock cannot hold is refused (libstdc++'s system_clock spans the years 1677 to 2262,
// so .NET's DateTime.MinValue, 0001-01-01, does not read).

#include <signalrpp/msgpack/serializer.hpp>

#include <chrono>
#include <cstdint>

namespace signalrpp::msgpack {

template <>
struct serializer<std::chrono::system_clock::time_point> {
    using time_point = std::chrono::system_clock::time_point;

    static bool read(reader& in, time_point& out) {
        using namespace std::chrono;
        std::int64_t seconds = 0;
        std::uint32_t nanoseconds = 0;
        if (!in.read_timestamp(seconds, nanoseconds)) {
            return false;
        }
        // Whole seconds the clock holds, with room for the nanoseconds.
        constexpr auto first = duration_cast<std::chrono::seconds>(time_point::min().time_since_epoch()).count() + 1;
        constexpr auto last = duration_cast<std::chrono::seconds>(time_point::max().time_since_epoch()).count() - 1;
        if (seconds < first || seconds > last) {
            return false;
        }
        out = time_point(duration_cast<system_clock::duration>(std::chrono::seconds(seconds) +
                                                               std::chrono::nanoseconds(nanoseconds)));
        return true;
    }

    static void write(writer& out, const time_point& v) {
        using namespace std::chrono;
        const auto seconds = floor<std::chrono::seconds>(v);
        const auto nanoseconds = duration_cast<std::chrono::nanoseconds>(v - seconds);
        out.write_timestamp(seconds.time_since_epoch().count(), static_cast<std::uint32_t>(nanoseconds.count()));
    }
};

} // namespace signalrpp::msgpack
