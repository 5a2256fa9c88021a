#pragma once
// json::plain_prefix: how many bytes at the start of a text can stand in a JSON string as they are, up to
// the first '"', '\\' or control character (below 0x20, NUL included). The writer copies such runs
// whole and the in-situ parser skips them; both meet mostly plain text. json::plain_ascii_prefix stops
// at a byte above 0x7f too: a reader that meets only such bytes knows its text is valid UTF-8 unseen.
// Sixteen bytes at a time with SSE2 (every x86-64 has it), thirty-two with AVX2 on a processor that has
// it (chosen at run time, for texts long enough to pay for the call), else eight at a time in a 64-bit
// word. Reads only inside the text.
// detail::escapes, the one table of which bytes need an escape and which, serves both too.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SIGNALRPP_JSON_AVX2 1
#endif

namespace signalrpp::json {

namespace detail {

// The escape for each byte: 0 none, 'u' for \u00XX, otherwise the letter after the backslash.
inline constexpr std::array<char, 256> escapes = [] {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c) {
        table[static_cast<std::size_t>(c)] = 'u';
    }
    table['\b'] = 'b';
    table['\t'] = 't';
    table['\n'] = 'n';
    table['\f'] = 'f';
    table['\r'] = 'r';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}();

inline bool plain_byte(char c) noexcept { return escapes[static_cast<unsigned char>(c)] == 0; }

inline bool plain_ascii_byte(char c) noexcept { return static_cast<unsigned char>(c) < 0x80 && plain_byte(c); }

// True if none of the 8 bytes in `x` needs escaping (nor, if AsciiOnly, is above 0x7f).
template <bool AsciiOnly>
bool plain_word(std::uint64_t x) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t high = 0x80 * ones;
    const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & high; };
    const std::uint64_t below_space = (x - 0x20 * ones) & ~x & high;
    const std::uint64_t above_ascii = AsciiOnly ? x & high : 0;
    return (below_space | above_ascii | has_zero(x ^ ('"' * ones)) | has_zero(x ^ ('\\' * ones))) == 0;
}

// The prefix looked at one byte at a time from `i`: where the first byte that stops it is, or `size`.
template <bool AsciiOnly>
std::size_t plain_bytes_from(const char* text, std::size_t i, std::size_t size) noexcept {
    while (i < size && (AsciiOnly ? plain_ascii_byte(text[i]) : plain_byte(text[i]))) {
        ++i;
    }
    return i;
}

template <bool AsciiOnly>
std::size_t plain_prefix_portable(const char* text, std::size_t size) noexcept {
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1f);
    const __m128i space = _mm_set1_epi8(0x20);
    // The bytes of the sixteen at `at` that stop the prefix, as 0xff.
    const auto special = [&](const char* at) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        const __m128i escaped = _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash));
        if constexpr (AsciiOnly) {
            // Signed: bytes above 0x7f are negative, below the space like the control characters.
            return _mm_or_si128(escaped, _mm_cmplt_epi8(chunk, space));
        } else {
            // Unsigned: a byte is below 0x20 exactly when max(byte, 0x1f) is 0x1f.
            return _mm_or_si128(escaped, _mm_cmpeq_epi8(_mm_max_epu8(chunk, last_control), last_control));
        }
    };
    const auto first_set = [](unsigned mask) { return static_cast<std::size_t>(std::countr_zero(mask)); };
    // Thirty-two bytes a step, with one test for both halves.
    for (; i + 32 <= size; i += 32) {
        const __m128i low = special(text + i);
        const __m128i high = special(text + i + 16);
        if (_mm_movemask_epi8(_mm_or_si128(low, high)) != 0) {
            return i + first_set(static_cast<unsigned>(_mm_movemask_epi8(low)) |
                                 static_cast<unsigned>(_mm_movemask_epi8(high)) << 16);
        }
    }
    if (i + 16 <= size) {
        if (const int mask = _mm_movemask_epi8(special(text + i)); mask != 0) {
            return i + first_set(static_cast<unsigned>(mask));
        }
        i += 16;
    }
    // Fewer than sixteen left, in a text of at least sixteen: one load of the last sixteen, ignoring the
    // bytes it shares with the blocks already looked at.
    if (i < size && size >= 16) {
        const std::size_t overlap = i - (size - 16);
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special(text + size - 16))) >> overlap;
        return mask != 0 ? i + first_set(mask) : size;
    }
#endif
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, text + i, sizeof word);
        if (!plain_word<AsciiOnly>(word)) {
            break;
        }
    }
    return plain_bytes_from<AsciiOnly>(text, i, size);
}

#if defined(SIGNALRPP_JSON_AVX2)
// The AVX2 scan is written with the compiler's vector extensions and its one built-in for movemask, not
// with <immintrin.h>: parsing that header costs every unit that includes this one about a second.
using char32 = char __attribute__((vector_size(32)));
using signed_char32 = signed char __attribute__((vector_size(32)));
using unsigned_char32 = unsigned char __attribute__((vector_size(32)));

// A bit for each of the thirty-two bytes at `at` that stops the prefix (as `special` above).
template <bool AsciiOnly>
[[gnu::target("avx2"), gnu::always_inline]] inline std::uint32_t stops_avx2(const char* at) noexcept {
    signed_char32 chunk;
    std::memcpy(&chunk, at, sizeof chunk);
    // Signed, bytes above 0x7f are below the space too; unsigned, only the control characters.
    const signed_char32 below_space = AsciiOnly ? chunk < ' ' : reinterpret_cast<unsigned_char32&>(chunk) < ' ';
    const signed_char32 stops = below_space | (chunk == '"') | (chunk == '\\');
    return static_cast<std::uint32_t>(__builtin_ia32_pmovmskb256(reinterpret_cast<const char32&>(stops)));
}

// The same scan as plain_prefix_portable, for a text of at least sixty-four bytes, with AVX2: sixty-four
// bytes a step, then thirty-two, then the last thirty-two by an overlapping load.
template <bool AsciiOnly>
[[gnu::target("avx2")]] std::size_t plain_prefix_avx2(const char* text, std::size_t size) noexcept {
    std::size_t i = 0;
    for (; i + 64 <= size; i += 64) {
        const std::uint64_t mask = stops_avx2<AsciiOnly>(text + i) | std::uint64_t{stops_avx2<AsciiOnly>(text + i + 32)} << 32;
        if (mask != 0) {
            return i + static_cast<std::size_t>(std::countr_zero(mask));
        }
    }
    if (i + 32 <= size) {
        if (const std::uint32_t mask = stops_avx2<AsciiOnly>(text + i); mask != 0) {
            return i + static_cast<std::size_t>(std::countr_zero(mask));
        }
        i += 32;
    }
    if (i < size) {
        const std::size_t overlap = i - (size - 32);
        const std::uint32_t mask = stops_avx2<AsciiOnly>(text + size - 32) >> overlap;
        return mask != 0 ? i + static_cast<std::size_t>(std::countr_zero(mask)) : size;
    }
    return size;
}

// Whether this processor has AVX2: asked once, when the program starts (before that, false).
inline const bool processor_has_avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}();
#endif

template <bool AsciiOnly>
std::size_t plain_prefix_of(const char* text, std::size_t size) noexcept {
    if (size <= 8) {
        return plain_bytes_from<AsciiOnly>(text, 0, size); // short texts (ids, mostly): no call, no setup
    }
#if defined(SIGNALRPP_JSON_AVX2)
    if (size >= 64 && processor_has_avx2) {
        return plain_prefix_avx2<AsciiOnly>(text, size);
    }
#endif
    return plain_prefix_portable<AsciiOnly>(text, size);
}

} // namespace detail

/// The length of the longest prefix of the `size` bytes at `text` that needs no escape in a JSON string.
inline std::size_t plain_prefix(const char* text, std::size_t size) noexcept {
    return detail::plain_prefix_of<false>(text, size);
}

/// The length of the longest prefix of the `size` bytes at `text` that needs no escape in a JSON string
/// and has no byte above 0x7f.
inline std::size_t plain_ascii_prefix(const char* text, std::size_t size) noexcept {
    return detail::plain_prefix_of<true>(text, size);
}

} // namespace signalrpp::json
