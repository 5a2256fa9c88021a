#pragma once
// session_registry: the HTTP sessions a server has open, so that stop() can close them. Sessions add
// themselves when they start and remove themselves when destroyed. Thread-safe.

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace signalrpp::hosting {

class closable_session {
public:
    virtual ~closable_session() = default;
    /// Close as soon as no answer is under way (any thread).
    virtual void shutdown() = 0;
};

class session_registry {
public:
    void add(closable_session* s, std::weak_ptr<closable_session> weak) {
        std::lock_guard lock(mutex_);
        sessions_.emplace(s, std::move(weak));
    }

    void remove(closable_session* s) {
        std::lock_guard lock(mutex_);
        sessions_.erase(s);
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return sessions_.size();
    }

    /// Asks every live session to shut down.
    void shutdown_all() {
        std::vector<std::shared_ptr<closable_session>> live;
        {
            std::lock_guard lock(mutex_);
            for (const auto& [raw, weak] : sessions_) {
                if (auto s = weak.lock()) {
                    live.push_back(std::move(s));
                }
            }
        }
        for (const auto& s : live) {
            s->shutdown();
        }
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<closable_session*, std::weak_ptr<closable_session>> sessions_;
};

} // namespace signalrpp::hosting
