#pragma once
// hub_runtime: a server hub connection as a hub object and the client proxies reach it: its caller
// context, the hub's shared state, the protocol its client chose, and client results (the invocation
// sent under an id the connection chooses, the answer routed back, the wait cancelled). The connection
// itself (hub_server_connection, with the hub session, the handshake and dispatch) is machinery,
// compiled once; what includes this header sees only this interface. A hub connection's state in the
// connection registry (connection_registry::find_state) is its hub_runtime.

#include <signalrpp/hub/hub_caller_context.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/session/result_callback.hpp>

#include <memory>
#include <string>

namespace signalrpp {

class hub_runtime : public std::enable_shared_from_this<hub_runtime> {
public:
    /// The connection: its id, user, request, items, abort(). Use it on the connection's strand.
    virtual hub_caller_context& context() noexcept = 0;

    /// What the connections of the hub share: options, the connection registry, groups.
    virtual const std::shared_ptr<hub_shared_state>& shared() const noexcept = 0;

    /// The hub protocol the client chose (set by the handshake, before any call).
    virtual const protocol::hub_protocol& protocol() const noexcept = 0;

    /// True while the hub's on_connected runs (client results are not allowed there). On the strand.
    virtual bool in_on_connected() const noexcept = 0;

    /// A method of this connection awaits a client result: it stops counting against the parallel
    /// invocation limit, so that the connection goes on reading (the result may come behind other
    /// invocations). On the strand.
    virtual void release_invocation_slot() = 0;

    /// Sends `message` (an Invocation written without an invocation id) under a fresh server id and calls
    /// `done` with the client's answer, or with "Connection '<id>' disconnected." if it has ended.
    /// `owner` names the call for cancel_client_invocation. Any thread.
    virtual void start_client_invocation(std::string message, const void* owner, session::result_callback done) = 0;

    /// Forgets the client result that `owner` waits for, when nobody waits for it any more. Any thread.
    virtual void cancel_client_invocation(const void* owner) = 0;

protected:
    hub_runtime() = default;
    hub_runtime(const hub_runtime&) = delete;
    hub_runtime& operator=(const hub_runtime&) = delete;
    ~hub_runtime() = default; // (owned through shared_ptrs made for the concrete connection)
};

} // namespace signalrpp
