#pragma once
// container_view: a JSON array or object, or the bytes of one whole MessagePack array or map, in two
// words: what wire_list, string_list and header_map hold. A call's message carries three of them and
// is built, then read, on every dispatch, so they are kept as small as the format-neutral view allows
// (bench/hub_dispatch_bench.cpp).

#include <signalrpp/json/value.hpp>
#include <signalrpp/msgpack/reader.hpp>

#include <cstddef>
#include <string_view>

namespace signalrpp::protocol::detail {

class container_view {
public:
    container_view() = default;
    explicit container_view(const json::value* v) noexcept : data_(v) {}
    /// `bytes`: one whole MessagePack array or map, its header included (so never empty), whose
    /// elements the reader checked.
    static container_view msgpack(std::string_view bytes) noexcept {
        container_view c;
        c.data_ = bytes.data();
        c.msgpack_size_ = bytes.size();
        return c;
    }

    /// The JSON value; null if absent or MessagePack.
    const json::value* json() const noexcept {
        return msgpack_size_ == 0 ? static_cast<const json::value*>(data_) : nullptr;
    }
    bool is_msgpack() const noexcept { return msgpack_size_ != 0; }

    /// A reader at the first element (or entry) of the MessagePack container, and their count.
    msgpack::reader msgpack_elements(std::size_t& count) const noexcept {
        msgpack::reader in(std::string_view(static_cast<const char*>(data_), msgpack_size_));
        count = 0;
        if (!in.read_array_header(count) && !in.read_map_header(count)) {
            count = 0; // (cannot happen: checked when read)
        }
        return in;
    }

    /// The MessagePack container's element (or entry) count.
    std::size_t msgpack_count() const noexcept {
        if (msgpack_size_ == 1) {
            return 0; // (a container of one byte is its header alone: an empty one, as most are)
        }
        std::size_t count = 0;
        (void)msgpack_elements(count);
        return count;
    }

private:
    const void* data_ = nullptr;
    std::size_t msgpack_size_ = 0; // 0: data_ is the JSON value (null: absent)
};

} // namespace signalrpp::protocol::detail
