#pragma once
// hub_filter: code run around every hub method invocation and around a hub's connect and disconnect
// (ASP.NET Core's IHubFilter), for logging, metrics, checks. Filters run in the order given in
// hub_options::filters before the method, and in reverse order after it.
//
// A filter may refuse an invocation by throwing from before_invoke: the caller then gets the error
// Completion a throwing method would give (a hub_exception's text always reaches the client). Called
// on the connection's strand.

#include <exception>
#include <string_view>

namespace signalrpp {

class hub_caller_context;

/// What is being invoked: the caller and the method's wire name as the client sent it.
struct hub_invocation_context {
    const hub_caller_context& caller;
    std::string_view method;
};

class hub_filter {
public:
    virtual ~hub_filter() = default;

    /// Before the method runs; throw to refuse the call.
    virtual void before_invoke(const hub_invocation_context&) {}
    /// After the method (an asynchronous or streaming one: after it has finished).
    virtual void after_invoke(const hub_invocation_context&) {}
    /// A connection finished its handshake, before the hub's on_connected.
    virtual void on_connected(const hub_caller_context&) {}
    /// A connection ended, after the hub's on_disconnected; `error` is null for a normal close.
    virtual void on_disconnected(const hub_caller_context&, std::exception_ptr /*error*/) {}
};

} // namespace signalrpp
