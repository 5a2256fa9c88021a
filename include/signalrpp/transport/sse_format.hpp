#pragma once
// Server-Sent Events framing, as ASP.NET Core's ServerSentEventsMessageFormatter writes it: each chunk
// of messages becomes one event, a "data: " line per line of the payload, then a blank line.
// - no line feed in the payload: "data: <payload>\r\n" (nothing for an empty payload), then "\r\n";
// - otherwise each '\n' ends a line (a "\r" before it is dropped when the line has more than that one
//   byte, as the reference does) and what follows the last '\n' is a line too, even when empty.
// The stream starts with a comment line, sse_preamble, which the reference flushes at once.

#include <string>
#include <string_view>

namespace signalrpp::transport {

inline constexpr std::string_view sse_preamble = ":\r\n";

/// Appends `payload` to `out` as one event.
inline void append_sse_event(std::string& out, std::string_view payload) {
    if (payload.find('\n') == std::string_view::npos) {
        if (!payload.empty()) {
            out.append("data: ").append(payload).append("\r\n");
        }
        out.append("\r\n");
        return;
    }
    for (;;) {
        const std::size_t end = payload.find('\n');
        std::string_view line = payload.substr(0, end);
        if (end != std::string_view::npos && line.size() > 1 && line.back() == '\r') {
            line.remove_suffix(1);
        }
        out.append("data: ").append(line).append("\r\n");
        if (end == std::string_view::npos) {
            break;
        }
        payload.remove_prefix(end + 1);
    }
    out.append("\r\n");
}

} // namespace signalrpp::transport
