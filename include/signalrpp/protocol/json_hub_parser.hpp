#pragma once
// Parses one JSON hub protocol record (a message without its separator) the way ASP.NET Core's
// JsonHubProtocol does: properties in any order, unknown properties ignored, unknown message types
// ignored; and with the same checks and error texts where it is strict (wrong types, missing fields).
// Argument, item and result values are not bound here: they stay JSON values for the dispatcher.
// A message of the usual shape is read by detail::envelope_scanner, with only its arguments (or item,
// or result) parsed as JSON; any other is parsed whole. Both ways give the same messages and errors.

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/protocol/detail/envelope_scanner.hpp>
#include <signalrpp/protocol/detail/message_fields.hpp>
#include <signalrpp/protocol/detail/parse_object_record.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/protocol_error.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

namespace detail {

inline std::string_view view_of(const json::value& s) noexcept {
    return {s.GetString(), s.GetStringLength()};
}

inline std::string expected_type(std::string_view property, std::string_view type) {
    return signalrpp::detail::concat({"Expected '", property, "' to be of type ", type, "."});
}

inline std::string missing(std::string_view property) {
    return signalrpp::detail::concat({"Missing required property '", property, "'."});
}

inline bool fail(protocol_error& error, std::string message, const char* exception_type = "InvalidDataException") {
    error = {exception_type, std::move(message)};
    return false;
}

// Checks one property's value as the reference does when it meets it; false (with `error`) if it is wrong.
inline bool read_property(std::string_view name, const json::value& v, message_fields& f, protocol_error& error) {
    if (name == "type") {
        if (!v.IsInt()) {
            return fail(error, expected_type("type", "Number"));
        }
        f.type = v.GetInt();
    } else if (name == "invocationId" || name == "target" || name == "error") {
        if (!v.IsString()) {
            return fail(error, expected_type(name, "String"));
        }
        (name == "invocationId" ? f.invocation_id : name == "target" ? f.target : f.error) = view_of(v);
    } else if (name == "arguments") {
        if (!v.IsArray()) {
            return fail(error, expected_type("arguments", "Array"));
        }
        f.arguments = &v;
    } else if (name == "streamIds") {
        if (!v.IsArray()) {
            return fail(error, expected_type("streamIds", "Array"));
        }
        for (const auto& id : v.GetArray()) {
            if (id.IsNull()) {
                return fail(error, "Null value for 'streamIds' is not valid.");
            }
            if (!id.IsString()) {
                // The reference reports this through another exception type than the rest.
                return fail(error,
                            signalrpp::detail::concat({"Cannot get the value of a token type '", json::token_name(id),
                                                       "' as a string."}),
                            "InvalidOperationException");
            }
        }
        f.stream_ids = &v;
    } else if (name == "headers") {
        if (!v.IsObject()) {
            return fail(error, expected_type("headers", "StartObject"));
        }
        for (const auto& header : v.GetObject()) {
            if (!header.value.IsString()) {
                return fail(error, signalrpp::detail::concat(
                                       {"Expected header '", view_of(header.name), "' to be of type String."}));
            }
        }
        f.headers = &v;
    } else if (name == "allowReconnect") {
        if (!v.IsBool()) {
            return fail(error, "Expected 'allowReconnect' to be true or false.");
        }
        f.allow_reconnect = v.GetBool();
    } else if (name == "result") {
        f.result = &v;
    } else if (name == "item") {
        f.item = &v;
    } else if (name == "sequenceId") {
        if (v.IsNull()) {
            f.sequence_id.reset();
        } else if (!v.IsInt64()) {
            return fail(error, expected_type("sequenceId", "Number"));
        } else {
            f.sequence_id = v.GetInt64();
        }
    }
    return true;
}

// An Invocation's or StreamInvocation's fields, set where the message lies (no copy of a whole one).
template <class Call>
void set_call(Call& m, std::string_view invocation_id, const message_fields& f) noexcept {
    m.invocation_id = invocation_id;
    m.target = *f.target;
    m.arguments = wire_list(f.arguments);
    m.stream_ids = string_list(f.stream_ids);
    m.headers = header_map(f.headers);
}

// Fills `out` from the fields, or says which required one is missing (in the reference's order).
// Messages are made in place in `out`: building one aside and copying it in costs a call's dispatch
// more than the rest of its parse (bench/hub_dispatch_bench.cpp).
inline std::string build_message(const message_fields& f, hub_message& out, bool& known) {
    known = true;
    const std::string_view invocation_id = f.invocation_id.value_or(std::string_view{});
    switch (*f.type) {
    case static_cast<int>(message_type::invocation):
    case static_cast<int>(message_type::stream_invocation): {
        const bool streaming = *f.type == static_cast<int>(message_type::stream_invocation);
        if (!f.target) {
            return missing("target");
        }
        if (streaming && invocation_id.empty()) {
            return missing("invocationId");
        }
        if (!streaming && f.target->empty()) {
            return missing("target");
        }
        if (!f.arguments) {
            return missing("arguments");
        }
        if (streaming && f.target->empty()) {
            return missing("target");
        }
        if (streaming) {
            set_call(out.emplace<stream_invocation_message>(), invocation_id, f);
        } else {
            set_call(out.emplace<invocation_message>(), invocation_id, f);
        }
        return {};
    }
    case static_cast<int>(message_type::stream_item): {
        if (invocation_id.empty()) {
            return missing("invocationId");
        }
        if (!f.item) {
            return missing("item");
        }
        auto& m = out.emplace<stream_item_message>();
        m.invocation_id = invocation_id;
        m.item = wire_value(f.item);
        m.headers = header_map(f.headers);
        return {};
    }
    case static_cast<int>(message_type::completion): {
        if (invocation_id.empty()) {
            return missing("invocationId");
        }
        if (f.error && f.result) {
            return "The 'error' and 'result' properties are mutually exclusive.";
        }
        auto& m = out.emplace<completion_message>();
        m.invocation_id = invocation_id;
        if (f.error) {
            m.error = *f.error;
        }
        m.result = wire_value(f.result);
        m.headers = header_map(f.headers);
        return {};
    }
    case static_cast<int>(message_type::cancel_invocation):
        if (invocation_id.empty()) {
            return missing("invocationId");
        }
        out = cancel_invocation_message{invocation_id, header_map(f.headers)};
        return {};
    case static_cast<int>(message_type::ping):
        out = ping_message{};
        return {};
    case static_cast<int>(message_type::close): {
        close_message m;
        if (f.error) {
            m.error = *f.error;
        }
        m.allow_reconnect = f.allow_reconnect;
        out = m;
        return {};
    }
    case static_cast<int>(message_type::ack):
    case static_cast<int>(message_type::sequence):
        if (!f.sequence_id) {
            return missing("sequenceId");
        }
        if (*f.type == static_cast<int>(message_type::ack)) {
            out = ack_message{*f.sequence_id};
        } else {
            out = sequence_message{*f.sequence_id};
        }
        return {};
    default:
        known = false;
        return {};
    }
}

// Reads the message's properties from a document of the whole record: the way for every message.
inline bool fields_from_document(char* text, std::size_t size, json::insitu_document& document,
                                 message_fields& fields, protocol_error& error) {
    const json::value* root = parse_object_record(text, size, document, error);
    if (root == nullptr) {
        return false;
    }
    for (const auto& member : root->GetObject()) {
        if (!read_property(view_of(member.name), member.value, fields, error)) {
            return false;
        }
    }
    return true;
}

enum class envelope_outcome { read, error, unusual };

// Reads the properties of a message of the usual shape (envelope_scanner) with only its structured
// value parsed into the document; `unusual` (text untouched, nothing decided) for any other message.
// The text's encoding and depth are checked as the whole parse checks them, unless the scan has read it
// all as ASCII: the commonest messages are read in one pass.
inline envelope_outcome fields_from_envelope(char* text, std::size_t size, json::insitu_document& document,
                                             message_fields& fields, protocol_error& error) {
    deferred_value value;
    envelope_scanner scanner(text, text + size);
    if (!scanner.scan(fields, value)) {
        fields = {};
        return envelope_outcome::unusual;
    }
    if (!scanner.read_all_as_ascii() && !json::insitu_document::admissible(text, size)) {
        error = reading_error();
        return envelope_outcome::error;
    }
    if (value.begin == nullptr) {
        return envelope_outcome::read;
    }
    if (value.plain_strings) {
        // An array, as arguments must be (items and results may be anything): nothing to check.
        fields.*value.field = &document.make_string_array(value.strings.data(), value.string_count);
        return envelope_outcome::read;
    }
    // The value is the only part not checked yet: if it is not JSON, neither is the record.
    if (document.parse_value(value.begin, text + size) != value.end) {
        error = reading_error();
        return envelope_outcome::error;
    }
    return read_property(value.name(), document.root(), fields, error) ? envelope_outcome::read
                                                                     : envelope_outcome::error;
}

// Builds the message the properties describe, or the error of a required one missing.
inline parse_status message_from_fields(const message_fields& fields, hub_message& out, protocol_error& error) {
    if (!fields.type) {
        error = {"InvalidDataException", missing("type")};
        return parse_status::error;
    }
    bool known = true;
    std::string problem = build_message(fields, out, known);
    if (!problem.empty()) {
        error = {"InvalidDataException", std::move(problem)};
        return parse_status::error;
    }
    return known ? parse_status::message : parse_status::ignored;
}

} // namespace detail

/// Parses the record of `size` bytes at `text`, NUL-terminated (in place: `text` is modified and must
/// outlive `out`), using `document` for the values. On error, `error` says why.
inline parse_status parse_hub_message(char* text, std::size_t size, json::insitu_document& document,
                                      hub_message& out, protocol_error& error) {
    detail::message_fields fields;
    switch (detail::fields_from_envelope(text, size, document, fields, error)) {
    case detail::envelope_outcome::read: break;
    case detail::envelope_outcome::error: return parse_status::error;
    case detail::envelope_outcome::unusual:
        if (!detail::fields_from_document(text, size, document, fields, error)) {
            return parse_status::error;
        }
        break;
    }
    return detail::message_from_fields(fields, out, error);
}

} // namespace signalrpp::protocol
