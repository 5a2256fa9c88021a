#pragma once
// The definitions of session_executor.hpp: included by it when header-only; by <signalrpp/src.hpp> alone
// in separate-compilation mode.

#include <signalrpp/transport/session_executor.hpp>

#include <asio/strand.hpp>

namespace signalrpp::transport {

SIGNALRPP_DECL session_executor::session_executor(const asio::any_io_executor& ex, bool single_threaded)
    : executor_(single_threaded ? ex : asio::any_io_executor(asio::make_strand(ex))),
      single_threaded_(single_threaded) {}

} // namespace signalrpp::transport
