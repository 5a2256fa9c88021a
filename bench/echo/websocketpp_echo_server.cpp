// websocketpp-echo-server: a WebSocket echo server on websocketpp 0.8 (Debian's libwebsocketpp-dev), one
// of the yardsticks bench/echo/compare.py holds signalrpp's raw-echo-server against. It is websocketpp's
// own echo_server example on one thread: the stock asio_no_tls config over Boost.Asio (websocketpp does
// not build against standalone Asio with ASIO_NO_DEPRECATED), logging off, each message sent back with
// its opcode. Tuned as a user would: TCP_NODELAY, the received message handed back to send() as is.
// Usage: websocketpp-echo-server --port N   (0: any free port; prints "listening on ws://127.0.0.1:PORT")
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include "echo_server_port.hpp"

#include <cstdlib>
#include <cstring>

namespace {

using server = websocketpp::server<websocketpp::config::asio>;

} // namespace

int main(int argc, char** argv) {
    const unsigned short port = parse_echo_server_port(argc, argv, "websocketpp-echo-server");
    server s;
    s.clear_access_channels(websocketpp::log::alevel::all);
    s.clear_error_channels(websocketpp::log::elevel::all);
    s.init_asio();
    s.set_reuse_addr(true);
    s.set_socket_init_handler([](websocketpp::connection_hdl, boost::asio::ip::tcp::socket& socket) {
        boost::system::error_code ignored;
        socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    });
    s.set_message_handler([&s](websocketpp::connection_hdl hdl, server::message_ptr message) {
        websocketpp::lib::error_code ignored; // a connection closing meanwhile is no concern of an echo
        s.send(hdl, message, ignored);
    });

    s.listen(boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), port));
    s.start_accept();

    boost::asio::signal_set signals(s.get_io_service(), SIGINT, SIGTERM);
    signals.async_wait([&s](const boost::system::error_code&, int) { s.stop(); });

    boost::system::error_code ec;
    const auto local = s.get_local_endpoint(ec);
    if (ec) {
        std::fprintf(stderr, "websocketpp-echo-server: %s\n", ec.message().c_str());
        return 1;
    }
    std::printf("listening on ws://127.0.0.1:%u\n", static_cast<unsigned>(local.port()));
    std::fflush(stdout);
    s.run();
    return 0;
}
