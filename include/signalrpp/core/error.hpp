#pragma once
// signalrpp's own error codes, reported through std::error_code with a category of their own.
// Values are stable (they may be logged or compared); messages are for people.

#include <string>
#include <system_error>
#include <type_traits>

namespace signalrpp {

enum class error {
    /// Text that should be base64 is not: a character outside the alphabet, misplaced padding or a bad length.
    invalid_base64 = 1,
};

namespace detail {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "signalrpp"; }

    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
        case error::invalid_base64: return "invalid base64 text";
        }
        return "unknown signalrpp error";
    }
};

} // namespace detail

/// The category of every signalrpp::error; one object for the whole program.
inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl category;
    return category;
}

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace signalrpp

template <>
struct std::is_error_code_enum<signalrpp::error> : std::true_type {};
