#pragma once
// messagepack_hub_protocol: the MessagePack hub protocol ("messagepack", version 2, binary) behind the
// hub_protocol seam, read and written as ASP.NET Core's MessagePackHubProtocol does:
// - each message is one MessagePack array, its type first, framed by its VarInt length (binary_framing.hpp):
//   Invocation [1, headers, id|nil, target, [arguments], [streamIds]], StreamItem [2, headers, id, item],
//   Completion [3, headers, id, kind, error|result] (kind 1: error, 2: void, 3: result),
//   StreamInvocation [4, headers, id, target, [arguments], [streamIds]], CancelInvocation [5, headers, id],
//   Ping [6], Close [7, error|nil, allowReconnect], Ack [8, sequenceId], Sequence [9, sequenceId];
// - fields are read one after another whatever length the array declares, as the reference reads them:
//   the length only says whether an optional last field is there (an Invocation's streamIds, which older
//   clients omit; a Close's allowReconnect), and bytes after the last field read are ignored;
// - unknown message types are ignored; malformed input gives the exception type and text the reference
//   reports for it.
// Values (arguments, a stream item, a result) are not bound here: each is checked to be one whole
// MessagePack value and handed on as its bytes (wire_value), to be bound by whoever handles the message.
//
// Where reading differs from the reference, on input that no SignalR client sends:
// - strings must be valid UTF-8 (a string read here may be written out again, as JSON too); the reference
//   decodes bad bytes as U+FFFD. A bad one fails as "Reading '<field>' as String failed.";
// - an argument, item or result that is not one whole MessagePack value ends the connection here; the
//   reference, which binds values as it reads them, fails that call alone, with the text used here.

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/core/utf8.hpp>
#include <signalrpp/msgpack/format.hpp>
#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/msgpack/writer.hpp>
#include <signalrpp/protocol/length_prefixed_framing.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/protocol/value_ref.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::protocol {

namespace detail::messagepack {

// The result kinds of a Completion.
inline constexpr std::int32_t error_result = 1;
inline constexpr std::int32_t void_result = 2;
inline constexpr std::int32_t non_void_result = 3;

// ----- The errors the reference reports ----------------------------------------------------------

// Failures of the hub protocol's own reads, which it wraps in InvalidDataExceptions.
inline protocol_error invalid_data(std::string message) { return {"InvalidDataException", std::move(message)}; }

inline protocol_error reading_failed(std::string_view field, std::string_view as) {
    return invalid_data(signalrpp::detail::concat({"Reading '", field, "' as ", as, " failed."}));
}

inline protocol_error null_or_empty(std::string_view what) {
    return invalid_data(signalrpp::detail::concat({"Null or empty ", what, "."}));
}

// The field name the reference gives the key or value of header `index` ("headers[0].Key").
inline std::string header_field(std::size_t index, std::string_view part) {
    return signalrpp::detail::concat({"headers[", std::to_string(index), "].", part});
}

// What the MessagePack library (MessagePack-CSharp) throws where the hub protocol does not wrap its
// reads: at the message's array header, a stream id, and an item or result skipped whole.
inline protocol_error end_of_stream() {
    return {"EndOfStreamException", "Attempted to read past the end of the stream."};
}

// The library's name of the format a first byte starts (MessagePackCode.ToFormatName).
inline std::string_view format_name(std::uint8_t code) noexcept {
    if (code <= msgpack::format::positive_fixint_max) {
        return "positive fixint";
    }
    if (code >= msgpack::format::negative_fixint_min) {
        return "negative fixint";
    }
    if (code < msgpack::format::fixarray) {
        return "fixmap";
    }
    if (code < msgpack::format::fixstr) {
        return "fixarray";
    }
    if (code < msgpack::format::nil) {
        return "fixstr";
    }
    static constexpr std::string_view named[] = {
        "nil",      "(never used)", "false",    "true",     "bin 8",    "bin 16",    "bin 32",   "ext 8",
        "ext 16",   "ext 32",       "float 32", "float 64", "uint 8",   "uint 16",   "uint 32",  "uint 64",
        "int 8",    "int 16",       "int 32",   "int 64",   "fixext 1", "fixext 2",  "fixext 4", "fixext 8",
        "fixext 16", "str 8",       "str 16",   "str 32",   "array 16", "array 32",  "map 16",   "map 32"};
    return named[code - msgpack::format::nil];
}

inline protocol_error unexpected_code(std::uint8_t code) {
    return {"MessagePackSerializationException",
            signalrpp::detail::concat({"Unexpected msgpack code ", std::to_string(code), " (", format_name(code),
                                       ") encountered."})};
}

// The library's error for a value at the start of `rest` that should be of a kind whose first bytes
// `starts` recognizes, and could not be read: bytes missing, or another kind of value.
template <class Starts>
protocol_error unreadable(std::string_view rest, Starts starts) {
    if (rest.empty()) {
        return end_of_stream();
    }
    const auto code = static_cast<std::uint8_t>(rest[0]);
    return starts(code) ? end_of_stream() : unexpected_code(code);
}

inline bool starts_array(std::uint8_t code) noexcept {
    return (code & 0xf0) == msgpack::format::fixarray || code == msgpack::format::array16 ||
           code == msgpack::format::array32;
}

inline bool starts_string(std::uint8_t code) noexcept {
    return (code & 0xe0) == msgpack::format::fixstr || code == msgpack::format::str8 ||
           code == msgpack::format::str16 || code == msgpack::format::str32;
}

// The library's error for skipping the value at the start of `rest`, which is not one whole value. It
// walks the values in order, entering containers without comparing their counts with the bytes left,
// so the error is the first 0xc1 it meets (never used by the format) or, before any, the end.
inline protocol_error unskippable(std::string_view rest) {
    std::uint64_t values = 1; // still to pass; each takes a byte at least, so the walk is linear
    std::size_t at = 0;
    while (values > 0 && at < rest.size()) {
        --values;
        const auto code = static_cast<std::uint8_t>(rest[at]);
        if (code == msgpack::format::never_used) {
            return unexpected_code(code);
        }
        const bool is_map = (code & 0xf0) == msgpack::format::fixmap || code == msgpack::format::map16 ||
                            code == msgpack::format::map32;
        if (is_map || starts_array(code)) {
            const std::size_t length_bytes =
                code == msgpack::format::array16 || code == msgpack::format::map16   ? 2
                : code == msgpack::format::array32 || code == msgpack::format::map32 ? 4
                                                                                     : 0;
            if (rest.size() - at - 1 < length_bytes) {
                break;
            }
            std::uint64_t count = length_bytes == 0 ? code & 0x0fu : 0;
            for (std::size_t i = 0; i < length_bytes; ++i) {
                count = (count << 8) | static_cast<std::uint8_t>(rest[at + 1 + i]);
            }
            values += is_map ? 2 * count : count;
            at += 1 + length_bytes;
            continue;
        }
        msgpack::reader value(rest.substr(at));
        if (!value.skip()) {
            break; // (not a container: only missing bytes stop it)
        }
        at += value.position();
    }
    return end_of_stream();
}

// ----- Reading ---------------------------------------------------------------------------------------

// Reads one message's fields in order; each read_* returns false after setting `error`.
class body_reader {
public:
    body_reader(std::string_view body, protocol_error& error) noexcept : body_(body), in_(body), error_(error) {}

    // The message's array header: its declared length.
    bool read_item_count(std::size_t& count) {
        return in_.read_array_header(count) || fail(unreadable(rest(), starts_array));
    }

    bool read_int32(std::string_view field, std::int32_t& out) {
        return in_.read_integer(out) || fail(reading_failed(field, "Int32"));
    }

    bool read_int64(std::string_view field, std::int64_t& out) {
        return in_.read_integer(out) || fail(reading_failed(field, "Int64"));
    }

    bool read_bool(std::string_view field, bool& out) {
        return in_.read_bool(out) || fail(reading_failed(field, "Boolean"));
    }

    // A str or nil (nullopt), as the reference reads strings.
    bool read_string(std::string_view field, std::optional<std::string_view>& out) {
        return read_string_or_nil(out) || fail(reading_failed(field, "String"));
    }

    // A string the reference requires to be neither nil nor empty ("Null or empty <what>.").
    bool read_required(std::string_view field, std::string_view what, std::string_view& out) {
        std::optional<std::string_view> s;
        if (!read_string(field, s)) {
            return false;
        }
        if (!s || s->empty()) {
            return fail(null_or_empty(what));
        }
        out = *s;
        return true;
    }

    bool read_headers(header_map& out) {
        const std::size_t map_begin = in_.position();
        std::size_t count = 0;
        if (!in_.read_map_header(count)) {
            return fail(invalid_data("Reading map length for 'headers' failed."));
        }
        const std::size_t begin = in_.position();
        // The reference adds each entry to a dictionary as soon as it has read it, so a key repeated
        // among the entries before a bad one is reported first.
        std::optional<protocol_error> wrong;
        std::size_t whole = 0; // entries read and found right
        for (; whole < count; ++whole) {
            if ((wrong = header_entry_error(whole))) {
                break;
            }
        }
        const std::string_view entries = body_.substr(begin, in_.position() - begin);
        if (const auto repeated = first_repeated_key(entries, whole)) {
            constexpr std::string_view added = "An item with the same key has already been added. Key: ";
            return fail({"ArgumentException", signalrpp::detail::concat({added, *repeated})});
        }
        if (wrong) {
            return fail(std::move(*wrong));
        }
        out = header_map::msgpack(body_.substr(map_begin, in_.position() - map_begin));
        return true;
    }

    // The arguments array: its values, each checked to be whole.
    bool read_arguments(wire_list& out) {
        const std::size_t begin = in_.position();
        std::size_t count = 0;
        if (!in_.read_array_header(count)) {
            return fail(invalid_data("Reading array length for 'arguments' failed."));
        }
        for (std::size_t i = 0; i < count; ++i) {
            std::string_view value;
            if (!in_.read_raw(value)) {
                return fail(invalid_data(signalrpp::detail::concat(
                    {"Error binding argument ", std::to_string(i + 1),
                     ". Make sure that the types of the provided values match the types of the hub method being "
                     "invoked."})));
            }
        }
        out = wire_list::msgpack(body_.substr(begin, in_.position() - begin));
        return true;
    }

    // The streamIds array: strings, neither nil nor empty.
    bool read_stream_ids(string_list& out) {
        const std::size_t begin = in_.position();
        std::size_t count = 0;
        if (!in_.read_array_header(count)) {
            return fail(invalid_data("Reading array length for 'streamIds' failed."));
        }
        for (std::size_t i = 0; i < count; ++i) {
            if (in_.read_nil()) {
                return fail(null_or_empty("value in streamIds received"));
            }
            std::string_view id;
            if (!in_.read_string(id)) {
                return fail(unreadable(rest(), starts_string)); // (a read the reference does not wrap)
            }
            if (id.empty()) {
                return fail(null_or_empty("value in streamIds received"));
            }
            if (!utf8::valid(id)) {
                const std::string field = signalrpp::detail::concat({"streamIds[", std::to_string(i), "]"});
                return fail(reading_failed(field, "String"));
            }
        }
        out = string_list::msgpack(body_.substr(begin, in_.position() - begin));
        return true;
    }

    // One whole value of any kind (an item, a result).
    bool read_value(wire_value& out) {
        std::string_view value;
        if (!in_.read_raw(value)) {
            return fail(unskippable(rest()));
        }
        out = wire_value::msgpack(value);
        return true;
    }

    bool fail(protocol_error e) {
        error_ = std::move(e);
        return false;
    }

private:
    std::string_view rest() const noexcept { return body_.substr(in_.position()); }

    bool read_string_or_nil(std::optional<std::string_view>& out) {
        if (in_.read_nil()) {
            out.reset();
            return true;
        }
        std::string_view s;
        if (!in_.read_string(s) || !utf8::valid(s)) {
            return false;
        }
        out = s;
        return true;
    }

    // Reads header entry `index`; what is wrong with it, if anything.
    std::optional<protocol_error> header_entry_error(std::size_t index) {
        std::optional<std::string_view> key;
        std::optional<std::string_view> value;
        if (!read_string_or_nil(key)) {
            return reading_failed(header_field(index, "Key"), "String");
        }
        if (!key || key->empty()) {
            return null_or_empty("key in header");
        }
        if (!read_string_or_nil(value)) {
            return reading_failed(header_field(index, "Value"), "String");
        }
        if (!value || value->empty()) {
            return null_or_empty("value in header");
        }
        return std::nullopt;
    }

    // The key of the first of `count` header entries (str key, str value) whose key an earlier entry
    // has; pairs compared directly when few, sorted when many (a message can hold many thousands).
    static std::optional<std::string_view> first_repeated_key(std::string_view entries, std::size_t count) {
        if (count < 2) {
            return std::nullopt;
        }
        const auto key_at = [](msgpack::reader& in) {
            std::string_view key;
            std::string_view value;
            (void)in.read_string(key); // (checked when read)
            (void)in.read_string(value);
            return key;
        };
        msgpack::reader in(entries);
        constexpr std::size_t few = 16;
        if (count <= few) {
            std::array<std::string_view, few> keys;
            for (std::size_t j = 0; j < count; ++j) {
                keys[j] = key_at(in);
                for (std::size_t i = 0; i < j; ++i) {
                    if (keys[i] == keys[j]) {
                        return keys[j];
                    }
                }
            }
            return std::nullopt;
        }
        std::vector<std::pair<std::string_view, std::size_t>> keys; // key, index
        keys.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            keys.emplace_back(key_at(in), i);
        }
        std::sort(keys.begin(), keys.end());
        // In each run of one key, the reference fails at the run's second index; the first such wins.
        std::optional<std::pair<std::string_view, std::size_t>> first;
        for (std::size_t i = 1; i < keys.size(); ++i) {
            if (keys[i].first == keys[i - 1].first && (i < 2 || keys[i - 2].first != keys[i].first) &&
                (!first || keys[i].second < first->second)) {
                first = keys[i];
            }
        }
        if (!first) {
            return std::nullopt;
        }
        return first->first;
    }

    std::string_view body_;
    msgpack::reader in_;
    protocol_error& error_;
};

// The fields of an Invocation or a StreamInvocation, which differ in their type and in what they require.
struct call_fields {
    header_map headers;
    std::string_view invocation_id;
    std::string_view target;
    wire_list arguments;
    string_list stream_ids;
};

inline bool read_call(body_reader& in, std::size_t item_count, bool streaming, call_fields& f) {
    std::optional<std::string_view> id;
    if (!in.read_headers(f.headers) || !in.read_string("invocationId", id)) {
        return false;
    }
    if (streaming && (!id || id->empty())) {
        return in.fail(null_or_empty("invocation ID for StreamInvocation message"));
    }
    f.invocation_id = id.value_or(std::string_view{}); // an Invocation's nil or empty id: no Completion wanted
    const std::string_view what = streaming ? "target for StreamInvocation message" : "target for Invocation message";
    return in.read_required("target", what, f.target) &&
           in.read_arguments(f.arguments) &&
           (item_count <= 5 || in.read_stream_ids(f.stream_ids)); // (older clients send five items)
}

// The Invocation most calls are, recognized from its bytes and read at once: 5 or 6 items, type 1, no
// headers, a fixstr id (or nil), a fixstr target, a fixarray of whole arguments and, with 6 items, no
// stream ids. False (`out` untouched) for anything else, flawed or not: read_fields then reads it field
// by field, with the reference's errors. The two read the same message into the same fields (the tests
// hold them to it), as the JSON protocol's envelope scanner and document do.
inline bool read_plain_invocation(std::string_view body, hub_message& out) {
    namespace format = msgpack::format;
    const auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(body[at]); };
    // A fixstr at `at` (whose first byte is there), read into `s` if whole and UTF-8.
    const auto fixstr = [&](std::size_t& at, std::string_view& s) {
        const std::size_t length = byte(at) & 0x1fu;
        if ((byte(at) & 0xe0) != format::fixstr || body.size() - at - 1 < length) {
            return false;
        }
        s = std::string_view(body.data() + at + 1, length);
        at += 1 + length;
        return utf8::valid(s);
    };
    const std::size_t items = body.size() >= 6 ? byte(0) : 0; // (the shortest: 95 01 80 c0 a1 xx 90)
    if ((items != (format::fixarray | 5) && items != (format::fixarray | 6)) || byte(1) != 1 ||
        byte(2) != format::fixmap) {
        return false;
    }
    std::size_t at = 3;
    std::string_view id;
    std::string_view target;
    if (byte(at) == format::nil) {
        ++at;
    } else if (!fixstr(at, id)) {
        return false;
    }
    if (at == body.size() || !fixstr(at, target) || target.empty() || at == body.size() ||
        (byte(at) & 0xf0) != format::fixarray) {
        return false;
    }
    const std::size_t arguments_begin = at;
    msgpack::reader arguments(body.substr(at + 1));
    for (std::size_t i = byte(at) & 0x0fu; i > 0; --i) {
        if (!arguments.skip()) {
            return false;
        }
    }
    at += 1 + arguments.position();
    const bool has_stream_ids = items == (format::fixarray | 6);
    if (has_stream_ids && (at == body.size() || byte(at) != format::fixarray)) {
        return false;
    }
    auto& m = out.emplace<invocation_message>();
    m.invocation_id = id;
    m.target = target;
    m.arguments = wire_list::msgpack(body.substr(arguments_begin, at - arguments_begin));
    if (has_stream_ids) {
        m.stream_ids = string_list::msgpack(body.substr(at, 1));
    }
    m.headers = header_map::msgpack(body.substr(2, 1));
    return true;
}

// Reads any message field by field (parse_body's general way).
inline parse_status read_fields(std::string_view body, hub_message& out, protocol_error& error) {
    body_reader in(body, error);
    std::size_t item_count = 0;
    std::int32_t type = 0;
    if (!in.read_item_count(item_count) || !in.read_int32("messageType", type)) {
        return parse_status::error;
    }
    bool ok = false;
    switch (type) {
    case static_cast<int>(message_type::invocation):
    case static_cast<int>(message_type::stream_invocation): {
        const bool streaming = type == static_cast<int>(message_type::stream_invocation);
        call_fields f;
        ok = read_call(in, item_count, streaming, f);
        // (Made in place, not built aside and copied in: see json_hub_parser.hpp's build_message.)
        const auto set = [&f](auto& m) {
            m.invocation_id = f.invocation_id;
            m.target = f.target;
            m.arguments = f.arguments;
            m.stream_ids = f.stream_ids;
            m.headers = f.headers;
        };
        if (ok && streaming) {
            set(out.emplace<stream_invocation_message>());
        } else if (ok) {
            set(out.emplace<invocation_message>());
        }
        break;
    }
    case static_cast<int>(message_type::stream_item): {
        stream_item_message m;
        ok = in.read_headers(m.headers) &&
             in.read_required("invocationId", "invocation ID for StreamItem message", m.invocation_id) &&
             in.read_value(m.item);
        if (ok) {
            out = m;
        }
        break;
    }
    case static_cast<int>(message_type::completion): {
        completion_message m;
        std::int32_t kind = 0;
        ok = in.read_headers(m.headers) &&
             in.read_required("invocationId", "invocation ID for Completion message", m.invocation_id) &&
             in.read_int32("resultKind", kind);
        if (ok) {
            switch (kind) {
            case error_result: ok = in.read_string("error", m.error); break; // (nil: no error either)
            case void_result: break;
            case non_void_result: ok = in.read_value(m.result); break;
            default: ok = in.fail(invalid_data("Invalid invocation result kind.")); break;
            }
        }
        if (ok) {
            out = m;
        }
        break;
    }
    case static_cast<int>(message_type::cancel_invocation): {
        cancel_invocation_message m;
        ok = in.read_headers(m.headers) &&
             in.read_required("invocationId", "invocation ID for CancelInvocation message", m.invocation_id);
        if (ok) {
            out = m;
        }
        break;
    }
    case static_cast<int>(message_type::ping):
        out = ping_message{};
        ok = true;
        break;
    case static_cast<int>(message_type::close): {
        close_message m;
        ok = in.read_string("error", m.error) && (item_count <= 2 || in.read_bool("allowReconnect", m.allow_reconnect));
        if (ok) {
            out = m;
        }
        break;
    }
    case static_cast<int>(message_type::ack):
    case static_cast<int>(message_type::sequence): {
        std::int64_t sequence_id = 0;
        ok = in.read_int64("sequenceId", sequence_id);
        if (ok) {
            if (type == static_cast<int>(message_type::ack)) {
                out = ack_message{sequence_id};
            } else {
                out = sequence_message{sequence_id};
            }
        }
        break;
    }
    default: return parse_status::ignored; // a newer protocol's message: older peers skip them
    }
    return ok ? parse_status::message : parse_status::error;
}

inline parse_status parse_body(std::string_view body, hub_message& out, protocol_error& error) {
    return read_plain_invocation(body, out) ? parse_status::message : read_fields(body, out, error);
}

// ----- Writing ---------------------------------------------------------------------------------------

// Throws if a message of `length` bytes is longer than a length prefix can say.
inline void check_message_length(std::size_t length) {
    if (length > 0x7fffffff) {
        throw std::length_error("a MessagePack hub message is at most 2 GiB - 1 bytes long");
    }
}

// Appends one framed message whose body `write_body` writes, leaving `out` as it was if that throws.
// The body goes straight into `out` behind one byte kept for the length prefix, which is all most
// messages (under 128 bytes) need; a longer prefix is made room for by moving the body once.
template <class WriteBody>
void append_framed(std::string& out, WriteBody&& write_body) {
    const std::size_t start = out.size();
    try {
        out.push_back('\0');
        msgpack::writer w(out);
        write_body(w);
        const std::size_t length = out.size() - start - 1;
        if (length < 0x80) {
            out[start] = static_cast<char>(length);
            return;
        }
        check_message_length(length);
        std::string prefix; // (at most 5 bytes: no allocation)
        write_length_prefix(prefix, length);
        out.replace(start, 1, prefix);
    } catch (...) {
        out.resize(start);
        throw;
    }
}

inline void write_headers(msgpack::writer& w, std::span<const header> headers) {
    w.write_map_header(headers.size()); // an empty map when there are none, as the reference writes
    for (const auto& h : headers) {
        w.write_string(h.name);
        w.write_string(h.value);
    }
}

inline void write_call(std::string& out, message_type type, const invocation_header& h,
                       std::span<const value_ref> args) {
    append_framed(out, [&](msgpack::writer& w) {
        w.write_array_header(6);
        w.write_uint(static_cast<std::uint64_t>(type));
        write_headers(w, h.headers);
        if (type == message_type::invocation && h.invocation_id.empty()) {
            w.write_nil(); // no Completion wanted
        } else {
            w.write_string(h.invocation_id);
        }
        w.write_string(h.target);
        w.write_array_header(args.size());
        for (const auto& arg : args) {
            arg.write(w);
        }
        w.write_array_header(h.stream_ids.size());
        for (const auto id : h.stream_ids) {
            w.write_string(id);
        }
    });
}

// [3, headers, id, kind] and, written by `write_last`, the error or result.
// A Completion's items up to its result kind (the result, if any, comes next).
inline void write_completion_head(msgpack::writer& w, std::string_view invocation_id, std::int32_t kind) {
    w.write_array_header(kind == void_result ? 4 : 5);
    w.write_uint(static_cast<std::uint64_t>(message_type::completion));
    w.write_map_header(0);
    w.write_string(invocation_id);
    w.write_uint(static_cast<std::uint64_t>(kind));
}

template <class WriteLast>
void write_completion(std::string& out, std::string_view invocation_id, std::int32_t kind, WriteLast&& write_last) {
    append_framed(out, [&](msgpack::writer& w) {
        write_completion_head(w, invocation_id, kind);
        write_last(w);
    });
}

// A Completion with a string result (what echoes and most methods answer), written in one pass: its
// length is known before its bytes, so its prefix goes first whatever its size (append_framed moves a
// body of 128 bytes or more once).
inline void write_string_completion(std::string& out, std::string_view invocation_id, std::string_view result) {
    using w = msgpack::writer;
    // The array, type and headers' bytes, the id, the result kind, the result.
    const std::size_t length = 3 + w::string_header_size(invocation_id.size()) + invocation_id.size() + 1 +
                               w::string_header_size(result.size()) + result.size();
    check_message_length(length);
    out.reserve(out.size() + 5 + length); // (then nothing below throws: `out` stays whole if this does)
    write_length_prefix(out, length);
    msgpack::writer body(out);
    write_completion_head(body, invocation_id, non_void_result);
    body.write_string(result);
}

// Where write_call put the nil invocation id in `body` (an Invocation), if it is one such.
inline std::optional<std::size_t> nil_invocation_id_at(std::string_view body) {
    msgpack::reader in(body);
    std::size_t count = 0;
    std::int32_t type = 0;
    if (!in.read_array_header(count) || count != 6 || !in.read_integer(type) ||
        type != static_cast<int>(message_type::invocation) || in.next_kind() != msgpack::kind::map || !in.skip()) {
        return std::nullopt;
    }
    const std::size_t at = in.position();
    if (!in.read_nil()) {
        return std::nullopt;
    }
    return at;
}

} // namespace detail::messagepack

class messagepack_hub_protocol final : public hub_protocol {
public:
    static constexpr std::string_view protocol_name = "messagepack";
    static constexpr int protocol_version = 2;

    std::string_view name() const noexcept override { return protocol_name; }
    int version() const noexcept override { return protocol_version; }
    transfer_format format() const noexcept override { return transfer_format::binary; }

    std::unique_ptr<message_framing> make_framing(std::size_t max_message_size) const override {
        return std::make_unique<length_prefixed_framing>(max_message_size);
    }

    /// Reads without changing the bytes; the message views them.
    parse_status parse(char* data, std::size_t size, hub_message& out, protocol_error& error) const override {
        return detail::messagepack::parse_body(std::string_view(data, size), out, error);
    }

    void write_invocation(std::string& out, const invocation_header& h,
                          std::span<const value_ref> args) const override {
        detail::messagepack::write_call(out, message_type::invocation, h, args);
    }

    void write_stream_invocation(std::string& out, const invocation_header& h,
                                 std::span<const value_ref> args) const override {
        detail::messagepack::write_call(out, message_type::stream_invocation, h, args);
    }

    void write_stream_item(std::string& out, std::string_view invocation_id, value_ref item) const override {
        detail::messagepack::append_framed(out, [&](msgpack::writer& w) {
            w.write_array_header(4);
            w.write_uint(static_cast<std::uint64_t>(message_type::stream_item));
            w.write_map_header(0);
            w.write_string(invocation_id);
            item.write(w);
        });
    }

    void write_completion_result(std::string& out, std::string_view invocation_id, value_ref result) const override {
        if (const std::string* text = result.string()) {
            detail::messagepack::write_string_completion(out, invocation_id, *text);
            return;
        }
        detail::messagepack::write_completion(out, invocation_id, detail::messagepack::non_void_result,
                                              [&](msgpack::writer& w) { result.write(w); });
    }

    /// Kind 3 with a nil result, as ASP.NET Core answers a void method (a result of null; clients
    /// resolve it as null, where kind 2 would give them no value at all).
    void write_completion_void(std::string& out, std::string_view invocation_id) const override {
        detail::messagepack::write_completion(out, invocation_id, detail::messagepack::non_void_result,
                                              [](msgpack::writer& w) { w.write_nil(); });
    }

    /// Kind 1 with `error`, even empty: the reference writes any error that is not null (unlike its
    /// JSON protocol, which leaves an empty one out).
    void write_completion_error(std::string& out, std::string_view invocation_id,
                                std::string_view error) const override {
        detail::messagepack::write_completion(out, invocation_id, detail::messagepack::error_result,
                                              [&](msgpack::writer& w) { w.write_string(error); });
    }

    /// Kind 2 (void): a Completion without a result, the end of a stream.
    void write_completion_empty(std::string& out, std::string_view invocation_id) const override {
        detail::messagepack::write_completion(out, invocation_id, detail::messagepack::void_result,
                                              [](msgpack::writer&) {});
    }

    void write_cancel_invocation(std::string& out, std::string_view invocation_id) const override {
        detail::messagepack::append_framed(out, [&](msgpack::writer& w) {
            w.write_array_header(3);
            w.write_uint(static_cast<std::uint64_t>(message_type::cancel_invocation));
            w.write_map_header(0);
            w.write_string(invocation_id);
        });
    }

    /// Always the same three bytes: the spec has a Ping "always exactly encoded" as 0x91 0x06.
    void write_ping(std::string& out) const override { out.append("\x02\x91\x06", 3); }

    /// [7, error or nil, allowReconnect]: the reference always writes all three, and nil for an empty
    /// error (so an empty error reads back as none).
    void write_close(std::string& out, std::optional<std::string_view> error, bool allow_reconnect) const override {
        detail::messagepack::append_framed(out, [&](msgpack::writer& w) {
            w.write_array_header(3);
            w.write_uint(static_cast<std::uint64_t>(message_type::close));
            if (error && !error->empty()) {
                w.write_string(*error);
            } else {
                w.write_nil();
            }
            w.write_bool(allow_reconnect);
        });
    }

    void write_ack(std::string& out, std::int64_t sequence_id) const override {
        write_sequence_number(out, message_type::ack, sequence_id);
    }

    void write_sequence(std::string& out, std::int64_t sequence_id) const override {
        write_sequence_number(out, message_type::sequence, sequence_id);
    }

    /// Replaces the nil id of `message` (one whole framed Invocation from write_invocation without an
    /// id) with `invocation_id`, and its length prefix with the new length. Throws std::invalid_argument,
    /// leaving `message` as it was, if it is not such a message.
    void set_invocation_id(std::string& message, std::string_view invocation_id) const override {
        length_prefixed_reader frame;
        frame.append(message);
        std::string_view body;
        if (frame.next(body) != length_prefixed_reader::status::message || frame.buffered() != 0) {
            throw std::invalid_argument("set_invocation_id: not one whole framed message");
        }
        const auto nil_at = detail::messagepack::nil_invocation_id_at(body);
        if (!nil_at) {
            throw std::invalid_argument("set_invocation_id: not an Invocation without an invocation id");
        }
        const std::size_t old_prefix = message.size() - body.size();
        std::string id;
        msgpack::writer(id).write_string(invocation_id);
        const std::size_t length = body.size() - 1 + id.size();
        if (length > 0x7fffffff) {
            throw std::length_error("a MessagePack hub message is at most 2 GiB - 1 bytes long");
        }
        std::string prefix;
        write_length_prefix(prefix, length);
        // Reserving first leaves the two replacements nothing that can fail halfway.
        message.reserve(prefix.size() + length);
        message.replace(old_prefix + *nil_at, 1, id);
        message.replace(0, old_prefix, prefix);
    }

private:
    static void write_sequence_number(std::string& out, message_type type, std::int64_t sequence_id) {
        detail::messagepack::append_framed(out, [&](msgpack::writer& w) {
            w.write_array_header(2);
            w.write_uint(static_cast<std::uint64_t>(type));
            w.write_int(sequence_id);
        });
    }
};

} // namespace signalrpp::protocol
