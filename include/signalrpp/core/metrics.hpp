#pragma once
// Metrics: what ASP.NET Core's meters publish about connections (Microsoft.AspNetCore.Http.Connections:
// signalr.server.active_connections by transport, signalr.server.connection.duration), and counters of
// our own for hub invocations, their errors, hub messages, transport bytes and slow consumers dropped.
//
// Off unless asked for (server_options::metrics, or server::map_metrics): until then no server_metrics
// exists, connections hold no meter (one null pointer), and every counting site is one predictable
// branch on that pointer. When on, each site is one relaxed atomic add on a server_metrics shared by
// the server's connections; a connection reads the clock twice in its life (start, end) for the
// duration histogram.
//
// server::metrics() reads them into a metrics_snapshot, a plain copyable struct. The reads are relaxed
// and one by one: under load a snapshot is not a consistent cut (a connection may be counted as started
// and not yet as active); each counter is exact on its own, and exact as a whole once the server is quiet.
// <signalrpp/server/prometheus_text.hpp> writes a snapshot as Prometheus text.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace signalrpp {

/// The transports, as ASP.NET Core's `signalr.transport` attribute names them, in the order of the
/// active-connection counters.
enum class metrics_transport : std::uint8_t { web_sockets, server_sent_events, long_polling };
inline constexpr std::size_t metrics_transport_count = 3;

constexpr std::string_view to_string(metrics_transport t) noexcept {
    switch (t) {
    case metrics_transport::web_sockets: return "web_sockets";
    case metrics_transport::server_sent_events: return "server_sent_events";
    case metrics_transport::long_polling: return "long_polling";
    }
    return "unknown";
}

/// How a connection ended, as ASP.NET Core's `signalr.connection.status` attribute says it and with the
/// reference's meanings: `timeout` for the disconnect timeout (no transport for too long), `app_shutdown`
/// for connections that end once the server is stopping, `normal_closure` for every other end, errors
/// included (slow consumers have a counter of their own).
enum class metrics_status : std::uint8_t { normal_closure, timeout, app_shutdown };
inline constexpr std::size_t metrics_status_count = 3;

constexpr std::string_view to_string(metrics_status s) noexcept {
    switch (s) {
    case metrics_status::normal_closure: return "normal_closure";
    case metrics_status::timeout: return "timeout";
    case metrics_status::app_shutdown: return "app_shutdown";
    }
    return "unknown";
}

/// The upper bounds (seconds) of the connection-duration histogram's buckets: the OpenTelemetry
/// convention's for signalr.server.connection.duration (0.01 ... 300), then 10 minutes, 30 minutes and
/// an hour of our own, as connections often last that long; +Inf after them.
inline constexpr std::array<double, 17> connection_duration_bounds{
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

/// A copy of the counters at one moment (see the header comment). Plain values.
struct metrics_snapshot {
    /// False when the server counts nothing (metrics off): every value is then zero.
    bool enabled = false;

    /// Connections whose transport started (ASP.NET Core counts them in active_connections then).
    std::uint64_t connections_started = 0;
    /// signalr.server.active_connections: started and not ended, by metrics_transport.
    std::array<std::int64_t, metrics_transport_count> active_connections{};
    /// Started connections that ended, by metrics_status.
    std::array<std::uint64_t, metrics_status_count> connections_ended{};

    /// signalr.server.connection.duration (transport start to end) of the connections ended: how many
    /// fell in each bucket (not cumulative; the last is past the last bound), and their sum in seconds.
    std::array<std::uint64_t, connection_duration_bounds.size() + 1> duration_buckets{};
    double duration_sum_seconds = 0;

    /// Invocations and StreamInvocations from clients, taken for dispatch (refused ones included).
    std::uint64_t hub_invocations = 0;
    /// Completions with an error sent for them: the method threw, was unknown, its arguments did not bind,
    /// authorize or a filter refused it, or its stream ended with an error.
    std::uint64_t hub_invocation_errors = 0;
    /// Hub messages read from clients (after the handshake; any type, pings included).
    std::uint64_t hub_messages_received = 0;
    /// Hub messages queued for clients (after the handshake's answer; any type, pings included).
    std::uint64_t hub_messages_sent = 0;
    /// Message bytes delivered to connections and taken from their queues for writing, at the
    /// connection: WebSocket payloads, POST bodies, messages before their SSE or poll framing; no HTTP
    /// or WebSocket headers. Raw connections' bytes count too.
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    /// Connections aborted as slow consumers: past 16 times the send limit, or backlogged past the send
    /// timeout (error::send_buffer_full), or a write not finished within the send timeout (error::send_timeout).
    std::uint64_t slow_consumers_dropped = 0;

    std::int64_t active_connections_total() const noexcept {
        std::int64_t n = 0;
        for (const auto a : active_connections) {
            n += a;
        }
        return n;
    }
    std::uint64_t connections_ended_total() const noexcept {
        std::uint64_t n = 0;
        for (const auto e : connections_ended) {
            n += e;
        }
        return n;
    }
    /// The histogram's count: connections whose duration was recorded (equal to connections_ended_total()
    /// in a quiet server).
    std::uint64_t duration_count() const noexcept {
        std::uint64_t n = 0;
        for (const auto b : duration_buckets) {
            n += b;
        }
        return n;
    }
};

/// The live counters of one server, shared by its connections (held by shared_ptr: a connection may
/// outlive the server object). Every member is updated with relaxed atomics, from any thread.
struct server_metrics {
    using counter = std::atomic<std::uint64_t>;
    using clock = std::chrono::steady_clock;

    counter connections_started{0};
    std::array<std::atomic<std::int64_t>, metrics_transport_count> active_connections{};
    std::array<counter, metrics_status_count> connections_ended{};
    std::array<counter, connection_duration_bounds.size() + 1> duration_buckets{};
    counter duration_sum_microseconds{0};
    counter hub_invocations{0};
    counter hub_invocation_errors{0};
    counter hub_messages_received{0};
    counter hub_messages_sent{0};
    counter bytes_received{0};
    counter bytes_sent{0};
    counter slow_consumers_dropped{0};
    /// Set by server::stop(): connections that end from then on end with app_shutdown.
    std::atomic<bool> stopping{false};

    static void add(counter& c, std::uint64_t n = 1) noexcept { c.fetch_add(n, std::memory_order_relaxed); }

    /// A connection's transport started.
    void connection_started(metrics_transport t) noexcept {
        add(connections_started);
        active_connections[static_cast<std::size_t>(t)].fetch_add(1, std::memory_order_relaxed);
    }

    /// A started connection ended after `duration`.
    void connection_ended(metrics_transport t, metrics_status s, clock::duration duration) noexcept {
        active_connections[static_cast<std::size_t>(t)].fetch_sub(1, std::memory_order_relaxed);
        add(connections_ended[static_cast<std::size_t>(s)]);
        const double seconds = std::chrono::duration<double>(duration).count();
        std::size_t bucket = 0;
        while (bucket < connection_duration_bounds.size() && seconds > connection_duration_bounds[bucket]) {
            ++bucket; // (a value equal to a bound belongs to its bucket: Prometheus' le is "<=")
        }
        add(duration_buckets[bucket]);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
        add(duration_sum_microseconds, us > 0 ? static_cast<std::uint64_t>(us) : 0);
    }

    metrics_snapshot snapshot() const noexcept {
        constexpr auto relaxed = std::memory_order_relaxed;
        metrics_snapshot s;
        s.enabled = true;
        s.connections_started = connections_started.load(relaxed);
        for (std::size_t i = 0; i < active_connections.size(); ++i) {
            s.active_connections[i] = active_connections[i].load(relaxed);
        }
        for (std::size_t i = 0; i < connections_ended.size(); ++i) {
            s.connections_ended[i] = connections_ended[i].load(relaxed);
        }
        for (std::size_t i = 0; i < duration_buckets.size(); ++i) {
            s.duration_buckets[i] = duration_buckets[i].load(relaxed);
        }
        s.duration_sum_seconds = static_cast<double>(duration_sum_microseconds.load(relaxed)) / 1e6;
        s.hub_invocations = hub_invocations.load(relaxed);
        s.hub_invocation_errors = hub_invocation_errors.load(relaxed);
        s.hub_messages_received = hub_messages_received.load(relaxed);
        s.hub_messages_sent = hub_messages_sent.load(relaxed);
        s.bytes_received = bytes_received.load(relaxed);
        s.bytes_sent = bytes_sent.load(relaxed);
        s.slow_consumers_dropped = slow_consumers_dropped.load(relaxed);
        return s;
    }
};

} // namespace signalrpp
