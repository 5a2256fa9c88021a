#pragma once
// Writes HTTP/1.1 messages, appending to a std::string that is then sent as it is.
//   write_response: status line (the standard reason phrase), fields, Content-Length, body;
//   write_response_head: status line and fields only, for a body that follows in pieces (SSE);
//   write_chunk / write_last_chunk: such a body in the chunked coding;
//   write_request: the client side.
// Content-Length is added when the message has none and may have a body (not 1xx, 204 or 304).

#include <signalrpp/http/fields.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/status.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace signalrpp::http {

namespace detail {

inline void append_fields(std::string& out, const fields& f) {
    for (const auto& field : f.list()) {
        out.append(field.name).append(": ").append(field.value).append("\r\n");
    }
}

inline void append_status_line(std::string& out, int status) {
    out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(reason_phrase(status)).append("\r\n");
}

constexpr bool status_has_body(int status) noexcept {
    return status >= 200 && status != 204 && status != 304;
}

} // namespace detail

inline void write_response_head(std::string& out, const response& r) {
    detail::append_status_line(out, r.status);
    detail::append_fields(out, r.fields);
    out.append("\r\n");
}

inline void write_response(std::string& out, const response& r) {
    detail::append_status_line(out, r.status);
    detail::append_fields(out, r.fields);
    if (detail::status_has_body(r.status) && !r.fields.contains("Content-Length") &&
        !r.fields.contains("Transfer-Encoding")) {
        out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    }
    out.append("\r\n").append(r.body);
}

/// Appends `data` as one chunk of a chunked body (nothing is written for empty data, which would end it).
inline void write_chunk(std::string& out, std::string_view data) {
    if (data.empty()) {
        return;
    }
    char size[20];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out.append(size, static_cast<std::size_t>(n)).append(data).append("\r\n");
}

/// Appends the end of a chunked body (the last chunk, no trailers).
inline void write_last_chunk(std::string& out) { out.append("0\r\n\r\n"); }

inline void write_request(std::string& out, const request& r) {
    out.append(r.method).append(" ").append(r.target).append(" HTTP/1.1\r\n");
    detail::append_fields(out, r.fields);
    if ((!r.body.empty() || r.method == "POST" || r.method == "PUT") && !r.fields.contains("Content-Length") &&
        !r.fields.contains("Transfer-Encoding")) {
        out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    }
    out.append("\r\n").append(r.body);
}

} // namespace signalrpp::http
