#pragma once
// signalrpp::msgpack::raw_msgpack: any MessagePack value, kept as its bytes (json::raw_json's
// counterpart). A hub method parameter of this type receives the argument untouched, whatever its
// shape; a result or argument of this type is written into the message as it is. The bytes are
// always one whole value: they come from the reader or are checked.

#include <signalrpp/msgpack/serializer.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::msgpack {

class raw_msgpack {
public:
    /// The value nil.
    raw_msgpack() : bytes_(1, '\xc0') {}

    /// `data` if it is exactly one whole MessagePack value, otherwise nothing.
    static std::optional<raw_msgpack> parse(std::string_view data) {
        reader in(data);
        std::string_view value;
        if (!in.read_raw(value) || !in.at_end()) {
            return std::nullopt;
        }
        return raw_msgpack(value);
    }

    const std::string& bytes() const noexcept { return bytes_; }

    friend bool operator==(const raw_msgpack&, const raw_msgpack&) = default;

private:
    friend struct serializer<raw_msgpack>;
    explicit raw_msgpack(std::string_view value) : bytes_(value) {}

    std::string bytes_;
};

template <>
struct serializer<raw_msgpack> {
    static bool read(reader& in, raw_msgpack& out) {
        std::string_view value;
        if (!in.read_raw(value)) {
            return false;
        }
        out = raw_msgpack(value);
        return true;
    }
    static void write(writer& out, const raw_msgpack& v) { out.write_raw(v.bytes()); }
};

} // namespace signalrpp::msgpack
