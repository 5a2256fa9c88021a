#pragma once
// length_prefixed_framing: length_prefixed_reader (VarInt length prefixes) as a message_framing: the
// binary hub protocols' framing (MessagePack's).

#include <signalrpp/protocol/binary_framing.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

class length_prefixed_framing final : public message_framing {
public:
    explicit length_prefixed_framing(std::size_t max_message_size) : messages_(max_message_size) {}

    void append(std::string_view bytes) override { messages_.append(bytes); }
    void lend(std::span<char> bytes) override { messages_.lend(bytes); }
    void keep_lent() override { messages_.keep_lent(); }

    status next(char*& data, std::size_t& size) override {
        std::string_view message;
        switch (messages_.next(message)) {
        case length_prefixed_reader::status::message:
            // The view is into the reader's own std::string or into lent bytes, neither const, and
            // nothing else reads them before the next call: handing it out writable is what the seam
            // promises parse().
            data = const_cast<char*>(message.data());
            size = message.size();
            return status::message;
        case length_prefixed_reader::status::incomplete: return status::incomplete;
        case length_prefixed_reader::status::too_large: return status::too_large;
        case length_prefixed_reader::status::malformed: break;
        }
        return status::malformed;
    }

    std::size_t buffered() const noexcept override { return messages_.buffered(); }
    std::string take_buffered() override { return messages_.take_buffered(); }
    void release_memory() override { messages_.release_memory(); }
    std::size_t max_message_size() const noexcept override { return messages_.max_frame_size(); }

    /// The reference's BinaryMessageParser throws a FormatException for a prefix it cannot read.
    protocol_error malformed_error() const override {
        return {"FormatException", std::string(oversized_length_prefix_error)};
    }

private:
    length_prefixed_reader messages_;
};

} // namespace signalrpp::protocol
