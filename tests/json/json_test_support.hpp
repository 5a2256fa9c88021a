#pragma once
// Helpers for the JSON mapping tests: read a value from JSON text, write one to text.

#include <signalrpp/json/serializer.hpp>

#include <string>
#include <string_view>

namespace json_test {

/// Reads `text` into a fresh T; `ok` says whether it worked.
template <class T>
struct read_result {
    bool ok = false;
    T value{};
};

template <class T>
read_result<T> read_as(std::string_view text) {
    read_result<T> result;
    result.ok = signalrpp::json::from_string(text, result.value);
    return result;
}

template <class T>
bool reads(std::string_view text) {
    return read_as<T>(text).ok;
}

} // namespace json_test
