#pragma once
// session_owner: what a hub_session runs in. The session routes what both roles route alike (stream
// items, completions, cancels, pings, Close) and hands its owner the rest: the link that carries its
// messages (the server's transport connection; an in-memory link in the session's tests; the client's
// transport next), and what only a role knows: the handshake (a server reads a request, a client a
// response), invocations from the peer (a server dispatches them to its hub, a client to its handlers),
// errors in what the peer sent, and the ids of the invocations it sends. Called on the session's strand.

#include <signalrpp/protocol/hub_message.hpp>
#include <signalrpp/protocol/protocol_error.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace signalrpp::session {

class session_owner {
public:
    virtual ~session_owner() = default;

    // ----- The link --------------------------------------------------------------------------------

    /// Queues whole messages (framing included) for the peer, copied; binary frames for a binary protocol.
    virtual void send_records(std::string_view records, bool binary) = 0;
    /// The same, for messages the caller gives away.
    virtual void send_owned_records(std::string records, bool binary) = 0;
    /// Ends the link gracefully: what is queued still goes out.
    virtual void close_link() = 0;
    /// Stops reading the peer (`paused`: input waits unhandled past a limit), or reads it again.
    virtual void pause_receiving(bool paused) = 0;

    // ----- The role --------------------------------------------------------------------------------

    /// The first message: the handshake, as the handshake framing cut it (its bytes may be changed).
    virtual void handshake(char* text, std::size_t size) = 0;
    /// An Invocation or StreamInvocation from the peer. False if it has to wait (nothing of it was
    /// done): the session keeps it and offers it again at resume().
    virtual bool invocation(const protocol::invocation_message& m) = 0;
    virtual bool invocation(const protocol::stream_invocation_message& m) = 0;
    /// True if an invocation arriving now might have to wait (the session then copies it first).
    virtual bool busy() const noexcept { return false; }
    /// The peer sent what cannot be read: bad framing, a message too large, a malformed message.
    virtual void protocol_error(const protocol::protocol_error& error) = 0;
    /// The peer cancelled `stream` (CancelInvocation), or the session ended under it; `stream` is
    /// already marked cancelled.
    virtual void stream_cancelled(reflect::result_stream_state& /*stream*/) {}
    /// A fresh id for an invocation that awaits the peer's Completion.
    virtual std::string next_invocation_id() = 0;
};

} // namespace signalrpp::session
