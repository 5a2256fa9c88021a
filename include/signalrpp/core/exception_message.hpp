#pragma once
// exception_message: what an exception says, for the log lines of callbacks that threw.

#include <exception>
#include <string>

namespace signalrpp {

/// The what() of `failure` when it is a std::exception, else a note that it is not one; empty for null.
inline std::string exception_message(const std::exception_ptr& failure) {
    if (!failure) {
        return {};
    }
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an exception not derived from std::exception";
    }
}

} // namespace signalrpp
