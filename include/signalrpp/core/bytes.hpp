#pragma once
// signalrpp::bytes: a byte array, which each hub protocol writes in its own way: a base64 string in
// JSON (as .NET writes byte[]), a bin value in MessagePack. (A std::vector<std::uint8_t> stays an array
// of numbers in both.)

#include <cstddef>
#include <vector>

namespace signalrpp {

using bytes = std::vector<std::byte>;

} // namespace signalrpp
