#pragma once
// HTTP/1.x requests and responses as plain values: what the parser produces and the writer writes.

#include <signalrpp/http/fields.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::http {

struct request {
    std::string method;   ///< "GET", "POST", ... (case-sensitive, as the protocol says)
    std::string target;   ///< the request target as sent: "/chat/negotiate?negotiateVersion=1"
    int version_minor = 1; ///< HTTP/1.<version_minor>
    http::fields fields;
    std::string body;

    /// The target without its query: "/chat/negotiate".
    std::string_view path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }
    /// The query without the '?': "negotiateVersion=1" (empty when there is none).
    std::string_view query() const noexcept {
        const auto q = target.find('?');
        return q == std::string::npos ? std::string_view{} : std::string_view(target).substr(q + 1);
    }
};

struct response {
    int status = 200;
    std::string reason;   ///< as received (a parsed response); the writer uses the standard phrase
    int version_minor = 1;
    http::fields fields;
    std::string body;
};

/// A response with `body` as its content: Content-Type `content_type` whenever there is a body, and
/// for errors (status 400 and up) even without one.
inline response text_response(int status, std::string body = {}, const char* content_type = "text/plain") {
    response r;
    r.status = status;
    if (!body.empty() || status >= 400) {
        r.fields.add("Content-Type", content_type);
    }
    r.body = std::move(body);
    return r;
}

} // namespace signalrpp::http
