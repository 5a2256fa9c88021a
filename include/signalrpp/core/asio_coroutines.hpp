#pragma once
// asio::awaitable, the coroutine type signalrpp's asynchronous APIs use. Include this rather than
// <asio/awaitable.hpp>, and before other Asio headers.
//
// Asio up to at least 1.24 turns its coroutine support on for clang only when the Coroutines TS header
// <experimental/coroutine> exists, which libstdc++ (the usual standard library on Linux) does not have;
// yet clang 14 and later with libstdc++ have standard C++20 coroutines, which Asio supports. So, with
// clang and standard coroutines, and unless the build already decided (ASIO_HAS_CO_AWAIT or
// ASIO_DISABLE_CO_AWAIT), this turns it on.

#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT) && !defined(ASIO_DISABLE_CO_AWAIT) && \
    defined(__cpp_impl_coroutine) && __cpp_impl_coroutine >= 201902L && __has_include(<coroutine>)
#define ASIO_HAS_CO_AWAIT 1
#endif

#include <asio/awaitable.hpp>

#if !defined(ASIO_HAS_CO_AWAIT)
#error "signalrpp needs asio::awaitable (C++20 coroutines). Compile with -std=c++20; with clang, include signalrpp before Asio's headers or define ASIO_HAS_CO_AWAIT=1."
#endif
