#pragma once
// A hub served on 127.0.0.1 (any free port) by its own threads (two unless told otherwise: the
// ThreadSanitizer build checks the runtime across threads), and a blocking hub-protocol client over
// a WebSocket (no negotiation), on loopback TCP or an in-memory stream (the test's carrier), that sends
// and reads whole hub messages as text, so that tests see exactly what a client would: JSON as it is;
// MessagePack (binary frames, length prefixes) spelled as JSON-like text (msgpack_text.hpp). Reads give
// up after a few seconds (server_test::client).

#include "../msgpack/msgpack_text.hpp"
#include "../server/server_test_support.hpp"

#include <signalrpp/protocol/binary_framing.hpp>

#include <signalrpp/server/server.hpp>

#include <deque>
#include <functional>
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
                        int threads = 2, std::string path = "/hub", signalrpp::server_options server_options = {},
                        const std::function<void(signalrpp::server&)>& configure = {}) // maps more before starting
        : runner_(std::move(server_options)),
          context(runner_.server().map_hub<Hub>(std::move(path), std::move(options))), via(via) {
        if (configure) {
            configure(runner_.server());
        }
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

/// The hub protocol a hub_client speaks.
enum class wire { json, messagepack };

/// A hub client: a WebSocket to `path` (no negotiate) over the server's carrier, messages split at the
/// separator (JSON, and the handshake) or by their length prefixes (MessagePack).
class hub_client {
public:
    template <class Hub>
    explicit hub_client(hub_server<Hub>& server, const std::string& path = "/hub", bool handshake = true,
                        wire protocol = wire::json)
        : socket_(server.server(), server.via, server.port), protocol_(protocol) {
        const auto response = socket_.upgrade(path);
        if (response.status != 101) {
            throw std::runtime_error("upgrade refused: " + std::to_string(response.status));
        }
        if (handshake) {
            send_raw(protocol == wire::json ? "{\"protocol\":\"json\",\"version\":1}\x1e"
                                            : "{\"protocol\":\"messagepack\",\"version\":1}\x1e");
            const auto answer = read();
            if (answer != "{}") {
                throw std::runtime_error("handshake refused: " + answer);
            }
        }
    }

    /// A MessagePack client.
    template <class Hub>
    static hub_client messagepack(hub_server<Hub>& server, const std::string& path = "/hub") {
        return hub_client(server, path, true, wire::messagepack);
    }

    /// Sends one message: JSON (the separator is added), or for MessagePack its JSON-like spelling
    /// (written as MessagePack with its length prefix, in a binary message).
    void send(const std::string& text) {
        if (protocol_ == wire::json) {
            send_raw(text + '\x1e');
            return;
        }
        const std::string body = msgpack_test::to_msgpack(text);
        std::string framed;
        signalrpp::protocol::write_length_prefix(framed, body.size());
        socket_.send_frame(signalrpp::websocket::opcode::binary, framed + body);
    }
    /// Sends bytes as one WebSocket text message.
    void send_raw(const std::string& bytes) { socket_.send_frame(signalrpp::websocket::opcode::text, bytes); }
    /// Sends bytes as one WebSocket binary message.
    void send_binary(const std::string& bytes) { socket_.send_frame(signalrpp::websocket::opcode::binary, bytes); }

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
            // Frames of the protocol's type; the handshake's answer too (ASP.NET Core sets the transfer
            // format before answering), but a refusal, with no protocol chosen, comes as text.
            const bool binary = e.op == signalrpp::websocket::opcode::binary;
            if (binary != (protocol_ == wire::messagepack) && handshake_answered_) {
                throw std::runtime_error("a message in the wrong frame type");
            }
            std::string_view rest = e.payload;
            while (!rest.empty()) {
                if (protocol_ == wire::messagepack && handshake_answered_) {
                    frames_.append(rest);
                    rest = {};
                    std::string_view message;
                    while (frames_.next(message) == signalrpp::protocol::length_prefixed_reader::status::message) {
                        records_.push_back(msgpack_test::to_text(message));
                    }
                    break;
                }
                const auto end = rest.find('\x1e');
                if (end == std::string_view::npos) {
                    throw std::runtime_error("a message without separator: " + std::string(rest));
                }
                records_.emplace_back(rest.substr(0, end));
                rest.remove_prefix(end + 1);
                handshake_answered_ = true;
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
            if (m != "{\"type\":6}" && m != "[6]") {
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
    wire protocol_;
    bool handshake_answered_ = false;
    signalrpp::protocol::length_prefixed_reader frames_;
    std::deque<std::string> records_;
    std::vector<std::string> seen_;
    bool closed_ = false;
};

} // namespace hub_test
