#pragma once
// Writes JSON hub protocol messages, each appended to a std::string with its record separator, as
// ASP.NET Core writes them: properties in the order type, headers, invocationId, then the rest.
// Arguments, items and results are C++ values with a JSON mapping (json/serializer.hpp).
// If writing a value throws (a NaN, say), the string is left as it was and the exception propagates.

#include <signalrpp/json/mappings.hpp>
#include <signalrpp/json/string_output.hpp>
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

// Writes one message: `{"type":N` and headers on construction, the record separator on finish();
// destroyed unfinished (an exception), it takes back everything it appended.
class message_writer {
public:
    message_writer(std::string& out, message_type type, std::span<const header> headers = {})
        : out_(out), start_(out.size()), output_(out), json_(output_) {
        json_.StartObject();
        json_.Key("type");
        json_.Int(static_cast<int>(type));
        if (!headers.empty()) {
            json_.Key("headers");
            json_.StartObject();
            for (const auto& h : headers) {
                json_.Key(h.name.data(), static_cast<rapidjson::SizeType>(h.name.size()));
                json_.String(h.value.data(), static_cast<rapidjson::SizeType>(h.value.size()));
            }
            json_.EndObject();
        }
    }

    message_writer(const message_writer&) = delete;
    message_writer& operator=(const message_writer&) = delete;

    ~message_writer() {
        if (!finished_) {
            out_.resize(start_);
        }
    }

    void string(std::string_view key, std::string_view value) {
        json_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        json_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    }

    void invocation_id(std::string_view id) {
        if (!id.empty()) {
            string("invocationId", id);
        }
    }

    template <class T>
    void value(std::string_view key, const T& v) {
        json_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        json::write(json_, v);
    }

    json::writer& json() noexcept { return json_; }

    void finish() {
        json_.EndObject();
        out_ += record_separator;
        finished_ = true;
    }

private:
    std::string& out_;
    std::size_t start_;
    json::string_output output_;
    json::writer json_;
    bool finished_ = false;
};

template <class... Args>
void write_call(std::string& out, message_type type, const invocation_header& h, const Args&... args) {
    message_writer m(out, type, h.headers);
    m.invocation_id(h.invocation_id);
    m.string("target", h.target);
    m.json().Key("arguments");
    m.json().StartArray();
    (json::write(m.json(), args), ...);
    m.json().EndArray();
    if (!h.stream_ids.empty()) {
        m.json().Key("streamIds");
        m.json().StartArray();
        for (const auto id : h.stream_ids) {
            m.json().String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
        }
        m.json().EndArray();
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
    m.json().Key("result");
    m.json().Null();
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
        m.json().Key("allowReconnect");
        m.json().Bool(true);
    }
    m.finish();
}

/// Type 8.
inline void write_ack(std::string& out, std::int64_t sequence_id) {
    detail::message_writer m(out, message_type::ack);
    m.json().Key("sequenceId");
    m.json().Int64(sequence_id);
    m.finish();
}

/// Type 9.
inline void write_sequence(std::string& out, std::int64_t sequence_id) {
    detail::message_writer m(out, message_type::sequence);
    m.json().Key("sequenceId");
    m.json().Int64(sequence_id);
    m.finish();
}

} // namespace signalrpp::protocol
