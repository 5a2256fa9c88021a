#pragma once
// UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences. For text from the network: JSON messages and WebSocket text frames.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace signalrpp::utf8 {

/// True if `text` is entirely valid UTF-8.
inline bool valid(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = p + text.size();
    while (p < end) {
        // Runs of ASCII, sixteen bytes at a time with SSE2, then eight.
#if defined(__SSE2__)
        while (end - p >= 16 && _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) == 0) {
            p += 16;
        }
        // Fewer than sixteen left, in a text of at least sixteen: if the last sixteen bytes are ASCII,
        // so is the rest (one load that overlaps bytes already checked).
        if (end - p < 16 && text.size() >= 16 &&
            _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(end - 16))) == 0) {
            break;
        }
#endif
        while (end - p >= 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, p, sizeof chunk);
            if (chunk & 0x8080808080808080ull) {
                break;
            }
            p += 8;
        }
        if (p == end) {
            break;
        }
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t length;
        unsigned char low = 0x80, high = 0xbf; // allowed range of the second byte
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            if (c == 0xe0) {
                low = 0xa0; // no overlong three-byte forms
            } else if (c == 0xed) {
                high = 0x9f; // no surrogates
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            if (c == 0xf0) {
                low = 0x90; // no overlong four-byte forms
            } else if (c == 0xf4) {
                high = 0x8f; // nothing above U+10FFFF
            }
        } else {
            return false; // a continuation byte first, overlong two-byte lead (C0, C1), or F5..FF
        }
        if (static_cast<std::size_t>(end - p) < length || p[1] < low || p[1] > high) {
            return false;
        }
        for (std::size_t i = 2; i < length; ++i) {
            if ((p[i] & 0xc0) != 0x80) {
                return false;
            }
        }
        p += length;
    }
    return true;
}

} // namespace signalrpp::utf8
