// ws-load: the WebSocket client that bench/echo/compare.py, bench/hub/compare_hub.py and
// bench/hub/broadcast_compare.py drive against the echo servers.
// Load mode: C connections, each keeping K messages in flight (one new message per echo, each echo
// checked byte for byte). After a warm-up it prints "window start", counts echoes for T seconds, prints
// "window end", the count, and the latency of the echoes that came in the window (send to echo, as the
// client sees it: "latency p50 X us p99 Y us"); the driver reads the server's CPU time at those lines.
// - Raw (default): each message is a text frame (--binary: a binary frame) of S bytes, echoed as is,
//   on path /.
// - Hub (--hub): a SignalR hub connection on /hub (handshake first); each message is an Invocation of
//   Echo with an S-byte string argument and an increasing invocationId, each echo its Completion
//   (keep-alive Pings are skipped). A server frame may carry several records, and a message may come in
//   fragments (ASP.NET Core sends large batches so).
//   --protocol json (default): JSON records in text frames, `{"type":1,"invocationId":"7","target":"Echo",
//   "arguments":["..."]}` answered by `{"type":3,"invocationId":"7","result":"..."}`.
//   --protocol messagepack: the handshake `{"protocol":"messagepack","version":1}` (JSON, in a text frame,
//   as the JavaScript client sends it), then VarInt-length-prefixed MessagePack arrays in binary frames,
//   the server's included (its handshake answer `{}` too): `[1,{},"7","Echo",["..."],[]]` answered by
//   `[3,{},"7",3,"..."]`, Pings `[6]`.
//   --protocol mixed: every other connection (the second, the fourth, ...) speaks MessagePack, the others
//   JSON; each is checked in its own format.
// Idle mode (--idle N): opens N connections (with --hub: each past the handshake and in a group, by
// JoinGroup("idle")), prints "idle N open", holds them until stdin closes or a signal; the driver reads
// the server's memory meanwhile.
// Broadcast mode (--hub --broadcast N, for bench/hub/broadcast_compare.py): opens N hub connections,
// each in a group as in idle mode (JoinGroup's Completion proves the server counts the connection among
// all clients: ASP.NET Core answers the handshake before it does), then runs rounds one after the
// other: the first connection sends an Invocation of Broadcast with an S-byte string argument and no
// invocationId (no Completion comes back), and the round ends when each of the N connections has
// received `{"type":1,"target":"tick","arguments":["<the string>"]}` (MessagePack: `[1,{},nil,"tick",
// ["<the string>"],[]]`; checked byte for byte, Pings skipped; a second tick in a round is an error).
// After W warm-up rounds it prints "window start", runs R rounds, prints "window end", the deliveries
// (N x R) and the time per round (first send to last delivery: "round p50 X us p99 Y us").
// It must outrun the servers it measures, on one thread: every frame a read makes due goes out in one
// write, reads take 64 KiB (4 KiB broadcasting), and server frames are parsed here (a header and a
// memcmp, no copy) rather than with frame_reader, which assembles each message and validates its UTF-8.
//
// Usage: ws-load --port P [--binary | --hub [--protocol json|messagepack|mixed]] [--connections 100]
//                [--size 20] [--inflight 1] [--seconds 5] [--warmup 1]
//        ws-load --port P [--binary | --hub [--protocol PROTOCOL]] --idle N [--handshakes 200]
//        ws-load --port P --hub [--protocol PROTOCOL] --broadcast N [--size 20] [--rounds 100]
//                [--warmup-rounds 10] [--handshakes 200]
#include <signalrpp/core/base64.hpp>
#include <signalrpp/msgpack/writer.hpp>
#include <signalrpp/protocol/binary_framing.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/handshake.hpp>

#include "../file_limit.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

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
#include <limits>
#include <memory>
#include <optional>
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
    bool hub = false;             ///< SignalR hub protocol on /hub rather than plain echo on /
    bool binary = false;          ///< raw: binary frames rather than text
    enum class protocol_choice { json, messagepack, mixed } protocol = protocol_choice::json; ///< hub
    std::size_t connections = 100;
    std::size_t size = 20;
    std::size_t inflight = 1;
    double seconds = 5;
    double warmup = 1;
    std::size_t idle = 0;        ///< nonzero: idle mode with this many connections
    std::size_t broadcast = 0;   ///< nonzero: broadcast mode with this many connections
    std::size_t rounds = 100;    ///< broadcast rounds measured
    std::size_t warmup_rounds = 10; ///< broadcast rounds before the measured ones
    std::size_t handshakes = 200; ///< connections being opened at once, at most
};

constexpr std::size_t read_chunk = 64 * 1024;
// Broadcast mode's reads: thousands of connections, each getting one small record per round (a longer
// one is checked across reads).
constexpr std::size_t broadcast_read_chunk = 4 * 1024;
constexpr std::size_t max_response_head = 8 * 1024;
constexpr auto open_timeout = std::chrono::seconds(60);
constexpr auto round_timeout = std::chrono::seconds(60);

// What every hub connection sends or expects whatever its protocol (reference section 2).
constexpr std::string_view hub_handshake_response = "{}\x1e"; ///< JSON text, in the protocol's frame type
constexpr std::string_view idle_group = "idle";
constexpr std::string_view broadcast_method = "Broadcast";
constexpr std::string_view broadcast_target = "tick"; ///< what Broadcast sends to every connection

// One hub protocol as ws-load speaks it: the handshake it asks for, the records it writes and those it
// expects (written here, byte for byte as the server must write them), and the frame type they go in.
// Arguments and results are strings that need no escaping in JSON.
class hub_format {
public:
    explicit constexpr hub_format(bool messagepack) noexcept : messagepack_(messagepack) {}

    bool messagepack() const noexcept { return messagepack_; }
    ws::opcode opcode() const noexcept { return messagepack_ ? ws::opcode::binary : ws::opcode::text; }

    std::string_view handshake_request() const noexcept {
        return messagepack_ ? "{\"protocol\":\"messagepack\",\"version\":1}\x1e"
                            : "{\"protocol\":\"json\",\"version\":1}\x1e";
    }

    std::string_view ping() const noexcept {
        return messagepack_ ? std::string_view("\x02\x91\x06", 3) : "{\"type\":6}\x1e";
    }

    /// Where a Ping first differs from every other record the server sends here: the type after
    /// `{"type":` in JSON; in MessagePack the length prefix (2, shorter than any Completion or Invocation).
    std::size_t ping_differs_at() const noexcept { return messagepack_ ? 0 : 8; }

    /// An Invocation of `target` with one string argument; with an empty `id`, a non-blocking one, which
    /// no Completion answers (what a server's send to clients is, too).
    void append_invocation(std::string& out, std::string_view id, std::string_view target,
                           std::string_view argument) const {
        if (!messagepack_) {
            out += R"({"type":1,)";
            if (!id.empty()) {
                out += R"("invocationId":")";
                out += id;
                out += R"(",)";
            }
            out += R"("target":")";
            out += target;
            out += R"(","arguments":[")";
            out += argument;
            out += "\"]}\x1e";
            return;
        }
        // [1, headers, id|nil, target, [arguments], [streamIds]]
        body_.clear();
        signalrpp::msgpack::writer w(body_);
        w.write_array_header(6);
        w.write_uint(1);
        w.write_map_header(0);
        if (id.empty()) {
            w.write_nil();
        } else {
            w.write_string(id);
        }
        w.write_string(target);
        w.write_array_header(1);
        w.write_string(argument);
        w.write_array_header(0);
        append_framed(out);
    }

    /// A Completion with a string result, or with a null one (what a void method answers, as ASP.NET
    /// Core answers it: a null result in JSON, result kind 3 with nil in MessagePack).
    void append_completion(std::string& out, std::string_view id, std::optional<std::string_view> result) const {
        if (!messagepack_) {
            out += R"({"type":3,"invocationId":")";
            out += id;
            if (result) {
                out += R"(","result":")";
                out += *result;
                out += "\"}\x1e";
            } else {
                out += "\",\"result\":null}\x1e";
            }
            return;
        }
        // [3, headers, id, result kind 3, result]
        body_.clear();
        signalrpp::msgpack::writer w(body_);
        w.write_array_header(5);
        w.write_uint(3);
        w.write_map_header(0);
        w.write_string(id);
        w.write_uint(3);
        if (result) {
            w.write_string(*result);
        } else {
            w.write_nil();
        }
        append_framed(out);
    }

private:
    // Appends body_ with its VarInt length prefix.
    void append_framed(std::string& out) const {
        signalrpp::protocol::write_length_prefix(out, body_.size());
        out += body_;
    }

    bool messagepack_;
    inline static std::string body_; // a MessagePack message being written (one thread)
};

constexpr hub_format json_format{false};
constexpr hub_format messagepack_format{true};

// Lines the driver waits for go out at once.
void print_line(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// `bytes` for an error message: bytes outside printable ASCII as \xNN (MessagePack, record separators).
std::string printable(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += c;
        } else {
            std::array<char, 8> escaped{};
            std::snprintf(escaped.data(), escaped.size(), "\\x%02x",
                          static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += escaped.data();
        }
    }
    return out;
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

// One client connection: connect, WebSocket handshake, (hub) hub handshake and, idle or broadcasting,
// JoinGroup; then, in load mode, the echo loop; in broadcast mode, the ticks (and, for the first
// connection, the Broadcast calls).
class connection {
public:
    connection(load& owner, asio::io_context& io, std::size_t index);

    void open(const tcp::endpoint& server, std::mt19937& random);
    void start_echoing(std::size_t inflight);
    void send_record(std::string_view record);

private:
    enum class phase { upgrading, hub_handshake, joining, open };

    void on_connect(const asio::error_code& ec);
    void read_response();
    void on_response(std::size_t n);
    void read_frames();
    void on_frames(std::size_t n);
    std::string_view expected_message();
    bool switch_to_ping(const char* received, std::size_t size);
    void on_message(clock_type::time_point now);
    void queue_echo(clock_type::time_point now);
    void flush();
    void fail(const std::string& what);

    load& owner_;
    tcp::socket socket_;
    std::size_t index_;
    const hub_format& format_; ///< hub: the protocol this connection speaks
    ws::opcode opcode_;        ///< the type of every frame sent and received (but the hub handshake's request)
    phase phase_ = phase::upgrading;

    // Handshake.
    std::string request_;
    std::string expected_accept_;
    std::string response_;

    // Reading: the message the frame being parsed must carry, and where the parser is in it.
    std::unique_ptr<char[]> in_;
    std::size_t in_size_ = 0; ///< unparsed bytes at the front of in_ (a partial header at most)
    bool reading_ = false; ///< a read is under way, or its handler runs (and reads again unless held)
    bool in_payload_ = false;
    bool in_ping_ = false;
    bool fragmented_ = false;   ///< a message's frames have begun and its final one has not come
    bool record_open_ = false;  ///< the record being checked goes on in the next frame (a fragment)
    std::string_view message_;
    std::size_t message_offset_ = 0;
    std::size_t frame_left_ = 0; ///< payload bytes of the frame being parsed not checked yet
    std::string expected_; ///< hub: the Completion (or handshake answer) due next
    std::string record_;   ///< hub: the Invocation being framed

    // Echo loop: when each message in flight was queued (a ring of `inflight`), hub invocation ids.
    std::vector<clock_type::time_point> sent_at_;
    std::uint64_t sent_ = 0;
    std::uint64_t received_ = 0; ///< echoes, or (broadcast mode) ticks
    std::string pending_; ///< frames due, not yet written
    std::string writing_; ///< frames being written
    bool write_busy_ = false;
};

// The connections and the run: opening them (a bounded number at once), then the measured window (of
// echoes or of broadcast rounds) or the idle hold.
class load {
public:
    load(asio::io_context& io, const options& opt)
        : io_(io), opt_(opt), timer_(io), signals_(io, SIGINT, SIGTERM), input_(io),
          server_(asio::ip::address_v4::loopback(), opt.port) {
        const std::size_t count = opt.idle > 0 ? opt.idle : opt.broadcast > 0 ? opt.broadcast : opt.connections;
        connections_.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            connections_.push_back(std::make_unique<connection>(*this, io, i));
        }
        payload_.resize(opt.size);
        for (std::size_t i = 0; i < opt.size; ++i) {
            payload_[i] = static_cast<char>('a' + i % 26);
        }
        for (auto& b : key_) {
            b = static_cast<std::uint8_t>(random_());
        }
        ws::write_frame(frame_, opt.binary ? ws::opcode::binary : ws::opcode::text, payload_, true, key_);
        for (const hub_format* f : {&json_format, &messagepack_format}) {
            f->append_invocation(broadcast_invocation_[f->messagepack()], "", broadcast_method, payload_);
            f->append_invocation(tick_[f->messagepack()], "", broadcast_target, payload_);
        }
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
    bool hub() const noexcept { return opt_.hub; }
    /// The hub protocol of connection `index`: with --protocol mixed, MessagePack for every odd index.
    const hub_format& format_of(std::size_t index) const noexcept {
        const bool messagepack = opt_.protocol == options::protocol_choice::messagepack ||
                                 (opt_.protocol == options::protocol_choice::mixed && index % 2 == 1);
        return messagepack ? messagepack_format : json_format;
    }
    /// The frame type of raw messages.
    ws::opcode raw_opcode() const noexcept { return opt_.binary ? ws::opcode::binary : ws::opcode::text; }
    bool idle() const noexcept { return opt_.idle > 0; }
    bool broadcasting() const noexcept { return opt_.broadcast > 0; }
    /// A hub connection is open once in a group (JoinGroup answered), not right after the handshake.
    bool joins_group() const noexcept { return idle() || broadcasting(); }
    std::size_t read_size() const noexcept { return broadcasting() ? broadcast_read_chunk : read_chunk; }
    std::string_view payload() const noexcept { return payload_; }
    std::string_view frame() const noexcept { return frame_; }
    std::string_view tick(const hub_format& f) const noexcept { return tick_[f.messagepack()]; }
    const ws::masking_key& key() const noexcept { return key_; }

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

    void count(std::size_t echoes) noexcept { received_ += echoes; }

    // Broadcast mode: a connection's `ticks`-th tick has come, at `now`; the round ends with the last
    // connection's.
    void on_tick(std::size_t index, std::uint64_t ticks, clock_type::time_point now) {
        if (ticks > rounds_started_) {
            return fail("connection " + std::to_string(index) + ": tick " + std::to_string(ticks) + " in round " +
                        std::to_string(rounds_started_));
        }
        ++received_;
        if (++round_deliveries_ == connections_.size()) {
            end_round(now);
        }
    }

    void record_latency(clock_type::duration d) {
        if (recording_) {
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
            latencies_.push_back(static_cast<std::uint32_t>(std::clamp<decltype(ns)>(ns, 0, std::numeric_limits<std::uint32_t>::max())));
        }
    }

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
        if (broadcasting()) {
            if (opt_.warmup_rounds == 0) {
                begin_window();
            }
            start_round();
            return;
        }
        for (auto& c : connections_) {
            c->start_echoing(opt_.inflight);
        }
        timer_.expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt_.warmup)));
        timer_.async_wait([this](const asio::error_code& ec) {
            if (ec) {
                return;
            }
            begin_window();
            timer_.expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt_.seconds)));
            timer_.async_wait([this](const asio::error_code& ec) {
                if (!ec) {
                    end_window("echoes", "latency", "echoes", 0);
                }
            });
        });
    }

    void begin_window() {
        window_received_ = received_;
        window_start_ = clock_type::now();
        recording_ = true;
        print_line("window start");
    }

    // Broadcast mode: the first connection calls Broadcast; each connection's tick ends the round.
    void start_round() {
        ++rounds_started_;
        round_deliveries_ = 0;
        timer_.expires_after(round_timeout);
        timer_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                fail("round " + std::to_string(rounds_started_) + " timed out: " + std::to_string(round_deliveries_) +
                     " of " + std::to_string(connections_.size()) + " connections got the tick");
            }
        });
        round_start_ = clock_type::now();
        connections_.front()->send_record(broadcast_invocation_[format_of(0).messagepack()]);
    }

    // The next round starts once the reads under way are parsed: a second tick of this round in them
    // is an error, not the next round's.
    void end_round(clock_type::time_point now) {
        record_latency(now - round_start_);
        asio::post(io_, [this] {
            if (!stopping_) {
                next_round();
            }
        });
    }

    void next_round() {
        if (rounds_started_ == opt_.warmup_rounds + opt_.rounds) {
            end_window("deliveries", "round", "rounds", connections_.size() * opt_.rounds);
            return;
        }
        if (rounds_started_ == opt_.warmup_rounds) {
            begin_window();
        }
        start_round();
    }

    // Ends the measured window: prints "window end", the count of what was `counted` ("echoes 123 in
    // 5.000 s: 24.6 echoes/s") and the percentiles of what was `timed` ("latency p50 X us p99 Y us (123
    // echoes)"), then stops: with an error if the count is not `expected` (0: if there was none).
    void end_window(const char* counted, const char* timed, const char* samples, std::size_t expected) {
        recording_ = false;
        const std::size_t count = received_ - window_received_;
        const double elapsed = std::chrono::duration<double>(clock_type::now() - window_start_).count();
        print_line("window end");
        std::array<char, 128> line{};
        std::snprintf(line.data(), line.size(), "%s %zu in %.3f s: %.1f %s/s", counted, count, elapsed,
                      static_cast<double>(count) / elapsed, counted);
        print_line(line.data());
        if (expected == 0 ? count == 0 : count != expected) {
            std::fprintf(stderr, "ws-load: %zu %s in the window, expected %s\n", count, counted,
                         expected == 0 ? "some" : std::to_string(expected).c_str());
            stop(1);
            return;
        }
        std::snprintf(line.data(), line.size(), "%s p50 %.1f us p99 %.1f us (%zu %s)", timed, percentile(0.50),
                      percentile(0.99), latencies_.size(), samples);
        print_line(line.data());
        stop(0);
    }

    // The q-quantile of the latencies (or round times) recorded, in microseconds (nearest rank).
    double percentile(double q) {
        if (latencies_.empty()) {
            return 0;
        }
        const auto rank = static_cast<std::size_t>(q * static_cast<double>(latencies_.size() - 1) + 0.5);
        std::nth_element(latencies_.begin(), latencies_.begin() + static_cast<std::ptrdiff_t>(rank), latencies_.end());
        return static_cast<double>(latencies_[rank]) / 1000.0;
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
        hold_more();
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
    ws::masking_key key_{};
    std::string payload_;
    std::string frame_;       ///< raw: the frame every message is
    std::array<std::string, 2> broadcast_invocation_; ///< broadcast: the record that starts a round (JSON, MessagePack)
    std::array<std::string, 2> tick_; ///< broadcast: the record every connection gets in a round (JSON, MessagePack)
    std::vector<std::unique_ptr<connection>> connections_;
    std::size_t next_ = 0;
    std::size_t opening_ = 0;
    std::size_t open_ = 0;
    std::size_t received_ = 0;        ///< echoes, or broadcast deliveries (ticks), of all connections
    std::size_t window_received_ = 0; ///< received_ when the window started
    std::size_t rounds_started_ = 0;
    std::size_t round_deliveries_ = 0; ///< ticks received in the round under way
    clock_type::time_point round_start_;
    bool recording_ = false;
    std::vector<std::uint32_t> latencies_; ///< nanoseconds, of the echoes (or rounds) in the window
    clock_type::time_point window_start_;
    bool stopping_ = false;
    int exit_code_ = 0;
};

connection::connection(load& owner, asio::io_context& io, std::size_t index)
    : owner_(owner), socket_(io), index_(index), format_(owner.format_of(index)),
      opcode_(owner.hub() ? format_.opcode() : owner.raw_opcode()) {}

void connection::open(const tcp::endpoint& server, std::mt19937& random) {
    std::array<std::byte, 16> nonce{};
    for (auto& b : nonce) {
        b = static_cast<std::byte>(random());
    }
    const std::string key = signalrpp::base64::encode(nonce);
    expected_accept_ = ws::accept_key(key);
    request_ = std::string("GET ") + (owner_.hub() ? "/hub" : "/") + " HTTP/1.1\r\nHost: 127.0.0.1:" +
               std::to_string(server.port()) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
               key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
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
    // Bytes after the head are frames; keep them for the frame parser (none are expected before we send).
    const std::string rest = response_.substr(end + 4);
    if (!rest.empty() || owner_.hub()) {
        in_ = std::make_unique<char[]>(owner_.read_size());
        in_size_ = std::min(rest.size(), owner_.read_size());
        std::memcpy(in_.get(), rest.data(), in_size_);
    }
    std::string().swap(request_);
    std::string().swap(response_);
    std::string().swap(expected_accept_);
    if (!owner_.hub()) {
        phase_ = phase::open;
        owner_.on_open();
        return;
    }
    phase_ = phase::hub_handshake;
    ws::write_frame(pending_, ws::opcode::text, format_.handshake_request(), true, owner_.key());
    flush();
    read_frames();
}

// Queues one hub record as a masked frame of the connection's protocol and writes it.
void connection::send_record(std::string_view record) {
    ws::write_frame(pending_, opcode_, record, true, owner_.key());
    flush();
}

void connection::start_echoing(std::size_t inflight) {
    if (!in_) {
        in_ = std::make_unique<char[]>(owner_.read_size());
    }
    sent_at_.resize(inflight);
    pending_.reserve((owner_.frame().size() + 64) * inflight);
    writing_.reserve((owner_.frame().size() + 64) * inflight);
    const auto now = clock_type::now();
    for (std::size_t i = 0; i < inflight; ++i) {
        queue_echo(now);
    }
    flush();
    if (!reading_) {
        read_frames(); // any bytes left from the handshake are parsed with the first read's
    }
}

// Queues the next message: the raw frame, or an Invocation of Echo with the next invocation id.
void connection::queue_echo(clock_type::time_point now) {
    sent_at_[sent_ % sent_at_.size()] = now;
    const std::uint64_t id = ++sent_;
    if (!owner_.hub()) {
        pending_.append(owner_.frame());
        return;
    }
    std::array<char, 24> digits{};
    const int length = std::snprintf(digits.data(), digits.size(), "%llu", static_cast<unsigned long long>(id));
    record_.clear();
    format_.append_invocation(record_, std::string_view(digits.data(), static_cast<std::size_t>(length)), "Echo",
                              owner_.payload());
    ws::write_frame(pending_, opcode_, record_, true, owner_.key());
}

void connection::read_frames() {
    reading_ = true;
    socket_.async_read_some(asio::buffer(in_.get() + in_size_, owner_.read_size() - in_size_),
                            [this](const asio::error_code& ec, std::size_t n) {
                                if (ec) {
                                    return fail(ec == asio::error::eof ? std::string("server closed the connection")
                                                                       : "read: " + ec.message());
                                }
                                on_frames(n);
                            });
}

// The message due next: the raw payload (a whole frame), or, for a hub, the record due next in a frame
// (a frame may carry several: the server joins what it has queued, as ASP.NET Core does): the handshake
// answer, a Completion (JoinGroup's or the oldest Echo's) or, broadcasting, the tick. A Ping instead is
// noticed where it differs (switch_to_ping).
std::string_view connection::expected_message() {
    in_ping_ = false;
    if (!owner_.hub()) {
        return owner_.payload();
    }
    expected_.clear();
    switch (phase_) {
    case phase::upgrading: break;
    case phase::hub_handshake: return hub_handshake_response;
    case phase::joining: format_.append_completion(expected_, "join", std::nullopt); break;
    case phase::open: {
        if (owner_.broadcasting()) {
            return owner_.tick(format_);
        }
        std::array<char, 24> digits{};
        const int n = std::snprintf(digits.data(), digits.size(), "%llu", static_cast<unsigned long long>(received_ + 1));
        format_.append_completion(expected_, std::string_view(digits.data(), static_cast<std::size_t>(n)),
                                  owner_.payload());
        break;
    }
    }
    return expected_;
}

// A hub record that differs from the record due where a Ping does (hub_format::ping_differs_at) is a
// Ping: checked from there on as one. False for any other difference.
bool connection::switch_to_ping(const char* received, std::size_t size) {
    const std::size_t at = message_offset_;
    std::size_t i = 0;
    while (i < size && received[i] == message_[at + i]) {
        ++i;
    }
    const std::size_t type_at = format_.ping_differs_at();
    if (!owner_.hub() || in_ping_ || at + i != type_at || received[i] != format_.ping()[type_at]) {
        return false;
    }
    message_ = format_.ping();
    in_ping_ = true;
    return true;
}

// Parses every whole frame in in_: each must be an unmasked frame of the connection's type (or its
// continuation) carrying the messages expected_message() names. A payload is checked as it arrives,
// so only a partial header is ever carried over to the next read.
void connection::on_frames(std::size_t n) {
    const auto now = clock_type::now();
    const char* p = in_.get();
    const char* const end = p + in_size_ + n;
    const std::uint64_t received_before = received_;
    for (;;) {
        if (in_payload_) {
            const std::size_t take =
                std::min({message_.size() - message_offset_, frame_left_, static_cast<std::size_t>(end - p)});
            if (std::memcmp(p, message_.data() + message_offset_, take) != 0) {
                if (switch_to_ping(p, take)) {
                    continue;
                }
                return fail("a message differs from the one expected: " + printable(message_));
            }
            p += take;
            message_offset_ += take;
            frame_left_ -= take;
            if (message_offset_ < message_.size()) {
                if (frame_left_ == 0) {
                    if (!fragmented_) {
                        return fail("a frame ends inside a message: " + printable(message_));
                    }
                    record_open_ = true; // the record goes on in the next fragment
                    in_payload_ = false;
                    continue;
                }
                break;
            }
            if (!in_ping_) {
                on_message(now);
            }
            if (frame_left_ > 0) {
                message_ = expected_message(); // the next record in the same frame
                message_offset_ = 0;
            } else {
                in_payload_ = false;
            }
            continue;
        }
        const std::size_t available = static_cast<std::size_t>(end - p);
        if (available < 2) {
            break;
        }
        const auto b0 = static_cast<std::uint8_t>(p[0]);
        const auto b1 = static_cast<std::uint8_t>(p[1]);
        // A text (binary) frame starts a message, a continuation goes on with it (ASP.NET Core sends a
        // large batch in fragments); the message ends with the frame whose FIN bit is set.
        const bool continuation = (b0 & 0x0f) == 0x0;
        if ((b0 & 0x70) != 0 || ((b0 & 0x0f) != static_cast<unsigned>(opcode_) && !continuation) ||
            continuation != fragmented_) {
            return fail(std::string("expected a ") + (opcode_ == ws::opcode::binary ? "binary" : "text") +
                        " frame or its continuation, got first byte " + std::to_string(b0) +
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
        if (length == 0) {
            if (!continuation) {
                return fail("an empty frame");
            }
            p += 2 + extra; // an empty fragment (the end of a message, say): nothing to check
            fragmented_ = (b0 & 0x80) == 0;
            continue;
        }
        if (!record_open_) {
            message_ = expected_message();
            message_offset_ = 0;
        }
        if (!owner_.hub() && length != message_.size()) {
            return fail("a message of " + std::to_string(length) + " bytes, expected " +
                        std::to_string(message_.size()) + ": " + printable(message_));
        }
        p += 2 + extra;
        in_payload_ = true;
        frame_left_ = static_cast<std::size_t>(length);
        fragmented_ = (b0 & 0x80) == 0;
        record_open_ = false;
    }
    in_size_ = static_cast<std::size_t>(end - p);
    std::memmove(in_.get(), p, in_size_);
    if (received_ > received_before && !owner_.broadcasting()) {
        owner_.count(received_ - received_before);
        for (std::uint64_t i = received_before; i < received_; ++i) {
            queue_echo(now);
        }
        flush();
    }
    if (phase_ == phase::open && owner_.idle()) {
        in_.reset(); // held, no longer read
        reading_ = false;
        return;
    }
    read_frames();
}

// A whole message has come and is the one expected.
void connection::on_message(clock_type::time_point now) {
    switch (phase_) {
    case phase::upgrading: break;
    case phase::hub_handshake:
        if (!owner_.joins_group()) {
            phase_ = phase::open;
            owner_.on_open();
            return;
        }
        phase_ = phase::joining;
        {
            std::string record;
            format_.append_invocation(record, "join", "JoinGroup", idle_group);
            send_record(record);
        }
        return;
    case phase::joining:
        phase_ = phase::open;
        owner_.on_open();
        return;
    case phase::open:
        if (owner_.broadcasting()) {
            owner_.on_tick(index_, ++received_, now);
            return;
        }
        owner_.record_latency(now - sent_at_[received_ % sent_at_.size()]);
        ++received_;
        return;
    }
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

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "ws-load: %s\n"
                 "usage: ws-load --port P [--binary | --hub [--protocol json|messagepack|mixed]] [--connections C]\n"
                 "               [--size S] [--inflight K] [--seconds T] [--warmup W]\n"
                 "       ws-load --port P [--binary | --hub [--protocol PROTOCOL]] --idle N [--handshakes H]\n"
                 "       ws-load --port P --hub [--protocol PROTOCOL] --broadcast N [--size S] [--rounds R]\n"
                 "               [--warmup-rounds W] [--handshakes H]\n",
                 why);
    std::exit(2);
}

options parse_options(int argc, char** argv) {
    options opt;
    bool have_port = false;
    bool have_protocol = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--hub") {
            opt.hub = true;
            continue;
        }
        if (name == "--binary") {
            opt.binary = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage("every option but --hub and --binary takes a value");
        }
        const char* value = argv[++i];
        if (name == "--protocol") {
            const std::string_view protocol = value;
            if (protocol == "json") {
                opt.protocol = options::protocol_choice::json;
            } else if (protocol == "messagepack") {
                opt.protocol = options::protocol_choice::messagepack;
            } else if (protocol == "mixed") {
                opt.protocol = options::protocol_choice::mixed;
            } else {
                usage("--protocol is json, messagepack or mixed");
            }
            have_protocol = true;
            continue;
        }
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
        } else if (name == "--broadcast") {
            opt.broadcast = whole;
        } else if (name == "--rounds") {
            opt.rounds = whole;
        } else if (name == "--warmup-rounds") {
            opt.warmup_rounds = whole;
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
    if (opt.broadcast > 0 && (!opt.hub || opt.idle > 0 || opt.rounds == 0)) {
        usage("--broadcast wants --hub, no --idle, and --rounds of at least 1");
    }
    if ((have_protocol && !opt.hub) || (opt.binary && opt.hub)) {
        usage("--protocol goes with --hub, --binary without it");
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
