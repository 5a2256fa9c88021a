#pragma once
// The hub protocol's messages (types 1 to 9), as a hub_protocol reads them, whatever the format. They
// are views: strings and values point into the bytes the message was read from and stay valid as long
// as those bytes. Values are wire_values, bound to C++ types by whoever handles the message. Writing goes
// through the hub_protocol instead, which takes C++ values directly (value_ref).

#include <signalrpp/json/value.hpp>
#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/protocol/detail/container_view.hpp>
#include <signalrpp/protocol/wire_value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

namespace signalrpp::protocol {

enum class message_type : int {
    invocation = 1,
    stream_item = 2,
    completion = 3,
    stream_invocation = 4,
    cancel_invocation = 5,
    ping = 6,
    close = 7,
    ack = 8,
    sequence = 9,
};

/// The `headers` of a message: string names to string values (checked when read). Empty when absent.
/// A JSON object, or a MessagePack map. Two words (see detail/container_view.hpp).
class header_map {
public:
    header_map() = default;
    explicit header_map(const json::value* object) noexcept : view_(object) {}
    /// `map`: one whole MessagePack map, its header included, of str keys and str values (the reader
    /// checked them).
    static header_map msgpack(std::string_view map) noexcept {
        header_map h;
        h.view_ = detail::container_view::msgpack(map);
        return h;
    }

    std::size_t size() const noexcept {
        if (const json::value* object = view_.json()) {
            return object->MemberCount();
        }
        return view_.is_msgpack() ? view_.msgpack_count() : 0;
    }
    bool empty() const noexcept { return size() == 0; }

    /// The value of header `name` (the last one, if repeated), compared exactly.
    std::optional<std::string_view> find(std::string_view name) const {
        std::optional<std::string_view> found;
        for_each([&](std::string_view n, std::string_view v) {
            if (n == name) {
                found = v;
            }
        });
        return found;
    }

    /// Calls f(name, value) for each header, in order.
    template <class F>
    void for_each(F&& f) const {
        if (const json::value* object = view_.json()) {
            for (const auto& member : object->GetObject()) {
                f(std::string_view(member.name.GetString(), member.name.GetStringLength()),
                  std::string_view(member.value.GetString(), member.value.GetStringLength()));
            }
            return;
        }
        if (!view_.is_msgpack()) {
            return;
        }
        std::size_t count = 0;
        msgpack::reader in = view_.msgpack_elements(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::string_view name;
            std::string_view value;
            if (!in.read_string(name) || !in.read_string(value)) {
                return; // (cannot happen: checked when read)
            }
            f(name, value);
        }
    }

private:
    detail::container_view view_;
};

/// A list of strings (checked when read), such as `streamIds`: a JSON array, or a MessagePack array.
/// Empty when absent. Two words (see detail/container_view.hpp): with MessagePack, operator[] reads
/// from the first element on, so for_each is the way to read them all.
class string_list {
public:
    string_list() = default;
    explicit string_list(const json::value* array) noexcept : view_(array) {}
    /// `array`: one whole MessagePack array, its header included, of str values (the reader checked them).
    static string_list msgpack(std::string_view array) noexcept {
        string_list l;
        l.view_ = detail::container_view::msgpack(array);
        return l;
    }

    std::size_t size() const noexcept {
        if (const json::value* array = view_.json()) {
            return array->Size();
        }
        return view_.is_msgpack() ? view_.msgpack_count() : 0;
    }
    bool empty() const noexcept { return size() == 0; }

    /// String `i` (< size()).
    std::string_view operator[](std::size_t i) const noexcept {
        if (const json::value* array = view_.json()) {
            const auto& s = (*array)[static_cast<rapidjson::SizeType>(i)];
            return {s.GetString(), s.GetStringLength()};
        }
        std::size_t count = 0;
        msgpack::reader in = view_.msgpack_elements(count);
        std::string_view s;
        for (std::size_t k = 0; k <= i && k < count; ++k) {
            if (!in.read_string(s)) {
                return {}; // (cannot happen: checked when read)
            }
        }
        return s;
    }

    /// Calls f(string) for each string, in order.
    template <class F>
    void for_each(F&& f) const {
        if (const json::value* array = view_.json()) {
            for (const auto& s : array->GetArray()) {
                f(std::string_view(s.GetString(), s.GetStringLength()));
            }
            return;
        }
        if (!view_.is_msgpack()) {
            return;
        }
        std::size_t count = 0;
        msgpack::reader in = view_.msgpack_elements(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::string_view s;
            if (!in.read_string(s)) {
                return; // (cannot happen: checked when read)
            }
            f(s);
        }
    }

private:
    detail::container_view view_;
};

/// Type 1: call `target` with `arguments`. No invocation id: the caller wants no Completion.
struct invocation_message {
    std::string_view invocation_id;
    std::string_view target;
    wire_list arguments;
    string_list stream_ids;                 // ids of the client-to-server streams this call takes
    header_map headers;
};

/// Type 4: call the streaming method `target`; results come back as StreamItems, then a Completion.
struct stream_invocation_message {
    std::string_view invocation_id;
    std::string_view target;
    wire_list arguments;
    string_list stream_ids;
    header_map headers;
};

/// Type 2: one item of a stream (server-to-client results, or a client-to-server stream by its id).
struct stream_item_message {
    std::string_view invocation_id;
    wire_value item;
    header_map headers;
};

/// Type 3: the end of an invocation or stream: a result, an error, or neither (a stream's end).
struct completion_message {
    std::string_view invocation_id;
    std::optional<std::string_view> error;
    wire_value result; // absent: no result (a null result is a value)
    header_map headers;
};

/// Type 5: stop the stream (or invocation) with this id.
struct cancel_invocation_message {
    std::string_view invocation_id;
    header_map headers;
};

/// Type 6: keep-alive.
struct ping_message {};

/// Type 7: the sender is closing the connection; `allow_reconnect` invites a client to reconnect.
struct close_message {
    std::optional<std::string_view> error;
    bool allow_reconnect = false;
};

/// Type 8: stateful reconnect: the receiver has every message up to `sequence_id`.
struct ack_message {
    std::int64_t sequence_id = 0;
};

/// Type 9: stateful reconnect: the messages that follow start at `sequence_id`.
struct sequence_message {
    std::int64_t sequence_id = 0;
};

/// What reading one message gave.
enum class parse_status {
    message, ///< the message was read
    ignored, ///< a message type this implementation does not know: skip it, as the reference does
    error,   ///< the error says what is wrong; the connection must end
};

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

using hub_message = std::variant<invocation_message, stream_item_message, completion_message,
                                 stream_invocation_message, cancel_invocation_message, ping_message,
                                 close_message, ack_message, sequence_message>;

/// The wire type number of a message.
inline message_type type_of(const hub_message& m) noexcept {
    // The variant's alternatives are in wire order except stream_invocation, so map by index.
    constexpr message_type by_index[] = {message_type::invocation,       message_type::stream_item,
                                         message_type::completion,       message_type::stream_invocation,
                                         message_type::cancel_invocation, message_type::ping,
                                         message_type::close,            message_type::ack,
                                         message_type::sequence};
    return by_index[m.index()];
}

} // namespace signalrpp::protocol
