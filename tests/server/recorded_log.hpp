#pragma once
// recorded_log: what the server logs while a test runs (the logging hook, set_log_sink), kept for the
// test to check: the records of an event, or whether a message says something. One at a time: it
// installs the program's sink and removes it when it goes.

#include <signalrpp/core/log.hpp>

#include <algorithm>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace server_test {

class recorded_log {
public:
    struct entry {
        signalrpp::log_level level;
        std::string category, event, connection_id, message;
    };

    explicit recorded_log(signalrpp::log_level minimum = signalrpp::log_level::trace) {
        signalrpp::set_log_sink(minimum, [this](const signalrpp::log_record& r) {
            std::lock_guard lock(mutex_);
            entries_.push_back({r.level, std::string(r.category), std::string(r.event), std::string(r.connection_id),
                                std::string(r.message)});
        });
    }
    ~recorded_log() { signalrpp::set_log_sink(signalrpp::log_level::none, nullptr); }
    recorded_log(const recorded_log&) = delete;
    recorded_log& operator=(const recorded_log&) = delete;

    /// The records of `event`, in the order logged.
    std::vector<entry> of(std::string_view event) {
        std::lock_guard lock(mutex_);
        std::vector<entry> out;
        std::copy_if(entries_.begin(), entries_.end(), std::back_inserter(out), [&](const entry& e) { return e.event == event; });
        return out;
    }

    /// Whether some record's message contains `text`.
    bool has(std::string_view text) {
        std::lock_guard lock(mutex_);
        return std::any_of(entries_.begin(), entries_.end(),
                           [&](const entry& e) { return e.message.find(text) != std::string::npos; });
    }

private:
    std::mutex mutex_;
    std::vector<entry> entries_;
};

} // namespace server_test
