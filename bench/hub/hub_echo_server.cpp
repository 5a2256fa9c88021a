// hub-echo-server: a SignalR hub server for the hub benchmarks (bench/hub/compare_hub.py), the hub
// counterpart of raw-echo-server. The contract: `hub-echo-server --port N` (0: any free port), one
// thread, 127.0.0.1, first line of standard output "listening on http://127.0.0.1:PORT", a hub at /hub
// (WebSocket straight away, or negotiate first) with Echo(string) -> string, JoinGroup(string),
// which adds the caller to a group (for the memory figure of idle connections that are in a group),
// and Broadcast(string), which sends `tick` with that string to every connection (for
// bench/hub/broadcast_compare.py), until SIGINT or SIGTERM. Hub options are the defaults (keep-alive
// pings, timeouts).
// SIGUSR1 hands the heap's free pages back to the system (glibc's malloc_trim) and prints a line
// "heap in use N B, free F B" (mallinfo2): bench/hub/long_haul.py sends it after a load to tell the
// memory the server still holds from what the allocator keeps.

#include <signalrpp/server/server.hpp>

#include "../echo/echo_server_port.hpp"

#include <asio/signal_set.hpp>

#include <malloc.h>

#include <cstdio>
#include <functional>
#include <string>

namespace {

struct echo_hub : signalrpp::hub {
    std::string echo(std::string text) { return text; }
    void join_group(std::string name) { groups().add(context().connection_id(), name); }
    void broadcast(std::string payload) { clients().all().send("tick", payload); }
};
SIGNALRPP_HUB(echo_hub, (echo, "Echo"), (join_group, "JoinGroup"), (broadcast, "Broadcast"));

} // namespace

int main(int argc, char** argv) {
    const unsigned short port = parse_echo_server_port(argc, argv, "hub-echo-server");
    asio::io_context io(1);
    signalrpp::server_options options;
    options.single_threaded = true; // one thread runs io: no strands
    signalrpp::server server(io, options);
    server.map_hub<echo_hub>("/hub");
    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(bound.port()));
    std::fflush(stdout);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::signal_set trim(io, SIGUSR1);
    signals.async_wait([&](std::error_code, int) {
        server.stop();
        trim.cancel();
    });
    std::function<void(std::error_code, int)> on_trim = [&](std::error_code ec, int) {
        if (!ec) {
            ::malloc_trim(0);
            const struct mallinfo2 heap = ::mallinfo2();
            std::printf("heap in use %zu B, free %zu B\n", heap.uordblks, heap.fordblks);
            std::fflush(stdout);
            trim.async_wait(on_trim);
        }
    };
    trim.async_wait(on_trim);
    io.run();
}
