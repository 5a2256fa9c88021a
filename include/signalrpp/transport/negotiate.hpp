#pragma once
// The negotiate exchange (POST {path}/negotiate), as ASP.NET Core's HttpConnectionDispatcher and
// NegotiateProtocol do it:
//   read_negotiate_request: the version the client asked for (negotiateVersion, clamped to 1) and
//     whether stateful reconnect is on, or the error to answer with (still HTTP 200, {"error":...});
//   write_negotiate_response: the JSON answer, properties in the reference's order.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/json/writer.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::transport {

/// HttpTransportType: a bit mask of the transports an endpoint allows.
enum transport_kind : unsigned {
    websockets = 1,
    server_sent_events = 2,
    long_polling = 4,
    all_transports = 7,
};

/// A transport's name, as negotiate lists it ("WebSockets", "ServerSentEvents", "LongPolling").
constexpr std::string_view transport_name(transport_kind kind) noexcept {
    switch (kind) {
    case websockets: return "WebSockets";
    case server_sent_events: return "ServerSentEvents";
    default: return "LongPolling";
    }
}

struct negotiate_options {
    unsigned transports = all_transports;
    int minimum_protocol_version = 0;       ///< HttpConnectionDispatcherOptions.MinimumProtocolVersion
    bool allow_stateful_reconnects = false; ///< AllowStatefulReconnects
    bool websockets_available = true;       ///< false where the server cannot upgrade (it then lists none)
};

struct negotiate_request {
    int version = 0;                 ///< 0 or 1
    bool stateful_reconnect = false; ///< asked for and allowed
    std::optional<std::string> error;
};

namespace detail {

// int.TryParse: optional surrounding spaces and sign, digits, within 32 bits.
inline std::optional<int> parse_int32(std::string_view s) {
    s = ascii::trim(s, " ");
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 10) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    value = negative ? -value : value;
    if (value < INT32_MIN || value > INT32_MAX) {
        return std::nullopt;
    }
    return static_cast<int>(value);
}

// bool.TryParse: "true" or "false" in any case, spaces around allowed.
inline std::optional<bool> parse_bool(std::string_view s) {
    s = ascii::trim(s, " ");
    if (ascii::iequals(s, "true")) {
        return true;
    }
    if (ascii::iequals(s, "false")) {
        return false;
    }
    return std::nullopt;
}

} // namespace detail

/// Reads the negotiate request's query (the part after '?').
inline negotiate_request read_negotiate_request(std::string_view query, const negotiate_options& options) {
    negotiate_request result;
    const auto asked = http::query_parameter(query, "negotiateVersion");
    int version = 0;
    if (asked) {
        const auto parsed = detail::parse_int32(*asked);
        if (!parsed) {
            result.error = "The client requested a non-integer protocol version.";
            return result;
        }
        version = *parsed;
    }
    if (version < options.minimum_protocol_version) {
        result.error = signalrpp::detail::concat({"The client requested version '", std::to_string(version),
                                                  "', but the server does not support this version."});
        return result;
    }
    result.version = version > 1 ? 1 : version;
    const auto stateful = http::query_parameter(query, "useStatefulReconnect");
    result.stateful_reconnect = options.allow_stateful_reconnects && stateful && detail::parse_bool(*stateful) == true;
    return result;
}

/// The JSON answer to a successful negotiate. The token is written for version 1 only (version 0
/// clients use the connection id as the token).
inline std::string write_negotiate_response(const negotiate_request& request, std::string_view connection_id,
                                            std::string_view connection_token, const negotiate_options& options) {
    std::string out;
    json::string_output output(out);
    json::writer w(output);
    w.StartObject();
    if (request.stateful_reconnect) {
        w.Key("useStatefulReconnect");
        w.Bool(true);
    }
    w.Key("negotiateVersion");
    w.Int(request.version);
    w.Key("connectionId");
    w.String(connection_id);
    if (request.version > 0) {
        w.Key("connectionToken");
        w.String(connection_token);
    }
    w.Key("availableTransports");
    w.StartArray();
    const auto transport = [&](std::string_view name, bool binary) {
        w.StartObject();
        w.Key("transport");
        w.String(name);
        w.Key("transferFormats");
        w.StartArray();
        w.String("Text");
        if (binary) {
            w.String("Binary");
        }
        w.EndArray();
        w.EndObject();
    };
    if ((options.transports & websockets) != 0 && options.websockets_available) {
        transport(transport_name(websockets), true);
    }
    if ((options.transports & server_sent_events) != 0) {
        transport(transport_name(server_sent_events), false);
    }
    if ((options.transports & long_polling) != 0) {
        transport(transport_name(long_polling), true);
    }
    w.EndArray();
    w.EndObject();
    return out;
}

/// The JSON answer to a refused negotiate: {"error":"..."} (sent with status 200, as the reference does).
inline std::string write_negotiate_error(std::string_view error) {
    std::string out;
    json::string_output output(out);
    json::writer w(output);
    w.StartObject();
    w.Key("error");
    w.String(error);
    w.EndObject();
    return out;
}

} // namespace signalrpp::transport
