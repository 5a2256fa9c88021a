// broadcast-bench: deliveries per server CPU-second of a broadcast to many hub connections, through
// the hub (hub_context.clients().all().send("tick", payload)) and raw (the same serialized message,
// queued by transport::connection::send(outbound_message(shared_ptr<const std::string>, binary)) on each
// of the same connections, resolved once beforehand), and their ratio.
//
// Hub protocols (--protocol): with `mixed` (the default) every other client speaks MessagePack and the
// others JSON, so the hub writes each tick once per protocol and the raw round queues, on each
// connection, the pre-built message of that connection's protocol (a text frame of JSON, a binary frame
// of MessagePack); `json` and `messagepack` give every client that one. Each client asks for its protocol
// in the handshake (JSON text, in a text frame) and then calls Register with the protocol's name (no
// answer wanted): how the benchmark learns which server-side connection speaks which protocol.
//
// One process, two threads: the server (server_options::single_threaded, its own io_context) on one CPU
// and the clients on another (--server-cpu, --client-cpu). Connections are in-memory streams
// (signalrpp::test::memory_stream, handed to server.accept()), not loopback sockets: 10,000 sockets in
// one process take 20,000 descriptors, more than the machine's hard limit; memory streams also keep
// the kernel out of a figure meant for the library. Each client does the WebSocket upgrade (/hub) and
// the hub handshake, then reads everything it is sent and checks each message byte for byte (Pings
// aside); so no send meets the 64 KiB send limit.
//
// What is counted: the CPU time (user + system) of the server thread only, from before the first round
// is posted to it until every client has received the last round (and a marker posted after it has
// run): building and resolving the target (hub), each connection's send, the WebSocket framing and
// write (a copy into the peer's buffer, under the stream's lock, and the post that wakes the client
// thread), the write completions, and the hub's once-a-second heartbeat over its connections (the same
// in both modes). Not counted: the clients' reading and checking, on their own thread. A run is
// `--rounds` rounds; a round is `--batch` messages to every connection, posted to the server by the
// client thread once all of the previous round has arrived. Runs alternate hub, raw (--runs pairs);
// the medians are printed with the ratio. Every client must have received every message: the counts
// are printed, and a mismatch (or any unexpected byte) is an error exit.
//
// The messages clients check are written here by hand (MessagePack: `[1,{},nil,"tick",["<payload>"],[]]`
// behind its VarInt length), not by the hub protocols that the hub round runs.
//
// Usage: broadcast-bench [--connections 10000] [--size 32] [--rounds 50] [--batch 1] [--runs 5]
//                        [--protocol json|messagepack|mixed] [--server-cpu 0] [--client-cpu 1]
//                        (a CPU of -1: not pinned)

#include <signalrpp/msgpack/writer.hpp>
#include <signalrpp/protocol/binary_framing.hpp>
#include <signalrpp/server/server.hpp>
#include <signalrpp/test/memory_stream.hpp>
#include <signalrpp/websocket/frame.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

namespace ws = signalrpp::websocket;
using signalrpp::test::memory_stream;

struct settings {
    std::size_t connections = 10000;
    std::size_t size = 32;
    std::size_t rounds = 50;
    std::size_t batch = 1;
    std::size_t runs = 5;
    long server_cpu = 0;
    long client_cpu = 1;
    enum class protocol_choice { json, messagepack, mixed } protocol = protocol_choice::mixed;

    /// Whether client `index` speaks MessagePack.
    bool messagepack(std::size_t index) const noexcept {
        return protocol == protocol_choice::messagepack || (protocol == protocol_choice::mixed && index % 2 == 1);
    }
};

// Which protocol each connection speaks, by connection id, as each client told Register (true:
// MessagePack). Touched on the server thread only.
std::unordered_map<std::string, bool> registered;

struct tick_hub : signalrpp::hub {
    void register_protocol(std::string name) { registered[context().connection_id()] = std::string_view(name) == "messagepack"; }
};
SIGNALRPP_HUB(tick_hub, (register_protocol, "Register"));

constexpr std::string_view handshake_response = "{}\x1e";
constexpr std::size_t read_size = 2048;

// A non-blocking Invocation (no id) of `target` with one string argument that needs no JSON escaping,
// written by hand in either protocol, framing included.
std::string invocation(bool messagepack, std::string_view target, std::string_view argument) {
    if (!messagepack) {
        return std::string(R"({"type":1,"target":")")
            .append(target)
            .append(R"(","arguments":[")")
            .append(argument)
            .append("\"]}\x1e");
    }
    std::string body; // [1, headers, nil, target, [argument], [streamIds]]
    signalrpp::msgpack::writer w(body);
    w.write_array_header(6);
    w.write_uint(1);
    w.write_map_header(0);
    w.write_nil();
    w.write_string(target);
    w.write_array_header(1);
    w.write_string(argument);
    w.write_array_header(0);
    std::string framed;
    signalrpp::protocol::write_length_prefix(framed, body.size());
    return framed + body;
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

std::string_view handshake_request(bool messagepack) {
    return messagepack ? "{\"protocol\":\"messagepack\",\"version\":1}\x1e"
                       : "{\"protocol\":\"json\",\"version\":1}\x1e";
}

std::string_view ping(bool messagepack) {
    return messagepack ? std::string_view("\x02\x91\x06", 3) : "{\"type\":6}\x1e";
}

// The next record of a frame's `payload` from `at`, framing included, and `at` moved past it: up to its
// record separator (JSON, and the handshake answer in either protocol), or its VarInt length prefix
// and that many bytes (MessagePack). Empty if the payload ends inside it.
std::string_view next_record(std::string_view payload, std::size_t& at, bool separated) {
    const std::size_t start = at;
    if (separated) {
        const std::size_t end = payload.find('\x1e', start);
        if (end == std::string_view::npos) {
            return {};
        }
        at = end + 1;
        return payload.substr(start, at - start);
    }
    std::uint64_t length = 0;
    std::size_t i = start;
    for (unsigned shift = 0;; shift += 7) {
        if (i == payload.size() || shift > 28) {
            return {};
        }
        const auto byte = static_cast<std::uint8_t>(payload[i++]);
        length |= std::uint64_t{byte & 0x7fu} << shift;
        if ((byte & 0x80) == 0) {
            break;
        }
    }
    if (payload.size() - i < length) {
        return {};
    }
    at = i + static_cast<std::size_t>(length);
    return payload.substr(start, at - start);
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "broadcast-bench: %s\n", what.c_str());
    std::fflush(stdout);
    std::_Exit(1);
}

void pin(long cpu) {
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<int>(cpu), &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fail("cannot pin a thread to CPU " + std::to_string(cpu));
    }
}

double thread_cpu_seconds(std::thread& t) {
    clockid_t id{};
    if (pthread_getcpuclockid(t.native_handle(), &id) != 0) {
        fail("pthread_getcpuclockid");
    }
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class client_side;

// One hub client on the client thread: upgrade, handshake, then reads and checks every message.
class client {
public:
    client(client_side& owner, memory_stream stream, bool messagepack)
        : owner_(owner), stream_(std::move(stream)), messagepack_(messagepack) {}

    void start();
    std::uint64_t received() const noexcept { return received_; }

private:
    void write(std::string bytes);
    void read();
    void parse();

    client_side& owner_;
    memory_stream stream_;
    bool messagepack_;
    std::string in_;
    std::string out_;
    bool upgraded_ = false;
    bool open_ = false;
    std::uint64_t received_ = 0;
};

// The clients and what they count; everything here runs on the client thread.
class client_side {
public:
    client_side(const settings& opt, std::string expected_json, std::string expected_messagepack)
        : opt_(opt), expected_{std::move(expected_json), std::move(expected_messagepack)},
          connections_(opt.connections) {}

    void add(memory_stream stream) {
        const bool messagepack = opt_.messagepack(clients_.size());
        clients_.push_back(std::make_unique<client>(*this, std::move(stream), messagepack));
        clients_.back()->start();
    }

    /// The message every round brings, framing included.
    std::string_view expected(bool messagepack) const noexcept { return expected_[messagepack]; }

    void on_open() {
        if (++open_ == connections_) {
            all_open_.set_value();
        }
    }
    std::future<void> all_open() { return all_open_.get_future(); }

    // Calls `next` each time `per_round` more messages have arrived, until it returns false.
    void pace(std::uint64_t per_round, std::function<bool()> next) {
        per_round_ = per_round;
        round_target_ = delivered_ + per_round;
        next_ = std::move(next);
    }

    void on_delivered(std::uint64_t n) {
        delivered_ += n;
        while (next_ && delivered_ >= round_target_) {
            round_target_ += per_round_;
            if (!next_()) {
                next_ = nullptr;
            }
        }
    }

    // Every client's count: the fewest and the most.
    std::pair<std::uint64_t, std::uint64_t> received_range() const {
        std::uint64_t low = UINT64_MAX, high = 0;
        for (const auto& c : clients_) {
            low = std::min(low, c->received());
            high = std::max(high, c->received());
        }
        return {low, high};
    }

private:
    const settings& opt_;
    std::array<std::string, 2> expected_; ///< JSON, MessagePack
    std::size_t connections_;
    std::vector<std::unique_ptr<client>> clients_;
    std::size_t open_ = 0;
    std::promise<void> all_open_;
    std::uint64_t delivered_ = 0;
    std::uint64_t per_round_ = 0;
    std::uint64_t round_target_ = 0;
    std::function<bool()> next_;
};

void client::start() {
    write("GET /hub HTTP/1.1\r\nHost: memory\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    read();
}

void client::write(std::string bytes) {
    out_ = std::move(bytes);
    asio::async_write(stream_, asio::buffer(out_), [](std::error_code ec, std::size_t) {
        if (ec) {
            fail("client write: " + ec.message());
        }
    });
}

void client::read() {
    const std::size_t old = in_.size();
    in_.resize(old + read_size);
    stream_.async_read_some(asio::buffer(in_.data() + old, read_size), [this, old](std::error_code ec, std::size_t n) {
        in_.resize(old + n);
        if (ec) {
            fail("client read: " + ec.message());
        }
        parse();
        read();
    });
}

// Parses every whole frame in in_ (and, first, the 101 response).
void client::parse() {
    std::size_t at = 0;
    if (!upgraded_) {
        const std::size_t end = in_.find("\r\n\r\n");
        if (end == std::string::npos) {
            return;
        }
        if (!in_.starts_with("HTTP/1.1 101 ")) {
            fail("upgrade refused: " + in_.substr(0, in_.find("\r\n")));
        }
        upgraded_ = true;
        at = end + 4;
        // The handshake, then Register in the protocol's frame type: one write (write() takes one at a time).
        std::string frames;
        ws::write_frame(frames, ws::opcode::text, handshake_request(messagepack_), true, ws::masking_key{1, 2, 3, 4});
        ws::write_frame(frames, messagepack_ ? ws::opcode::binary : ws::opcode::text,
                        invocation(messagepack_, "Register", messagepack_ ? "messagepack" : "json"), true,
                        ws::masking_key{1, 2, 3, 4});
        write(std::move(frames));
    }
    std::uint64_t messages = 0;
    for (;;) {
        const std::string_view rest = std::string_view(in_).substr(at);
        if (rest.size() < 2) {
            break;
        }
        const auto b0 = static_cast<std::uint8_t>(rest[0]);
        const auto b1 = static_cast<std::uint8_t>(rest[1]);
        if (b0 != (messagepack_ ? 0x82 : 0x81) || (b1 & 0x80) != 0) {
            fail(std::string("expected an unmasked final ") + (messagepack_ ? "binary" : "text") +
                 " frame, got first bytes " + std::to_string(b0) + " " + std::to_string(b1));
        }
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7f;
        if (length >= 126) {
            const std::size_t extra = length == 126 ? 2 : 8;
            if (rest.size() < 2 + extra) {
                break;
            }
            length = 0;
            for (std::size_t i = 0; i < extra; ++i) {
                length = length << 8 | static_cast<std::uint8_t>(rest[2 + i]);
            }
            header += extra;
        }
        if (rest.size() < header + length) {
            break;
        }
        const std::string_view payload = rest.substr(header, length);
        at += header + length;
        // A frame may carry several records (the server joins what it has queued).
        for (std::size_t in_frame = 0; in_frame < payload.size();) {
            const std::string_view record = next_record(payload, in_frame, !open_ || !messagepack_);
            if (record.empty()) {
                fail("a frame ends inside a record: " + printable(payload));
            }
            if (!open_) {
                if (record != handshake_response) {
                    fail("handshake answered with " + printable(record));
                }
                open_ = true;
                owner_.on_open();
            } else if (record == owner_.expected(messagepack_)) {
                ++messages;
            } else if (record != ping(messagepack_)) {
                fail("unexpected message: " + printable(record));
            }
        }
    }
    in_.erase(0, at);
    if (messages > 0) {
        received_ += messages;
        owner_.on_delivered(messages);
    }
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "broadcast-bench: %s\n"
                 "usage: broadcast-bench [--connections N] [--size BYTES] [--rounds R] [--batch B] [--runs PAIRS]\n"
                 "                       [--protocol json|messagepack|mixed] [--server-cpu C] [--client-cpu C]\n",
                 why);
    std::exit(2);
}

settings parse_settings(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const std::string_view name = argv[i];
        if (name == "--protocol") {
            const std::string_view protocol = argv[i + 1];
            if (protocol == "json") {
                s.protocol = settings::protocol_choice::json;
            } else if (protocol == "messagepack") {
                s.protocol = settings::protocol_choice::messagepack;
            } else if (protocol == "mixed") {
                s.protocol = settings::protocol_choice::mixed;
            } else {
                usage("--protocol is json, messagepack or mixed");
            }
            continue;
        }
        char* end = nullptr;
        const long value = std::strtol(argv[i + 1], &end, 10);
        if (end == argv[i + 1] || *end != '\0' || value < -1) {
            usage("option values are numbers");
        }
        const auto count = static_cast<std::size_t>(std::max(value, 0L));
        if (name == "--connections") {
            s.connections = count;
        } else if (name == "--size") {
            s.size = count;
        } else if (name == "--rounds") {
            s.rounds = count;
        } else if (name == "--batch") {
            s.batch = count;
        } else if (name == "--runs") {
            s.runs = count;
        } else if (name == "--server-cpu") {
            s.server_cpu = value;
        } else if (name == "--client-cpu") {
            s.client_cpu = value;
        } else {
            usage("unknown option");
        }
    }
    if (s.connections == 0 || s.rounds == 0 || s.batch == 0 || s.runs == 0) {
        usage("--connections, --rounds, --batch and --runs must be positive");
    }
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
    const settings opt = parse_settings(argc, argv);

    std::string payload(opt.size, 'x');
    for (std::size_t i = 0; i < opt.size; ++i) {
        payload[i] = static_cast<char>('a' + i % 26);
    }
    // The message both modes deliver, in each protocol: what the hub must write for send("tick", payload).
    const std::array<std::shared_ptr<const std::string>, 2> prebuilt{
        std::make_shared<const std::string>(invocation(false, "tick", payload)),
        std::make_shared<const std::string>(invocation(true, "tick", payload))};
    std::size_t messagepack_clients = 0;
    for (std::size_t i = 0; i < opt.connections; ++i) {
        messagepack_clients += opt.messagepack(i) ? 1 : 0;
    }

    asio::io_context server_io(1);
    asio::io_context client_io(1);
    auto server_work = asio::make_work_guard(server_io);
    auto client_work = asio::make_work_guard(client_io);
    signalrpp::server_options server_options;
    server_options.single_threaded = true;
    signalrpp::server server(server_io, server_options);
    auto hub = server.map_hub<tick_hub>("/hub");
    client_side clients(opt, *prebuilt[0], *prebuilt[1]);

    std::thread server_thread([&] {
        pin(opt.server_cpu);
        server_io.run();
    });
    std::thread client_thread([&] {
        pin(opt.client_cpu);
        client_io.run();
    });
    pin(opt.client_cpu);

    // Connect: the server thread accepts the server ends; the client thread starts the clients.
    auto all_open = clients.all_open();
    const auto setup_start = std::chrono::steady_clock::now();
    asio::post(server_io, [&] {
        for (std::size_t i = 0; i < opt.connections; ++i) {
            auto [client_end, server_end] =
                signalrpp::test::make_memory_stream_pair(client_io.get_executor(), server_io.get_executor());
            server.accept(std::move(server_end));
            asio::post(client_io, [&clients, end = std::make_shared<memory_stream>(std::move(client_end))]() mutable {
                clients.add(std::move(*end));
            });
        }
    });
    if (all_open.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
        fail("timed out opening the connections");
    }
    for (int i = 0; hub.connection_count() != opt.connections; ++i) {
        if (i == 1000) {
            fail("the hub has " + std::to_string(hub.connection_count()) + " connections, expected " +
                 std::to_string(opt.connections));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Each connection with its protocol, once every client's Register has run.
    std::vector<std::pair<std::shared_ptr<signalrpp::transport::connection>, bool>> raw_targets;
    for (int i = 0;; ++i) {
        std::promise<std::size_t> counted;
        asio::post(server_io, [&] { counted.set_value(registered.size()); });
        if (counted.get_future().get() == opt.connections) {
            break;
        }
        if (i == 1000) {
            fail("not every client registered its protocol");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    {
        std::promise<void> done;
        asio::post(server_io, [&] {
            for (auto& c : server.connections().all()) {
                const auto found = registered.find(c->id());
                if (found == registered.end()) {
                    fail("connection " + c->id() + " did not register its protocol");
                }
                raw_targets.emplace_back(std::move(c), found->second);
            }
            done.set_value();
        });
        done.get_future().wait();
    }
    if (raw_targets.size() != opt.connections) {
        fail("the server has " + std::to_string(raw_targets.size()) + " connections, expected " +
             std::to_string(opt.connections));
    }
    const auto raw_messagepack = static_cast<std::size_t>(
        std::count_if(raw_targets.begin(), raw_targets.end(), [](const auto& t) { return t.second; }));
    if (raw_messagepack != messagepack_clients) {
        fail(std::to_string(raw_messagepack) + " connections registered MessagePack, expected " +
             std::to_string(messagepack_clients));
    }
    std::printf("%zu hub connections open in %.1f s (in-memory streams): %zu JSON, %zu MessagePack; message "
                "%zu bytes in JSON, %zu in MessagePack (payload %zu), %zu rounds of %zu per run\n",
                opt.connections,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count(),
                opt.connections - messagepack_clients, messagepack_clients, prebuilt[0]->size(), prebuilt[1]->size(),
                opt.size, opt.rounds, opt.batch);
    std::fflush(stdout);

    // The server's work for one round of each mode, run on the server thread.
    const auto hub_round = [&] {
        for (std::size_t i = 0; i < opt.batch; ++i) {
            hub.clients().all().send("tick", payload);
        }
    };
    const auto raw_round = [&] {
        for (std::size_t i = 0; i < opt.batch; ++i) {
            for (const auto& [c, binary] : raw_targets) {
                c->send(signalrpp::transport::outbound_message(prebuilt[binary], binary));
            }
        }
    };

    // One run of `rounds` rounds; returns deliveries per server CPU-second.
    std::uint64_t sent_to_each = 0;
    const auto run = [&](const std::function<void()>& round, std::size_t rounds) {
        std::promise<void> done;
        std::size_t posted = 1;
        const double start = thread_cpu_seconds(server_thread);
        asio::post(client_io, [&] {
            clients.pace(static_cast<std::uint64_t>(opt.connections * opt.batch), [&] {
                if (posted < rounds) {
                    ++posted;
                    asio::post(server_io, round);
                    return true;
                }
                asio::post(server_io, [&] { done.set_value(); }); // after what the server has queued
                return false;
            });
            asio::post(server_io, round);
        });
        done.get_future().wait();
        const double cpu = thread_cpu_seconds(server_thread) - start;
        sent_to_each += rounds * opt.batch;
        return static_cast<double>(opt.connections * rounds * opt.batch) / cpu;
    };

    run(hub_round, std::max<std::size_t>(opt.rounds / 10, 1)); // warm-up, not reported
    run(raw_round, std::max<std::size_t>(opt.rounds / 10, 1));
    std::vector<double> hub_rates, raw_rates, ratios;
    for (std::size_t r = 0; r < opt.runs; ++r) {
        const double h = run(hub_round, opt.rounds);
        const double w = run(raw_round, opt.rounds);
        hub_rates.push_back(h);
        raw_rates.push_back(w);
        ratios.push_back(h / w);
        std::printf("run %zu: hub %.0f, raw %.0f deliveries per server CPU-second, hub/raw %.3f\n", r + 1, h, w, h / w);
        std::fflush(stdout);
    }

    std::pair<std::uint64_t, std::uint64_t> range;
    {
        std::promise<void> done;
        asio::post(client_io, [&] {
            range = clients.received_range();
            done.set_value();
        });
        done.get_future().wait();
    }
    std::printf("messages per client: sent %llu, received %llu to %llu\n", static_cast<unsigned long long>(sent_to_each),
                static_cast<unsigned long long>(range.first), static_cast<unsigned long long>(range.second));
    std::printf("median deliveries per server CPU-second (%zu connections): hub %.0f, raw %.0f; hub/raw %.3f "
                "(median of the runs' ratios %.3f, from %.3f to %.3f)\n",
                opt.connections, median(hub_rates), median(raw_rates), median(hub_rates) / median(raw_rates),
                median(ratios), *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
    std::fflush(stdout);
    if (range.first != sent_to_each || range.second != sent_to_each) {
        fail("a client did not receive every message");
    }
    // Skip tearing down 10,000 connections one by one.
    std::_Exit(0);
}
