#pragma once
// json::plain_prefix: how many bytes at the start of a text can stand in a JSON string as they are, up to
// the first '"', '\\' or control character (below 0x20, NUL included). The writer copies such runs
// whole and the in-situ parser skips them; both meet mostly plain text. Sixteen bytes at a time with
// SSE2 (every x86-64 has it), else eight at a time in a 64-bit word. Reads only inside the text.
// detail::escapes, the one table of which bytes need an escape and which, serves both too.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace signalrpp::json {

namespace detail {

// True if none of the 8 bytes in `x` needs escaping.
inline bool plain_word(std::uint64_t x) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t high = 0x80 * ones;
    const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & high; };
    const std::uint64_t below_space = (x - 0x20 * ones) & ~x & high;
    return (below_space | has_zero(x ^ ('"' * ones)) | has_zero(x ^ ('\\' * ones))) == 0;
}

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

} // namespace detail

/// The length of the longest prefix of the `size` bytes at `text` that needs no escape in a JSON string.
inline std::size_t plain_prefix(const char* text, std::size_t size) noexcept {
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1f);
    // The bytes of the sixteen at `at` that need an escape, as 0xff.
    const auto special = [&](const char* at) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        // Unsigned: a byte is below 0x20 exactly when max(byte, 0x1f) is 0x1f.
        const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, last_control), last_control);
        return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)), control);
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
        if (!detail::plain_word(word)) {
            break;
        }
    }
    while (i < size && detail::plain_byte(text[i])) {
        ++i;
    }
    return i;
}

} // namespace signalrpp::json
