#pragma once
// dispatch(): runs one client call on a hub object: finds the method by its wire name (any case) and
// hands over to its invoker, or answers that the method does not exist.

#include <signalrpp/reflect/dispatch_table.hpp>
#include <signalrpp/reflect/invocation.hpp>
#include <signalrpp/reflect/invocation_errors.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/reflect/method_invoker.hpp>

#include <memory>
#include <string>

namespace signalrpp::reflect {

/// Runs `call` on `hub`. An answer known at once (the Completion of a plain method, any error) is
/// appended to `out`; asynchronous and streaming methods answer through `sink` (see dispatch_result).
/// A call without invocation id is answered with nothing, errors included.
template <class Hub>
dispatch_result dispatch(Hub& hub, const invocation& call, std::string& out, const sink_ref& sink,
                         const dispatch_options& options = {}) {
    const auto* method = dispatch_table<Hub>::find(call.target);
    if (method == nullptr) {
        if (!call.invocation_id.empty()) {
            write_error_completion(*sink, out, call.invocation_id, unknown_method_error(call.target));
        }
        return {};
    }
    // From here on the method is named as the hub declares it (its errors say so), as ASP.NET Core
    // names a method its binder has found, whatever case the client used.
    return method->invoke(hub, call, dispatch_context{out, sink, options, method->name});
}

} // namespace signalrpp::reflect
