#pragma once
// The one source file of a program built in separate-compilation mode (see
// <signalrpp/core/separate_compilation.hpp>) includes this header, and nothing else needs to:
//
//     // signalrpp.cpp, compiled with -DSIGNALRPP_SEPARATE_COMPILATION like every other file
//     #include <signalrpp/src.hpp>
//
// It defines the server's non-template functions (and with them compiles the HTTP sessions,
// transports and hub runtime), the built-in hub protocols, the JSON and MessagePack writers' and the
// MessagePack reader's non-template functions and base64 once for the program.

#if !defined(SIGNALRPP_SEPARATE_COMPILATION)
#define SIGNALRPP_SEPARATE_COMPILATION
#endif
#if defined(SIGNALRPP_DETAIL_SERVER_HEADER_ONLY)
#error "<signalrpp/src.hpp> needs SIGNALRPP_SEPARATE_COMPILATION defined before any signalrpp header is included"
#endif

#include <signalrpp/core/impl/base64.ipp>
#include <signalrpp/hub/impl/connection_registry.ipp>
#include <signalrpp/json/impl/writer.ipp>
#include <signalrpp/msgpack/impl/reader.ipp>
#include <signalrpp/msgpack/impl/writer.ipp>
#include <signalrpp/protocol/impl/builtin_protocols.ipp>
#include <signalrpp/server/impl/server.ipp>
#include <signalrpp/transport/impl/connection.ipp>
#include <signalrpp/transport/impl/session_executor.ipp>
