// ws-load: the WebSocket client that bench/echo/compare.py drives against each echo server.
// Load mode: C connections, each keeping K text messages of S bytes in flight (one new message per
// echo, each echo checked byte for byte). After a warm-up it prints "window start", counts echoes for
// T seconds, prints "window end" and the count; the driver reads the server's CPU time at those lines.
// Idle mode (--idle N): opens N connections, prints "idle N open", holds them until stdin closes or a
// signal; the driver reads the server's memory meanwhile.
// It must outrun the servers it measures, on one thread: every frame a read makes due goes out in one
// write, reads take 64 KiB, and server frames are parsed here (a header and a memcmp, no copy) rather
// than with frame_reader, which assembles each message and validates its UTF-8.
//
// Usage: ws-load --port P [--connections 100] [--size 20] [--inflight 1] [--seconds 5] [--warmup 1]
//        ws-load --port P --idle N [--handshakes 200]
#include <signalrpp/core/base64.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/handshake.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace ws = signalrpp::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct options {
    unsigned short port = 0;
    std::size_t connections = 100;
    std::size_t size = 20;
    std::size_t inflight = 1;
    double seconds = 5;
    double warmup = 1;
    std::size_t idle = 0;        ///< nonzero: idle mode with this many connections
    std::size_t handshakes = 200; ///< connections being opened at once, at most
};

constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t max_response_head = 8 * 1024;
constexpr auto open_timeout = std::chrono::seconds(60);

// Lines the driver waits for go out at once.
void print_line(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

class load;

// One client connection: connect, handshake, then (in load mode) the echo loop.
class connection {
public:
    connection(load& owner, asio::io_context& io, std::size_t index) : owner_(owner), socket_(io), index_(index) {}

    void open(const tcp::endpoint& server, std::mt19937& random);
    void start_echoing(std::string_view frame, std::string_view payload, std::size_t inflight);

private:
    void on_connect(const asio::error_code& ec);
    void read_response();
    void on_response(std::size_t n);
    void read_frames();
    void on_frames(std::size_t n);
    void flush();
    void fail(const std::string& what);

    load& owner_;
    tcp::socket socket_;
    std::size_t index_;

    // Handshake.
    std::string request_;
    std::string expected_accept_;
    std::string response_;

    // Echo loop: the frame to send, the payload each echo must carry, where the parser is in it.
    std::string_view frame_;
    std::string_view payload_;
    std::unique_ptr<char[]> in_;
    std::size_t in_size_ = 0; ///< unparsed bytes at the front of in_ (a partial header at most)
    bool in_payload_ = false;
    std::size_t payload_offset_ = 0;
    std::string pending_; ///< frames due, not yet written
    std::string writing_; ///< frames being written
    bool write_busy_ = false;
};

// The connections and the run: opening them (a bounded number at once), then the measured window or
// the idle hold.
class load {
public:
    load(asio::io_context& io, const options& opt)
        : io_(io), opt_(opt), timer_(io), signals_(io, SIGINT, SIGTERM), input_(io),
          server_(asio::ip::address_v4::loopback(), opt.port) {
        const std::size_t count = opt.idle > 0 ? opt.idle : opt.connections;
        connections_.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            connections_.push_back(std::make_unique<connection>(*this, io, i));
        }
        payload_.resize(opt.size);
        for (std::size_t i = 0; i < opt.size; ++i) {
            payload_[i] = static_cast<char>('a' + i % 26);
        }
        ws::masking_key key{};
        for (auto& b : key) {
            b = static_cast<std::uint8_t>(random_());
        }
        ws::write_frame(frame_, ws::opcode::text, payload_, true, key);
    }

    void start() {
        signals_.async_wait([this](const asio::error_code& ec, int) {
            if (!ec) {
                stop(opt_.idle > 0 ? 0 : 1);
            }
        });
        timer_.expires_after(open_timeout);
        timer_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                fail("timed out: " + std::to_string(open_) + " of " + std::to_string(connections_.size()) +
                     " connections open");
            }
        });
        launch();
    }

    int exit_code() const noexcept { return exit_code_; }
    bool stopping() const noexcept { return stopping_; }

    void on_open() {
        --opening_;
        ++open_;
        if (open_ == connections_.size()) {
            timer_.cancel();
            all_open();
        } else {
            launch();
        }
    }

    void count(std::size_t echoes) noexcept { echoes_ += echoes; }

    void fail(const std::string& what) {
        if (stopping_) {
            return;
        }
        std::fprintf(stderr, "ws-load: %s\n", what.c_str());
        stop(1);
    }

private:
    void launch() {
        while (opening_ < opt_.handshakes && next_ < connections_.size()) {
            ++opening_;
            connections_[next_++]->open(server_, random_);
        }
    }

    void all_open() {
        if (opt_.idle > 0) {
            print_line("idle " + std::to_string(open_) + " open");
            hold();
            return;
        }
        print_line("connections " + std::to_string(open_) + " open");
        for (auto& c : connections_) {
            c->start_echoing(frame_, payload_, opt_.inflight);
        }
        timer_.expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt_.warmup)));
        timer_.async_wait([this](const asio::error_code& ec) {
            if (ec) {
                return;
            }
            window_echoes_ = echoes_;
            window_start_ = clock_type::now();
            print_line("window start");
            timer_.expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt_.seconds)));
            timer_.async_wait([this](const asio::error_code& ec) {
                if (!ec) {
                    end_window();
                }
            });
        });
    }

    void end_window() {
        const std::size_t echoes = echoes_ - window_echoes_;
        const double elapsed = std::chrono::duration<double>(clock_type::now() - window_start_).count();
        print_line("window end");
        std::array<char, 128> line{};
        std::snprintf(line.data(), line.size(), "echoes %zu in %.3f s: %.1f echoes/s", echoes, elapsed,
                      static_cast<double>(echoes) / elapsed);
        print_line(line.data());
        if (echoes == 0) {
            std::fprintf(stderr, "ws-load: no echo in the window\n");
            stop(1);
            return;
        }
        stop(0);
    }

    // Idle mode: until stdin closes (a pipe from the driver, say) or a signal.
    void hold() {
        const int fd = ::dup(STDIN_FILENO);
        asio::error_code ec;
        if (fd >= 0) {
            input_.assign(fd, ec);
        }
        if (fd < 0 || ec) {
            return; // a signal ends it
        }
        input_.async_read_some(asio::buffer(input_buffer_), [this](const asio::error_code& ec, std::size_t) {
            if (ec) {
                stop(0);
            } else {
                hold_more();
            }
        });
    }

    void hold_more() {
        input_.async_read_some(asio::buffer(input_buffer_), [this](const asio::error_code& ec, std::size_t) {
            if (ec) {
                stop(0);
            } else {
                hold_more();
            }
        });
    }

    void stop(int code) {
        if (!stopping_) {
            stopping_ = true;
            exit_code_ = code;
        }
        io_.stop();
    }

    asio::io_context& io_;
    options opt_;
    asio::steady_timer timer_;
    asio::signal_set signals_;
    asio::posix::stream_descriptor input_;
    std::array<char, 256> input_buffer_{};
    tcp::endpoint server_;
    std::mt19937 random_{std::random_device{}()};
    std::string payload_;
    std::string frame_;
    std::vector<std::unique_ptr<connection>> connections_;
    std::size_t next_ = 0;
    std::size_t opening_ = 0;
    std::size_t open_ = 0;
    std::size_t echoes_ = 0;
    std::size_t window_echoes_ = 0;
    clock_type::time_point window_start_;
    bool stopping_ = false;
    int exit_code_ = 0;
};

void connection::open(const tcp::endpoint& server, std::mt19937& random) {
    std::array<std::byte, 16> nonce{};
    for (auto& b : nonce) {
        b = static_cast<std::byte>(random());
    }
    const std::string key = signalrpp::base64::encode(nonce);
    expected_accept_ = ws::accept_key(key);
    request_ = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
               "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket_.async_connect(server, [this](const asio::error_code& ec) { on_connect(ec); });
}

void connection::on_connect(const asio::error_code& ec) {
    if (ec) {
        return fail("connect: " + ec.message());
    }
    asio::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    asio::async_write(socket_, asio::buffer(request_), [this](const asio::error_code& ec, std::size_t) {
        if (ec) {
            return fail("handshake write: " + ec.message());
        }
        read_response();
    });
}

void connection::read_response() {
    const std::size_t old = response_.size();
    response_.resize(old + 1024);
    socket_.async_read_some(asio::buffer(response_.data() + old, 1024),
                            [this, old](const asio::error_code& ec, std::size_t n) {
                                response_.resize(old + n);
                                if (ec) {
                                    return fail("handshake read: " + ec.message());
                                }
                                on_response(n);
                            });
}

void connection::on_response(std::size_t) {
    const std::size_t end = response_.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (response_.size() > max_response_head) {
            return fail("handshake response too long");
        }
        return read_response();
    }
    const std::string head = lower(std::string_view(response_).substr(0, end + 2));
    if (!head.starts_with("http/1.1 101 ")) {
        return fail("handshake refused: " + response_.substr(0, response_.find("\r\n")));
    }
    const std::size_t field = head.find("\r\nsec-websocket-accept:");
    bool accepted = false;
    if (field != std::string::npos) {
        std::size_t value = field + std::strlen("\r\nsec-websocket-accept:");
        const std::size_t line_end = head.find("\r\n", value);
        std::string_view v = std::string_view(response_).substr(value, line_end - value);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
            v.remove_prefix(1);
        }
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
            v.remove_suffix(1);
        }
        accepted = v == expected_accept_;
    }
    if (!accepted) {
        return fail("handshake: missing or wrong Sec-WebSocket-Accept");
    }
    // Bytes after the head are frames; keep them for the echo loop (none are expected before we send).
    const std::string rest = response_.substr(end + 4);
    if (!rest.empty()) {
        in_ = std::make_unique<char[]>(read_chunk);
        std::memcpy(in_.get(), rest.data(), std::min(rest.size(), read_chunk));
        in_size_ = std::min(rest.size(), read_chunk);
    }
    std::string().swap(request_);
    std::string().swap(response_);
    std::string().swap(expected_accept_);
    owner_.on_open();
}

void connection::start_echoing(std::string_view frame, std::string_view payload, std::size_t inflight) {
    frame_ = frame;
    payload_ = payload;
    if (!in_) {
        in_ = std::make_unique<char[]>(read_chunk);
    }
    pending_.reserve(frame.size() * inflight);
    writing_.reserve(frame.size() * inflight);
    for (std::size_t i = 0; i < inflight; ++i) {
        pending_.append(frame);
    }
    flush();
    read_frames(); // any bytes left from the handshake are parsed with the first read's

}

void connection::read_frames() {
    socket_.async_read_some(asio::buffer(in_.get() + in_size_, read_chunk - in_size_),
                            [this](const asio::error_code& ec, std::size_t n) {
                                if (ec) {
                                    return fail(ec == asio::error::eof ? std::string("server closed the connection")
                                                                       : "read: " + ec.message());
                                }
                                on_frames(n);
                            });
}

// Parses every whole frame in in_: each must be an unmasked, final text frame carrying payload_.
// A payload is checked as it arrives, so only a partial header is ever carried over to the next read.
void connection::on_frames(std::size_t n) {
    const char* p = in_.get();
    const char* const end = p + in_size_ + n;
    std::size_t echoes = 0;
    for (;;) {
        if (in_payload_) {
            const std::size_t take = std::min(payload_.size() - payload_offset_, static_cast<std::size_t>(end - p));
            if (std::memcmp(p, payload_.data() + payload_offset_, take) != 0) {
                return fail("an echo differs from the message sent");
            }
            p += take;
            payload_offset_ += take;
            if (payload_offset_ < payload_.size()) {
                break;
            }
            in_payload_ = false;
            ++echoes;
            continue;
        }
        const std::size_t available = static_cast<std::size_t>(end - p);
        if (available < 2) {
            break;
        }
        const auto b0 = static_cast<std::uint8_t>(p[0]);
        const auto b1 = static_cast<std::uint8_t>(p[1]);
        if (b0 != 0x81) {
            return fail("expected a final text frame, got first byte 0x" + std::to_string(b0) +
                        (b0 == 0x88 ? " (close)" : ""));
        }
        if ((b1 & 0x80) != 0) {
            return fail("the server masked a frame");
        }
        const std::size_t length7 = b1 & 0x7f;
        const std::size_t extra = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        if (available < 2 + extra) {
            break;
        }
        std::uint64_t length = length7;
        if (extra > 0) {
            length = 0;
            for (std::size_t i = 0; i < extra; ++i) {
                length = length << 8 | static_cast<std::uint8_t>(p[2 + i]);
            }
        }
        if (length != payload_.size()) {
            return fail("an echo of " + std::to_string(length) + " bytes, expected " + std::to_string(payload_.size()));
        }
        p += 2 + extra;
        in_payload_ = true;
        payload_offset_ = 0;
    }
    in_size_ = static_cast<std::size_t>(end - p);
    std::memmove(in_.get(), p, in_size_);
    if (echoes > 0) {
        owner_.count(echoes);
        for (std::size_t i = 0; i < echoes; ++i) {
            pending_.append(frame_);
        }
        flush();
    }
    read_frames();
}

void connection::flush() {
    if (write_busy_ || pending_.empty()) {
        return;
    }
    std::swap(pending_, writing_);
    pending_.clear();
    write_busy_ = true;
    asio::async_write(socket_, asio::buffer(writing_), [this](const asio::error_code& ec, std::size_t) {
        write_busy_ = false;
        if (ec) {
            return fail("write: " + ec.message());
        }
        flush();
    });
}

void connection::fail(const std::string& what) {
    if (!owner_.stopping()) {
        owner_.fail("connection " + std::to_string(index_) + ": " + what);
    }
}

void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "ws-load: %s\n"
                 "usage: ws-load --port P [--connections C] [--size S] [--inflight K] [--seconds T] [--warmup W]\n"
                 "       ws-load --port P --idle N [--handshakes H]\n",
                 why);
    std::exit(2);
}

options parse_options(int argc, char** argv) {
    options opt;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const char* value = argv[++i];
        char* end = nullptr;
        const double number = std::strtod(value, &end);
        if (end == value || *end != '\0' || number < 0) {
            usage("option values are non-negative numbers");
        }
        const auto whole = static_cast<std::size_t>(number);
        if (name == "--port") {
            if (number > 65535) {
                usage("--port is at most 65535");
            }
            opt.port = static_cast<unsigned short>(whole);
            have_port = true;
        } else if (name == "--connections") {
            opt.connections = whole;
        } else if (name == "--size") {
            opt.size = whole;
        } else if (name == "--inflight") {
            opt.inflight = whole;
        } else if (name == "--seconds") {
            opt.seconds = number;
        } else if (name == "--warmup") {
            opt.warmup = number;
        } else if (name == "--idle") {
            opt.idle = whole;
        } else if (name == "--handshakes") {
            opt.handshakes = whole;
        } else {
            usage("unknown option");
        }
    }
    if (!have_port || opt.port == 0) {
        usage("--port is required");
    }
    if ((opt.idle == 0 && (opt.connections == 0 || opt.inflight == 0)) || opt.handshakes == 0) {
        usage("--connections, --inflight and --handshakes must be positive");
    }
    return opt;
}

} // namespace

int main(int argc, char** argv) {
    const options opt = parse_options(argc, argv);
    raise_file_limit();
    asio::io_context io(1);
    load run(io, opt);
    run.start();
    io.run();
    std::fflush(stdout);
    // Skip tearing down thousands of connections one by one: the kernel closes them.
    std::_Exit(run.exit_code());
}
