#pragma once
// The customization point that maps a C++ type to MessagePack and back (json::serializer's counterpart).
//
// A mapping is a specialization of signalrpp::msgpack::serializer<T> with two static functions:
//     static bool read(msgpack::reader& in, T& out);   // false: the next value is not a T
//     static void write(msgpack::writer& out, const T& v);
// read() takes exactly one value. After a false, `out` may be partly set and the reader's position is
// unspecified: the caller drops what it was reading (a hub message arrives whole, so the next one is
// not affected). The input comes from the network: check every value's type before reading it, as the
// reader's read_* functions do.
// signalrpp maps scalars, strings, containers, byte arrays, time points and raw MessagePack; user
// structs described with SIGNALRPP_DEFINE_TYPE are maps; any other type can be mapped by specializing
// serializer<T> (for a type that both hub protocols carry, specialize json::serializer<T> too).

#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/msgpack/writer.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace signalrpp::msgpack {

/// Left undefined: a type has a MessagePack mapping only through a specialization (or SIGNALRPP_DEFINE_TYPE).
template <class T>
struct serializer;

/// True when T has a MessagePack mapping in both directions.
template <class T>
concept mapped = requires(reader& in, T& out, writer& w, const T& v) {
    { serializer<T>::read(in, out) } -> std::same_as<bool>;
    serializer<T>::write(w, v);
};

/// Reads the next value into `out`; false if it does not hold a T.
template <mapped T>
bool read(reader& in, T& out) {
    return serializer<T>::read(in, out);
}

/// Writes `v` as MessagePack.
template <mapped T>
void write(writer& out, const T& v) {
    serializer<T>::write(out, v);
}

/// `v` as MessagePack bytes.
template <mapped T>
std::string to_bytes(const T& v) {
    std::string data;
    writer out(data);
    write(out, v);
    return data;
}

/// Reads `data`, which must be exactly one value, into `out`; false if it is not a T or has bytes after it.
template <mapped T>
bool from_bytes(std::string_view data, T& out) {
    reader in(data);
    return read(in, out) && in.at_end();
}

} // namespace signalrpp::msgpack
