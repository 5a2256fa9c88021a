#pragma once
// The definitions of writer.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/msgpack/writer.hpp>

namespace signalrpp::msgpack {

SIGNALRPP_DECL void writer::write_uint(std::uint64_t v) {
    if (v <= format::positive_fixint_max) {
        byte(static_cast<std::uint8_t>(v));
    } else if (v <= std::numeric_limits<std::uint8_t>::max()) {
        marked(format::uint8, static_cast<std::uint8_t>(v));
    } else if (v <= std::numeric_limits<std::uint16_t>::max()) {
        marked(format::uint16, static_cast<std::uint16_t>(v));
    } else if (v <= std::numeric_limits<std::uint32_t>::max()) {
        marked(format::uint32, static_cast<std::uint32_t>(v));
    } else {
        marked(format::uint64, v);
    }
}

SIGNALRPP_DECL void writer::write_int(std::int64_t v) {
    if (v >= 0) {
        write_uint(static_cast<std::uint64_t>(v));
    } else if (v >= -32) {
        byte(static_cast<std::uint8_t>(v));
    } else if (v >= std::numeric_limits<std::int8_t>::min()) {
        marked(format::int8, static_cast<std::uint8_t>(v));
    } else if (v >= std::numeric_limits<std::int16_t>::min()) {
        marked(format::int16, static_cast<std::uint16_t>(v));
    } else if (v >= std::numeric_limits<std::int32_t>::min()) {
        marked(format::int32, static_cast<std::uint32_t>(v));
    } else {
        marked(format::int64, static_cast<std::uint64_t>(v));
    }
}

SIGNALRPP_DECL void writer::write_string(std::string_view s) {
    if (s.size() <= format::fixstr_max_length) {
        byte(static_cast<std::uint8_t>(format::fixstr | s.size()));
    } else {
        sized(s.size(), format::str8, format::str16, format::str32);
    }
    out_.append(s);
}

SIGNALRPP_DECL void writer::write_binary(std::string_view bytes) {
    sized(bytes.size(), format::bin8, format::bin16, format::bin32);
    out_.append(bytes);
}

SIGNALRPP_DECL void writer::write_array_header(std::size_t count) {
    if (count <= format::fixarray_max_count) {
        byte(static_cast<std::uint8_t>(format::fixarray | count));
    } else {
        sized(count, 0, format::array16, format::array32);
    }
}

SIGNALRPP_DECL void writer::write_map_header(std::size_t count) {
    if (count <= format::fixmap_max_count) {
        byte(static_cast<std::uint8_t>(format::fixmap | count));
    } else {
        sized(count, 0, format::map16, format::map32);
    }
}

SIGNALRPP_DECL void writer::write_extension(std::int8_t type, std::string_view data) {
    switch (data.size()) {
    case 1: byte(format::fixext1); break;
    case 2: byte(format::fixext2); break;
    case 4: byte(format::fixext4); break;
    case 8: byte(format::fixext8); break;
    case 16: byte(format::fixext16); break;
    default: sized(data.size(), format::ext8, format::ext16, format::ext32); break;
    }
    byte(static_cast<std::uint8_t>(type));
    out_.append(data);
}

SIGNALRPP_DECL void writer::write_timestamp(std::int64_t seconds, std::uint32_t nanoseconds) {
    char data[12];
    if (seconds >= 0 && (static_cast<std::uint64_t>(seconds) >> 34) == 0) {
        const std::uint64_t packed = (std::uint64_t{nanoseconds} << 34) | static_cast<std::uint64_t>(seconds);
        if ((packed >> 32) == 0) {
            store(data, static_cast<std::uint32_t>(packed));
            write_extension(format::timestamp_extension, std::string_view(data, 4));
        } else {
            store(data, packed);
            write_extension(format::timestamp_extension, std::string_view(data, 8));
        }
        return;
    }
    store(data, nanoseconds);
    store(data + 4, static_cast<std::uint64_t>(seconds));
    write_extension(format::timestamp_extension, std::string_view(data, 12));
}

SIGNALRPP_DECL void writer::sized(std::size_t length, std::uint8_t marker8, std::uint8_t marker16, std::uint8_t marker32) {
    if (marker8 != 0 && length <= std::numeric_limits<std::uint8_t>::max()) {
        marked(marker8, static_cast<std::uint8_t>(length));
    } else if (length <= std::numeric_limits<std::uint16_t>::max()) {
        marked(marker16, static_cast<std::uint16_t>(length));
    } else if (length <= std::numeric_limits<std::uint32_t>::max()) {
        marked(marker32, static_cast<std::uint32_t>(length));
    } else {
        throw std::length_error("a MessagePack string, binary, extension or container holds at most 2^32 - 1 "
                                "bytes or elements");
    }
}

} // namespace signalrpp::msgpack
