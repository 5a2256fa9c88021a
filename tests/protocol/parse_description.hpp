#pragma once
// describe_parse(): everything one parse of a hub message record decided (status, error, every field
// of the message) as one line of text, by either way of reading a record: the usual way
// (parse_hub_message: the envelope scan, with the whole parse behind it) or the whole parse alone.
// Tests and the fuzzer check that the two ways agree.

#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/protocol/json_hub_parser.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace protocol_test {

enum class parse_way { usual, whole };

inline std::string describe_parse(std::string_view record, parse_way way) {
    namespace protocol = signalrpp::protocol;
    std::string text(record);
    signalrpp::json::insitu_document document;
    protocol::hub_message message;
    protocol::protocol_error error;
    protocol::parse_status status = protocol::parse_status::error;
    if (way == parse_way::usual) {
        status = protocol::parse_hub_message(text.data(), text.size(), document, message, error);
    } else {
        protocol::detail::message_fields fields;
        if (protocol::detail::fields_from_document(text.data(), text.size(), document, fields, error)) {
            status = protocol::detail::message_from_fields(fields, message, error);
        }
    }
    if (status == protocol::parse_status::error) {
        return "error " + error.detail();
    }
    if (status == protocol::parse_status::ignored) {
        return "ignored";
    }
    std::string d = "message " + std::to_string(static_cast<int>(protocol::type_of(message)));
    const auto value = [](const auto& v) {
        return v.json() ? signalrpp::json::raw_json(*v.json()).text() : std::string("<none>");
    };
    std::visit(
        [&](const auto& m) {
            if constexpr (requires { m.invocation_id; }) {
                d += " id=" + std::string(m.invocation_id);
            }
            if constexpr (requires { m.target; }) {
                d += " target=" + std::string(m.target);
            }
            if constexpr (requires { m.arguments; }) {
                d += " arguments=" + value(m.arguments);
            }
            if constexpr (requires { m.item; }) {
                d += " item=" + value(m.item);
            }
            if constexpr (requires { m.result; }) {
                d += " result=" + value(m.result);
            }
            if constexpr (requires { m.error; }) {
                d += " error=" + (m.error ? "\"" + std::string(*m.error) + "\"" : std::string("<none>"));
            }
            if constexpr (requires { m.allow_reconnect; }) {
                d += m.allow_reconnect ? " reconnect" : "";
            }
            if constexpr (requires { m.sequence_id; }) {
                d += " sequence=" + std::to_string(m.sequence_id);
            }
            if constexpr (requires { m.stream_ids; }) {
                d += " streams=";
                for (std::size_t i = 0; i < m.stream_ids.size(); ++i) {
                    d += std::string(m.stream_ids[i]) + ";";
                }
            }
            if constexpr (requires { m.headers; }) {
                d += " headers=";
                m.headers.for_each([&](std::string_view name, std::string_view v) {
                    d += std::string(name) + ":" + std::string(v) + ";";
                });
            }
        },
        message);
    return d;
}

} // namespace protocol_test
