#pragma once
// The hub protocol's messages (types 1 to 9), as the reader hands them out. They are views: strings
// and JSON values point into the reader's buffer and stay valid until the reader is used again.
// Writing goes through the json_hub_writer functions instead, which take C++ values directly.

#include <signalrpp/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
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
class header_map {
public:
    header_map() = default;
    explicit header_map(const json::value* object) noexcept : object_(object) {}

    std::size_t size() const noexcept { return object_ ? object_->MemberCount() : 0; }
    bool empty() const noexcept { return size() == 0; }

    /// The value of header `name` (the last one, if repeated), compared exactly.
    std::optional<std::string_view> find(std::string_view name) const noexcept {
        std::optional<std::string_view> found;
        if (object_) {
            for (const auto& member : object_->GetObject()) {
                if (std::string_view(member.name.GetString(), member.name.GetStringLength()) == name) {
                    found = std::string_view(member.value.GetString(), member.value.GetStringLength());
                }
            }
        }
        return found;
    }

    /// Calls f(name, value) for each header, in order.
    template <class F>
    void for_each(F&& f) const {
        if (object_) {
            for (const auto& member : object_->GetObject()) {
                f(std::string_view(member.name.GetString(), member.name.GetStringLength()),
                  std::string_view(member.value.GetString(), member.value.GetStringLength()));
            }
        }
    }

private:
    const json::value* object_ = nullptr;
};

/// A JSON array of strings (checked when read), such as `streamIds`. Empty when absent.
class string_list {
public:
    string_list() = default;
    explicit string_list(const json::value* array) noexcept : array_(array) {}

    std::size_t size() const noexcept { return array_ ? array_->Size() : 0; }
    bool empty() const noexcept { return size() == 0; }
    std::string_view operator[](std::size_t i) const noexcept {
        const auto& s = (*array_)[static_cast<rapidjson::SizeType>(i)];
        return {s.GetString(), s.GetStringLength()};
    }

private:
    const json::value* array_ = nullptr;
};

/// Type 1: call `target` with `arguments`. No invocation id: the caller wants no Completion.
struct invocation_message {
    std::string_view invocation_id;
    std::string_view target;
    const json::value* arguments = nullptr; // a JSON array
    string_list stream_ids;                 // ids of the client-to-server streams this call takes
    header_map headers;
};

/// Type 4: call the streaming method `target`; results come back as StreamItems, then a Completion.
struct stream_invocation_message {
    std::string_view invocation_id;
    std::string_view target;
    const json::value* arguments = nullptr;
    string_list stream_ids;
    header_map headers;
};

/// Type 2: one item of a stream (server-to-client results, or a client-to-server stream by its id).
struct stream_item_message {
    std::string_view invocation_id;
    const json::value* item = nullptr;
    header_map headers;
};

/// Type 3: the end of an invocation or stream: a result, an error, or neither (a stream's end).
struct completion_message {
    std::string_view invocation_id;
    std::optional<std::string_view> error;
    const json::value* result = nullptr; // null pointer: no result (a JSON null result is a value)
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
