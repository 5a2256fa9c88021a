#pragma once
// Parses a record that must hold a JSON object (every hub message and handshake does), with the
// reference's errors for text that is not JSON and for JSON that is not an object.

#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/json/value.hpp>
#include <signalrpp/protocol/protocol_error.hpp>

#include <cstddef>

namespace signalrpp::protocol::detail {

/// The object the record of `size` bytes at `text` holds (parsed in place into `document`), or null
/// with `error` set.
inline const json::value* parse_object_record(char* text, std::size_t size, json::insitu_document& document,
                                              protocol_error& error) {
    if (!document.parse(text, size)) {
        error = reading_error();
        return nullptr;
    }
    const json::value& root = document.root();
    if (!root.IsObject()) {
        error = not_an_object_error(json::token_name(root));
        return nullptr;
    }
    return &root;
}

} // namespace signalrpp::protocol::detail
