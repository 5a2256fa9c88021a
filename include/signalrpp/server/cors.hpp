#pragma once
// Cross-origin requests (CORS), as ASP.NET Core's CORS middleware answers them for a policy with
// origins, any header and any method, and optionally credentials (what SignalR's docs configure):
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) gets 204; when the origin
//     is allowed, with Access-Control-Allow-Origin/-Methods/-Headers (the requested ones) and
//     -Credentials; otherwise with none of them (the browser then refuses);
//   - any other request from an allowed origin gets Access-Control-Allow-Origin (and -Credentials).
// With no origins configured CORS is off: nothing is added and OPTIONS is an ordinary method.

#include <signalrpp/http/message.hpp>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace signalrpp::hosting {

struct cors_options {
    /// Origins allowed, exactly as browsers send them ("http://localhost:8080"); "*" allows any.
    std::vector<std::string> allowed_origins;
    /// Also allows the origins this accepts (ASP.NET Core's SetIsOriginAllowed), such as
    /// localhost_origin for "http://localhost:<any port>".
    std::function<bool(std::string_view origin)> allow_origin_if;
    /// Access-Control-Allow-Credentials: true (cookies, auth headers). Not with "*" (validate() refuses
    /// it, as ASP.NET Core's CorsPolicyBuilder does): list the origins, or use allow_origin_if.
    bool allow_credentials = false;
    /// Access-Control-Max-Age on preflight answers, in seconds (0: not sent).
    int max_age_seconds = 0;

    bool enabled() const noexcept { return !allowed_origins.empty() || allow_origin_if; }

    bool allows_any() const { return std::find(allowed_origins.begin(), allowed_origins.end(), "*") != allowed_origins.end(); }

    /// Throws std::invalid_argument for a policy the CORS protocol does not allow ("*" with credentials).
    /// The server checks its options with it when it is made.
    void validate() const {
        if (allow_credentials && allows_any()) {
            throw std::invalid_argument(
                "The CORS protocol does not allow specifying a wildcard (any) origin and credentials at the same "
                "time. Configure the CORS policy by listing individual origins if credentials needs to be supported.");
        }
    }

    bool allows(std::string_view origin) const {
        return std::any_of(allowed_origins.begin(), allowed_origins.end(),
                           [&](const std::string& o) { return o == "*" || o == origin; }) ||
               (allow_origin_if && allow_origin_if(origin));
    }
};

/// Whether `origin` is a page on this machine: exactly `scheme://host` or `scheme://host:port`, the scheme
/// http or https, the host localhost, 127.0.0.1 or [::1] (in lower case, as browsers send it), the port digits. Anything else in the
/// text (a user part, a path, a second origin) refuses it.
inline bool localhost_origin(std::string_view origin) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (origin.substr(0, scheme.size()) != scheme) {
            continue;
        }
        const std::string_view rest = origin.substr(scheme.size());
        for (std::string_view host : {"localhost", "127.0.0.1", "[::1]"}) {
            if (rest.substr(0, host.size()) != host) {
                continue;
            }
            const std::string_view port = rest.substr(host.size());
            if (port.empty()) {
                return true;
            }
            return port.size() >= 2 && port.size() <= 6 && port[0] == ':' &&
                   std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; });
        }
        return false;
    }
    return false;
}

/// Whether `r` is a CORS preflight.
inline bool is_preflight(const http::request& r) {
    return r.method == "OPTIONS" && r.fields.contains("Origin") && r.fields.contains("Access-Control-Request-Method");
}

/// Adds the headers an answer to `r` carries under `options` (nothing when the origin is not allowed).
inline void add_cors_headers(const cors_options& options, const http::request& r, http::response& out) {
    const auto origin = r.fields.find("Origin");
    if (!options.enabled() || !origin || !options.allows(*origin)) {
        return;
    }
    const bool any = options.allows_any() && !options.allow_credentials; // (validate() refuses both)
    out.fields.set("Access-Control-Allow-Origin", any ? "*" : std::string(*origin));
    if (options.allow_credentials) {
        out.fields.set("Access-Control-Allow-Credentials", "true");
    }
    if (!any) {
        out.fields.set("Vary", "Origin");
    }
}

/// The answer to a preflight.
inline http::response preflight_response(const cors_options& options, const http::request& r) {
    http::response out;
    out.status = 204;
    const auto origin = r.fields.find("Origin");
    if (!origin || !options.allows(*origin)) {
        return out;
    }
    add_cors_headers(options, r, out);
    out.fields.set("Access-Control-Allow-Methods", std::string(*r.fields.find("Access-Control-Request-Method")));
    if (const auto headers = r.fields.find("Access-Control-Request-Headers")) {
        out.fields.set("Access-Control-Allow-Headers", std::string(*headers));
    }
    if (options.max_age_seconds > 0) {
        out.fields.set("Access-Control-Max-Age", std::to_string(options.max_age_seconds));
    }
    return out;
}

} // namespace signalrpp::hosting
