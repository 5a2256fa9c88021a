#pragma once
// Messages of persistent connections (map_connection): no hub protocol, no handshake, no framing of
// their own. Each message is the payload of one transport message (a WebSocket message, an SSE event,
// a POST body or a poll response) and keeps its format: text stays text, binary stays binary.

#include <string>
#include <string_view>

namespace signalrpp::protocol {

/// How a raw message travels: as UTF-8 text or as bytes (WebSocket text or binary frames).
enum class message_format { text, binary };

/// A raw message to send; owns its payload.
struct raw_message {
    message_format format = message_format::text;
    std::string payload;

    friend bool operator==(const raw_message&, const raw_message&) = default;
};

/// A raw message received; a view valid during the on_received call that gets it.
struct raw_message_view {
    message_format format = message_format::text;
    std::string_view payload;
};

} // namespace signalrpp::protocol
