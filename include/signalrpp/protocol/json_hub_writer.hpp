#pragma once
// Writes JSON hub protocol messages, each appended to a std::string with its record separator, as
// ASP.NET Core writes them: properties in the order type, headers, invocationId, then the rest.
// Arguments, items and results are C++ values with a JSON mapping (json/serializer.hpp).
// If writing a value throws (a NaN, say), the string is left as it was and the exception propagates.

#include <signalrpp/json/mappings.hpp>
#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/writer.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/record_reader.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

/// One message header to write.
struct header {
    std::string_view name;
    std::string_view value;
};

/// What starts an Invocation or StreamInvocation besides its arguments.
struct invocation_header {
    std::string_view invocation_id;                  ///< empty: no Completion wanted (Invocation only)
    std::string_view target;                         ///< the method to call
    std::span<const std::string_view> stream_ids{};  ///< client-to-server streams passed to the method
    std::span<const header> headers{};
};

namespace detail {

// Writes one message: `{"type":N` and headers on construction, the closing brace and record separator
// on finish(); destroyed unfinished (an exception), it takes back everything it appended. The envelope
// is appended directly; RapidJSON's writer writes only the values.
class message_writer {
public:
    static constexpr std::size_t typical_message_size = 128;

    message_writer(std::string& out, message_type type, std::span<const header> headers = {})
        : out_(out), start_(out.size()), output_(out), lease_(output_) {
        // Room for a typical message at once, rather than growing the string several times on the way.
        out_.reserve(out_.size() + typical_message_size);
        out_ += "{\"type\":";
        out_ += static_cast<char>('0' + static_cast<int>(type));
        if (!headers.empty()) {
            out_ += ",\"headers\":{";
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
    void key(std::string_view key) {
        out_ += ",\"";
        out_ += key;
        out_ += "\":";
    }

    void string(std::string_view key_name, std::string_view value) {
        key(key_name);
        json::append_quoted(out_, value);
    }

    void invocation_id(std::string_view id) {
        if (!id.empty()) {
            string("invocationId", id);
        }
    }

    /// Appends `v` as a JSON value.
    template <class T>
    void value(const T& v) {
        json::writer& w = lease_.get();
        w.Reset(output_);
        json::write(w, v);
    }

    template <class T>
    void value(std::string_view key_name, const T& v) {
        key(key_name);
        value(v);
    }

    void raw(std::string_view text) { out_ += text; }

    void finish() {
        out_ += '}';
        out_ += record_separator;
        finished_ = true;
    }

private:
    std::string& out_;
    std::size_t start_;
    json::string_output output_;
    json::writer_lease lease_;
    bool finished_ = false;
};

template <class... Args>
void write_call(std::string& out, message_type type, const invocation_header& h, const Args&... args) {
    message_writer m(out, type, h.headers);
    m.invocation_id(h.invocation_id);
    m.string("target", h.target);
    m.key("arguments");
    m.raw("[");
    [[maybe_unused]] std::size_t written = 0; // (unused for a call without arguments)
    (
        [&] {
            if (written++ > 0) {
                m.raw(",");
            }
            m.value(args);
        }(),
        ...);
    m.raw("]");
    if (!h.stream_ids.empty()) {
        m.key("streamIds");
        m.raw("[");
        for (std::size_t i = 0; i < h.stream_ids.size(); ++i) {
            if (i > 0) {
                m.raw(",");
            }
            json::append_quoted(out, h.stream_ids[i]);
        }
        m.raw("]");
    }
    m.finish();
}

} // namespace detail

/// Type 1: `{"type":1,"invocationId":..,"target":..,"arguments":[..],"streamIds":[..]}`.
template <json::mapped... Args>
void write_invocation(std::string& out, const invocation_header& h, const Args&... args) {
    detail::write_call(out, message_type::invocation, h, args...);
}

/// Type 4: a streaming call (the client side; servers never send it).
template <json::mapped... Args>
void write_stream_invocation(std::string& out, const invocation_header& h, const Args&... args) {
    detail::write_call(out, message_type::stream_invocation, h, args...);
}

/// Type 2: one stream item.
template <json::mapped T>
void write_stream_item(std::string& out, std::string_view invocation_id, const T& item,
                       std::span<const header> headers = {}) {
    detail::message_writer m(out, message_type::stream_item, headers);
    m.invocation_id(invocation_id);
    m.value("item", item);
    m.finish();
}

/// Type 3 with a result: what an invocation of a method returning a value gets.
template <json::mapped T>
void write_completion_result(std::string& out, std::string_view invocation_id, const T& result) {
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    m.value("result", result);
    m.finish();
}

/// Type 3 with `"result":null`: what an invocation of a void method gets, as from ASP.NET Core.
inline void write_completion_void(std::string& out, std::string_view invocation_id) {
    detail::message_writer m(out, message_type::completion);
    m.invocation_id(invocation_id);
    m.key("result");
    m.raw("null");
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
        m.raw("true");
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
