#pragma once
// json::insitu_document: parses one JSON text after another, in place (strings are decoded inside the
// text itself), into a document whose memory is reused: a small message needs no heap allocation.
// Nesting deeper than a limit is refused before parsing, as System.Text.Json refuses it (64 by default),
// so RapidJSON's recursive parser (faster than its iterative one) and later walks of the value recurse
// at most that deep.
// The text must be valid UTF-8. It is checked here, over the text's exact length, rather than by
// RapidJSON: its in-situ validation reads past the terminating NUL when the text ends inside a
// multi-byte sequence (found by fuzzing), while its non-validating string parse stops there.

#include <signalrpp/core/utf8.hpp>
#include <signalrpp/json/insitu_stream.hpp>
#include <signalrpp/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace signalrpp::json {

class insitu_document {
public:
    static constexpr int default_max_depth = 64;

    insitu_document()
        : buffers_(std::make_unique<buffers>()),
          value_allocator_(buffers_->values, sizeof buffers_->values),
          stack_allocator_(buffers_->stack, sizeof buffers_->stack),
          document_(&value_allocator_, stack_capacity, &stack_allocator_) {}

    insitu_document(const insitu_document&) = delete;
    insitu_document& operator=(const insitu_document&) = delete;

    /// Parses the `size` bytes at `text`, which must be followed by a NUL (`text` is modified). Text after
    /// the first complete value is ignored, as ASP.NET Core does; so is anything after a NUL inside it.
    /// False if the text is not JSON, not valid UTF-8, or nested too deeply.
    bool parse(char* text, std::size_t size, int max_depth = default_max_depth) {
        return admissible(text, size, max_depth) && parse_value(text, text + size) != nullptr;
    }

    /// Whether the `size` bytes at `text` (followed by a NUL) are valid UTF-8 nested at most `max_depth`
    /// deep: what parse() checks before parsing, for a caller that parses parts with parse_value().
    static bool admissible(const char* text, std::size_t size, int max_depth = default_max_depth) {
        const std::string_view view(text, size);
        const scan s = quick_scan(view);
        if (!s.ascii && !utf8::valid(view)) {
            return false;
        }
        // Only text with more openers than the limit can be nested too deeply: the full check is rare.
        return s.openers <= static_cast<std::size_t>(max_depth) || depth_within(text, max_depth);
    }

    /// Parses the one JSON value that starts at `begin` (after any whitespace), in a text that ends with
    /// a NUL at `end` and was found admissible(); it becomes root(). Returns where the value ends (the
    /// rest of the text is untouched), or null if it is not JSON.
    char* parse_value(char* begin, char* end) {
        string_array_kept_ = false;
        document_.SetNull();
        value_allocator_.Clear();
        stack_allocator_.Clear();
        constexpr unsigned flags = rapidjson::kParseInsituFlag | rapidjson::kParseStopWhenDoneFlag;
        detail::insitu_stream stream(begin, end);
        document_.ParseStream<flags, rapidjson::UTF8<>>(stream);
        return document_.HasParseError() ? nullptr : begin + stream.Tell();
    }

    /// A string inside a text, without escapes: its characters as they are.
    struct text_string { // (no initializers: arrays of them are filled as they are read)
        char* data;
        std::size_t size;
    };

    /// Makes root() an array of the `count` strings at `strings`, each of which must be followed by a
    /// byte it may overwrite with a NUL (as a parse in place ends its strings); returns it.
    /// The array's storage is kept for the next one (most messages are such arrays: no allocation each).
    const value& make_string_array(const text_string* strings, std::size_t count) {
        if (string_array_kept_) {
            document_.Clear(); // (its elements are strings in texts: nothing to free)
        } else {
            document_.SetNull();
            value_allocator_.Clear();
            document_.SetArray();
            string_array_kept_ = true;
        }
        document_.Reserve(static_cast<rapidjson::SizeType>(count), value_allocator_);
        for (std::size_t i = 0; i < count; ++i) {
            strings[i].data[strings[i].size] = '\0';
            document_.PushBack(value(rapidjson::StringRef(strings[i].data, strings[i].size)), value_allocator_);
        }
        return document_;
    }

    /// The value parsed last; valid until the next parse() and while its text lives.
    const value& root() const noexcept { return document_; }

private:
    using pool = rapidjson::MemoryPoolAllocator<>;
    static constexpr std::size_t stack_capacity = 1024;

    // Room for the values of a typical message and for the parser's stack, reused by every parse.
    struct buffers {
        alignas(std::max_align_t) char values[8192];
        alignas(std::max_align_t) char stack[stack_capacity * 2];
    };

    struct scan {
        bool ascii = true;       // no byte above 0x7f: valid UTF-8 without further ado
        std::size_t openers = 0; // bytes '[' and '{' (an upper bound of the nesting depth)
    };

    // One pass, sixteen bytes at a time with SSE2 (the last few by an overlapping load), else eight at
    // a time. '[' | 0x20 == '{': both are found by comparing x | 0x20.. with '{'.. (in a word, they
    // become zero bytes of the XOR, which the usual bit trick marks with 0x80 to be summed by a multiply).
    static scan quick_scan(std::string_view text) noexcept {
        constexpr std::uint64_t ones = 0x0101010101010101ull;
        scan s;
        std::uint64_t high = 0;
        std::size_t i = 0;
#if defined(__SSE2__)
        const __m128i brace = _mm_set1_epi8('{');
        const __m128i case_bit = _mm_set1_epi8(0x20);
        __m128i high_bits = _mm_setzero_si128();
        // Openers counted per byte lane (a match is -1: subtracted), summed before a lane can overflow.
        __m128i lane_counts = _mm_setzero_si128();
        const auto add_lane_counts = [&] {
            const __m128i sums = _mm_sad_epu8(lane_counts, _mm_setzero_si128());
            s.openers += static_cast<std::size_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
            lane_counts = _mm_setzero_si128();
        };
        std::size_t blocks = 0;
        for (; i + 16 <= text.size(); i += 16) {
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
            high_bits = _mm_or_si128(high_bits, chunk);
            lane_counts = _mm_sub_epi8(lane_counts, _mm_cmpeq_epi8(_mm_or_si128(chunk, case_bit), brace));
            if (++blocks == 255) {
                add_lane_counts();
                blocks = 0;
            }
        }
        add_lane_counts();
        // The last bytes (fewer than sixteen) by one load of the final sixteen, counting openers only
        // among the bytes not counted yet.
        if (i < text.size() && text.size() >= 16) {
            const std::size_t overlap = i - (text.size() - 16);
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + text.size() - 16));
            high_bits = _mm_or_si128(high_bits, chunk);
            // (Counted bit by bit: few, and std::popcount is a library call without -mpopcnt.)
            for (auto openers = static_cast<unsigned>(
                                    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(chunk, case_bit), brace))) >>
                                overlap;
                 openers != 0; openers &= openers - 1) {
                ++s.openers;
            }
            i = text.size();
        }
        high = _mm_movemask_epi8(high_bits) != 0 ? 0x80 : 0;
#endif
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t x;
            std::memcpy(&x, text.data() + i, sizeof x);
            high |= x;
            const std::uint64_t y = (x | 0x20 * ones) ^ ('{' * ones);
            const std::uint64_t zero_bytes = ~(((y & 0x7f * ones) + 0x7f * ones) | y | 0x7f * ones);
            s.openers += static_cast<std::size_t>(((zero_bytes >> 7) * ones) >> 56);
        }
        for (; i < text.size(); ++i) {
            high |= static_cast<unsigned char>(text[i]);
            s.openers += (text[i] | 0x20) == '{' ? 1 : 0;
        }
        s.ascii = (high & 0x80 * ones) == 0;
        return s;
    }

    // Counts the nesting of arrays and objects outside strings, up to the terminating NUL.
    static bool depth_within(const char* text, int max_depth) noexcept {
        int depth = 0;
        bool in_string = false;
        for (const char* p = text; *p != '\0'; ++p) {
            const char c = *p;
            if (in_string) {
                if (c == '\\') {
                    if (p[1] == '\0') {
                        break;
                    }
                    ++p;
                } else if (c == '"') {
                    in_string = false;
                }
            } else if (c == '"') {
                in_string = true;
            } else if (c == '[' || c == '{') {
                if (++depth > max_depth) {
                    return false;
                }
            } else if (c == ']' || c == '}') {
                --depth;
            }
        }
        return true;
    }

    std::unique_ptr<buffers> buffers_;
    pool value_allocator_;
    pool stack_allocator_;
    rapidjson::GenericDocument<rapidjson::UTF8<>, pool, pool> document_;
    bool string_array_kept_ = false; // document_ is the array make_string_array() made last
};

} // namespace signalrpp::json
