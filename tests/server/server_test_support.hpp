#pragma once
// A real server on 127.0.0.1 (any free port), run by its own threads, and a blocking test client that
// speaks raw HTTP/1.1 and WebSocket frames, so that tests see exactly the bytes on the wire. The client
// reaches the server over a carrier: a loopback TCP socket, or an in-memory stream pair whose server end
// is handed to server::accept (with failure injection on either end). Every client read gives up after
// a few seconds, over either carrier, so that a broken server fails a test instead of hanging it.
//
// A test runs over both carriers by starting with
//     const auto carrier = GENERATE(each_carrier());
//     CAPTURE(carrier);
// and building its running_server with that carrier; each `client c(server)` then uses it.

#include <signalrpp/server/server.hpp>
#include <signalrpp/transport/connection_manager.hpp>
#include <signalrpp/http/parser.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/frame_reader.hpp>
#include <signalrpp/websocket/handshake.hpp>
#include <signalrpp/test/memory_stream.hpp>

#include "recorded_log.hpp"

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <future>
#include <vector>

namespace server_test {

namespace transport = signalrpp::transport;
namespace http = signalrpp::http;
namespace ws = signalrpp::websocket;
using signalrpp::test::memory_stream;

/// How a test client reaches the server.
enum class carrier { tcp, memory };

inline std::ostream& operator<<(std::ostream& out, carrier c) {
    return out << (c == carrier::tcp ? "tcp (loopback socket)" : "memory (in-memory stream)");
}

/// Both carriers, for GENERATE: the test case runs once over each.
inline auto each_carrier() { return Catch::Generators::values({carrier::tcp, carrier::memory}); }

/// How long a client read waits before giving up.
inline constexpr std::chrono::seconds client_read_timeout{5};

/// Whether `done()` holds within five seconds (checked every 5 ms): for state that another thread
/// changes without telling the test.
template <class F>
bool eventually(F done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

/// Records what a handler sees, echoes what it receives (unless told otherwise), and lets a test wait.
class recording_handler final : public transport::connection_handler {
public:
    bool echo = true;

    void on_connected(const std::shared_ptr<transport::connection>& c) override {
        std::lock_guard lock(mutex_);
        connected.push_back(c);
        changed_.notify_all();
    }
    void on_received(const std::shared_ptr<transport::connection>& c, std::string_view data, bool binary) override {
        {
            std::lock_guard lock(mutex_);
            received.emplace_back(data);
            changed_.notify_all();
        }
        if (echo) {
            c->send(std::string(data), binary);
        }
    }
    void on_disconnected(const std::shared_ptr<transport::connection>& c, std::error_code ec) override {
        std::lock_guard lock(mutex_);
        disconnected.emplace_back(c->id(), ec);
        changed_.notify_all();
    }

    /// Waits (up to 5 s) until `done()` holds; returns whether it did.
    bool wait(const std::function<bool()>& done) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(5), done);
    }

    /// Drops the connections kept in `connected` (they hold this handler: a cycle otherwise).
    void forget_connections() {
        std::lock_guard lock(mutex_);
        connected.clear();
    }

    std::size_t connected_count() {
        std::lock_guard lock(mutex_);
        return connected.size();
    }

    std::vector<std::shared_ptr<transport::connection>> connected;
    std::vector<std::string> received;
    std::vector<std::pair<std::string, std::error_code>> disconnected;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
};

/// A server on an io_context of its own, run by threads of its own once start() is called. stop(), or
/// the destructor, stops the server and waits for io_context::run to return.
class server_runner {
public:
    explicit server_runner(signalrpp::server_options options = {}) : server_(io_, std::move(options)) {}
    server_runner(const server_runner&) = delete;
    server_runner& operator=(const server_runner&) = delete;
    ~server_runner() { stop(); }

    /// Listens on 127.0.0.1 (any free port) and runs the server on `threads` threads; returns the port.
    unsigned short start(int threads) {
        const auto port = server_.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)).port();
        work_.emplace(io_.get_executor());
        for (int i = 0; i < threads; ++i) {
            threads_.emplace_back([this] { io_.run(); });
        }
        return port;
    }

    /// Stops the server and waits for io_context::run to return (false if it did not within 10 s: the
    /// io_context is then stopped). Once stopped, does nothing.
    bool stop() {
        if (stopped_) {
            return true;
        }
        stopped_ = true;
        server_.stop();
        work_.reset();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!threads_.empty() && !io_.stopped() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        const bool returned = threads_.empty() || io_.stopped();
        if (!returned) {
            io_.stop();
        }
        for (auto& t : threads_) {
            t.join();
        }
        threads_.clear();
        return returned;
    }

    signalrpp::server& server() noexcept { return server_; }
    asio::io_context& io() noexcept { return io_; }

private:
    asio::io_context io_;
    signalrpp::server server_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

/// A server with `/echo` mapped to a recording_handler, on `threads` threads, listening on loopback TCP;
/// its clients come over `via` (TCP unless told otherwise).
class running_server {
public:
    explicit running_server(transport::http_connection_options options = {}, signalrpp::server_options server = {},
                            int threads = 1)
        : running_server(carrier::tcp, options, std::move(server), threads) {}

    /// `configure` maps more (HTTP routes, say) before the server starts.
    explicit running_server(carrier c, transport::http_connection_options options = {},
                            signalrpp::server_options server = {}, int threads = 1,
                            const std::function<void(signalrpp::server&)>& configure = {})
        : via(c), runner_(std::move(server)), handler(std::make_shared<recording_handler>()) {
        runner_.server().map_connection("/echo", handler, options);
        if (configure) {
            configure(runner_.server());
        }
        port = runner_.start(threads);
    }

    ~running_server() {
        runner_.stop();
        handler->forget_connections();
    }

    /// Stops the server and waits for io_context::run to return (false if it did not within 10 s).
    bool stop() { return runner_.stop(); }

    signalrpp::server& server() { return runner_.server(); }

    const carrier via;
    unsigned short port = 0;

private:
    server_runner runner_;

public:
    std::shared_ptr<recording_handler> handler;
};

/// Holds a server's thread (one thread runs it) from construction until release() (or destruction, or
/// 10 s): what is sent or queued meanwhile is there all at once when it goes on.
class server_thread_hold {
public:
    explicit server_thread_hold(signalrpp::server& server) : released_(release_.get_future().share()) {
        std::promise<void> holding;
        auto held = holding.get_future();
        asio::post(server.get_executor(), [released = released_, &holding] {
            holding.set_value();
            released.wait_for(std::chrono::seconds(10));
        });
        held.wait();
    }
    server_thread_hold(const server_thread_hold&) = delete;
    server_thread_hold& operator=(const server_thread_hold&) = delete;
    ~server_thread_hold() { release(); }

    void release() {
        if (!released_called_) {
            released_called_ = true;
            release_.set_value();
        }
    }

private:
    std::promise<void> release_;
    std::shared_future<void> released_;
    bool released_called_ = false;
};

/// A blocking client on its own io_context, over a loopback TCP socket or an in-memory stream.
class client {
public:
    /// Over TCP to 127.0.0.1:port.
    explicit client(unsigned short port) { connect_tcp(port); }

    /// Over the server's carrier. For the memory carrier, `prepare` may set up the server's end (failure
    /// injection, read and write sizes) before the server adopts it.
    explicit client(running_server& server, const std::function<void(memory_stream&)>& prepare = {})
        : client(server.server(), server.via, server.port, prepare) {}

    /// Over `via` to `server` (listening on 127.0.0.1:port, for TCP).
    client(signalrpp::server& server, carrier via, unsigned short port,
           const std::function<void(memory_stream&)>& prepare = {}) {
        if (via == carrier::tcp) {
            connect_tcp(port);
            return;
        }
        auto ends = signalrpp::test::make_memory_stream_pair(io_.get_executor(), server.get_executor());
        if (prepare) {
            prepare(ends.second);
        }
        memory_.emplace(std::move(ends.first));
        server.accept(std::move(ends.second));
    }

    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// The client's end of the in-memory stream (memory carrier only), for failure injection.
    memory_stream& memory() { return memory_.value(); }

    void send(std::string_view bytes) {
        if (memory_) {
            // Asynchronously: the server's end may have a capacity (memory_stream::set_capacity).
            bool done = false;
            std::error_code failed;
            asio::async_write(*memory_, asio::buffer(bytes.data(), bytes.size()), [&](std::error_code ec, std::size_t) {
                failed = ec;
                done = true;
            });
            if (!run_until([&] { return done; }) || failed) {
                throw std::runtime_error("the in-memory write did not complete");
            }
        } else {
            asio::write(*socket_, asio::buffer(bytes.data(), bytes.size()));
        }
    }

    void send_request(http::request r) {
        std::string out;
        if (!r.fields.contains("Host")) {
            r.fields.add("Host", "127.0.0.1");
        }
        http::write_request(out, r);
        send(out);
    }

    /// Reads one response (for a HEAD request, say so: it has no body).
    http::response read_response(bool head = false) {
        http::response_parser parser;
        if (head) {
            parser.set_request_method("HEAD");
        }
        for (;;) {
            if (!buffer_.empty()) {
                http::response_parser::status s{};
                buffer_.erase(0, parser.parse(buffer_, s));
                if (s == http::response_parser::status::done) {
                    return parser.message();
                }
                if (s == http::response_parser::status::error) {
                    throw std::runtime_error("bad response: " + parser.error().reason);
                }
            }
            if (!fill()) {
                if (parser.finish_at_eof()) {
                    return parser.message();
                }
                throw std::runtime_error("connection closed before a whole response (" + read_failure() + ")");
            }
        }
    }

    http::response request(const std::string& method, const std::string& target, std::string body = {},
                           http::fields fields = {}) {
        http::request r;
        r.method = method;
        r.target = target;
        r.fields = std::move(fields);
        r.body = std::move(body);
        send_request(std::move(r));
        return read_response(method == "HEAD");
    }

    /// Upgrades to a WebSocket on `target`; returns the 101 (or the refusal).
    http::response upgrade(const std::string& target) {
        send_request(ws::upgrade_request(target, "127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ=="));
        return read_response();
    }

    void send_frame(ws::opcode op, std::string_view payload, bool fin = true, bool masked = true) {
        std::string out;
        ws::write_frame(out, op, payload, fin,
                        masked ? std::optional<ws::masking_key>(ws::masking_key{1, 2, 3, 4}) : std::nullopt);
        send(out);
    }

    struct frame_event {
        ws::frame_reader::status status;
        ws::opcode op = ws::opcode::text;
        std::string payload;
        std::uint16_t close_code = 0;
        std::string close_reason;
    };

    /// Reads the next WebSocket event from the server (a message, ping, pong or close).
    frame_event read_frame() {
        for (;;) {
            if (!buffer_.empty()) {
                ws::frame_reader::status s{};
                buffer_.erase(0, reader_.parse(buffer_, s));
                if (s != ws::frame_reader::status::incomplete) {
                    frame_event e{s, reader_.message_opcode(), reader_.payload(), reader_.close_status(),
                                  std::string(reader_.close_reason())};
                    return e;
                }
            }
            if (!fill()) {
                throw std::runtime_error("connection closed before a whole frame (" + read_failure() + ")");
            }
        }
    }

    /// Reads raw bytes until `needle` has arrived; returns everything read so far (and keeps nothing).
    std::string read_until(std::string_view needle) {
        while (buffer_.find(needle) == std::string::npos) {
            if (!fill()) {
                throw std::runtime_error("connection closed before '" + std::string(needle) + "' (" + read_failure() +
                                         ")");
            }
        }
        return std::exchange(buffer_, {});
    }

    /// Memory carrier: starts writing `bytes` (kept here) in the background: the write goes on whenever
    /// this client's io_context runs (in reads, in run_until) and may wait for room at the server's end.
    void start_send(std::string bytes) {
        background_ = std::move(bytes);
        sending_ = true;
        asio::async_write(memory(), asio::buffer(background_), [this](std::error_code, std::size_t) { sending_ = false; });
    }

    /// Whether the write start_send began is still under way.
    bool sending() const { return sending_; }

    /// Runs this client's io_context until `done()` holds, checked every few milliseconds, for up to 10 s;
    /// returns whether it held.
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            io_.restart();
            io_.run_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    /// TCP carrier: whether bytes from the server arrive within `wait` (or are here already). For checks
    /// that something does not come: a wait this short can only make a broken server look right.
    bool bytes_arrive_within(std::chrono::milliseconds wait) {
        pollfd p{socket_->native_handle(), POLLIN, 0};
        return !buffer_.empty() || ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
    }

    /// Whether an upgrade of `target` ends with the socket closed, before or after a 101 (a connection
    /// whose handler refused it as it started).
    bool upgrade_ends_in_close(const std::string& target) {
        try {
            return upgrade(target).status != 101 || closed_by_server();
        } catch (const std::exception&) {
            return true; // closed before a whole response
        }
    }

    /// Whether the server closes the socket (within the read timeout), discarding what comes before.
    bool closed_by_server() {
        while (fill()) {
        }
        return eof_;
    }

    std::string& buffered() { return buffer_; }

    /// Why the last read failed: its error, and whether (and when) fill() cancelled it unfinished.
    std::string read_failure() const {
        std::string why = last_error_.message();
        if (cancelled_after_) {
            why += ", cancelled unfinished after " + std::to_string(cancelled_after_->count()) + " ms";
        }
        return why + ", " + std::to_string(buffer_.size()) + " bytes buffered";
    }

private:
    void connect_tcp(unsigned short port) {
        socket_.emplace(io_);
        socket_->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        timeval tv{client_read_timeout.count(), 0};
        ::setsockopt(socket_->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    // Reads once (waiting up to client_read_timeout); false on an error, eof or the timeout.
    bool fill() {
        char data[16384];
        std::error_code ec;
        std::size_t n = 0;
        if (memory_) {
            // The stream's reads are asynchronous: run this client's io_context until the read completes
            // or the timeout passes, then cancel it (the completion then says operation_aborted).
            bool done = false;
            memory_->async_read_some(asio::buffer(data), [&](std::error_code e, std::size_t k) {
                ec = e;
                n = k;
                done = true;
            });
            const auto started = std::chrono::steady_clock::now();
            io_.restart();
            if (sending_) {
                // A write start_send began is under way too (it is work: run_for would wait for it).
                const auto deadline = std::chrono::steady_clock::now() + client_read_timeout;
                while (!done && io_.run_one_until(deadline) > 0) {
                }
            } else {
                // Until no work is left: the waiting read is work, so this returns once its handler has
                // run (memory_stream ends that work here, never on the thread that completes the read).
                io_.run_for(client_read_timeout);
            }
            cancelled_after_.reset();
            if (!done) {
                cancelled_after_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started);
                memory_->cancel();
                io_.restart();
                io_.run();
            }
        } else {
            n = socket_->read_some(asio::buffer(data), ec);
        }
        if (ec) {
            last_error_ = ec;
            eof_ = ec == asio::error::eof || ec == asio::error::connection_reset;
            return false;
        }
        buffer_.append(data, n);
        return true;
    }

    asio::io_context io_;
    std::optional<asio::ip::tcp::socket> socket_;
    std::optional<memory_stream> memory_;
    std::string background_; // what start_send writes
    bool sending_ = false;
    std::string buffer_;
    ws::frame_reader reader_{ws::role::client};
    bool eof_ = false;
    std::error_code last_error_; // of the last read that failed
    std::optional<std::chrono::milliseconds> cancelled_after_; // memory carrier: the last read, cancelled unfinished
};

/// Negotiates (version 1) on `c`; returns the connection token.
inline std::string token_of(const std::string& negotiate_body);
inline std::string negotiate(client& c) { return token_of(c.request("POST", "/echo/negotiate?negotiateVersion=1").body); }

/// Opens the event stream of connection `token` on `c` and reads its head and opening comment.
inline void open_event_stream(client& c, const std::string& token) {
    http::fields accept;
    accept.add("Accept", "text/event-stream");
    c.send_request({"GET", "/echo?id=" + token, 1, accept, {}});
    c.read_until(":\r\n\r\n");
}

/// The first connection the server's handler saw start (waiting for it up to 5 s).
inline std::shared_ptr<transport::connection> first_connection(running_server& server) {
    if (!server.handler->wait([&] { return !server.handler->connected.empty(); })) {
        throw std::runtime_error("no connection started");
    }
    return server.handler->connected[0];
}

/// The connection token a negotiate answer carries (version 1), or the id (version 0).
inline std::string token_of(const std::string& negotiate_body) {
    for (const char* key : {"\"connectionToken\":\"", "\"connectionId\":\""}) {
        const auto at = negotiate_body.find(key);
        if (at != std::string::npos) {
            const auto start = at + std::string_view(key).size();
            return negotiate_body.substr(start, negotiate_body.find('"', start) - start);
        }
    }
    return {};
}

} // namespace server_test
