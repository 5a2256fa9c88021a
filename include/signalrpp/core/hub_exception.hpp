#pragma once
// signalrpp::hub_exception: an error meant for the client. Thrown from a hub method, its message always
// reaches the caller ("... HubException: <message>"), where any other exception's message is only
// shown with detailed errors on. Clients receive server errors as hub_exceptions too.

#include <stdexcept>
#include <string>

namespace signalrpp {

class hub_exception : public std::runtime_error {
public:
    explicit hub_exception(const std::string& message) : std::runtime_error(message) {}
    explicit hub_exception(const char* message) : std::runtime_error(message) {}
};

} // namespace signalrpp
