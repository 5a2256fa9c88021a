#pragma once
// spare_buffer<Use>: one string's storage per thread and per use, handed between the connections that
// the thread serves. A connection going idle gives its buffer back (it keeps no memory while idle) and the
// next one that needs a buffer for the same use takes it, so that busy connections do not allocate and
// free a buffer for every message. Buffers larger than `max_kept`, left by a burst, are freed.
// spare_strings<Use>: the same for uses with many buffers in flight at once (messages queued for
// writing), a few strings' storage per thread. spare_vector<T>: a vector's storage, for queues.
// scratch_string<Use>: one string per thread to build in and copy out.

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace signalrpp::detail {

/// Whether `s` holds heap storage (more than the string's own small buffer).
inline bool has_storage(const std::string& s) noexcept {
    return s.capacity() > std::string().capacity();
}

/// Leaves `s` empty and frees its heap storage, if it has any.
inline void release_storage(std::string& s) noexcept {
    if (has_storage(s)) {
        std::string().swap(s);
    } else {
        s.clear();
    }
}

template <class Use>
class spare_buffer {
public:
    static constexpr std::size_t max_kept = 64 * 1024;

    /// Leaves `s` empty and without storage; its storage becomes the spare when it is larger than the
    /// spare's (which is then freed) and not over `max_kept`.
    static void give(std::string& s) noexcept {
        if (!has_storage(s)) {
            s.clear();
            return;
        }
        std::string& spare = slot();
        if (spare.capacity() < s.capacity() && s.capacity() <= max_kept) {
            s.clear();
            spare = std::move(s); // (a move, not a swap: cheaper; s may be left the old spare's storage)
        }
        release_storage(s);
    }

    /// Gives `s`, if it has no storage, the spare's.
    static void take(std::string& s) noexcept {
        std::string& spare = slot();
        if (s.capacity() < spare.capacity() && s.empty()) {
            s = std::move(spare);
        }
    }

private:
    static std::string& slot() noexcept {
        thread_local std::string spare;
        return spare;
    }
};

template <class Use>
class spare_strings {
public:
    static constexpr std::size_t max_count = 16;
    static constexpr std::size_t max_kept = 4096;

    /// Leaves `s` empty; keeps its storage if there is room and it is not over `max_kept` (else `s`
    /// keeps it, to be freed with it).
    static void give(std::string& s) noexcept {
        pool_slots& spare = pool();
        if (spare.count < max_count && has_storage(s) && s.capacity() <= max_kept) {
            s.clear();
            spare.strings[spare.count++] = std::move(s);
        }
        s.clear();
    }

    /// An empty string with the storage of one given before, if any is kept.
    static std::string take() noexcept {
        std::string s;
        take(s);
        return s;
    }

    /// Gives `s`, empty and without storage of its own, the storage of one given before, if any is kept.
    static void take(std::string& s) noexcept {
        pool_slots& spare = pool();
        if (spare.count > 0) {
            s = std::move(spare.strings[--spare.count]);
        }
    }

private:
    struct pool_slots {
        std::array<std::string, max_count> strings;
        std::size_t count = 0;
    };

    static pool_slots& pool() noexcept {
        thread_local pool_slots spare;
        return spare;
    }
};

/// spare_vector<T>: the same for a vector that is empty most of the time (a connection's queue of
/// messages): one vector's storage per thread and element type, of at most `max_kept` elements.
template <class T>
class spare_vector {
public:
    static constexpr std::size_t max_kept = 64;

    /// Leaves `v` empty and without storage; its storage becomes the spare when it is larger than the
    /// spare's and not over `max_kept` elements.
    static void give(std::vector<T>& v) noexcept {
        v.clear();
        if (v.capacity() == 0) {
            return;
        }
        std::vector<T>& spare = slot();
        if (v.capacity() > spare.capacity() && v.capacity() <= max_kept) {
            spare.swap(v);
        }
        std::vector<T>().swap(v);
    }

    /// Gives `v`, if it has no storage, the spare's.
    static void take(std::vector<T>& v) noexcept {
        if (v.capacity() == 0) {
            v.swap(slot());
        }
    }

private:
    static std::vector<T>& slot() noexcept {
        thread_local std::vector<T> spare;
        return spare;
    }
};

/// scratch_string<Use>: a string of the thread's to build something in and copy out, cleared, with the
/// storage of its last use (none kept past `max_kept`). A use while another is under way on the thread
/// gets a string of its own.
template <class Use>
class scratch_string {
public:
    static constexpr std::size_t max_kept = 64 * 1024;

    scratch_string() noexcept {
        state& shared = slot();
        if (!shared.in_use) {
            shared.in_use = true;
            text_ = &shared.text;
            text_->clear();
        }
    }
    ~scratch_string() {
        if (text_ != &own_) {
            if (text_->capacity() > max_kept) {
                release_storage(*text_);
            }
            slot().in_use = false;
        }
    }
    scratch_string(const scratch_string&) = delete;
    scratch_string& operator=(const scratch_string&) = delete;

    std::string& get() noexcept { return *text_; }

private:
    struct state {
        std::string text;
        bool in_use = false;
    };
    static state& slot() noexcept {
        thread_local state shared;
        return shared;
    }

    std::string own_;
    std::string* text_ = &own_;
};

} // namespace signalrpp::detail
