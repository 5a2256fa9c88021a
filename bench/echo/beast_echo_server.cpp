// beast-echo-server: a WebSocket echo server on Boost.Beast, one of the yardsticks bench/echo/compare.py
// holds signalrpp's raw-echo-server against. Written the way Beast's own websocket_server_async.cpp
// example is, on one thread: a session per connection with a flat_buffer, async_read then async_write
// of that buffer with the opcode it came with, the example's suggested server timeouts, no
// permessage-deflate. Tuned as a user would: TCP_NODELAY, auto_fragment off.
// Usage: beast-echo-server --port N   (0: any free port; prints "listening on ws://127.0.0.1:PORT")
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <csignal>
#include <cstdio>
#include "echo_server_port.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class session : public std::enable_shared_from_this<session> {
public:
    explicit session(tcp::socket&& socket) : ws_(std::move(socket)) {}

    void run() {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.auto_fragment(false);
        ws_.async_accept(beast::bind_front_handler(&session::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec) {
        if (ec) {
            return;
        }
        do_read();
    }

    void do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&session::on_read, shared_from_this())); }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) {
            return; // closed by the peer, reset, or a protocol error: the session ends
        }
        ws_.text(ws_.got_text());
        ws_.async_write(buffer_.data(), beast::bind_front_handler(&session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) {
            return;
        }
        buffer_.consume(buffer_.size());
        do_read();
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
};

class listener : public std::enable_shared_from_this<listener> {
public:
    listener(net::io_context& io, const tcp::endpoint& endpoint) : acceptor_(io) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void run() { do_accept(); }

private:
    void do_accept() {
        acceptor_.async_accept(beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) {
            return;
        }
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            std::make_shared<session>(std::move(socket))->run();
        }
        do_accept(); // an accept error (out of descriptors, say) loses one connection, not the server
    }

    tcp::acceptor acceptor_;
};

} // namespace

int main(int argc, char** argv) {
    const unsigned short port = parse_echo_server_port(argc, argv, "beast-echo-server");
    net::io_context io(1);
    auto server = std::make_shared<listener>(io, tcp::endpoint(net::ip::address_v4::loopback(), port));
    server->run();

    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](beast::error_code, int) { io.stop(); });

    std::printf("listening on ws://127.0.0.1:%u\n", static_cast<unsigned>(server->port()));
    std::fflush(stdout);
    io.run();
    return 0;
}
