#pragma once
// The error texts a caller gets in a Completion when an invocation fails, worded as ASP.NET Core words
// them, so clients written against it (and their tests) see the same strings. "Detail" is the
// "<Kind>: <message>" suffix: always added for a hub_exception, otherwise only with detailed errors on.

#include <signalrpp/core/detail/concat.hpp>
#include <signalrpp/core/hub_exception.hpp>

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#if defined(__GNUG__)
#include <cxxabi.h>
#endif

namespace signalrpp::reflect {

using signalrpp::detail::concat;

namespace detail {

inline std::string with_detail(std::string message, bool add, std::string_view kind, std::string_view what) {
    if (add) {
        message += ' ';
        message += kind;
        message += ": ";
        message += what;
    }
    return message;
}

/// The readable name of an exception's dynamic type, e.g. "std::runtime_error".
inline std::string exception_kind(const std::exception& e) {
    const char* name = typeid(e).name();
#if defined(__GNUG__)
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                                             std::free);
    if (status == 0 && demangled) {
        return demangled.get();
    }
#endif
    return name;
}

} // namespace detail

/// The target names no method of the hub. (The reference finds this while binding, so the text
/// is the binding failure's, with its HubException detail always present.)
inline std::string unknown_method_error(std::string_view target) {
    return concat({"Failed to invoke '", target, "' due to an error on the server. HubException: Method does not exist."});
}

/// The arguments do not match the parameters in number.
inline std::string argument_count_error(std::string_view target, std::size_t provided, std::size_t expected,
                                        bool detailed) {
    return detail::with_detail(concat({"Failed to invoke '", target, "' due to an error on the server."}), detailed,
                               "InvalidDataException",
                               concat({"Invocation provides ", std::to_string(provided), " argument(s) but target expects ",
                                       std::to_string(expected), "."}));
}

/// An argument does not hold its parameter's type.
inline std::string argument_type_error(std::string_view target, bool detailed) {
    return detail::with_detail(concat({"Failed to invoke '", target, "' due to an error on the server."}), detailed,
                               "InvalidDataException",
                               "Error binding arguments. Make sure that the types of the provided values match the "
                               "types of the hub method being invoked.");
}

namespace detail {

// `message` with the detail of the exception in flight: always for a hub_exception, otherwise only
// when `detailed`. Call inside a catch block.
inline std::string with_exception_detail(std::string message, bool detailed) {
    try {
        throw;
    } catch (const hub_exception& e) {
        return with_detail(std::move(message), true, "HubException", e.what());
    } catch (const std::exception& e) {
        return with_detail(std::move(message), detailed, exception_kind(e), e.what());
    } catch (...) {
        return with_detail(std::move(message), detailed, "Exception", "An exception that is not a std::exception was thrown.");
    }
}

} // namespace detail

/// The method (or the start of a streaming method) threw the exception in flight; call inside a catch.
inline std::string method_exception_error(std::string_view target, bool detailed) {
    return detail::with_exception_detail(
        concat({"An unexpected error occurred invoking '", target, "' on the server."}), detailed);
}

/// A streaming method threw while producing items; call inside a catch.
inline std::string stream_exception_error(bool detailed) {
    return detail::with_exception_detail("An error occurred on the server while streaming results.", detailed);
}

/// An Invocation (type 1) named a streaming method.
inline std::string streaming_method_called_error(std::string_view target) {
    return concat({"The client attempted to invoke the streaming '", target, "' method with a non-streaming invocation."});
}

/// A StreamInvocation (type 4) named a method that does not stream.
inline std::string non_streaming_method_called_error(std::string_view target) {
    return concat({"The client attempted to invoke the non-streaming '", target, "' method with a streaming invocation."});
}

/// The client's streamIds do not match the method's stream parameters in number.
inline std::string stream_count_error(std::string_view target, std::size_t sent, std::size_t expected) {
    return concat({"An unexpected error occurred invoking '", target, "' on the server. HubException: Client sent ",
                   std::to_string(sent), " stream(s), Hub method expects ", std::to_string(expected), "."});
}

} // namespace signalrpp::reflect
