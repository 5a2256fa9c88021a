// The smallest signalrpp program: it shows which version of the headers it was built with and
// encodes a connection-id-sized value the way the server will. It stands in for the chat example
// until the server exists.
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
    std::printf("no server yet: the chat example (http://127.0.0.1:5000) arrives with the hub runtime\n");
    return 0;
}
