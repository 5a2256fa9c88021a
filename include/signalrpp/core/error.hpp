#pragma once
// signalrpp's own error codes, reported through std::error_code with a category of their own.
// Values are stable (they may be logged or compared); messages are for people.

#include <string>
#include <system_error>
#include <type_traits>

namespace signalrpp {

enum class error {
    /// Text that should be base64 is not: a character outside the alphabet, misplaced padding or a bad length.
    invalid_base64 = 1,
    /// A connection had no active transport for longer than the disconnect timeout (15 s by default).
    disconnect_timeout = 2,
    /// A connection's peer read too slowly: its queue of outgoing bytes passed the limit (64 KiB).
    send_buffer_full = 3,
    /// The peer broke the transport's protocol (a WebSocket frame the RFC forbids, bad UTF-8, ...).
    transport_protocol_violation = 4,
    /// The server is stopping.
    server_stopping = 5,
    /// A write to the peer did not finish within the transport send timeout (10 s by default): the peer
    /// stopped reading.
    send_timeout = 6,
    /// A callback of the application (a connection handler, a hub's factory, filter or authorize, ...)
    /// threw: the connection it served is aborted, and the exception logged.
    handler_failed = 7,
};

namespace detail {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "signalrpp"; }

    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
        case error::invalid_base64: return "invalid base64 text";
        case error::disconnect_timeout: return "the connection had no transport for longer than the disconnect timeout";
        case error::send_buffer_full: return "the peer reads too slowly: the send buffer limit was passed";
        case error::transport_protocol_violation: return "the peer broke the transport protocol";
        case error::server_stopping: return "the server is stopping";
        case error::send_timeout: return "the peer stopped reading: a write took longer than the send timeout";
        case error::handler_failed: return "a callback of the application threw";
        }
        return "unknown signalrpp error";
    }
};

} // namespace detail

/// The category of every signalrpp::error; one object for the whole program.
inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl category;
    return category;
}

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace signalrpp

template <>
struct std::is_error_code_enum<signalrpp::error> : std::true_type {};
