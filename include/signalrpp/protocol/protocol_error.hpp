#pragma once
// protocol_error: why bytes from a peer could not be read as protocol messages. Such an error ends the
// connection; the server's Close message says "Connection closed with an error." and, with detailed
// errors on, adds "<exception_type>: <message>" -- the .NET exception type and text ASP.NET Core reports
// for the same input, so .NET and JavaScript peers see the same words from either server.

#include <string>

namespace signalrpp::protocol {

struct protocol_error {
    std::string exception_type = "InvalidDataException";
    std::string message;

    /// "<exception_type>: <message>", the detail suffix of error texts.
    std::string detail() const { return exception_type + ": " + message; }
};

} // namespace signalrpp::protocol
