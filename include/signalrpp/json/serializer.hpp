#pragma once
// The customization point that maps a C++ type to JSON and back.
//
// A mapping is a specialization of signalrpp::json::serializer<T> with two static functions:
//     static bool read(const json::value& in, T& out);   // false: `in` does not hold a T (out may be partly set)
//     static void write(json::writer& out, const T& v);  // may throw when `v` has no JSON form (NaN, say)
// read() must check every value's type before reading it: the input comes from the network.
// signalrpp maps scalars, strings, containers, byte arrays, time points and raw JSON; user structs are
// described with SIGNALRPP_DEFINE_TYPE; any other type can be mapped by specializing serializer<T>.

#include <signalrpp/json/value.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace signalrpp::json {

/// Left undefined: a type has a JSON mapping only through a specialization (or SIGNALRPP_DEFINE_TYPE).
template <class T>
struct serializer;

/// True when T has a JSON mapping in both directions.
template <class T>
concept mapped = requires(const value& in, T& out, writer& w, const T& v) {
    { serializer<T>::read(in, out) } -> std::same_as<bool>;
    serializer<T>::write(w, v);
};

/// Reads `in` into `out`; false if `in` does not hold a T.
template <mapped T>
bool read(const value& in, T& out) {
    return serializer<T>::read(in, out);
}

/// Writes `v` as JSON.
template <mapped T>
void write(writer& out, const T& v) {
    serializer<T>::write(out, v);
}

/// `v` as JSON text.
template <mapped T>
std::string to_string(const T& v) {
    std::string text;
    string_output output(text);
    writer out(output);
    write(out, v);
    return text;
}

/// Parses `text` and reads it into `out`; false if it is not JSON or does not hold a T.
template <mapped T>
bool from_string(std::string_view text, T& out) {
    document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    return !doc.HasParseError() && read(static_cast<const value&>(doc), out);
}

} // namespace signalrpp::json
