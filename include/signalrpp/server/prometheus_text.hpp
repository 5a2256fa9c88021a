#pragma once
// prometheus_text(): a metrics_snapshot (<signalrpp/core/metrics.hpp>) as Prometheus' text exposition
// format 0.0.4, what server::map_metrics(path) serves (with prometheus_content_type).
//
// The names follow what OpenTelemetry's Prometheus exporter makes of ASP.NET Core's instruments, so
// that one dashboard reads a .NET and a C++ server alike: signalr_server_active_connections (gauge, by
// signalr_transport) and signalr_server_connection_duration_seconds (histogram). The counters ASP.NET
// Core does not have are ours, named signalrpp_server_*_total. Every family has its HELP and TYPE,
// every series is written even while zero, and the histogram's buckets are cumulative with its
// +Inf bucket equal to its _count (both summed from the same snapshot).

#include <signalrpp/core/metrics.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace signalrpp {

/// The Content-Type of prometheus_text().
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

namespace detail {

inline void append_number(std::string& out, double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr; // shortest exact form
    out.append(buffer, end);
}

inline void append_number(std::string& out, std::uint64_t value) { out += std::to_string(value); }
inline void append_number(std::string& out, std::int64_t value) { out += std::to_string(value); }

inline void append_family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// One sample: name{label="value"} number (no label when `label` is empty). Our label values are fixed
// words, which need no escaping.
template <class Number>
void append_sample(std::string& out, std::string_view name, std::string_view label, std::string_view value,
                   Number number) {
    out.append(name);
    if (!label.empty()) {
        out.append("{").append(label).append("=\"").append(value).append("\"}");
    }
    out.append(" ");
    append_number(out, number);
    out.append("\n");
}

} // namespace detail

/// `s` as Prometheus text (format 0.0.4).
inline std::string prometheus_text(const metrics_snapshot& s) {
    using detail::append_family;
    using detail::append_sample;
    std::string out;
    out.reserve(4096);

    constexpr std::string_view active = "signalr_server_active_connections";
    append_family(out, active, "gauge", "Number of connections that are currently active on the server.");
    for (std::size_t i = 0; i < metrics_transport_count; ++i) {
        append_sample(out, active, "signalr_transport", to_string(static_cast<metrics_transport>(i)),
                      s.active_connections[i]);
    }

    constexpr std::string_view duration = "signalr_server_connection_duration_seconds";
    append_family(out, duration, "histogram", "The duration of connections on the server.");
    const std::string bucket = std::string(duration) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < s.duration_buckets.size(); ++i) {
        cumulative += s.duration_buckets[i];
        std::string le = "+Inf";
        if (i < connection_duration_bounds.size()) {
            le.clear();
            detail::append_number(le, connection_duration_bounds[i]);
        }
        append_sample(out, bucket, "le", le, cumulative);
    }
    append_sample(out, std::string(duration) + "_sum", "", "", s.duration_sum_seconds);
    append_sample(out, std::string(duration) + "_count", "", "", cumulative);

    constexpr std::string_view started = "signalrpp_server_connections_started_total";
    append_family(out, started, "counter", "Connections whose transport started.");
    append_sample(out, started, "", "", s.connections_started);

    constexpr std::string_view ended = "signalrpp_server_connections_ended_total";
    append_family(out, ended, "counter", "Connections that ended after their transport started, by closure status.");
    for (std::size_t i = 0; i < metrics_status_count; ++i) {
        append_sample(out, ended, "signalr_connection_status", to_string(static_cast<metrics_status>(i)),
                      s.connections_ended[i]);
    }

    struct counter {
        std::string_view name;
        std::string_view help;
        std::uint64_t value;
    };
    const counter counters[] = {
        {"signalrpp_server_hub_invocations_total", "Hub invocations from clients taken for dispatch.",
         s.hub_invocations},
        {"signalrpp_server_hub_invocation_errors_total", "Completions with an error sent for hub invocations.",
         s.hub_invocation_errors},
        {"signalrpp_server_hub_messages_received_total", "Hub messages read from clients after the handshake.",
         s.hub_messages_received},
        {"signalrpp_server_hub_messages_sent_total", "Hub messages queued for clients after the handshake.",
         s.hub_messages_sent},
        {"signalrpp_server_received_bytes_total", "Message bytes delivered to connections.", s.bytes_received},
        {"signalrpp_server_sent_bytes_total", "Message bytes taken from connections' queues for writing.",
         s.bytes_sent},
        {"signalrpp_server_slow_consumers_dropped_total",
         "Connections aborted because their peer read too slowly (send limit or send timeout).",
         s.slow_consumers_dropped},
    };
    for (const auto& c : counters) {
        append_family(out, c.name, "counter", c.help);
        append_sample(out, c.name, "", "", c.value);
    }
    return out;
}

} // namespace signalrpp
