#pragma once
// The integer types that every hub protocol writes as numbers: the standard integers, but not bool
// (a boolean) nor the character types (which have no number form on the wire).

#include <concepts>

namespace signalrpp::detail {

template <class T>
concept wire_integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                       !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t> &&
                       !std::same_as<T, char32_t>;

} // namespace signalrpp::detail
