// The smallest signalrpp program: it shows which version of the headers it was built with and
// encodes a connection-id-sized value the way the server does.
#include <signalrpp/signalrpp.hpp>

#include <array>
#include <cstdio>

int main() {
    std::array<std::byte, 16> id{};
    for (std::size_t i = 0; i < id.size(); ++i) {
        id[i] = static_cast<std::byte>(i * 17);
    }
    std::printf("signalrpp %s\n", signalrpp::version_string());
    std::printf("a 16-byte id as base64url: %s\n",
                signalrpp::base64::encode(id, signalrpp::base64::alphabet::url).c_str());
    return 0;
}
