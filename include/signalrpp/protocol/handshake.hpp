#pragma once
// The hub handshake, always JSON whatever protocol follows, each side's first record:
//   client -> server  {"protocol":"json","version":1}<RS>
//   server -> client  {}<RS>, or {"error":"<why>"}<RS> and the connection closes.
// Parsing and error texts follow ASP.NET Core's HandshakeProtocol; the JSON hub protocol accepts
// versions 1 and 2 (2 is what clients ask for with stateful reconnect).

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/protocol/detail/parse_object_record.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/protocol/record_reader.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

struct handshake_request {
    std::string protocol;
    int version = 0;
};

struct handshake_response {
    std::optional<std::string> error; ///< set: the server refused the connection, and why
};

/// Parses the handshake request record of `size` bytes at `text`, NUL-terminated (modified in place).
inline bool parse_handshake_request(char* text, std::size_t size, json::insitu_document& document,
                                    handshake_request& out, protocol_error& error) {
    const std::string content(text, size); // error texts quote the request as it came
    const json::value* root = detail::parse_object_record(text, size, document, error);
    if (root == nullptr) {
        return false;
    }
    std::optional<std::string> protocol;
    bool has_version = false; // (not std::optional<int>: g++ 12 warns it may be used uninitialized)
    int version = 0;
    for (const auto& member : root->GetObject()) {
        const std::string_view name(member.name.GetString(), member.name.GetStringLength());
        const json::value& v = member.value;
        if (name == "protocol") {
            if (!v.IsString()) {
                error = {"InvalidDataException", "Expected 'protocol' to be of type String."};
                return false;
            }
            protocol.emplace(v.GetString(), v.GetStringLength());
        } else if (name == "version") {
            if (!v.IsNull() && !v.IsInt()) {
                error = {"InvalidDataException", "Expected 'version' to be of type Number."};
                return false;
            }
            has_version = !v.IsNull();
            version = has_version ? v.GetInt() : 0;
        }
    }
    if (!protocol || !has_version) {
        error = {"InvalidDataException", signalrpp::detail::concat({"Missing required property '",
                                                                    protocol ? "version" : "protocol",
                                                                    "'. Message content: ", content})};
        return false;
    }
    out = {std::move(*protocol), version};
    return true;
}

/// parse_handshake_request with a parse document of the thread's own (the server's side).
inline bool read_handshake_request(char* text, std::size_t size, handshake_request& out, protocol_error& error) {
    thread_local json::insitu_document document;
    return parse_handshake_request(text, size, document, out, error);
}

/// Parses the handshake response record of `size` bytes at `text`, NUL-terminated (modified in place);
/// the client side.
inline bool parse_handshake_response(char* text, std::size_t size, json::insitu_document& document,
                                     handshake_response& out, protocol_error& error) {
    const json::value* root = detail::parse_object_record(text, size, document, error);
    if (root == nullptr) {
        return false;
    }
    out.error.reset();
    for (const auto& member : root->GetObject()) {
        const std::string_view name(member.name.GetString(), member.name.GetStringLength());
        if (name == "type") {
            // A hub message where the handshake response belongs: the server skipped the handshake.
            error = {"InvalidDataException", "Expected a handshake response from the server."};
            return false;
        }
        if (name == "error") {
            if (!member.value.IsString()) {
                error = {"InvalidDataException", "Expected 'error' to be of type String."};
                return false;
            }
            out.error.emplace(member.value.GetString(), member.value.GetStringLength());
        }
    }
    return true;
}

/// Appends a handshake request record.
inline void write_handshake_request(std::string& out, std::string_view protocol, int version) {
    json::string_output output(out);
    json::writer w(output);
    w.StartObject();
    w.Key("protocol");
    w.String(protocol.data(), static_cast<rapidjson::SizeType>(protocol.size()));
    w.Key("version");
    w.Int(version);
    w.EndObject();
    out += record_separator;
}

/// Appends a handshake response record: `{}` on success, `{"error":...}` when `error` is non-empty.
inline void write_handshake_response(std::string& out, std::string_view error = {}) {
    json::string_output output(out);
    json::writer w(output);
    w.StartObject();
    if (!error.empty()) {
        w.Key("error");
        w.String(error.data(), static_cast<rapidjson::SizeType>(error.size()));
    }
    w.EndObject();
    out += record_separator;
}

} // namespace signalrpp::protocol
