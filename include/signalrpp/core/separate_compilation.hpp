#pragma once
// SIGNALRPP_SEPARATE_COMPILATION: the optional mode in which the server's machinery (HTTP sessions,
// transports, connections, the hub runtime, the hub protocols, the codecs' non-template functions) is
// compiled once, in one source file of the program, instead of in every translation unit that maps a
// hub or listens. Define the macro for the whole program (every translation unit); then either
//   - compile one source file that includes <signalrpp/src.hpp> (include/ users, Meson's
//     signalrpp-separate), or
//   - in exactly one source file, define SIGNALRPP_IMPLEMENTATION before including signalrpp (the way
//     to do it with the single header; include/ headers take it too).
// Every other file then compiles declarations and thin templates only. Without the macro the library
// is header-only: nothing else to build.
//
// SIGNALRPP_DECL marks the functions that one file defines: inline when header-only, ordinary (defined
// once) in separate compilation. SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION says that this translation
// unit compiles the definitions: header-only, or the SIGNALRPP_IMPLEMENTATION file.

#if defined(SIGNALRPP_IMPLEMENTATION) && !defined(SIGNALRPP_SEPARATE_COMPILATION)
#error "SIGNALRPP_IMPLEMENTATION needs SIGNALRPP_SEPARATE_COMPILATION defined for the whole program (every file, this one too)"
#endif

#if defined(SIGNALRPP_SEPARATE_COMPILATION)
#define SIGNALRPP_DECL
#else
#define SIGNALRPP_DECL inline
#endif

#if !defined(SIGNALRPP_SEPARATE_COMPILATION) || defined(SIGNALRPP_IMPLEMENTATION)
#define SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION
#endif
