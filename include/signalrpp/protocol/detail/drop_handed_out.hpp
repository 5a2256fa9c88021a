#pragma once
// The framing readers' buffer upkeep (record_reader, length_prefixed_reader): each keeps the bytes it
// received in a string, where unread bytes begin at `start` and the record or message handed out last,
// `handed_out` bytes long, stays valid until the reader is next called.

#include <cstddef>
#include <string>

namespace signalrpp::protocol::detail {

/// Drops the record handed out last, and moves what remains to the front once that is worth it (more
/// than 4 KiB consumed, and more than half the buffer): a copy then costs no more than the bytes read.
inline void drop_handed_out(std::string& buffer, std::size_t& start, std::size_t& handed_out) {
    start += handed_out;
    handed_out = 0;
    if (start == buffer.size()) {
        buffer.clear();
        start = 0;
    } else if (start > 4096 && start * 2 > buffer.size()) {
        buffer.erase(0, start);
        start = 0;
    }
}

/// The unread bytes, taken out of the buffer, which is left empty (call after drop_handed_out()).
inline std::string take_unread(std::string& buffer, std::size_t& start) {
    std::string rest = buffer.substr(start);
    buffer.clear();
    start = 0;
    return rest;
}

} // namespace signalrpp::protocol::detail
