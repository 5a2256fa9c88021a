#pragma once
// choose_protocol(): the server's side of the handshake request: which of the hub protocols it accepts
// the client asked for, or why none (ASP.NET Core's texts: an unknown name, a version above the
// protocol's, a transfer format the transport cannot carry -- checked in that order).

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>

#include <span>
#include <string>

namespace signalrpp::protocol {

struct protocol_choice {
    const hub_protocol* protocol = nullptr; ///< null: refused
    std::string refusal;                    ///< why, when refused
};

/// `accepted`: the protocols the endpoint offers; `binary_transport`: whether the connection's
/// transport carries binary messages (Server-Sent Events does not).
inline protocol_choice choose_protocol(const handshake_request& request, std::span<const hub_protocol* const> accepted,
                                       bool binary_transport) {
    for (const hub_protocol* p : accepted) {
        if (p->name() != request.protocol) {
            continue;
        }
        if (request.version > p->version()) {
            return {nullptr, signalrpp::detail::concat({"The server does not support version ",
                                                        std::to_string(request.version), " of the '", request.protocol,
                                                        "' protocol."})};
        }
        if (p->binary() && !binary_transport) {
            return {nullptr, signalrpp::detail::concat({"Cannot use the '", p->name(),
                                                        "' protocol on the current transport. The transport does not "
                                                        "support '",
                                                        name_of(p->format()), "' transfer format."})};
        }
        return {p, {}};
    }
    return {nullptr, signalrpp::detail::concat({"The protocol '", request.protocol, "' is not supported."})};
}

} // namespace signalrpp::protocol
