#pragma once
// Authentication of the requests of a mapped path, as ASP.NET Core's bearer-token authentication does
// it for SignalR: the token comes from `Authorization: Bearer <token>` or, for browsers' WebSockets and
// EventSource, which cannot set headers, from the `access_token` query parameter (what the JS client
// sends; ASP.NET reads it in JwtBearer's OnMessageReceived). An authenticator decides who the request
// comes from, or refuses it (the endpoint then answers 401 with `WWW-Authenticate: Bearer`).

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/transport/user_identity.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::transport {

/// The bearer token of `r`: from `Authorization: Bearer <token>` (the scheme in any case), else the
/// URL-decoded `access_token` query parameter; nothing when there is neither (or either is empty).
/// An Authorization header with another scheme ("Basic ...") is not a bearer token: the query is used.
inline std::optional<std::string> access_token_of(const http::request& r) {
    if (const auto authorization = r.fields.find("Authorization")) {
        constexpr std::string_view scheme = "Bearer ";
        const std::string_view value = ascii::trim(*authorization);
        if (value.size() > scheme.size() && ascii::iequals(value.substr(0, scheme.size()), scheme)) {
            const std::string_view token = ascii::trim(value.substr(scheme.size()));
            if (!token.empty()) {
                return std::string(token);
            }
        }
    }
    auto token = http::query_parameter(r.query(), "access_token");
    if (token && token->empty()) {
        return std::nullopt;
    }
    return token;
}

/// What an authenticator is given: the request's bearer token (access_token_of; empty when it has
/// none) and the request itself (for cookies, client certificates' headers, anything else). Both are
/// valid only during the call.
struct authentication_request {
    std::string_view access_token;
    const http::request& request;
};

/// Decides who a request comes from; std::nullopt refuses it (401). Called on the HTTP session's
/// strand, for every request of the path, possibly from several threads at once: it must be
/// thread-safe, and should be quick (it delays that session's other requests).
using authenticator = std::function<std::optional<user_identity>(const authentication_request&)>;

} // namespace signalrpp::transport
