#pragma once
// json_hub_protocol: the JSON hub protocol ("json", versions 1 and 2, text) behind the hub_protocol
// seam. Its speed tricks stay on this side of it:
// - framing lends: WebSocket messages are cut into records where they lie (record_reader::lend);
// - parsing is in place, into one document per thread (json::insitu_document), through the envelope
//   scanner for the usual shapes (json_hub_parser.hpp): a message read on a thread stays valid until
//   the next parse() on that thread (hub_protocol.hpp's notes);
// - writing appends the envelope directly and uses RapidJSON only for values, with a quick way for the
//   commonest Completions (json_hub_writer.hpp).

#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/json_hub_parser.hpp>
#include <signalrpp/protocol/json_hub_writer.hpp>
#include <signalrpp/protocol/record_framing.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

class json_hub_protocol final : public hub_protocol {
public:
    static constexpr std::string_view protocol_name = "json";
    static constexpr int protocol_version = 2;

    std::string_view name() const noexcept override { return protocol_name; }
    int version() const noexcept override { return protocol_version; }
    transfer_format format() const noexcept override { return transfer_format::text; }

    std::unique_ptr<message_framing> make_framing(std::size_t max_message_size) const override {
        return std::make_unique<record_framing>(max_message_size);
    }

    bool frames_like_handshake() const noexcept override { return true; }

    parse_status parse(char* data, std::size_t size, hub_message& out, protocol_error& error) const override {
        return parse_hub_message(data, size, document(), out, error);
    }

    void write_invocation(std::string& out, const invocation_header& h,
                          std::span<const value_ref> args) const override {
        protocol::write_invocation(out, h, args);
    }
    void write_stream_invocation(std::string& out, const invocation_header& h,
                                 std::span<const value_ref> args) const override {
        protocol::write_stream_invocation(out, h, args);
    }
    void write_stream_item(std::string& out, std::string_view invocation_id, value_ref item) const override {
        protocol::write_stream_item(out, invocation_id, item);
    }
    void write_completion_result(std::string& out, std::string_view invocation_id, value_ref result) const override {
        protocol::write_completion_result(out, invocation_id, result);
    }
    void write_completion_void(std::string& out, std::string_view invocation_id) const override {
        protocol::write_completion_void(out, invocation_id);
    }
    void write_completion_error(std::string& out, std::string_view invocation_id,
                                std::string_view error) const override {
        protocol::write_completion_error(out, invocation_id, error);
    }
    void write_completion_empty(std::string& out, std::string_view invocation_id) const override {
        protocol::write_completion_empty(out, invocation_id);
    }
    void write_cancel_invocation(std::string& out, std::string_view invocation_id) const override {
        protocol::write_cancel_invocation(out, invocation_id);
    }
    void write_ping(std::string& out) const override { protocol::write_ping(out); }
    void write_close(std::string& out, std::optional<std::string_view> error, bool allow_reconnect) const override {
        protocol::write_close(out, error, allow_reconnect);
    }
    void write_ack(std::string& out, std::int64_t sequence_id) const override { protocol::write_ack(out, sequence_id); }
    void write_sequence(std::string& out, std::int64_t sequence_id) const override {
        protocol::write_sequence(out, sequence_id);
    }
    void set_invocation_id(std::string& message, std::string_view invocation_id) const override {
        protocol::set_invocation_id(message, invocation_id);
    }

private:
    // The parse document of this thread (see the notes above).
    static json::insitu_document& document() {
        thread_local json::insitu_document d;
        return d;
    }
};

} // namespace signalrpp::protocol
