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

    std::string_view name; ///< "arguments", "item" or "result"
    char* begin = nullptr; ///< null: the message has none
    char* end = nullptr;   ///< just past it, as far as a bracket-counting skip finds
    bool plain_strings = false; ///< the value is an array of the first `string_count` of `strings`
    std::size_t string_count = 0;
    std::array<json::insitu_document::text_string, max_strings> strings{};
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
            return true;
        }
        for (;;) {
            std::string_view name;
            if (!plain_string(name)) {
                return false;
            }
            skip_space();
            if (!take(':')) {
                return false;
            }
            skip_space();
            if (!member(name, fields, value)) {
                return false;
            }
            skip_space();
            if (take('}')) {
                return true;
            }
            if (!take(',')) {
                return false;
            }
            skip_space();
        }
    }

private:
    template <std::size_t N>
    static bool is(std::string_view name, const char (&expected)[N]) noexcept {
        return name.size() == N - 1 && std::memcmp(name.data(), expected, N - 1) == 0;
    }

    bool member(std::string_view name, message_fields& fields, deferred_value& value) noexcept {
        if (is(name, "type")) {
            return !fields.type && small_integer(fields.type);
        }
        if (is(name, "invocationId")) {
            return string_value(fields.invocation_id);
        }
        if (is(name, "target")) {
            return string_value(fields.target);
        }
        if (is(name, "error")) {
            return string_value(fields.error);
        }
        if (is(name, "arguments") || is(name, "item") || is(name, "result")) {
            if (value.begin != nullptr) {
                return false;
            }
            value.name = name;
            value.begin = p_;
            if (!plain_string_array(value) && !skip_value()) {
                return false;
            }
            value.end = p_;
            return true;
        }
        return false;
    }

    void skip_space() noexcept {
        while (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r') {
            ++p_;
        }
    }

    bool take(char c) noexcept {
        if (*p_ != c) {
            return false;
        }
        ++p_;
        return true;
    }

    // A string without escapes or control characters, as a view of the text between its quotes.
    bool plain_string(std::string_view& out) noexcept {
        if (*p_ != '"') {
            return false;
        }
        char* const begin = p_ + 1;
        const std::size_t run = json::plain_prefix(begin, static_cast<std::size_t>(end_ - begin));
        if (begin[run] != '"') {
            return false; // an escape, a control character or the end of the text
        }
        out = {begin, run};
        p_ = begin + run + 1;
        return true;
    }

    bool string_value(std::optional<std::string_view>& out) noexcept {
        std::string_view s;
        if (out || !plain_string(s)) {
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
                if (count == deferred_value::max_strings || !plain_string(s)) {
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
        const char next = *p_;
        if (next != ',' && next != '}' && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
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
            while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\t' &&
                   *p_ != '\n' && *p_ != '\r') {
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
};

} // namespace signalrpp::protocol::detail
