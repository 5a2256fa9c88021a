#pragma once
// SIGNALRPP_SEPARATE_COMPILATION: the optional mode in which the server's machinery (HTTP sessions,
// transports, connections, the hub runtime) is compiled once, in one source file of the program,
// instead of in every translation unit that maps a hub or listens. Define the macro for the whole
// program (every translation unit), and compile one source file that includes <signalrpp/src.hpp>.
// Without the macro the library is header-only: nothing else to build.
//
// SIGNALRPP_DECL marks the functions that source file defines: inline when header-only, ordinary
// (defined once) in separate compilation.

#if defined(SIGNALRPP_SEPARATE_COMPILATION)
#define SIGNALRPP_DECL
#else
#define SIGNALRPP_DECL inline
#endif
