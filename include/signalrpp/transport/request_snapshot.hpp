#pragma once
// request_snapshot: what a connection keeps of the HTTP request that opened its transport (the
// WebSocket upgrade, the Server-Sent Events GET or the first long poll), as ASP.NET Core keeps the
// HttpContext's request: path, query, headers, cookies, the peer's address, whether it used TLS, and
// the user the path's authenticator found (HttpContext.User).
// Immutable once the connection has started; safe to read from any thread.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/http/fields.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/transport/user_identity.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::transport {

struct request_snapshot {
    std::string method;
    std::string path;  ///< "/chat"
    std::string query; ///< without '?': "id=...&access_token=..."
    http::fields headers;
    std::string remote_endpoint; ///< "127.0.0.1:50000", a socket path, or empty
    bool secure = false;         ///< TLS
    /// Who the request came from, as the path's authenticator (http_connection_options::authenticate)
    /// decided; empty when the path has none.
    std::optional<user_identity> user;

    /// A query parameter, URL-decoded (the first one of that name, matched case-insensitively).
    std::optional<std::string> query_parameter(std::string_view name) const {
        return http::query_parameter(query, name);
    }

    /// A cookie's value from the Cookie header(s) ("a=1; b=2"), percent-decoded ('+' stays '+'), its
    /// name matched case-insensitively, as ASP.NET Core's Request.Cookies reads them.
    std::optional<std::string> cookie(std::string_view name) const {
        for (const auto& field : headers.list()) {
            if (!ascii::iequals(field.name, "Cookie")) {
                continue;
            }
            std::string_view rest = field.value;
            while (!rest.empty()) {
                const std::size_t end = rest.find(';');
                const std::string_view pair = ascii::trim(rest.substr(0, end));
                const std::size_t equals = pair.find('=');
                if (equals != std::string_view::npos && ascii::iequals(ascii::trim(pair.substr(0, equals)), name)) {
                    return http::url_decode(ascii::trim(pair.substr(equals + 1)), false);
                }
                rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            }
        }
        return std::nullopt;
    }
};

} // namespace signalrpp::transport
