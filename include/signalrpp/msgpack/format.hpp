#pragma once
// The MessagePack format's markers: the first byte of every value (msgpack spec, "Formats"), and the
// extension type of timestamps. The reader and the writer share them.
//
// A first byte either is a whole small value (positive fixint 0x00-0x7f, negative fixint 0xe0-0xff), or
// holds a small length (fixmap 0x80-0x8f, fixarray 0x90-0x9f, fixstr 0xa0-0xbf), or names a format
// whose length or value follows in big-endian bytes. 0xc1 is never used.

#include <cstdint>

namespace signalrpp::msgpack::format {

inline constexpr std::uint8_t positive_fixint_max = 0x7f;
inline constexpr std::uint8_t fixmap = 0x80;   ///< | count, count <= 15
inline constexpr std::uint8_t fixarray = 0x90; ///< | count, count <= 15
inline constexpr std::uint8_t fixstr = 0xa0;   ///< | length, length <= 31
inline constexpr std::uint8_t nil = 0xc0;
inline constexpr std::uint8_t never_used = 0xc1;
inline constexpr std::uint8_t false_value = 0xc2;
inline constexpr std::uint8_t true_value = 0xc3;
inline constexpr std::uint8_t bin8 = 0xc4;
inline constexpr std::uint8_t bin16 = 0xc5;
inline constexpr std::uint8_t bin32 = 0xc6;
inline constexpr std::uint8_t ext8 = 0xc7;
inline constexpr std::uint8_t ext16 = 0xc8;
inline constexpr std::uint8_t ext32 = 0xc9;
inline constexpr std::uint8_t float32 = 0xca;
inline constexpr std::uint8_t float64 = 0xcb;
inline constexpr std::uint8_t uint8 = 0xcc;
inline constexpr std::uint8_t uint16 = 0xcd;
inline constexpr std::uint8_t uint32 = 0xce;
inline constexpr std::uint8_t uint64 = 0xcf;
inline constexpr std::uint8_t int8 = 0xd0;
inline constexpr std::uint8_t int16 = 0xd1;
inline constexpr std::uint8_t int32 = 0xd2;
inline constexpr std::uint8_t int64 = 0xd3;
inline constexpr std::uint8_t fixext1 = 0xd4; ///< fixextN: the type, then N bytes of data
inline constexpr std::uint8_t fixext2 = 0xd5;
inline constexpr std::uint8_t fixext4 = 0xd6;
inline constexpr std::uint8_t fixext8 = 0xd7;
inline constexpr std::uint8_t fixext16 = 0xd8;
inline constexpr std::uint8_t str8 = 0xd9;
inline constexpr std::uint8_t str16 = 0xda;
inline constexpr std::uint8_t str32 = 0xdb;
inline constexpr std::uint8_t array16 = 0xdc;
inline constexpr std::uint8_t array32 = 0xdd;
inline constexpr std::uint8_t map16 = 0xde;
inline constexpr std::uint8_t map32 = 0xdf;
inline constexpr std::uint8_t negative_fixint_min = 0xe0; ///< -32 .. -1

inline constexpr std::uint8_t fixmap_max_count = 15;
inline constexpr std::uint8_t fixarray_max_count = 15;
inline constexpr std::uint8_t fixstr_max_length = 31;

/// The extension type of timestamps: 4 bytes (seconds), 8 bytes (nanoseconds << 34 | seconds) or
/// 12 bytes (nanoseconds, then signed seconds), seconds since 1970-01-01T00:00:00Z.
inline constexpr std::int8_t timestamp_extension = -1;

} // namespace signalrpp::msgpack::format
