#pragma once
// protocol_error: why bytes from a peer could not be read as protocol messages. Such an error ends the
// connection; the server's Close message says "Connection closed with an error." and, with detailed
// errors on, adds "<exception_type>: <message>" -- the .NET exception type and text ASP.NET Core reports
// for the same input, so .NET and JavaScript peers see the same words from either server.

#include <signalrpp/core/detail/concat.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

struct protocol_error {
    std::string_view exception_type = "InvalidDataException"; // a .NET type name: always a literal
    std::string message;

    /// "<exception_type>: <message>", the detail suffix of error texts.
    std::string detail() const { return signalrpp::detail::concat({exception_type, ": ", message}); }
};

/// The error for a message (or handshake) longer than `limit` bytes (MaximumReceiveMessageSize).
inline protocol_error message_too_large_error(std::size_t limit) {
    return {"InvalidDataException",
            signalrpp::detail::concat({"The maximum message size of ", std::to_string(limit),
                                       "B was exceeded. The message size can be configured in AddHubOptions."})};
}

/// The error for a message (or handshake) that is not JSON (or not UTF-8, or nested too deeply).
inline protocol_error reading_error() { return {"InvalidDataException", "Error reading JSON."}; }

/// The error for a message (or handshake) that is JSON but not an object; `token` names what it is.
inline protocol_error not_an_object_error(std::string_view token) {
    return {"InvalidDataException",
            signalrpp::detail::concat({"Unexpected JSON Token Type '", token, "'. Expected a JSON Object."})};
}

} // namespace signalrpp::protocol
