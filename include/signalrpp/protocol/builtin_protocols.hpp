#pragma once
// The hub protocols signalrpp ships, one object of each per process: what hub_options::protocols lists
// and what code outside protocol/ names a protocol by. Declared here, defined with the protocols'
// classes in impl/builtin_protocols.ipp: in separate-compilation mode that is compiled once (by
// <signalrpp/src.hpp>), so a file that maps a hub does not compile both protocols again.

#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>

namespace signalrpp::protocol {

/// The JSON hub protocol ("json"): json_hub_protocol.hpp.
SIGNALRPP_DECL const hub_protocol& json_protocol();

/// The MessagePack hub protocol ("messagepack"): messagepack_hub_protocol.hpp.
SIGNALRPP_DECL const hub_protocol& messagepack_protocol();

} // namespace signalrpp::protocol

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/protocol/impl/builtin_protocols.ipp>
#endif
