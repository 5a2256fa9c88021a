#pragma once
// What the properties of one hub message said, before its type decides which of them it needs: filled
// by the JSON parser from a document's members, or by the envelope scanner straight from the text.

#include <signalrpp/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace signalrpp::protocol::detail {

struct message_fields {
    message_fields() noexcept {} // (sets each member: no block clear of the whole, as an aggregate gets)

    std::optional<int> type;
    std::optional<std::string_view> invocation_id;
    std::optional<std::string_view> target;
    std::optional<std::string_view> error;
    const json::value* arguments = nullptr;
    const json::value* stream_ids = nullptr;
    const json::value* headers = nullptr;
    const json::value* item = nullptr;
    const json::value* result = nullptr;
    std::optional<std::int64_t> sequence_id;
    bool allow_reconnect = false;
};

} // namespace signalrpp::protocol::detail
