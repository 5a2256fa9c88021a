#pragma once
// A hub served on 127.0.0.1 (any free port) by its own threads (two unless told otherwise: the
// ThreadSanitizer build checks the runtime across threads), and a blocking hub-protocol client over
// a WebSocket (no negotiation), on loopback TCP or an in-memory stream (the test's carrier), that sends and reads whole hub messages as JSON text, so that
// tests see exactly what a client would. Reads give up after a few seconds (server_test::client).

#include "../server/server_test_support.hpp"

#include <signalrpp/server/server.hpp>

#include <deque>
#include <string>
#include <thread>
#include <vector>

namespace hub_test {

/// Runs the enclosing test case once per carrier (loopback TCP, in-memory stream), named in its output.
#define HUB_TEST_EACH_CARRIER()                                   \
    const auto carrier = GENERATE(server_test::each_carrier()); \
    CAPTURE(carrier)

template <class Hub>
class hub_server {
public:
    explicit hub_server(server_test::carrier via = server_test::carrier::tcp, signalrpp::hub_options options = {},
                        int threads = 2, std::string path = "/hub")
        : context(runner_.server().map_hub<Hub>(std::move(path), std::move(options))), via(via) {
        port = runner_.start(threads);
    }

    /// With each connection's hub object made by `make_hub` (map_hub's factory).
    template <class Factory>
    hub_server(server_test::carrier via, signalrpp::hub_options options, Factory make_hub, int threads = 2)
        : context(runner_.server().map_hub<Hub>("/hub", std::move(options), std::move(make_hub))), via(via) {
        port = runner_.start(threads);
    }

    signalrpp::server& server() { return runner_.server(); }
    asio::io_context& io() { return runner_.io(); }

private:
    server_test::server_runner runner_;

public:
    signalrpp::hub_context<Hub> context;
    const server_test::carrier via;
    unsigned short port = 0;
};

/// A hub client: a WebSocket to `path` (no negotiate) over the server's carrier, records split at the
/// separator.
class hub_client {
public:
    template <class Hub>
    explicit hub_client(hub_server<Hub>& server, const std::string& path = "/hub", bool handshake = true)
        : socket_(server.server(), server.via, server.port) {
        const auto response = socket_.upgrade(path);
        if (response.status != 101) {
            throw std::runtime_error("upgrade refused: " + std::to_string(response.status));
        }
        if (handshake) {
            send_raw("{\"protocol\":\"json\",\"version\":1}\x1e");
            const auto answer = read();
            if (answer != "{}") {
                throw std::runtime_error("handshake refused: " + answer);
            }
        }
    }

    /// Sends one message (the separator is added).
    void send(const std::string& json) { send_raw(json + '\x1e'); }
    /// Sends bytes as one WebSocket text message.
    void send_raw(const std::string& bytes) { socket_.send_frame(signalrpp::websocket::opcode::text, bytes); }

    /// The next message from the server (without its separator). Throws if the connection ends first.
    std::string read() {
        while (records_.empty()) {
            const auto e = socket_.read_frame();
            if (e.status == signalrpp::websocket::frame_reader::status::close) {
                closed_ = true;
                throw std::runtime_error("closed by the server (" + std::to_string(e.close_code) + ")");
            }
            if (e.status != signalrpp::websocket::frame_reader::status::message) {
                continue;
            }
            std::string_view rest = e.payload;
            while (!rest.empty()) {
                const auto end = rest.find('\x1e');
                if (end == std::string_view::npos) {
                    throw std::runtime_error("a message without separator: " + std::string(rest));
                }
                records_.emplace_back(rest.substr(0, end));
                rest.remove_prefix(end + 1);
            }
        }
        auto next = std::move(records_.front());
        records_.pop_front();
        return next;
    }

    /// The next message that is not a Ping.
    std::string read_skipping_pings() {
        for (;;) {
            auto m = read();
            if (m != "{\"type\":6}") {
                return m;
            }
        }
    }

    /// Whether the server ends the WebSocket (close frame) within the read timeout; messages before
    /// it are kept for read_all().
    bool closed_by_server() {
        try {
            for (;;) {
                seen_.push_back(read());
            }
        } catch (const std::exception&) {
            return closed_;
        }
    }
    const std::vector<std::string>& seen() const { return seen_; }

    server_test::client& socket() { return socket_; }

private:
    server_test::client socket_;
    std::deque<std::string> records_;
    std::vector<std::string> seen_;
    bool closed_ = false;
};

} // namespace hub_test
