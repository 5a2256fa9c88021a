#pragma once
// Helpers for the protocol tests: parse one record and keep what the views point into alive.

#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/protocol/json_hub_parser.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace protocol_test {

namespace protocol = signalrpp::protocol;

struct parsed {
    std::string text;
    std::unique_ptr<signalrpp::json::insitu_document> document = std::make_unique<signalrpp::json::insitu_document>();
    protocol::hub_message message;
    protocol::protocol_error error;
    protocol::parse_status status = protocol::parse_status::error;

    template <class T>
    const T& as() const {
        return std::get<T>(message);
    }
};

/// Parses one record (without separator).
inline std::unique_ptr<parsed> parse(std::string_view record) {
    auto p = std::make_unique<parsed>();
    p->text.assign(record);
    p->status = protocol::parse_hub_message(p->text.data(), p->text.size(), *p->document, p->message, p->error);
    return p;
}

/// The error text a record produces ("" if it parses).
inline std::string error_of(std::string_view record) {
    const auto p = parse(record);
    return p->status == protocol::parse_status::error ? p->error.message : std::string();
}

/// A JSON value as compact text.
inline std::string text_of(const signalrpp::json::value* v) {
    return v ? signalrpp::json::raw_json(*v).text() : std::string("<none>");
}
inline std::string text_of(const signalrpp::protocol::wire_value& v) { return text_of(v.json()); }
inline std::string text_of(const signalrpp::protocol::wire_list& v) { return text_of(v.json()); }

} // namespace protocol_test
