// long-haul-load: the hub client that bench/hub/long_haul.py drives against hub-echo-server for the
// figures that take minutes: many connections held, a steady echo load, and connections opened and
// closed at a rate. One thread; every connection speaks the JSON hub protocol over WebSocket on /hub.
//
//   hold  --connections N --seconds T
//         N connections past the handshake, each sending a Ping every 15 s (as the official clients do,
//         so that the server's 30 s client timeout never fires) and reading the server's keep-alive
//         Pings. At the end: how many dropped (closed by the server, or failed) during the hold.
//   soak  --connections N --seconds T [--size 2048] [--rate 1]
//         N connections, each invoking Echo(S-byte string) `rate` times a second, spread evenly; every
//         Completion checked (its result is the argument). At the end: latency percentiles and how many
//         echoes took longer than a second or never came.
//   churn --rate R --seconds T
//         R new connections a second, each: negotiate (POST /hub/negotiate?negotiateVersion=1), the
//         upgrade with the token on the same socket, the hub handshake, then a WebSocket close and the
//         server's close and end of stream. At the end: how many completed, failed, and the slowest.
//
// Every mode prints "open N failed F" (hold, soak) or "churn start" when its measured part begins and
// "end" when it ends, then one line of figures; the driver reads the server's RSS, descriptors and CPU
// time at those lines. Afterwards hold and soak close every connection with a close handshake, and the
// program exits once the server has ended them all: 0 when it ran, 1 on a fault of its own or a refusal.
//
// Usage: long-haul-load --port P MODE [--connections N] [--seconds T] [--size S] [--rate R] [--handshakes H]
#include <signalrpp/core/base64.hpp>
#include <signalrpp/http/parser.hpp>
#include <signalrpp/http/writer.hpp>
#include <signalrpp/websocket/frame.hpp>
#include <signalrpp/websocket/frame_reader.hpp>
#include <signalrpp/websocket/handshake.hpp>

#include "../file_limit.hpp"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>


#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

namespace ws = signalrpp::websocket;
namespace http = signalrpp::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

enum class mode { hold, soak, churn };

struct options {
    unsigned short port = 0;
    mode run_mode = mode::hold;
    std::size_t connections = 1000;
    double seconds = 60;
    std::size_t size = 2048;  ///< soak: bytes of each Echo argument
    double rate = 1;          ///< soak: echoes a second per connection; churn: connections a second
    std::size_t handshakes = 200; ///< hold, soak: connections being opened at once, at most
};

constexpr auto open_timeout = 30s;    ///< one connection's way to the open hub (connect to handshake answer)
constexpr auto close_timeout = 10s;   ///< from our close frame to the server's end of stream
constexpr auto client_ping_interval = 15s;
constexpr auto slow_echo = 1s;
constexpr std::size_t churn_concurrency = 4000; ///< churn connections under way at once, at most
constexpr std::string_view handshake_request = "{\"protocol\":\"json\",\"version\":1}\x1e";
constexpr std::string_view ping_record = "{\"type\":6}\x1e";

void print_line(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

class load;

// One hub connection over WebSocket: (churn) negotiate, upgrade, hub handshake, then records both ways
// until a close handshake. It reports to its load when it opens, each echo, and when it ends.
class hub_client : public std::enable_shared_from_this<hub_client> {
public:
    enum class outcome { closed, dropped, failed };

    hub_client(load& owner, asio::io_context& io, std::size_t index) : owner_(owner), socket_(io), timer_(io), index_(index) {}

    std::size_t index() const noexcept { return index_; }
    bool is_open() const noexcept { return state_ == state::open; }
    std::size_t echoes_waiting() const noexcept { return sent_at_.size(); }

    void start(const tcp::endpoint& server, bool negotiate);
    void send_ping() { send_record(ping_record); }
    void send_echo(std::string_view argument);
    void close();

private:
    enum class state { connecting, negotiating, upgrading, handshaking, open, closing, ended };

    void on_connected();
    void write_http(const http::request& r);
    void read_http();
    void on_http_response(http::response response, std::string_view rest);
    void upgrade(std::string_view token);
    void read_frames();
    void on_bytes();
    void on_record(std::string_view record);
    void send_record(std::string_view record);
    void flush();
    void end(outcome o, const std::string& why);

    load& owner_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    std::size_t index_;
    state state_ = state::connecting;
    std::string key_;
    std::string in_;
    std::array<char, 8 * 1024> chunk_{};
    http::response_parser http_parser_;
    ws::frame_reader frames_{ws::role::client};
    ws::masking_key mask_{};
    std::string record_;
    std::string pending_;
    std::string writing_;
    bool write_busy_ = false;
    std::uint64_t next_id_ = 0;
    std::deque<clock_type::time_point> sent_at_;
};

// The run: opens the connections, drives the mode's traffic on one timer, keeps the figures.
class load {
public:
    load(asio::io_context& io, const options& opt)
        : io_(io), opt_(opt), server_(asio::ip::address_v4::loopback(), opt.port), tick_(io), deadline_(io),
          signals_(io, SIGINT, SIGTERM) {
        argument_.resize(opt.size);
        for (std::size_t i = 0; i < argument_.size(); ++i) {
            argument_[i] = static_cast<char>('a' + i % 26);
        }
        expected_result_ = "\"result\":\"" + argument_ + "\"";
    }

    void start() {
        signals_.async_wait([this](const asio::error_code& ec, int) {
            if (!ec) {
                finish(1, "interrupted");
            }
        });
        if (opt_.run_mode == mode::churn) {
            begin_measure("churn start");
            churn_step();
        } else {
            clients_.reserve(opt_.connections);
            open_more();
        }
    }

    int exit_code() const noexcept { return exit_code_; }
    std::mt19937& random() noexcept { return random_; }
    std::string_view expected_result() const noexcept { return expected_result_; }

    void on_open(hub_client& c) {
        if (opt_.run_mode == mode::churn) {
            c.close(); // a churned connection closes as soon as it is open
            return;
        }
        ++open_;
        --opening_;
        opened_or_failed();
    }

    void on_echo(clock_type::duration latency) {
        if (recording_) {
            latencies_us_.push_back(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count()));
        }
    }

    void on_server_ping() noexcept { ++server_pings_; }

    // A connection ended: `was_open` if it had opened (and had not ended before).
    void on_end(hub_client& c, hub_client::outcome o, bool was_open, const std::string& why) {
        auto self = c.shared_from_this();
        live_.erase(self);
        const bool fault = o != hub_client::outcome::closed;
        if (fault && failures_shown_ < 5) {
            ++failures_shown_;
            std::fprintf(stderr, "long-haul-load: connection %zu: %s\n", c.index(), why.c_str());
        }
        if (opt_.run_mode == mode::churn) {
            ++(fault ? failed_ : churned_);
            if (!fault) {
                slowest_ = std::max(slowest_, clock_type::now() - started_at_[c.index() % started_at_.size()]);
            }
            churn_maybe_done();
            return;
        }
        if (!was_open) {
            --opening_;
            ++failed_;
            opened_or_failed();
            return;
        }
        --open_;
        if (recording_ && fault) {
            ++dropped_;
        } else if (closing_ && fault) {
            ++close_failures_;
        }
        if (closing_ && live_.empty()) {
            finish(close_failures_ == 0 ? 0 : 1, close_failures_ == 0 ? std::string() : std::to_string(close_failures_) + " connections did not close cleanly");
        }
    }

private:
    std::shared_ptr<hub_client> new_client(bool negotiate) {
        auto c = std::make_shared<hub_client>(*this, io_, next_index_++);
        live_.insert(c);
        c->start(server_, negotiate);
        return c;
    }

    void open_more() {
        while (opening_ < opt_.handshakes && clients_.size() < opt_.connections) {
            ++opening_;
            clients_.push_back(new_client(false));
        }
    }

    void opened_or_failed() {
        if (clients_.size() < opt_.connections) {
            open_more();
            return;
        }
        if (opening_ > 0 || all_opened_) {
            return;
        }
        all_opened_ = true;
        begin_measure("open " + std::to_string(open_) + " failed " + std::to_string(failed_));
        deadline_.expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt_.seconds)));
        deadline_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                end_measure();
            }
        });
        traffic_step();
    }

    void begin_measure(const std::string& line) {
        measuring_ = true;
        recording_ = true;
        measure_start_ = clock_type::now();
        print_line(line);
    }

    // hold and soak: every 10 ms, the connections whose turn it is (by index) send; a late tick catches up.
    void traffic_step() {
        constexpr auto step = 10ms;
        const auto now = clock_type::now();
        const auto period = opt_.run_mode == mode::hold ? std::chrono::duration_cast<clock_type::duration>(client_ping_interval)
                                                        : std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / opt_.rate));
        const auto slots = static_cast<std::uint64_t>(std::max<clock_type::rep>(1, period / step));
        const auto due = static_cast<std::uint64_t>((now - measure_start_) / step);
        for (; ticks_done_ <= due; ++ticks_done_) {
            const std::uint64_t slot = ticks_done_ % slots;
            for (std::size_t i = static_cast<std::size_t>(slot); i < clients_.size(); i += static_cast<std::size_t>(slots)) {
                hub_client& c = *clients_[i];
                if (!c.is_open()) {
                    continue;
                }
                if (opt_.run_mode == mode::hold) {
                    c.send_ping();
                } else {
                    ++sent_;
                    c.send_echo(argument_);
                }
            }
        }
        tick_.expires_at(measure_start_ + step * static_cast<clock_type::rep>(ticks_done_));
        tick_.async_wait([this](const asio::error_code& ec) {
            if (!ec && measuring_) {
                traffic_step();
            }
        });
    }

    // churn: starts connections on a 1 ms tick so that R a second are started, at most churn_concurrency
    // under way (a connection that cannot start on time is started late; the rate line says so).
    void churn_step() {
        const auto now = clock_type::now();
        const double elapsed = std::chrono::duration<double>(now - measure_start_).count();
        const auto target = static_cast<std::size_t>(std::min(elapsed, opt_.seconds) * opt_.rate);
        if (started_at_.empty()) {
            started_at_.resize(churn_concurrency * 4);
        }
        while (started_ < target && live_.size() < churn_concurrency) {
            started_at_[next_index_ % started_at_.size()] = now;
            ++started_;
            new_client(true);
        }
        if (elapsed >= opt_.seconds && started_ >= target) {
            churn_started_all_ = true;
            churn_maybe_done();
            return;
        }
        tick_.expires_after(1ms);
        tick_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                churn_step();
            }
        });
    }

    void churn_maybe_done() {
        if (!churn_started_all_ || !live_.empty()) {
            return;
        }
        const double elapsed = std::chrono::duration<double>(clock_type::now() - measure_start_).count();
        print_line("end");
        std::array<char, 256> line{};
        std::snprintf(line.data(), line.size(), "churned %zu in %.1f s (%.0f a second), failed %zu, slowest %.1f ms",
                      churned_, elapsed, static_cast<double>(churned_) / elapsed, failed_,
                      std::chrono::duration<double, std::milli>(slowest_).count());
        print_line(line.data());
        finish(failed_ == 0 ? 0 : 1, {});
    }

    // The end of the measured part: no more traffic; soak waits a second for the echoes under way (one
    // not answered by then is counted as slow), then the figures, then every connection closes.
    void end_measure() {
        measuring_ = false;
        tick_.cancel();
        print_line("end");
        if (opt_.run_mode == mode::hold) {
            return report();
        }
        deadline_.expires_after(slow_echo);
        deadline_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                report();
            }
        });
    }

    void report() {
        recording_ = false;
        std::array<char, 320> line{};
        if (opt_.run_mode == mode::hold) {
            std::snprintf(line.data(), line.size(), "held %zu for %.0f s: dropped %zu, still open %zu, server pings %llu",
                          clients_.size() - failed_, opt_.seconds, dropped_, open_,
                          static_cast<unsigned long long>(server_pings_));
            print_line(line.data());
        } else {
            std::size_t waiting = 0;
            for (const auto& c : clients_) {
                waiting += c->echoes_waiting();
            }
            const std::size_t late = static_cast<std::size_t>(std::count_if(
                latencies_us_.begin(), latencies_us_.end(),
                [](std::uint32_t us) { return us > std::chrono::duration_cast<std::chrono::microseconds>(slow_echo).count(); }));
            std::snprintf(line.data(), line.size(),
                          "sent %llu echoed %zu unanswered %zu over 1 s %zu (%.3f %%) latency p50 %.2f ms p99 %.2f ms "
                          "p99.9 %.2f ms max %.2f ms dropped %zu",
                          static_cast<unsigned long long>(sent_), latencies_us_.size(), waiting, late + waiting,
                          sent_ == 0 ? 0.0 : 100.0 * static_cast<double>(late + waiting) / static_cast<double>(sent_),
                          percentile_ms(0.5), percentile_ms(0.99), percentile_ms(0.999), percentile_ms(1.0), dropped_);
            print_line(line.data());
        }
        closing_ = true;
        for (const auto& c : clients_) {
            c->close();
        }
        if (live_.empty()) {
            finish(0, {});
        }
    }

    double percentile_ms(double q) {
        if (latencies_us_.empty()) {
            return 0;
        }
        const auto rank = static_cast<std::size_t>(q * static_cast<double>(latencies_us_.size() - 1) + 0.5);
        std::nth_element(latencies_us_.begin(), latencies_us_.begin() + static_cast<std::ptrdiff_t>(rank), latencies_us_.end());
        return static_cast<double>(latencies_us_[rank]) / 1000.0;
    }

    void finish(int code, const std::string& why) {
        if (!why.empty()) {
            std::fprintf(stderr, "long-haul-load: %s\n", why.c_str());
        }
        exit_code_ = code;
        io_.stop();
    }

    asio::io_context& io_;
    options opt_;
    tcp::endpoint server_;
    asio::steady_timer tick_;
    asio::steady_timer deadline_;
    asio::signal_set signals_;
    std::mt19937 random_{std::random_device{}()};
    std::string argument_;
    std::string expected_result_;
    std::vector<std::shared_ptr<hub_client>> clients_; ///< hold, soak: every connection, by index
    std::unordered_set<std::shared_ptr<hub_client>> live_; ///< connections not ended yet
    std::size_t next_index_ = 0;
    std::size_t opening_ = 0;
    std::size_t open_ = 0;
    std::size_t failed_ = 0;
    std::size_t dropped_ = 0;
    std::size_t failures_shown_ = 0;
    std::size_t close_failures_ = 0;
    bool all_opened_ = false;
    bool measuring_ = false; ///< traffic runs
    bool recording_ = false; ///< figures are kept (measuring_, and soak's last second)
    bool closing_ = false;
    clock_type::time_point measure_start_;
    std::uint64_t ticks_done_ = 0;
    std::uint64_t sent_ = 0;
    std::uint64_t server_pings_ = 0;
    std::vector<std::uint32_t> latencies_us_;
    // churn
    std::vector<clock_type::time_point> started_at_; ///< by index, modulo its size (a ring)
    std::size_t started_ = 0;
    std::size_t churned_ = 0;
    bool churn_started_all_ = false;
    clock_type::duration slowest_{};
    int exit_code_ = 0;
};

void hub_client::start(const tcp::endpoint& server, bool negotiate) {
    timer_.expires_after(open_timeout);
    timer_.async_wait([self = weak_from_this()](const asio::error_code& ec) {
        if (auto c = self.lock(); c && !ec && c->state_ < state::open) {
            c->end(outcome::failed, "not open after 30 s");
        }
    });
    for (auto& b : mask_) {
        b = static_cast<std::uint8_t>(owner_.random()());
    }
    socket_.async_connect(server, [self = shared_from_this(), negotiate](const asio::error_code& ec) {
        if (self->state_ == state::ended) {
            return;
        }
        if (ec) {
            return self->end(outcome::failed, "connect: " + ec.message());
        }
        asio::error_code ignored;
        self->socket_.set_option(tcp::no_delay(true), ignored);
        if (negotiate) {
            self->state_ = state::negotiating;
            http::request r;
            r.method = "POST";
            r.target = "/hub/negotiate?negotiateVersion=1";
            r.fields.add("Host", "127.0.0.1");
            self->write_http(r);
        } else {
            self->upgrade({});
        }
        self->read_http();
    });
}

void hub_client::write_http(const http::request& r) {
    http::write_request(pending_, r);
    flush();
}

void hub_client::upgrade(std::string_view token) {
    state_ = state::upgrading;
    std::array<std::byte, 16> nonce{};
    for (auto& b : nonce) {
        b = static_cast<std::byte>(owner_.random()());
    }
    key_ = signalrpp::base64::encode(nonce);
    std::string target = "/hub";
    if (!token.empty()) {
        target.append("?id=").append(token);
    }
    write_http(ws::upgrade_request(std::move(target), "127.0.0.1", key_));
}

void hub_client::read_http() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
        if (self->state_ == state::ended) {
            return;
        }
        if (ec) {
            return self->end(outcome::failed, "reading a response: " + ec.message());
        }
        self->in_.append(self->chunk_.data(), n);
        http::response_parser::status s{};
        const std::size_t used = self->http_parser_.parse(self->in_, s);
        if (s == http::response_parser::status::error) {
            return self->end(outcome::failed, "a malformed response");
        }
        if (s != http::response_parser::status::done) {
            self->in_.erase(0, used);
            return self->read_http();
        }
        http::response response = std::move(self->http_parser_.message());
        self->http_parser_.reset();
        const std::string rest = self->in_.substr(used);
        self->in_.clear();
        self->on_http_response(std::move(response), rest);
    });
}

void hub_client::on_http_response(http::response response, std::string_view rest) {
    if (state_ == state::negotiating) {
        constexpr std::string_view field = "\"connectionToken\":\"";
        const std::size_t at = response.body.find(field);
        const std::size_t end = at == std::string::npos ? at : response.body.find('"', at + field.size());
        if (response.status != 200 || end == std::string::npos) {
            return this->end(outcome::failed, "negotiate answered " + std::to_string(response.status));
        }
        upgrade(std::string_view(response.body).substr(at + field.size(), end - at - field.size()));
        in_.assign(rest);
        return read_http();
    }
    if (!ws::response_accepts(response, key_)) {
        return end(outcome::failed, "upgrade answered " + std::to_string(response.status));
    }
    state_ = state::handshaking;
    send_record(handshake_request);
    in_.assign(rest);
    if (!in_.empty()) {
        on_bytes();
        if (state_ == state::ended) {
            return;
        }
    }
    read_frames();
}

void hub_client::read_frames() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
        if (self->state_ == state::ended) {
            return;
        }
        if (ec) {
            if (self->state_ == state::closing && ec == asio::error::eof) {
                return self->end(outcome::closed, {});
            }
            return self->end(outcome::dropped, ec == asio::error::eof ? std::string("the server ended the stream")
                                                                      : "read: " + ec.message());
        }
        self->in_.append(self->chunk_.data(), n);
        self->on_bytes();
        if (self->state_ != state::ended) {
            self->read_frames();
        }
    });
}

// Parses the frames in in_: text messages carry records; a close frame is the server's answer to ours,
// or the server ending the connection.
void hub_client::on_bytes() {
    std::size_t offset = 0;
    while (state_ != state::ended) {
        ws::frame_reader::status s{};
        offset += frames_.parse(std::string_view(in_).substr(offset), s);
        if (s == ws::frame_reader::status::incomplete) {
            break;
        }
        if (s == ws::frame_reader::status::error) {
            return end(outcome::failed, "a malformed frame: " + frames_.error_reason());
        }
        if (s == ws::frame_reader::status::close) {
            if (state_ != state::closing) {
                return end(outcome::dropped, "the server closed with " + std::to_string(frames_.close_status()) + " " +
                                                 std::string(frames_.close_reason()));
            }
            continue; // the server's end of stream follows
        }
        if (s != ws::frame_reader::status::message) {
            continue; // ping, pong: the server sends none
        }
        std::string_view records = frames_.payload();
        while (!records.empty() && state_ != state::ended) {
            const std::size_t separator = records.find('\x1e');
            if (separator == std::string_view::npos) {
                return end(outcome::failed, "a record without its separator");
            }
            on_record(records.substr(0, separator));
            records.remove_prefix(separator + 1);
        }
    }
    in_.erase(0, offset);
}

void hub_client::on_record(std::string_view record) {
    if (state_ == state::handshaking) {
        if (record != "{}") {
            return end(outcome::failed, "handshake answered " + std::string(record));
        }
        state_ = state::open;
        timer_.cancel();
        owner_.on_open(*this);
        return;
    }
    if (record == "{\"type\":6}") {
        owner_.on_server_ping();
        return;
    }
    if (record.starts_with("{\"type\":3,") && !sent_at_.empty() && record.find(owner_.expected_result()) != std::string_view::npos) {
        owner_.on_echo(clock_type::now() - sent_at_.front());
        sent_at_.pop_front();
        return;
    }
    if (state_ == state::closing && record.starts_with("{\"type\":3,")) {
        return; // a Completion that came after the measured part
    }
    end(outcome::failed, "unexpected record " + std::string(record.substr(0, 200)));
}

void hub_client::send_echo(std::string_view argument) {
    // Each Echo carries an invocation id (so the server answers it) unique on this connection.
    record_.assign(R"({"type":1,"invocationId":")").append(std::to_string(++next_id_));
    record_.append(R"(","target":"Echo","arguments":[")").append(argument).append("\"]}\x1e");
    sent_at_.push_back(clock_type::now());
    send_record(record_);
}

void hub_client::send_record(std::string_view record) {
    ws::write_frame(pending_, ws::opcode::text, record, true, mask_);
    flush();
}

void hub_client::close() {
    if (state_ == state::ended || state_ == state::closing) {
        return;
    }
    if (state_ != state::open) {
        return end(outcome::failed, "closed before it opened");
    }
    state_ = state::closing;
    ws::write_close(pending_, 1000, {}, mask_);
    flush();
    timer_.expires_after(close_timeout);
    timer_.async_wait([self = weak_from_this()](const asio::error_code& ec) {
        if (auto c = self.lock(); c && !ec && c->state_ == state::closing) {
            c->end(outcome::failed, "the server did not end the stream within 10 s of our close");
        }
    });
}

void hub_client::flush() {
    if (write_busy_ || pending_.empty() || state_ == state::ended) {
        return;
    }
    std::swap(pending_, writing_);
    pending_.clear();
    write_busy_ = true;
    asio::async_write(socket_, asio::buffer(writing_), [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
        self->write_busy_ = false;
        if (self->state_ == state::ended) {
            return;
        }
        if (ec) {
            if (self->state_ == state::closing) {
                return; // the server may end the stream before our close frame is out; the read says how
            }
            return self->end(outcome::dropped, "write: " + ec.message());
        }
        self->flush();
    });
}

void hub_client::end(outcome o, const std::string& why) {
    if (state_ == state::ended) {
        return;
    }
    const bool was_open = state_ == state::open || state_ == state::closing;
    state_ = state::ended;
    asio::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    owner_.on_end(*this, o, was_open, why); // last: it may let go of this connection
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "long-haul-load: %s\n"
                 "usage: long-haul-load --port P hold|soak|churn [--connections N] [--seconds T] [--size S] "
                 "[--rate R] [--handshakes H]\n",
                 why);
    std::exit(2);
}

options parse_options(int argc, char** argv) {
    options opt;
    bool have_mode = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "hold" || name == "soak" || name == "churn") {
            opt.run_mode = name == "hold" ? mode::hold : name == "soak" ? mode::soak : mode::churn;
            have_mode = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const char* value = argv[++i];
        char* end = nullptr;
        const double number = std::strtod(value, &end);
        if (end == value || *end != '\0' || number <= 0) {
            usage("option values are positive numbers");
        }
        const auto whole = static_cast<std::size_t>(number);
        if (name == "--port" && number <= 65535) {
            opt.port = static_cast<unsigned short>(whole);
        } else if (name == "--connections") {
            opt.connections = whole;
        } else if (name == "--seconds") {
            opt.seconds = number;
        } else if (name == "--size") {
            opt.size = whole;
        } else if (name == "--rate") {
            opt.rate = number;
        } else if (name == "--handshakes") {
            opt.handshakes = whole;
        } else {
            usage("unknown option, or a port over 65535");
        }
    }
    if (opt.port == 0 || !have_mode) {
        usage("--port and a mode are required");
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
    // Skip tearing down thousands of connections one by one: the kernel closes any left.
    std::_Exit(run.exit_code());
}
