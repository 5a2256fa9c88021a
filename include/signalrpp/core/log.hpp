#pragma once
// The logging hook: what the server has to say about connections (started, ended and why, aborted),
// authentication refusals, protocol errors and application callbacks that threw, with the levels of
// ASP.NET Core's loggers and categories named after the ones its SignalR and Http.Connections code
// logs under. Nothing is logged until a sink is installed (set_log_sink): until then a log site costs
// one relaxed atomic load and a comparison, and builds no text.
//
//     signalrpp::set_log_sink(signalrpp::log_level::information, signalrpp::stderr_log_sink());
//     signalrpp::set_log_sink(signalrpp::log_level::debug, [&](const signalrpp::log_record& r) { mine.log(r); });
//
// One sink for the program (like a logger factory): it is called on the thread that logs, from any
// thread, possibly at once from several, and must be thread-safe. It must not throw (what it throws is
// dropped). The record's views are valid during the call only.

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp {

/// ASP.NET Core's LogLevel, in its order.
enum class log_level { trace, debug, information, warning, error, critical, none };

constexpr std::string_view to_string(log_level level) noexcept {
    switch (level) {
    case log_level::trace: return "trace";
    case log_level::debug: return "debug";
    case log_level::information: return "info";
    case log_level::warning: return "warn";
    case log_level::error: return "error";
    case log_level::critical: return "crit";
    case log_level::none: break;
    }
    return "none";
}

/// The categories records come under (after the ASP.NET Core classes that log the same things).
namespace log_category {
inline constexpr std::string_view connection_manager = "signalrpp.http_connections.connection_manager";
inline constexpr std::string_view dispatcher = "signalrpp.http_connections.dispatcher";
inline constexpr std::string_view transports = "signalrpp.http_connections.transports";
inline constexpr std::string_view hub_connection_handler = "signalrpp.signalr.hub_connection_handler";
inline constexpr std::string_view hosting = "signalrpp.hosting";
inline constexpr std::string_view authentication = "signalrpp.authentication";
} // namespace log_category

struct log_record {
    log_level level;
    std::string_view category;      ///< one of log_category
    std::string_view event;         ///< a stable name for what happened ("ConnectionEnded", ...)
    std::string_view connection_id; ///< the public id, when the record is about a connection
    std::string_view message;       ///< for people
};

using log_sink = std::function<void(const log_record&)>;

namespace detail {

struct log_state {
    std::atomic<int> minimum{static_cast<int>(log_level::none)};
    std::mutex mutex;
    std::shared_ptr<const log_sink> sink; // replaced whole under the mutex; read by copying the pointer
};

inline log_state& logger() {
    static log_state state;
    return state;
}

} // namespace detail

/// Installs `sink` for records of `minimum` and above (log_level::none, or an empty sink: no logging).
inline void set_log_sink(log_level minimum, log_sink sink) {
    auto& state = detail::logger();
    const bool on = sink && minimum != log_level::none;
    std::lock_guard lock(state.mutex);
    state.sink = on ? std::make_shared<const log_sink>(std::move(sink)) : nullptr;
    state.minimum.store(static_cast<int>(on ? minimum : log_level::none), std::memory_order_release);
}

/// Whether records of `level` go anywhere: check it before building a message.
inline bool log_enabled(log_level level) noexcept {
    return static_cast<int>(level) >= detail::logger().minimum.load(std::memory_order_relaxed) &&
           level != log_level::none;
}

/// Hands a record to the sink (when `level` is enabled). `message` is called for the text only then.
template <class MakeMessage>
void log(log_level level, std::string_view category, std::string_view event, std::string_view connection_id,
         MakeMessage&& message) {
    if (!log_enabled(level)) {
        return;
    }
    std::shared_ptr<const log_sink> sink;
    {
        auto& state = detail::logger();
        std::lock_guard lock(state.mutex);
        sink = state.sink;
    }
    if (!sink) {
        return;
    }
    const std::string text = std::forward<MakeMessage>(message)();
    try {
        (*sink)(log_record{level, category, event, connection_id, text});
    } catch (...) {
        // (a sink must not throw: what it throws is dropped, never passed to the caller)
    }
}

/// A sink writing one line per record to stderr: "level category[connection]: event: message".
inline log_sink stderr_log_sink() {
    return [](const log_record& r) {
        std::string line;
        line.append(to_string(r.level)).append(" ").append(r.category);
        if (!r.connection_id.empty()) {
            line.append("[").append(r.connection_id).append("]");
        }
        line.append(": ").append(r.event).append(": ").append(r.message).append("\n");
        std::fwrite(line.data(), 1, line.size(), stderr);
    };
}

} // namespace signalrpp
