#pragma once
// The definitions of builtin_protocols.hpp: included by it when header-only; by <signalrpp/src.hpp>
// alone in separate-compilation mode.

#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/json_hub_protocol.hpp>
#include <signalrpp/protocol/messagepack_hub_protocol.hpp>

namespace signalrpp::protocol {

SIGNALRPP_DECL const hub_protocol& json_protocol() {
    static const json_hub_protocol protocol;
    return protocol;
}

SIGNALRPP_DECL const hub_protocol& messagepack_protocol() {
    static const messagepack_hub_protocol protocol;
    return protocol;
}

} // namespace signalrpp::protocol
