#pragma once
// detail::concat({...}): joins string pieces into one string, sized once. Used to build error texts
// instead of chains of std::string operator+, which cost a reallocation per piece and trip a false
// -Wrestrict warning in g++ 12 at -O3 (a warning user builds with -Werror would stop on).

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace signalrpp::detail {

inline std::string concat(std::initializer_list<std::string_view> pieces) {
    std::size_t size = 0;
    for (const auto piece : pieces) {
        size += piece.size();
    }
    std::string out;
    out.reserve(size);
    for (const auto piece : pieces) {
        out.append(piece);
    }
    return out;
}

} // namespace signalrpp::detail
