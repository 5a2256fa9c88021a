#pragma once
// Writes JSON hub protocol messages, each appended to a std::string with its record separator, as
// ASP.NET Core writes them: properties in the order type, headers, invocationId, then the rest.
// Arguments, items and results are C++ values with a JSON mapping (json/serializer.hpp), passed as
// value_refs. These are the JSON protocol's own writers: everything else writes through hub_protocol.
// If writing a value throws (a NaN, say), the string is left as it was and the exception propagates.

#include <signalrpp/json/mappings.hpp>
#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/writer.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/record_reader.hpp>
#include <signalrpp/protocol/value_ref.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace signalrpp::protocol {

namespace detail {

// How messages end: the object, then the record (with a closing quote first, after a string result).
inline constexpr char object_end[] = {'}', record_separator, '\0'};
inline constexpr char string_end[] = {'"', '}', record_separator, '\0'};

// Writes one message: `{"type":N` and headers on construction, the closing brace and record separator
// on finish(); destroyed unfinished (an exception), it takes back everything it appended. The envelope
// is appended directly, as are string values; RapidJSON's writer writes only the other values, and
// is taken (json::writer_lease) only for them: a Completion of a void or string method never needs it.
class message_writer {
public:
    static constexpr std::size_t typical_message_size = 128;

    message_writer(std::string& out, message_type type, std::span<const header> headers = {})
        : out_(out), start_(out.size()) {
        // Room for a typical message at once, rather than growing the string several times on the way.
        out_.reserve(out_.size() + typical_message_size);
        literal("{\"type\":");
        out_ += static_cast<char>('0' + static_cast<int>(type));
        if (!headers.empty()) {
            literal(",\"headers\":{");
            for (std::size_t i = 0; i < headers.size(); ++i) {
                if (i > 0) {
                    out_ += ',';
                }
                json::append_quoted(out_, headers[i].name);
                out_ += ':';
                json::append_quoted(out_, headers[i].value);
            }
            out_ += '}';
        }
    }

    message_writer(const message_writer&) = delete;
    message_writer& operator=(const message_writer&) = delete;

    ~message_writer() {
        if (!finished_) {
            out_.resize(start_);
        }
    }

    /// Appends `,"<key>":`; keys are the protocol's own names, which need no escaping.
    template <std::size_t N>
    void key(const char (&name)[N]) {
        literal(",\"");
        literal(name);
        literal("\":");
    }

    template <std::size_t N>
    void string(const char (&key_name)[N], std::string_view value) {
        key(key_name);
        json::append_quoted(out_, value);
    }

    void invocation_id(std::string_view id) {
        if (!id.empty()) {
            literal(",\"invocationId\":");
            json::append_quoted(out_, id);
        }
    }

    /// Appends `v` as a JSON value.
    void value(value_ref v) {
        if (const std::string* s = v.string()) {
            json::append_quoted(out_, *s); // what json::write would write, without the writer
        } else {
            json::string_output output(out_);
            json::writer_lease lease(output);
            v.write(lease.get());
        }
    }

    template <std::size_t N>
    void value(const char (&key_name)[N], value_ref v) {
        key(key_name);
        value(v);
    }

    /// Appends a string literal as it is, without measuring it at run time.
    template <std::size_t N>
    void literal(const char (&text)[N]) {
        out_.append(text, N - 1);
    }

    void finish() {
        out_.append(object_end, sizeof object_end - 1);
        finished_ = true;
    }

private:
    std::string& out_;
    std::size_t start_;
    bool finished_ = false;
};

// Whether `text` stands in a JSON string as it is.
inline bool plain(std::string_view text) noexcept { return json::plain_prefix(text.data(), text.size()) == text.size(); }

// A piece of a message: a literal's bytes without its NUL (a length known when compiling, so that
// copying it is a few moves, not a call), or a view's.
template <std::size_t N>
constexpr std::string_view piece(const char (&literal)[N]) noexcept {
    return {literal, N - 1};
}
constexpr std::string_view piece(std::string_view text) noexcept { return text; }

// Appends the pieces, growing the string once: the quick way for the commonest messages, whose strings
// need no escapes (a Completion of a string or void method).
template <class... Pieces>
void append_pieces(std::string& out, const Pieces&... pieces) {
    const std::size_t at = out.size();
    out.resize(at + (piece(pieces).size() + ...));
    char* p = out.data() + at;
    ((std::memcpy(p, piece(pieces).data(), piece(pieces).size()), p += piece(pieces).size()), ...);
}

inline void write_call(std::string& out, message_type type, const invocation_header& h,
                       std::span<const value_ref> args) {
    message_writer m(out, type, h.headers);
    m.invocation_id(h.invocation_id);
    m.string("target", h.target);
    m.key("arguments");
    m.literal("[");
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0) {
            m.literal(",");
        }
        m.value(args[i]);
    }
    m.literal("]");
    if (!h.stream_ids.empty()) {
        m.key("streamIds");
        m.literal("[");
        for (std::size_t i = 0; i < h.stream_ids.size(); ++i) {
            if (i > 0) {
                m.literal(",");
            }
            json::append_quoted(out, h.stream_ids[i]);
        }
        m.literal("]");
    }
    m.finish();
}

} // namespace detail

/// Type 1: `{"type":1,"invocationId":..,"target":..,"arguments":[..],"streamIds":[..]}`.
inline void write_invocation(std::string& out, const invocation_header& h, std::span<const value_ref> args) {
    detail::write_call(out, message_type::invocation, h, args);
}
template <hub_value... Args>
void write_invocation(std::string& out, const invocation_header& h, const Args&... args) {
    const auto values = value_refs(args...);
    write_invocation(out, h, std::span<const value_ref>(values));
}

/// Gives an Invocation that write_invocation wrote without an id (no Completion wanted) the id
/// `invocation_id`, right after its type, where write_invocation puts it: for a sender that can choose
/// the id only after the message is written (a server, on the connection's strand, picks one that the
/// client's own streams do not use).
inline void set_invocation_id(std::string& message, std::string_view invocation_id) {
    std::string property = ",\"invocationId\":";
    json::append_quoted(property, invocation_id);
    message.insert(std::string_view("{\"type\":1").size(), property);
}

/// Type 4: a streaming call (the client side; servers never send it).
inline void write_stream_invocation(std::string& out, const invocation_header& h, std::span<const value_ref> args) {
    detail::write_call(out, message_type::stream_invocation, h, args);
}
template <hub_value... Args>
void write_stream_invocation(std::string& out, const invocation_header& h, const Args&... args) {
    const auto values = value_refs(args...);
    write_stream_invocation(out, h, std::span<const value_ref>(values));
}

/// Type 2: one stream item.
inline void write_stream_item(std::string& out, std::string_view invocation_id, value_ref item,
                              std::span<const header> headers = {}) {
    detail::message_writer m(out, message_type::stream_item, headers);
    m.invocation_id(invocation_id);
    m.value("item", item);
    m.finish();
}

/// Type 3 with a result: what an invocation of a method returning a value gets.
inline void write_completion_result(std::string& out, std::string_view invocation_id, value_ref result) {
    if (const std::string* s = result.string()) {
        if (!invocation_id.empty() && detail::plain(invocation_id) && detail::plain(*s)) {
            detail::append_pieces(out, R"({"type":3,"invocationId":")", invocation_id, R"(","result":")",
                                  std::string_view(*s), detail::string_end);
            return;
        }
    }
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    m.value("result", result);
    m.finish();
}

/// Type 3 with `"result":null`: what an invocation of a void method gets, as from ASP.NET Core.
inline void write_completion_void(std::string& out, std::string_view invocation_id) {
    if (!invocation_id.empty() && detail::plain(invocation_id)) {
        detail::append_pieces(out, R"({"type":3,"invocationId":")", invocation_id, R"(","result":null)",
                              detail::object_end);
        return;
    }
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    m.key("result");
    m.literal("null");
    m.finish();
}

/// Type 3 with an error. An empty `error` is not written (as ASP.NET Core), leaving an empty Completion.
inline void write_completion_error(std::string& out, std::string_view invocation_id, std::string_view error) {
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    if (!error.empty()) {
        m.string("error", error);
    }
    m.finish();
}

/// Type 3 with neither result nor error: the end of a stream.
inline void write_completion_empty(std::string& out, std::string_view invocation_id) {
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    m.finish();
}

/// Type 5.
inline void write_cancel_invocation(std::string& out, std::string_view invocation_id) {
    detail::message_writer m(out, message_type::cancel_invocation);
    m.invocation_id(invocation_id);
    m.finish();
}

/// Type 6: `{"type":6}`.
inline void write_ping(std::string& out) {
    detail::message_writer m(out, message_type::ping);
    m.finish();
}

/// Type 7. `error` is written when set (even empty); `allowReconnect` only when true.
inline void write_close(std::string& out, std::optional<std::string_view> error = std::nullopt,
                        bool allow_reconnect = false) {
    detail::message_writer m(out, message_type::close);
    if (error) {
        m.string("error", *error);
    }
    if (allow_reconnect) {
        m.key("allowReconnect");
        m.literal("true");
    }
    m.finish();
}

/// Type 8.
inline void write_ack(std::string& out, std::int64_t sequence_id) {
    detail::message_writer m(out, message_type::ack);
    m.value("sequenceId", sequence_id);
    m.finish();
}

/// Type 9.
inline void write_sequence(std::string& out, std::int64_t sequence_id) {
    detail::message_writer m(out, message_type::sequence);
    m.value("sequenceId", sequence_id);
    m.finish();
}

} // namespace signalrpp::protocol
