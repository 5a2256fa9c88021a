#pragma once
// The WebSocket opening handshake (RFC 6455, section 4) over HTTP/1.1, for both roles.
// Server: is_upgrade_request() tells a WebSocket request from other GETs (Server-Sent Events, long
// polling); check_upgrade_request() says why a WebSocket request must be refused (426 for another
// version, with Sec-WebSocket-Version: 13; 400 otherwise); accept_response() is the 101 answer.
// Client: upgrade_request() asks; response_accepts() checks the answer.

#include <signalrpp/core/base64.hpp>
#include <signalrpp/core/sha1.hpp>
#include <signalrpp/http/message.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::websocket {

/// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + the RFC's GUID)).
inline std::string accept_key(std::string_view client_key) {
    return base64::encode(sha1().update(client_key).update("258EAFA5-E914-47DA-95CA-C5AB0DC85B11").finish());
}

/// A request that asks for a WebSocket ("Upgrade: websocket"), valid or not.
inline bool is_upgrade_request(const http::request& r) {
    return r.fields.has_token("Upgrade", "websocket");
}

struct upgrade_refusal {
    int status = 400;
    std::string reason;
};

/// Why the WebSocket request `r` cannot be accepted, or nothing if it can.
inline std::optional<upgrade_refusal> check_upgrade_request(const http::request& r) {
    if (r.method != "GET" || r.version_minor < 1) {
        return upgrade_refusal{400, "A WebSocket request is an HTTP/1.1 GET"};
    }
    if (!is_upgrade_request(r) || !r.fields.has_token("Connection", "upgrade")) {
        return upgrade_refusal{400, "Missing Upgrade: websocket or Connection: Upgrade"};
    }
    const auto version = r.fields.find("Sec-WebSocket-Version");
    if (!version || *version != "13") {
        return upgrade_refusal{426, "Unsupported WebSocket version"};
    }
    const auto key = r.fields.find("Sec-WebSocket-Key");
    std::vector<std::byte> nonce;
    if (!key || r.fields.count("Sec-WebSocket-Key") != 1 || base64::decode(*key, nonce) || nonce.size() != 16) {
        return upgrade_refusal{400, "Missing or invalid Sec-WebSocket-Key"};
    }
    return std::nullopt;
}

/// The answer to a refused WebSocket request (426 says which version the server speaks).
inline http::response refusal_response(const upgrade_refusal& refusal) {
    http::response r;
    r.status = refusal.status;
    if (refusal.status == 426) {
        r.fields.add("Sec-WebSocket-Version", "13");
    }
    r.fields.add("Content-Type", "text/plain");
    r.body = refusal.reason;
    return r;
}

/// The 101 answer to an accepted request (`r` must have passed check_upgrade_request).
inline http::response accept_response(const http::request& r, std::string_view subprotocol = {}) {
    http::response response;
    response.status = 101;
    response.fields.add("Connection", "Upgrade");
    response.fields.add("Upgrade", "websocket");
    response.fields.add("Sec-WebSocket-Accept", accept_key(*r.fields.find("Sec-WebSocket-Key")));
    if (!subprotocol.empty()) {
        response.fields.add("Sec-WebSocket-Protocol", std::string(subprotocol));
    }
    return response;
}

/// A client's upgrade request for `target` on `host`, with `key` (base64 of 16 random bytes).
inline http::request upgrade_request(std::string target, std::string host, std::string key) {
    http::request r;
    r.method = "GET";
    r.target = std::move(target);
    r.fields.add("Host", std::move(host));
    r.fields.add("Upgrade", "websocket");
    r.fields.add("Connection", "Upgrade");
    r.fields.add("Sec-WebSocket-Key", std::move(key));
    r.fields.add("Sec-WebSocket-Version", "13");
    return r;
}

/// Whether `response` accepts the upgrade the client asked for with `key`.
inline bool response_accepts(const http::response& response, std::string_view key) {
    const auto accept = response.fields.find("Sec-WebSocket-Accept");
    return response.status == 101 && response.fields.has_token("Upgrade", "websocket") &&
           response.fields.has_token("Connection", "upgrade") && accept && *accept == accept_key(key);
}

} // namespace signalrpp::websocket
