#pragma once
// hub_protocol: one hub protocol (ASP.NET Core's IHubProtocol), chosen per connection at the handshake:
// its name and version, its transfer format, how its messages are framed and read, and how every
// message type is written. Everything above protocol/ (reflect/, the hub runtime, the client) reads and
// writes hub messages through it only, so it never knows JSON from MessagePack. The protocols are
// stateless singletons (json_hub_protocol(), messagepack_hub_protocol()); per-connection state (the
// bytes not yet read) lives in the message_framing each connection makes.
//
// What a protocol may do behind this seam, and its users must allow for:
// - parse() may change the bytes it reads (the JSON protocol parses in place), and the message it gives
//   views them: keep a copy of a message's bytes that must be read again later.
// - the JSON protocol keeps per-thread parse state: a message read on a thread stays valid until the
//   next parse() on that thread. Handle a message before reading the next one.

#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/protocol/value_ref.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

/// The kind of transport message a protocol needs (negotiate's transferFormats; the WebSocket frame type).
enum class transfer_format { text, binary };

/// "Text" or "Binary", as negotiate and the handshake's error texts name them.
constexpr std::string_view name_of(transfer_format f) noexcept {
    return f == transfer_format::binary ? "Binary" : "Text";
}

/// A connection's incoming bytes, cut into whole messages of one protocol's framing.
class message_framing {
public:
    enum class status {
        message,    ///< a whole message was handed out
        incomplete, ///< no whole message yet: add more bytes
        too_large,  ///< the next message is longer than the limit: the connection must end
        malformed,  ///< the framing itself is invalid (malformed_error()): the connection must end
    };

    virtual ~message_framing() = default;

    /// Adds received bytes (copied). Invalidates the message handed out last.
    virtual void append(std::string_view bytes) = 0;

    /// Adds received bytes that the framing may change and hand out in place, until keep_lent(),
    /// which must be called before they go away. Invalidates the message handed out last.
    virtual void lend(std::span<char> bytes) { append({bytes.data(), bytes.size()}); }

    /// Copies what is left of lent bytes into the framing's own buffer.
    virtual void keep_lent() {}

    /// The next whole message, without its framing: `size` bytes at `data`, which parse() may change.
    /// Valid until the next call to append(), lend() or next().
    virtual status next(char*& data, std::size_t& size) = 0;

    /// Bytes received and not yet handed out.
    virtual std::size_t buffered() const noexcept = 0;

    /// The bytes received and not yet handed out, taken out of the framing (a handshake's framing hands
    /// what followed the handshake over to the protocol's).
    virtual std::string take_buffered() = 0;

    /// Gives buffer memory back when nothing is buffered: an idle connection holds none.
    virtual void release_memory() = 0;

    /// The longest message accepted, framing included (0: no limit).
    virtual std::size_t max_message_size() const noexcept = 0;

    /// Why the framing is malformed, after status::malformed.
    virtual protocol_error malformed_error() const { return {"InvalidDataException", "The message framing is invalid."}; }
};

class hub_protocol {
public:
    virtual ~hub_protocol() = default;

    /// The name clients ask for in the handshake ("json", "messagepack").
    virtual std::string_view name() const noexcept = 0;
    /// The highest protocol version it speaks; the handshake accepts this one and every one below.
    virtual int version() const noexcept = 0;
    virtual transfer_format format() const noexcept = 0;
    bool binary() const noexcept { return format() == transfer_format::binary; }

    // ----- Reading --------------------------------------------------------------------------------

    /// A framing for one connection's messages, each at most `max_message_size` bytes (0: no limit).
    virtual std::unique_ptr<message_framing> make_framing(std::size_t max_message_size) const = 0;

    /// True if its messages are framed as the handshake is (records ending in 0x1E, record_framing):
    /// the handshake's framing then goes on after it, rather than a new one from make_framing().
    virtual bool frames_like_handshake() const noexcept { return false; }

    /// Reads one message that the framing handed out (see the seam's notes above).
    virtual parse_status parse(char* data, std::size_t size, hub_message& out, protocol_error& error) const = 0;

    // ----- Writing: each appends one whole message, framing included -----------------------------
    // If writing a value throws (a NaN in JSON, a type without a mapping in this format), `out` is left
    // as it was and the exception propagates.

    /// Type 1.
    virtual void write_invocation(std::string& out, const invocation_header& h, std::span<const value_ref> args) const = 0;
    /// Type 4 (the client side; servers never send it).
    virtual void write_stream_invocation(std::string& out, const invocation_header& h,
                                         std::span<const value_ref> args) const = 0;
    /// Type 2.
    virtual void write_stream_item(std::string& out, std::string_view invocation_id, value_ref item) const = 0;
    /// Type 3 with a result.
    virtual void write_completion_result(std::string& out, std::string_view invocation_id, value_ref result) const = 0;
    /// Type 3 for a void method: a null result, as ASP.NET Core answers one (`"result":null`; MessagePack's
    /// result kind 3 with nil).
    virtual void write_completion_void(std::string& out, std::string_view invocation_id) const = 0;
    /// Type 3 with an error. (An empty `error`: JSON leaves it out, MessagePack writes it, each as the
    /// reference's protocol does.)
    virtual void write_completion_error(std::string& out, std::string_view invocation_id, std::string_view error) const = 0;
    /// Type 3 with neither result nor error: the end of a stream (MessagePack's result kind 2).
    virtual void write_completion_empty(std::string& out, std::string_view invocation_id) const = 0;
    /// Type 5.
    virtual void write_cancel_invocation(std::string& out, std::string_view invocation_id) const = 0;
    /// Type 6.
    virtual void write_ping(std::string& out) const = 0;
    /// Type 7. `error` is written when set (even empty); `allowReconnect` only when true.
    virtual void write_close(std::string& out, std::optional<std::string_view> error, bool allow_reconnect) const = 0;
    /// Type 8.
    virtual void write_ack(std::string& out, std::int64_t sequence_id) const = 0;
    /// Type 9.
    virtual void write_sequence(std::string& out, std::int64_t sequence_id) const = 0;

    /// Gives `message`, one Invocation that write_invocation wrote without an invocation id, the id
    /// `invocation_id`: for a sender that can choose the id only after the message is written (a server
    /// picks one that the client's own streams do not use, on the connection's strand).
    virtual void set_invocation_id(std::string& message, std::string_view invocation_id) const = 0;
};

} // namespace signalrpp::protocol
