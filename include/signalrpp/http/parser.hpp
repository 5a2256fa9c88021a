#pragma once
// http::request_parser / http::response_parser: HTTP/1.x messages from bytes that arrive in pieces.
//
//     std::size_t used = parser.parse(buffer, status);  // the caller drops `used` bytes from its buffer
//
// parse() takes bytes from the front of what it is given and says how many it used; after status::done,
// message() holds a whole message and the bytes after it (a pipelined request) are left for the next
// call. Framing is strict, against request smuggling: CRLF line ends, no obsolete line folding, no
// Transfer-Encoding beside Content-Length, no conflicting Content-Lengths, "chunked" as the only
// transfer coding. Every limit is checked before more is kept, so a peer cannot make it grow.
// Errors are final and carry the status code a server answers with (400, 413, 414, 431, 501, 505).

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/http/fields.hpp>
#include <signalrpp/http/message.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace signalrpp::http {

/// Limits on what the parser accepts; the defaults are Kestrel's where it has one.
struct parser_limits {
    std::size_t max_start_line = 8 * 1024;    ///< request line (Kestrel MaxRequestLineSize)
    std::size_t max_header_bytes = 32 * 1024; ///< start line and fields together (MaxRequestHeadersTotalSize)
    std::size_t max_fields = 100;             ///< MaxRequestHeaderCount
    std::size_t max_body = 1024 * 1024;       ///< body bytes after any chunked coding is removed
};

/// Why parsing failed, and the status a server answers a request with for it.
struct parse_error {
    int status = 400;
    std::string reason;
};

namespace detail {

constexpr bool is_token_char(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (const char c : s) {
        if (!is_token_char(c)) {
            return false;
        }
    }
    return true;
}

// A field value may hold visible characters, spaces, tabs and obs-text (bytes above 0x7f).
constexpr bool is_field_value(std::string_view s) noexcept {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            return false;
        }
    }
    return true;
}

// "HTTP/1.0" or "HTTP/1.1" -> 0 or 1; another HTTP version -> 9; not an HTTP version -> -1.
constexpr int http_version_minor(std::string_view s) noexcept {
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || s[6] != '.' || s[5] < '0' || s[5] > '9' || s[7] < '0' ||
        s[7] > '9') {
        return -1;
    }
    if (s[5] != '1' || (s[7] != '0' && s[7] != '1')) {
        return 9;
    }
    return s[7] - '0';
}

} // namespace detail

template <class Message>
class basic_parser {
    static_assert(std::is_same_v<Message, request> || std::is_same_v<Message, response>,
                  "basic_parser parses http::request or http::response");
    static constexpr bool is_request = std::is_same_v<Message, request>;

public:
    enum class status {
        incomplete, ///< give it more bytes
        done,       ///< message() is whole
        error,      ///< error() says why; final
    };

    explicit basic_parser(parser_limits limits = {}) : limits_(limits) {}

    /// A smaller body limit for some messages: `limit_for(head)` is asked once each message's head is
    /// parsed, before any of its body is kept; the smaller of its answer and limits.max_body applies
    /// (a server answers a request whose path takes little, such as negotiate, with 413 early).
    void set_body_limit(std::function<std::size_t(const Message&)> limit_for) { body_limit_for_ = std::move(limit_for); }

    /// For a response parser: the method of the request it answers (a HEAD response has no body).
    void set_request_method(std::string_view method) { head_request_ = method == "HEAD"; }

    /// Parses from the front of `data`; returns the number of bytes used (to be dropped by the caller).
    std::size_t parse(std::string_view data, status& s) {
        if (state_ == state::failed) {
            s = status::error;
            return 0;
        }
        if (state_ == state::done) {
            reset();
        }
        std::size_t used = 0;
        for (;;) {
            const std::string_view rest = data.substr(used);
            std::size_t step = 0;
            bool progress = false;
            switch (state_) {
            case state::header: progress = parse_header(rest, step); break;
            case state::body: progress = parse_body(rest, step); break;
            case state::chunk_size: progress = parse_chunk_size(rest, step); break;
            case state::chunk_data: progress = parse_chunk_data(rest, step); break;
            case state::chunk_end: progress = parse_chunk_end(rest, step); break;
            case state::trailers: progress = parse_trailers(rest, step); break;
            case state::until_eof: progress = parse_until_eof(rest, step); break;
            case state::done:
            case state::failed: break;
            }
            used += step;
            if (state_ == state::failed) {
                s = status::error;
                return used;
            }
            if (state_ == state::done) {
                s = status::done;
                return used;
            }
            if (!progress) {
                s = status::incomplete;
                return used;
            }
        }
    }

    /// The peer closed the connection: true if that ends the message (a response read until close).
    bool finish_at_eof() {
        if (state_ == state::until_eof) {
            state_ = state::done;
            return true;
        }
        return state_ == state::done;
    }

    Message& message() noexcept { return message_; }
    const parse_error& error() const noexcept { return error_; }

    /// Forgets everything, ready for a new message (done by parse() after a finished one).
    void reset() {
        message_ = Message{};
        state_ = state::header;
        remaining_ = 0;
        trailer_bytes_ = 0;
        header_scanned_ = 0;
        line_end_ = std::string_view::npos;
    }

private:
    enum class state { header, body, chunk_size, chunk_data, chunk_end, trailers, until_eof, done, failed };

    bool fail(int code, std::string reason) {
        error_ = {code, std::move(reason)};
        state_ = state::failed;
        return false;
    }

    // The start line and fields: parsed once the blank line that ends them is there.
    bool parse_header(std::string_view data, std::size_t& used) {
        // A server ignores empty lines before a request (RFC 9112, 2.2).
        std::size_t skipped = 0;
        while (data.substr(skipped, 2) == "\r\n") {
            skipped += 2;
        }
        const std::string_view text = data.substr(skipped);
        const std::size_t window = text.size() < limits_.max_header_bytes + 4 ? text.size() : limits_.max_header_bytes + 4;
        // Searches resume where the last call stopped (less what a terminator split across the boundary
        // needs), so a peer sending a byte at a time costs linear, not quadratic, work.
        const std::size_t from = header_scanned_ > 3 ? header_scanned_ - 3 : 0;
        const std::size_t end = text.substr(0, window).find("\r\n\r\n", from);
        if (line_end_ == std::string_view::npos) {
            const std::size_t line_end = text.substr(0, window).find("\r\n", header_scanned_ > 0 ? header_scanned_ - 1 : 0);
            if (line_end != std::string_view::npos) {
                line_end_ = line_end;
            }
        }
        header_scanned_ = window;
        const std::size_t line_end = line_end_;
        const std::size_t line_length = line_end == std::string_view::npos ? text.size() : line_end;
        if (line_length > limits_.max_start_line) {
            return fail(is_request ? 414 : 400, is_request ? "Request line too long" : "Status line too long");
        }
        if (end == std::string_view::npos) {
            used = skipped;
            if (text.size() > limits_.max_header_bytes) {
                return fail(431, "Request header fields too large");
            }
            return skipped > 0;
        }
        used = skipped + end + 4;
        if (!parse_start_line(text.substr(0, line_end))) {
            return false;
        }
        if (!parse_fields(text.substr(line_end + 2, end + 2 - (line_end + 2)), message_.fields, true)) {
            return false;
        }
        return choose_framing();
    }

    bool parse_start_line(std::string_view line) {
        const std::size_t first = line.find(' ');
        const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
        if constexpr (is_request) {
            if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
                return fail(400, "Malformed request line");
            }
            const std::string_view method = line.substr(0, first);
            const std::string_view target = line.substr(first + 1, second - first - 1);
            const int minor = detail::http_version_minor(line.substr(second + 1));
            if (!detail::is_token(method) || target.empty() || !detail::is_field_value(target) ||
                target.find('\t') != std::string_view::npos || minor < 0) {
                return fail(400, "Malformed request line");
            }
            if (minor > 1) {
                return fail(505, "HTTP version not supported");
            }
            message_.method.assign(method);
            message_.target.assign(target);
            message_.version_minor = minor;
        } else {
            const int minor = detail::http_version_minor(line.substr(0, first));
            const std::string_view code = line.substr(first + 1, second == std::string_view::npos ? std::string_view::npos
                                                                                                 : second - first - 1);
            if (first == std::string_view::npos || minor < 0 || minor > 1 || code.size() != 3 || code[0] < '1' ||
                code[0] > '5' || code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9') {
                return fail(400, "Malformed status line");
            }
            message_.version_minor = minor;
            message_.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
            message_.reason.assign(second == std::string_view::npos ? std::string_view{} : line.substr(second + 1));
        }
        return true;
    }

    // Fields of `block` (each line ending with CRLF) into `out`; `keep` says whether they are kept and count
    // against max_fields (trailers are parsed and dropped).
    bool parse_fields(std::string_view block, http::fields& out, bool keep) {
        while (!block.empty()) {
            const std::size_t eol = block.find("\r\n");
            const std::string_view line = block.substr(0, eol);
            block.remove_prefix(eol + 2);
            if (line.front() == ' ' || line.front() == '\t') {
                return fail(400, "Obsolete line folding is not allowed");
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || !detail::is_token(line.substr(0, colon))) {
                return fail(400, "Malformed header field");
            }
            const std::string_view value = ascii::trim(line.substr(colon + 1));
            if (!detail::is_field_value(value)) {
                return fail(400, "Malformed header field value");
            }
            if (keep) {
                if (out.size() >= limits_.max_fields) {
                    return fail(431, "Too many header fields");
                }
                out.add(std::string(line.substr(0, colon)), std::string(value));
            }
        }
        return true;
    }

    // Decides how the body is delimited, from the fields just read.
    bool choose_framing() {
        body_limit_ = limits_.max_body;
        if (body_limit_for_) {
            body_limit_ = std::min(body_limit_, body_limit_for_(message_));
        }
        const http::fields& f = message_.fields;
        const bool has_length = f.contains("Content-Length");
        if (f.contains("Transfer-Encoding")) {
            if (has_length) {
                return fail(400, "Both Transfer-Encoding and Content-Length");
            }
            if (f.count("Transfer-Encoding") != 1 || !ascii::iequals(*f.find("Transfer-Encoding"), "chunked")) {
                return fail(is_request ? 501 : 400, "Only the chunked transfer coding is supported");
            }
            if (!has_body()) {
                return finish();
            }
            state_ = state::chunk_size;
            return true;
        }
        if (has_length) {
            std::uint64_t length = 0;
            bool first = true;
            for (const auto& field : f.list()) {
                if (!ascii::iequals(field.name, "Content-Length")) {
                    continue;
                }
                std::uint64_t value = 0;
                if (!ascii::parse_decimal(field.value, value) || (!first && value != length)) {
                    return fail(400, "Invalid Content-Length");
                }
                length = value;
                first = false;
            }
            if (!has_body() || length == 0) {
                return finish();
            }
            if (length > body_limit_) {
                return fail(413, "Body too large");
            }
            remaining_ = static_cast<std::size_t>(length);
            message_.body.reserve(remaining_);
            state_ = state::body;
            return true;
        }
        if constexpr (!is_request) {
            if (has_body()) {
                state_ = state::until_eof;
                return true;
            }
        }
        return finish();
    }

    // Responses to HEAD, and 1xx, 204 and 304 responses, have no body whatever their fields say.
    bool has_body() const noexcept {
        if constexpr (is_request) {
            return true;
        } else {
            return !head_request_ && message_.status >= 200 && message_.status != 204 && message_.status != 304;
        }
    }

    bool finish() {
        state_ = state::done;
        return true;
    }

    // Moves up to `remaining_` bytes of `data` into the body; true once none remain.
    bool take_body_bytes(std::string_view data, std::size_t& used) {
        used = data.size() < remaining_ ? data.size() : remaining_;
        message_.body.append(data.substr(0, used));
        remaining_ -= used;
        return remaining_ == 0;
    }

    bool parse_body(std::string_view data, std::size_t& used) {
        return take_body_bytes(data, used) ? finish() : used > 0;
    }

    bool parse_chunk_size(std::string_view data, std::size_t& used) {
        constexpr std::size_t max_line = 1024; // size and extensions
        const std::size_t eol = data.substr(0, max_line + 2).find("\r\n");
        if (eol == std::string_view::npos) {
            return data.size() > max_line ? fail(400, "Chunk size line too long") : false;
        }
        const std::string_view line = data.substr(0, eol);
        std::uint64_t size = 0;
        std::size_t digits = 0;
        for (; digits < line.size() && ascii::hex_value(line[digits]) >= 0; ++digits) {
            if (digits == 15) {
                return fail(413, "Body too large");
            }
            size = size * 16 + static_cast<std::uint64_t>(ascii::hex_value(line[digits]));
        }
        const std::string_view after = ascii::trim(line.substr(digits));
        if (digits == 0 || (!after.empty() && after.front() != ';')) {
            return fail(400, "Malformed chunk size");
        }
        used = eol + 2;
        if (size == 0) {
            state_ = state::trailers;
            return true;
        }
        if (size > body_limit_ - message_.body.size()) {
            return fail(413, "Body too large");
        }
        remaining_ = static_cast<std::size_t>(size);
        state_ = state::chunk_data;
        return true;
    }

    bool parse_chunk_data(std::string_view data, std::size_t& used) {
        if (take_body_bytes(data, used)) {
            state_ = state::chunk_end;
            return true;
        }
        return used > 0;
    }

    bool parse_chunk_end(std::string_view data, std::size_t& used) {
        if (data.size() < 2) {
            return false;
        }
        if (data.substr(0, 2) != "\r\n") {
            return fail(400, "Malformed chunk");
        }
        used = 2;
        state_ = state::chunk_size;
        return true;
    }

    // Trailer fields after the last chunk, up to the blank line: checked, bounded, dropped.
    bool parse_trailers(std::string_view data, std::size_t& used) {
        const std::size_t eol = data.find("\r\n");
        if (eol == std::string_view::npos) {
            return trailer_bytes_ + data.size() > limits_.max_header_bytes ? fail(431, "Trailer fields too large") : false;
        }
        used = eol + 2;
        trailer_bytes_ += used;
        if (trailer_bytes_ > limits_.max_header_bytes) {
            return fail(431, "Trailer fields too large");
        }
        if (eol == 0) {
            return finish();
        }
        http::fields ignored;
        return parse_fields(data.substr(0, eol + 2), ignored, false);
    }

    bool parse_until_eof(std::string_view data, std::size_t& used) {
        if (data.size() > body_limit_ - message_.body.size()) {
            return fail(413, "Body too large");
        }
        used = data.size();
        message_.body.append(data);
        return false; // only the end of the connection ends it
    }

    parser_limits limits_;
    std::function<std::size_t(const Message&)> body_limit_for_;
    std::size_t body_limit_ = limits_.max_body; // this message's
    Message message_;
    parse_error error_;
    state state_ = state::header;
    std::size_t remaining_ = 0;
    std::size_t trailer_bytes_ = 0;
    std::size_t header_scanned_ = 0;                    // header bytes already searched for its end
    std::size_t line_end_ = std::string_view::npos;     // where the start line ends, once known
    bool head_request_ = false;
};

using request_parser = basic_parser<request>;
using response_parser = basic_parser<response>;

/// Whether the connection stays open after this request (HTTP/1.1 unless "close"; HTTP/1.0 only with
/// "keep-alive", and never when it came with Transfer-Encoding, a framing HTTP/1.0 does not have: RFC 9112
/// 6.1 has the server close after answering it).
inline bool keep_alive(const request& r) {
    const auto connection = r.fields.find("Connection");
    if (r.version_minor >= 1) {
        return !connection || !ascii::iequals(*connection, "close");
    }
    return connection && ascii::iequals(*connection, "keep-alive") && !r.fields.contains("Transfer-Encoding");
}

/// What is wrong with the request's Host field (RFC 9112 3.2: exactly one in HTTP/1.1, at most one in
/// HTTP/1.0), as Kestrel's 400 reason; empty when nothing is.
inline std::string_view host_field_problem(const request& r) {
    const std::size_t hosts = r.fields.count("Host");
    if (hosts > 1) {
        return "Multiple Host headers.";
    }
    if (hosts == 0 && r.version_minor >= 1) {
        return "Request is missing Host header.";
    }
    return {};
}

} // namespace signalrpp::http
