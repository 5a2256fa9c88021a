// Metrics: every counter read after a scripted hub session over a WebSocket and long polling, slow
// consumers dropped (the send limit and the send timeout), metrics off, the duration histogram's
// buckets, and the Prometheus text (served by map_metrics, checked by a small parser of the exposition
// format) against the snapshot.
#include <signalrpp/core/metrics.hpp>
#include <signalrpp/server/prometheus_text.hpp>

#include "../hub/hub_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace server_test;

namespace {

struct metrics_hub : signalrpp::hub {
    int add(int a, int b) { return a + b; }
    void fail() { throw std::runtime_error("failed on purpose"); }
    void shout(std::string text) { clients().all().send("heard", text); }
};
SIGNALRPP_HUB(metrics_hub, add, fail, shout);

using signalrpp::metrics_snapshot;
using signalrpp::metrics_status;
using signalrpp::metrics_transport;

std::size_t at(metrics_transport t) { return static_cast<std::size_t>(t); }
std::size_t at(metrics_status s) { return static_cast<std::size_t>(s); }

signalrpp::hub_options quiet_hub() {
    signalrpp::hub_options o;
    o.keep_alive_interval = std::chrono::hours(1); // no Pings in the counts
    return o;
}

signalrpp::server_options with_metrics() {
    signalrpp::server_options o;
    o.metrics = true;
    return o;
}

// ----- A small parser of Prometheus' text format 0.0.4, checking what promtool checks ---------------

struct sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct exposition {
    std::map<std::string, std::string> types; // family -> type
    std::vector<sample> samples;

    // The value of the series `name{label="value"}` (no label when empty); throws if absent.
    double value(const std::string& name, const std::string& label = {}, const std::string& label_value = {}) const {
        for (const auto& s : samples) {
            if (s.name == name && (label.empty() ? s.labels.empty()
                                                 : s.labels.size() == 1 && s.labels.count(label) == 1 &&
                                                       s.labels.at(label) == label_value)) {
                return s.value;
            }
        }
        throw std::runtime_error("no series " + name + "{" + label + "=" + label_value + "}");
    }
};

bool is_metric_name(const std::string& n) {
    if (n.empty() || !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_' || n[0] == ':')) {
        return false;
    }
    return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; });
}

bool is_label_name(const std::string& n) {
    if (n.empty() || !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_')) {
        return false;
    }
    return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

double parse_float(const std::string& text) {
    if (text == "+Inf" || text == "Inf") {
        return HUGE_VAL;
    }
    if (text == "-Inf") {
        return -HUGE_VAL;
    }
    if (text == "NaN") {
        return NAN;
    }
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
        throw std::runtime_error("not a float: '" + text + "'");
    }
    return v;
}

// The family a sample belongs to: its own name, or for a histogram's series the name without suffix.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string_view s(suffix);
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            const std::string base = name.substr(0, name.size() - s.size());
            const auto t = types.find(base);
            if (t != types.end() && (t->second == "histogram" || t->second == "summary")) {
                return base;
            }
        }
    }
    return name;
}

// Parses and checks `text`; throws std::runtime_error naming the first problem.
exposition parse_exposition(const std::string& text) {
    exposition out;
    std::set<std::string> helped;
    std::set<std::string> finished; // families whose samples have ended (families must not interleave)
    std::string current;            // the family of the samples being read
    std::set<std::string> series;
    if (text.empty() || text.back() != '\n') {
        throw std::runtime_error("the text does not end with a line feed");
    }
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto eol = text.find('\n', pos);
        const std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) {
            continue;
        }
        if (line[0] == '#') {
            std::istringstream in(line);
            std::string hash, keyword, name;
            in >> hash >> keyword >> name;
            if (keyword != "HELP" && keyword != "TYPE") {
                continue; // a comment
            }
            if (!is_metric_name(name)) {
                throw std::runtime_error("bad metric name in: " + line);
            }
            if (finished.count(name) || (!current.empty() && current == name)) {
                throw std::runtime_error("HELP or TYPE after the family's samples: " + line);
            }
            if (keyword == "HELP") {
                if (!helped.insert(name).second) {
                    throw std::runtime_error("a second HELP: " + line);
                }
            } else {
                std::string type;
                in >> type;
                if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped") {
                    throw std::runtime_error("bad type: " + line);
                }
                if (!out.types.emplace(name, type).second) {
                    throw std::runtime_error("a second TYPE: " + line);
                }
                const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
                if (type == "counter" && !total) {
                    throw std::runtime_error("a counter not named *_total: " + name);
                }
            }
            continue;
        }
        // name{label="value",...} value [timestamp]
        sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') {
            ++i;
        }
        s.name = line.substr(0, i);
        if (!is_metric_name(s.name)) {
            throw std::runtime_error("bad metric name: " + line);
        }
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                const auto eq = line.find('=', i);
                if (eq == std::string::npos) {
                    throw std::runtime_error("bad labels: " + line);
                }
                const std::string label = line.substr(i, eq - i);
                if (!is_label_name(label) || eq + 1 >= line.size() || line[eq + 1] != '"') {
                    throw std::runtime_error("bad label: " + line);
                }
                std::string value;
                i = eq + 2;
                for (;; ++i) {
                    if (i >= line.size()) {
                        throw std::runtime_error("unterminated label value: " + line);
                    }
                    if (line[i] == '"') {
                        break;
                    }
                    if (line[i] == '\\') {
                        ++i;
                        if (i >= line.size() || (line[i] != '\\' && line[i] != '"' && line[i] != 'n')) {
                            throw std::runtime_error("bad escape: " + line);
                        }
                        value += line[i] == 'n' ? '\n' : line[i];
                    } else {
                        value += line[i];
                    }
                }
                ++i; // past the quote
                if (!s.labels.emplace(label, value).second) {
                    throw std::runtime_error("a label twice: " + line);
                }
                if (i < line.size() && line[i] == ',') {
                    ++i;
                }
            }
            if (i >= line.size()) {
                throw std::runtime_error("unterminated labels: " + line);
            }
            ++i; // past '}'
        }
        if (i >= line.size() || line[i] != ' ') {
            throw std::runtime_error("no value: " + line);
        }
        std::istringstream rest(line.substr(i + 1));
        std::string value, timestamp, extra;
        rest >> value >> timestamp >> extra;
        if (!extra.empty()) {
            throw std::runtime_error("trailing text: " + line);
        }
        s.value = parse_float(value);
        if (!timestamp.empty()) {
            (void)std::stoll(timestamp);
        }
        const std::string family = family_of(s.name, out.types);
        if (!out.types.count(family) || !helped.count(family)) {
            throw std::runtime_error("a sample before its family's HELP and TYPE: " + line);
        }
        if (family != current) {
            if (finished.count(family)) {
                throw std::runtime_error("a family's samples interleaved with another's: " + line);
            }
            if (!current.empty()) {
                finished.insert(current);
            }
            current = family;
        }
        std::string key = s.name + "{";
        for (const auto& [k, v] : s.labels) { // (a std::map: sorted)
            key += k + "=" + v + ",";
        }
        if (!series.insert(key + "}").second) {
            throw std::runtime_error("a duplicate series: " + line);
        }
        const std::string& type = out.types.at(family);
        if ((type == "counter" || type == "histogram") && s.name != family + "_sum" && s.value < 0) {
            throw std::runtime_error("a negative count: " + line);
        }
        out.samples.push_back(std::move(s));
    }
    // Histograms: buckets in increasing `le`, cumulative (non-decreasing), ending with +Inf equal to _count.
    for (const auto& [family, type] : out.types) {
        if (type != "histogram") {
            continue;
        }
        double last_le = -HUGE_VAL;
        double last_count = 0;
        std::optional<double> inf, count, sum;
        for (const auto& s : out.samples) {
            if (s.name == family + "_bucket") {
                if (s.labels.count("le") == 0) {
                    throw std::runtime_error("a bucket without le in " + family);
                }
                const double le = parse_float(s.labels.at("le"));
                if (!(le > last_le) || s.value < last_count) {
                    throw std::runtime_error("buckets not in order or not cumulative in " + family);
                }
                last_le = le;
                last_count = s.value;
                if (std::isinf(le)) {
                    inf = s.value;
                }
            } else if (s.name == family + "_count") {
                count = s.value;
            } else if (s.name == family + "_sum") {
                sum = s.value;
            }
        }
        if (!inf || !count || !sum || *inf != *count) {
            throw std::runtime_error("histogram " + family + ": no +Inf bucket, _sum or _count, or +Inf != _count");
        }
    }
    return out;
}

// Checks that every series of `text` holds `s`'s value.
void check_text_matches(const exposition& e, const metrics_snapshot& s) {
    for (std::size_t t = 0; t < signalrpp::metrics_transport_count; ++t) {
        CHECK(e.value("signalr_server_active_connections", "signalr_transport",
                      std::string(to_string(static_cast<metrics_transport>(t)))) ==
              static_cast<double>(s.active_connections[t]));
    }
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < s.duration_buckets.size(); ++b) {
        cumulative += s.duration_buckets[b];
        std::string le = "+Inf";
        if (b < signalrpp::connection_duration_bounds.size()) {
            le.clear();
            signalrpp::detail::append_number(le, signalrpp::connection_duration_bounds[b]);
        }
        CHECK(e.value("signalr_server_connection_duration_seconds_bucket", "le", le) == static_cast<double>(cumulative));
    }
    CHECK(e.value("signalr_server_connection_duration_seconds_count") == static_cast<double>(s.duration_count()));
    CHECK(e.value("signalr_server_connection_duration_seconds_sum") == Approx(s.duration_sum_seconds));
    CHECK(e.value("signalrpp_server_connections_started_total") == static_cast<double>(s.connections_started));
    for (std::size_t i = 0; i < signalrpp::metrics_status_count; ++i) {
        CHECK(e.value("signalrpp_server_connections_ended_total", "signalr_connection_status",
                      std::string(to_string(static_cast<metrics_status>(i)))) ==
              static_cast<double>(s.connections_ended[i]));
    }
    CHECK(e.value("signalrpp_server_hub_invocations_total") == static_cast<double>(s.hub_invocations));
    CHECK(e.value("signalrpp_server_hub_invocation_errors_total") == static_cast<double>(s.hub_invocation_errors));
    CHECK(e.value("signalrpp_server_hub_messages_received_total") == static_cast<double>(s.hub_messages_received));
    CHECK(e.value("signalrpp_server_hub_messages_sent_total") == static_cast<double>(s.hub_messages_sent));
    CHECK(e.value("signalrpp_server_received_bytes_total") == static_cast<double>(s.bytes_received));
    CHECK(e.value("signalrpp_server_sent_bytes_total") == static_cast<double>(s.bytes_sent));
    CHECK(e.value("signalrpp_server_slow_consumers_dropped_total") == static_cast<double>(s.slow_consumers_dropped));
    // ASP.NET Core's 2 families and our 9, no more.
    CHECK(e.types.size() == 11);
}

// ----- The scripted session ----------------------------------------------------------------------------

// What the test's clients sent and received, in message bytes (what the server counts).
struct tally {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
};

// A hub client over the WebSocket that tallies its bytes: what it sends (separator included) and reads.
struct tallied_ws {
    hub_test::hub_client client;
    tally& bytes;

    template <class Hub>
    tallied_ws(hub_test::hub_server<Hub>& server, tally& t) : client(server), bytes(t) {
        bytes.sent += std::string("{\"protocol\":\"json\",\"version\":1}\x1e").size();
        bytes.received += 3; // "{}\x1e"
    }
    void send(const std::string& message) {
        client.send(message);
        bytes.sent += message.size() + 1;
    }
    std::string read() {
        auto m = client.read();
        bytes.received += m.size() + 1;
        return m;
    }
};

// A hub client over long polling: one socket for polls, one for sends (a poll holds its socket).
struct tallied_long_poll {
    client polls;
    client posts;
    std::string token;
    tally& bytes;

    template <class Hub>
    tallied_long_poll(hub_test::hub_server<Hub>& server, tally& t)
        : polls(server.server(), server.via, server.port), posts(server.server(), server.via, server.port), bytes(t) {
        token = token_of(posts.request("POST", "/hub/negotiate?negotiateVersion=1").body);
        REQUIRE(!token.empty());
        REQUIRE(polls.request("GET", "/hub?id=" + token).status == 200); // the first poll starts it
        post("{\"protocol\":\"json\",\"version\":1}\x1e");
        REQUIRE(poll() == "{}\x1e");
    }
    void post(const std::string& body) {
        REQUIRE(posts.request("POST", "/hub?id=" + token, body).status == 200);
        bytes.sent += body.size();
    }
    void send(const std::string& message) { post(message + '\x1e'); }
    std::string poll() {
        const auto r = polls.request("GET", "/hub?id=" + token);
        REQUIRE(r.status == 200);
        bytes.received += r.body.size();
        return r.body;
    }
};

std::string invocation(int id, const std::string& target, const std::string& arguments) {
    return "{\"type\":1,\"invocationId\":\"" + std::to_string(id) + "\",\"target\":\"" + target +
           "\",\"arguments\":[" + arguments + "]}";
}

void check_zero(const metrics_snapshot& s) {
    CHECK(s.connections_started == 0);
    CHECK(s.active_connections_total() == 0);
    CHECK(s.connections_ended_total() == 0);
    CHECK(s.duration_count() == 0);
    CHECK(s.duration_sum_seconds == 0);
    CHECK(s.hub_invocations == 0);
    CHECK(s.hub_invocation_errors == 0);
    CHECK(s.hub_messages_received == 0);
    CHECK(s.hub_messages_sent == 0);
    CHECK(s.bytes_received == 0);
    CHECK(s.bytes_sent == 0);
    CHECK(s.slow_consumers_dropped == 0);
}

// Two hub connections (a WebSocket, long polling), invocations that succeed and fail, a broadcast,
// then the WebSocket closed by its client. Returns what the clients sent and received; the long-polling
// connection stays open.
tally scripted_session(hub_test::hub_server<metrics_hub>& server) {
    tally bytes;
    tallied_ws ws(server, bytes);
    tallied_long_poll lp(server, bytes);

    for (int id = 1; id <= 3; ++id) { // 3 results
        ws.send(invocation(id, "add", "1,2"));
        CHECK(ws.read() == "{\"type\":3,\"invocationId\":\"" + std::to_string(id) + "\",\"result\":3}");
    }
    for (int id = 4; id <= 5; ++id) { // 2 errors: the method throws
        ws.send(invocation(id, "fail", ""));
        CHECK(ws.read().find("\"error\":") != std::string::npos);
    }
    ws.send(invocation(6, "nope", "")); // an error: no such method
    CHECK(ws.read().find("\"error\":") != std::string::npos);

    lp.send(invocation(1, "add", "2,2")); // a result
    CHECK(lp.poll() == "{\"type\":3,\"invocationId\":\"1\",\"result\":4}\x1e");
    lp.send(invocation(2, "fail", "")); // an error
    CHECK(lp.poll().find("\"error\":") != std::string::npos);

    ws.send(invocation(7, "shout", "\"hi\"")); // a broadcast to both, and its (void) result
    CHECK(ws.read() == "{\"type\":1,\"target\":\"heard\",\"arguments\":[\"hi\"]}");
    CHECK(ws.read() == "{\"type\":3,\"invocationId\":\"7\",\"result\":null}");
    CHECK(lp.poll() == "{\"type\":1,\"target\":\"heard\",\"arguments\":[\"hi\"]}\x1e");

    ws.client.socket().send_frame(ws::opcode::close, std::string("\x03\xe8", 2)); // 1000
    CHECK(ws.client.closed_by_server());
    REQUIRE(eventually([&] { return server.server().metrics().connections_ended_total() == 1; }));
    return bytes;
}

} // namespace

TEST_CASE("metrics: every counter after a scripted hub session", "[server]") {
    HUB_TEST_EACH_CARRIER();
    const auto began = std::chrono::steady_clock::now();
    hub_test::hub_server<metrics_hub> server(carrier, quiet_hub(), 2, "/hub", with_metrics());
    const auto before = server.server().metrics();
    CHECK(before.enabled);
    check_zero(before);

    const tally bytes = scripted_session(server);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

    const auto s = server.server().metrics();
    CHECK(s.enabled);
    CHECK(s.connections_started == 2);
    CHECK(s.active_connections[at(metrics_transport::web_sockets)] == 0);
    CHECK(s.active_connections[at(metrics_transport::server_sent_events)] == 0);
    CHECK(s.active_connections[at(metrics_transport::long_polling)] == 1);
    CHECK(s.connections_ended[at(metrics_status::normal_closure)] == 1);
    CHECK(s.connections_ended[at(metrics_status::timeout)] == 0);
    CHECK(s.connections_ended[at(metrics_status::app_shutdown)] == 0);
    CHECK(s.duration_count() == 1);
    CHECK(s.duration_sum_seconds > 0);
    CHECK(s.duration_sum_seconds <= elapsed);
    // The one duration is in the bucket its sum says.
    std::size_t bucket = 0;
    while (bucket < signalrpp::connection_duration_bounds.size() &&
           s.duration_sum_seconds > signalrpp::connection_duration_bounds[bucket] + 1e-6) {
        ++bucket;
    }
    CHECK(s.duration_buckets[bucket] == 1);
    CHECK(s.hub_invocations == 9);       // WebSocket: 3 add, 2 fail, 1 unknown, 1 shout; long polling: add, fail
    CHECK(s.hub_invocation_errors == 4); // 2 fail + unknown; fail
    CHECK(s.hub_messages_received == 9); // the invocations (the handshakes are not hub messages)
    CHECK(s.hub_messages_sent == 11);    // 7 + 2 completions, the broadcast to both
    CHECK(s.bytes_received == bytes.sent);
    CHECK(s.bytes_sent == bytes.received);
    CHECK(s.slow_consumers_dropped == 0);
}

TEST_CASE("metrics: the server's stop ends the rest with app_shutdown", "[server]") {
    hub_test::hub_server<metrics_hub> server(carrier::tcp, quiet_hub(), 2, "/hub", with_metrics());
    tally bytes;
    tallied_ws ws(server, bytes);
    tallied_long_poll lp(server, bytes);
    REQUIRE(server.server().metrics().active_connections_total() == 2);
    server.server().stop();
    CHECK(ws.client.closed_by_server()); // (a Close message, then the close frame, which the client answers)
    ws.client.socket().send_frame(ws::opcode::close, std::string("\x03\xe8", 2));
    REQUIRE(eventually([&] { return server.server().metrics().connections_ended_total() == 2; }));
    const auto s = server.server().metrics();
    CHECK(s.connections_ended[at(metrics_status::app_shutdown)] == 2);
    CHECK(s.active_connections_total() == 0);
    CHECK(s.duration_count() == 2);
}

TEST_CASE("metrics: a connection without a transport for the disconnect timeout ends with timeout", "[server]") {
    transport::http_connection_options options;
    options.disconnect_timeout = std::chrono::milliseconds(100);
    running_server server(carrier::tcp, options, with_metrics());
    client c(server);
    const auto token = negotiate(c);
    REQUIRE(c.request("GET", "/echo?id=" + token).status == 200); // started (long polling); no poll after it
    REQUIRE(eventually([&] { return server.server().metrics().connections_ended_total() == 1; }));
    const auto s = server.server().metrics();
    CHECK(s.connections_started == 1);
    CHECK(s.connections_ended[at(metrics_status::timeout)] == 1);
    CHECK(s.active_connections_total() == 0);
}

TEST_CASE("metrics: a slow consumer past 16 times the send limit is counted", "[server]") {
    transport::http_connection_options options;
    options.send_limit = 4096;
    running_server server(carrier::memory, options, with_metrics());
    server.handler->echo = false;
    client slow(server);
    REQUIRE(slow.upgrade("/echo").status == 101);
    slow.memory().set_capacity(4096);
    const auto conn = first_connection(server);
    CHECK(conn->metrics() != nullptr);
    const std::string chunk(1024, 'x');
    bool refused = false;
    for (int i = 0; i < 10000 && !refused; ++i) { // sent from outside the connection's handler: others' sends
        refused = !conn->send(chunk);
    }
    CHECK(refused);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::send_buffer_full);
    const auto s = server.server().metrics();
    CHECK(s.slow_consumers_dropped == 1);
    CHECK(s.connections_ended[at(metrics_status::normal_closure)] == 1); // (the reference's status for it)
    CHECK(s.active_connections_total() == 0);
}

TEST_CASE("metrics: a WebSocket aborted at the send timeout is counted as a slow consumer", "[server]") {
    transport::http_connection_options options;
    options.transport_send_timeout = std::chrono::milliseconds(300);
    running_server server(carrier::memory, options, with_metrics());
    server.handler->echo = false;
    client c(server);
    REQUIRE(c.upgrade("/echo").status == 101);
    c.memory().set_capacity(4096);
    const auto conn = first_connection(server);
    const std::string chunk(16 * 1024, 'x');
    for (int i = 0; i < 1000 && !conn->ended() && !conn->send_backlogged(); ++i) {
        conn->send(chunk);
    }
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::send_timeout);
    CHECK(server.server().metrics().slow_consumers_dropped == 1);
}

TEST_CASE("metrics off: nothing is counted and the snapshot says so", "[server]") {
    hub_test::hub_server<metrics_hub> server(carrier::tcp, quiet_hub());
    tally bytes;
    {
        tallied_ws ws(server, bytes);
        ws.send(invocation(1, "fail", ""));
        CHECK(ws.read().find("\"error\":") != std::string::npos);
        ws.client.socket().send_frame(ws::opcode::close, std::string("\x03\xe8", 2));
        CHECK(ws.client.closed_by_server());
    }
    const auto s = server.server().metrics();
    CHECK_FALSE(s.enabled);
    check_zero(s);

    running_server raw; // a raw connection holds no meter either
    client c(raw);
    REQUIRE(c.upgrade("/echo").status == 101);
    CHECK(first_connection(raw)->metrics() == nullptr);
    CHECK_FALSE(raw.server().metrics().enabled);
}

TEST_CASE("metrics: durations fall in the bucket whose bound is the first at or above them", "[server]") {
    signalrpp::server_metrics m;
    using namespace std::chrono_literals;
    m.connection_ended(metrics_transport::web_sockets, metrics_status::normal_closure, 15ms); // <= 0.02
    m.connection_ended(metrics_transport::web_sockets, metrics_status::normal_closure, 1s);   // <= 1 (equal)
    m.connection_ended(metrics_transport::long_polling, metrics_status::timeout, 2h);         // +Inf
    const auto s = m.snapshot();
    CHECK(s.duration_buckets[1] == 1);
    CHECK(s.duration_buckets[6] == 1);
    CHECK(s.duration_buckets.back() == 1);
    CHECK(s.duration_count() == 3);
    CHECK(s.duration_sum_seconds == Approx(0.015 + 1 + 7200));
    CHECK(s.active_connections[at(metrics_transport::web_sockets)] == -2); // (ended without starting here)
    CHECK(s.connections_ended[at(metrics_status::timeout)] == 1);
    const auto e = parse_exposition(signalrpp::prometheus_text(s));
    check_text_matches(e, s);
    CHECK(e.value("signalr_server_connection_duration_seconds_bucket", "le", "0.01") == 0);
    CHECK(e.value("signalr_server_connection_duration_seconds_bucket", "le", "1") == 2);
    CHECK(e.value("signalr_server_connection_duration_seconds_bucket", "le", "3600") == 2);
    CHECK(e.value("signalr_server_connection_duration_seconds_bucket", "le", "+Inf") == 3);
}

TEST_CASE("metrics: the test's exposition parser refuses what promtool refuses", "[server]") {
    const std::string family = "# HELP x_total X.\n# TYPE x_total counter\n";
    CHECK_NOTHROW(parse_exposition(family + "x_total{a=\"q\\\"\\\\\\n\"} 1\n"));
    CHECK_THROWS(parse_exposition("x_total 1\n"));                                   // no HELP or TYPE
    CHECK_THROWS(parse_exposition("# HELP x X.\n# TYPE x counter\nx 1\n"));         // a counter not *_total
    CHECK_THROWS(parse_exposition(family + "x_total 1\nx_total 2\n"));               // a duplicate series
    CHECK_THROWS(parse_exposition(family + "x_total{a=\"b} 1\n"));                   // an unterminated value
    CHECK_THROWS(parse_exposition(family + "x_total{a=\"\\q\"} 1\n"));               // a bad escape
    CHECK_THROWS(parse_exposition(family + "x_total{1a=\"b\"} 1\n"));                // a bad label name
    CHECK_THROWS(parse_exposition(family + "x_total one\n"));                        // not a float
    CHECK_THROWS(parse_exposition("# HELP 1x X.\n# TYPE 1x gauge\n1x 1\n"));        // a bad metric name
    const std::string histogram = "# HELP h H.\n# TYPE h histogram\n";
    CHECK_NOTHROW(parse_exposition(histogram + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n"));
    CHECK_THROWS(parse_exposition(histogram + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 3\nh_count 1\n"));
    CHECK_THROWS(parse_exposition(histogram + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 3\n"));
    CHECK_THROWS(parse_exposition(histogram + "h_bucket{le=\"1\"} 1\nh_sum 3\nh_count 1\n")); // no +Inf
}

TEST_CASE("metrics: map_metrics serves Prometheus text equal to the snapshot", "[server]") {
    HUB_TEST_EACH_CARRIER();
    // Metrics off in the options: map_metrics turns them on.
    hub_test::hub_server<metrics_hub> server(carrier, quiet_hub(), 2, "/hub", {}, [](signalrpp::server& s) {
        s.map_metrics("/metrics");
    });
    scripted_session(server);
    client http(server.server(), server.via, server.port);
    const auto r = http.request("GET", "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.fields.find("Content-Type") == std::optional<std::string_view>("text/plain; version=0.0.4; charset=utf-8"));
    const auto s = server.server().metrics(); // (quiet now: an HTTP route's request counts nothing)
    REQUIRE(s.enabled);
    CHECK(s.connections_started == 2);
    CHECK(s.hub_invocations == 9);
    exposition e;
    REQUIRE_NOTHROW(e = parse_exposition(r.body));
    check_text_matches(e, s);
    CHECK(http.request("POST", "/metrics").status == 405);
    CHECK(http.request("HEAD", "/metrics").status == 200);
}
