#pragma once
// envelope_scanner: reads a hub message of the usual shape straight from its text, without building a
// JSON document of the whole: an object whose properties are "type" (a small non-negative integer),
// "invocationId", "target", "error" (strings without escapes) and at most one of "arguments", "item"
// and "result", each at most once, in any order. Only that one structured value is left to the JSON
// parser, later (deferred_value), unless it is a short array of plain strings, read here; the text is
// not modified here.
//
// Anything else (other properties, escapes, repeats, other number forms, broken syntax) makes the scan
// give up, and the message is parsed as a whole instead: the scanner never decides an error or a
// message that the whole parse would decide otherwise, it only takes the short way where both agree.
// The scan does not check the text's encoding or depth, except that it tells when it has read every
// byte of it as ASCII, with no structured value but a plain string array: such a text needs no check.

#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/string_scan.hpp>
#include <signalrpp/protocol/detail/message_fields.hpp>

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace signalrpp::protocol::detail {

/// Where the message's one structured value lies, to be parsed once the envelope is known to be usual;
/// or, for an array of at most `max_strings` plain strings (the commonest arguments), the strings.
struct deferred_value {
    static constexpr std::size_t max_strings = 4;

    deferred_value() noexcept {} // (sets the members that have initializers, not `strings`)

    const json::value* message_fields::*field = nullptr; ///< the field it goes to: arguments, item or result
    char* begin = nullptr; ///< null: the message has none
    char* end = nullptr;   ///< just past it, as far as a bracket-counting skip finds
    bool plain_strings = false; ///< the value is an array of the first `string_count` of `strings`
    std::size_t string_count = 0;
    std::array<json::insitu_document::text_string, max_strings> strings; // the first string_count are set

    /// The property's name.
    std::string_view name() const noexcept {
        return field == &message_fields::arguments ? "arguments" : field == &message_fields::item ? "item" : "result";
    }
};

class envelope_scanner {
public:
    /// The text at [text, end), followed by a NUL at `end`.
    envelope_scanner(char* text, char* end) noexcept : p_(text), end_(end) {}

    /// True if the message has the usual shape: `fields` then holds its properties (their strings view
    /// the text) and `value` the place of its structured value. False: parse it as a whole.
    bool scan(message_fields& fields, deferred_value& value) noexcept {
        skip_space();
        if (!take('{')) {
            return false;
        }
        skip_space();
        if (take('}')) {
            return finish();
        }
        for (;;) {
            if (!member(fields, value)) {
                return false;
            }
            skip_space();
            if (take('}')) {
                return finish();
            }
            if (!take(',')) {
                return false;
            }
            skip_space();
        }
    }

    /// After a scan that returned true: whether it read every byte of the text and each was ASCII, with
    /// no value skipped unread. The text is then valid UTF-8, and nested two deep at most (an object and
    /// an array of strings).
    bool read_all_as_ascii() const noexcept { return all_ascii_; }

private:
    static constexpr int short_string = 16; // bytes of an id or name, most of the time

    // Takes the key at the current quote if it is `"<name>"` (`spelled` is the name and its closing
    // quote): compared as bytes, as only the exact spelling is usual.
    template <std::size_t N>
    bool key_is(const char (&spelled)[N]) noexcept {
        if (end_ - p_ < static_cast<std::ptrdiff_t>(N) || std::memcmp(p_ + 1, spelled, N - 1) != 0) {
            return false;
        }
        p_ += N;
        return true;
    }

    // One `"key": value`: the key, known by its first letter and then compared whole, says what the
    // value must be and where it goes; false for any other key.
    bool member(message_fields& fields, deferred_value& value) noexcept {
        if (*p_ != '"') {
            return false;
        }
        switch (p_[1]) {
        case 't':
            if (key_is("type\"")) {
                return colon() && !fields.type && small_integer(fields.type);
            }
            return key_is("target\"") && colon() && string_value(fields.target);
        case 'i':
            if (key_is("invocationId\"")) {
                return colon() && string_value(fields.invocation_id);
            }
            return key_is("item\"") && colon() && structured(&message_fields::item, value);
        case 'e': return key_is("error\"") && colon() && string_value(fields.error);
        case 'a': return key_is("arguments\"") && colon() && structured(&message_fields::arguments, value);
        case 'r': return key_is("result\"") && colon() && structured(&message_fields::result, value);
        default: return false;
        }
    }

    // The `:` between a key and its value.
    bool colon() noexcept {
        skip_space();
        if (!take(':')) {
            return false;
        }
        skip_space();
        return true;
    }

    // The one structured value (arguments, item or result), for `field`: read if it is a short array of
    // plain strings, else skipped, to be parsed later.
    bool structured(const json::value* message_fields::*field, deferred_value& value) noexcept {
        if (value.begin != nullptr) {
            return false;
        }
        value.field = field;
        value.begin = p_;
        if (!plain_string_array(value)) {
            all_ascii_ = false; // skipped, not read
            if (!skip_value()) {
                return false;
            }
        }
        value.end = p_;
        return true;
    }

    // Most bytes are above the space: one comparison, inline, rules them out.
    [[gnu::always_inline]] void skip_space() noexcept {
        if (static_cast<unsigned char>(*p_) <= ' ') {
            skip_whitespace();
        }
    }

    void skip_whitespace() noexcept {
        while (is_space(*p_)) {
            ++p_;
        }
    }

    // JSON's whitespace.
    static bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

    [[gnu::always_inline]] bool take(char c) noexcept {
        if (*p_ != c) {
            return false;
        }
        ++p_;
        return true;
    }

    // The end of the object: the scan succeeded. Text after it (but whitespace) is ignored, unread.
    bool finish() noexcept {
        skip_space();
        all_ascii_ = all_ascii_ && p_ == end_;
        return true;
    }

    // A string without escapes or control characters, as a view of the text between its quotes. The
    // first `bytewise` bytes are looked at one by one (cheaper for the short strings of ids and names),
    // the rest in runs: ASCII runs, then, from a byte above 0x7f, any.
    bool plain_string(std::string_view& out, int bytewise) noexcept {
        if (*p_ != '"') {
            return false;
        }
        char* const begin = p_ + 1;
        char* q = begin;
        for (int i = 0; i < bytewise && json::detail::plain_ascii_byte(*q); ++i) { // (the NUL at the end stops it)
            ++q;
        }
        if (*q != '"' && json::detail::plain_ascii_byte(*q)) {
            q += json::plain_ascii_prefix(q, static_cast<std::size_t>(end_ - q));
        }
        if (static_cast<unsigned char>(*q) > 0x7f) {
            all_ascii_ = false;
            q += json::plain_prefix(q, static_cast<std::size_t>(end_ - q));
        }
        if (*q != '"') {
            return false; // an escape, a control character or the end of the text
        }
        out = {begin, static_cast<std::size_t>(q - begin)};
        p_ = q + 1;
        return true;
    }

    [[gnu::always_inline]] bool string_value(std::optional<std::string_view>& out) noexcept {
        std::string_view s;
        if (out || !plain_string(s, short_string)) {
            return false;
        }
        out = s;
        return true;
    }

    // An array of at most max_strings plain strings, read into `value`; false (having moved nowhere)
    // for any other value.
    bool plain_string_array(deferred_value& value) noexcept {
        char* const start = p_;
        if (!take('[')) {
            return false;
        }
        skip_space();
        std::size_t count = 0;
        if (!take(']')) {
            for (;;) {
                std::string_view s;
                if (count == deferred_value::max_strings || !plain_string(s, 0)) {
                    p_ = start;
                    return false;
                }
                value.strings[count++] = {const_cast<char*>(s.data()), s.size()};
                skip_space();
                if (take(']')) {
                    break;
                }
                if (!take(',')) {
                    p_ = start;
                    return false;
                }
                skip_space();
            }
        }
        value.plain_strings = true;
        value.string_count = count;
        return true;
    }

    // 0, or 1 to 9 digits without a leading zero, ending where a number must end: what is an Int to
    // any JSON parser. Other forms (signs, fractions, exponents, long numbers) are left to the parser.
    bool small_integer(std::optional<int>& out) noexcept {
        int n = 0;
        const char* const begin = p_;
        while (*p_ >= '0' && *p_ <= '9' && p_ - begin < 10) {
            n = n * 10 + (*p_ - '0');
            ++p_;
        }
        const std::ptrdiff_t digits = p_ - begin;
        if (digits == 0 || digits > 9 || (*begin == '0' && digits > 1)) {
            return false;
        }
        if (*p_ != ',' && *p_ != '}' && !is_space(*p_)) {
            return false;
        }
        out = n;
        return true;
    }

    // Past a string, whatever its escapes; false at the end of the text.
    bool skip_string() noexcept {
        ++p_; // the opening quote
        for (;;) {
            p_ += json::plain_prefix(p_, static_cast<std::size_t>(end_ - p_));
            if (p_ >= end_) {
                return false;
            }
            if (*p_ == '"') {
                ++p_;
                return true;
            }
            // A backslash skips the character it escapes; a control character is left to the parser.
            if (*p_ == '\\' && p_ + 1 >= end_) {
                return false;
            }
            p_ += *p_ == '\\' ? 2 : 1;
        }
    }

    // Past one value, counting brackets and skipping strings without judging the rest: the parser
    // checks the value later, and its end must be where this skip ended.
    bool skip_value() noexcept {
        if (*p_ == '"') {
            return skip_string();
        }
        if (*p_ != '[' && *p_ != '{') {
            const char* const begin = p_;
            while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && !is_space(*p_)) {
                ++p_;
            }
            return p_ != begin;
        }
        std::size_t depth = 0;
        while (p_ < end_) {
            const char c = *p_;
            if (c == '"') {
                if (!skip_string()) {
                    return false;
                }
                continue;
            }
            ++p_;
            if (c == '[' || c == '{') {
                ++depth;
            } else if ((c == ']' || c == '}') && --depth == 0) {
                return true;
            }
        }
        return false;
    }

    char* p_;
    char* end_;
    bool all_ascii_ = true;
};

} // namespace signalrpp::protocol::detail
