// libFuzzer target: the WebSocket frame reader in both roles. The first byte chooses the role, the
// piece size (1..32) and a small or default message limit; the rest is fed as a transport would.
#include <signalrpp/websocket/frame_reader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace signalrpp::websocket;
    if (size == 0) {
        return 0;
    }
    const role r = (data[0] & 1) != 0 ? role::client : role::server;
    reader_limits limits;
    if ((data[0] & 2) != 0) {
        limits.max_message = 64;
    }
    const std::size_t piece = 1 + (data[0] >> 3);
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    frame_reader reader(r, limits);
    std::string buffer;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        buffer.append(input.substr(at, piece));
        for (;;) {
            frame_reader::status s;
            const std::size_t used = reader.parse(buffer, s);
            if (used > buffer.size()) {
                __builtin_trap();
            }
            buffer.erase(0, used);
            if (s == frame_reader::status::error) {
                return 0;
            }
            if (s == frame_reader::status::incomplete) {
                break;
            }
            if (s == frame_reader::status::message && reader.payload().size() > limits.max_message) {
                __builtin_trap(); // the limit must hold
            }
            (void)reader.close_reason();
        }
    }
    return 0;
}
