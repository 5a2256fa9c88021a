#pragma once
// json_hub_reader: turns the bytes of one connection, as they arrive in pieces, into hub messages:
// first the handshake record, then hub protocol messages. Several messages may come in one piece,
// and one message may be split across many. Messages handed out are views into the reader (see
// hub_message.hpp): valid until the next call to append() or next*(). Not thread-safe: one per connection.
//
// Errors are final: once next*() has returned status::error, error() says why and the connection must end.

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/json/insitu_document.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/json_hub_parser.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/protocol/record_reader.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

/// ASP.NET Core's MaximumReceiveMessageSize default: 32 KiB.
inline constexpr std::size_t default_max_message_size = 32 * 1024;

class json_hub_reader {
public:
    enum class status {
        message,    ///< the out parameter holds the next message
        incomplete, ///< no whole message buffered: append more
        error,      ///< error() says why; the connection must end
    };

    /// `max_message_size`: the longest message accepted, separator included (0: no limit).
    explicit json_hub_reader(std::size_t max_message_size = default_max_message_size) : records_(max_message_size) {}

    /// Adds received bytes.
    void append(std::string_view bytes) { records_.append(bytes); }

    /// The client's handshake request (server side).
    status next_handshake_request(handshake_request& out) {
        return next_record([&](char* text, std::size_t size) { return parse_handshake_request(text, size, document_, out, error_); });
    }

    /// The server's handshake response (client side).
    status next_handshake_response(handshake_response& out) {
        return next_record([&](char* text, std::size_t size) { return parse_handshake_response(text, size, document_, out, error_); });
    }

    /// The next hub message. Messages of unknown types are skipped, as ASP.NET Core does.
    status next(hub_message& out) {
        for (;;) {
            parse_status parsed = parse_status::error;
            const status s = next_record([&](char* text, std::size_t size) {
                parsed = parse_hub_message(text, size, document_, out, error_);
                return parsed != parse_status::error;
            });
            if (s != status::message || parsed == parse_status::message) {
                return s;
            }
        }
    }

    /// Why the last next*() failed.
    const protocol_error& error() const noexcept { return error_; }

    /// Bytes received but not yet handed out. Non-zero when the peer goes away means it left in the
    /// middle of a message ("Connection terminated while reading a message.").
    std::size_t buffered() const noexcept { return records_.buffered(); }

private:
    template <class Parse>
    status next_record(Parse&& parse) {
        if (failed_) {
            return status::error;
        }
        char* text = nullptr;
        std::size_t size = 0;
        switch (records_.next(text, size)) {
        case record_reader::status::incomplete:
            return status::incomplete;
        case record_reader::status::too_large:
            error_ = message_too_large_error(records_.max_record_size());
            failed_ = true;
            return status::error;
        case record_reader::status::record:
            break;
        }
        if (!parse(text, size)) {
            failed_ = true;
            return status::error;
        }
        return status::message;
    }

    record_reader records_;
    json::insitu_document document_;
    protocol_error error_;
    bool failed_ = false;
};

} // namespace signalrpp::protocol
