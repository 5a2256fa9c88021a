// raw-echo-server: a WebSocket echo server on signalrpp's transport layer, for the echo benchmark
// (bench/echo/compare.py) and other checks that need a plain WebSocket peer. The contract others
// rely on: `raw-echo-server --port N` (0: any free port), one thread, 127.0.0.1, first line of
// standard output "listening on ws://127.0.0.1:PORT", every text or binary message echoed on any
// path (a WebSocket request without ?id= makes a connection on the spot), until SIGINT or SIGTERM.

#include <signalrpp/server/server.hpp>

#include "echo/echo_server_port.hpp"

#include <asio/signal_set.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace {

class echo final : public signalrpp::transport::connection_handler {
public:
    void on_received(const std::shared_ptr<signalrpp::transport::connection>& c, std::string_view data,
                     bool binary) override {
        c->send(std::string(data), binary);
    }
};

} // namespace

int main(int argc, char** argv) {
    const unsigned short port = parse_echo_server_port(argc, argv, "raw-echo-server");
    asio::io_context io(1);
    signalrpp::server_options options;
    options.single_threaded = true; // one thread runs io: no strands
    signalrpp::server server(io, options);
    server.map_any_path(std::make_shared<echo>());
    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::printf("listening on ws://127.0.0.1:%u\n", static_cast<unsigned>(bound.port()));
    std::fflush(stdout);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) { server.stop(); });
    io.run();
}
