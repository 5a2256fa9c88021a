#pragma once
// record_framing: record_reader (records ending in 0x1E) as a message_framing: the JSON hub protocol's
// framing, and the handshake's whatever protocol follows it.

#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/record_reader.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

class record_framing final : public message_framing {
public:
    explicit record_framing(std::size_t max_message_size) : records_(max_message_size) {}

    void append(std::string_view bytes) override { records_.append(bytes); }
    void lend(std::span<char> bytes) override { records_.lend(bytes); }
    void keep_lent() override { records_.keep_lent(); }

    status next(char*& data, std::size_t& size) override {
        switch (records_.next(data, size)) {
        case record_reader::status::record: return status::message;
        case record_reader::status::incomplete: return status::incomplete;
        case record_reader::status::too_large: break;
        }
        return status::too_large;
    }

    std::size_t buffered() const noexcept override { return records_.buffered(); }
    std::string take_buffered() override { return records_.take_buffered(); }
    void release_memory() override { records_.release_memory(); }
    std::size_t max_message_size() const noexcept override { return records_.max_record_size(); }

private:
    record_reader records_;
};

} // namespace signalrpp::protocol
