#pragma once
// Bytes lent to a framing reader (record_reader::lend, length_prefixed_reader::lend): received bytes
// the caller lets the reader change, whose whole records or messages the reader hands out where they
// are. Lending starts only when the reader's own buffer is empty (bytes behind buffered ones join
// them, in order), and ends with the unread rest, which the reader copies in before the bytes go away.

#include <cstddef>
#include <span>
#include <string>
#include <utility>

namespace signalrpp::protocol::detail {

class lent_bytes {
public:
    /// Lends `bytes` if `buffer` is empty, else appends them to it.
    void lend_or_append(std::string& buffer, std::span<char> bytes) {
        if (buffer.empty()) {
            rest_ = bytes; // (lending: null bytes are none to lend)
        } else {
            buffer.append(bytes.data(), bytes.size());
        }
    }

    /// From lend_or_append() lending to end().
    bool lending() const noexcept { return rest_.data() != nullptr; }

    /// The lent bytes not read yet.
    std::span<char> rest() const noexcept { return rest_; }

    /// Marks the first `size` bytes of the rest read.
    void consume(std::size_t size) noexcept { rest_ = rest_.subspan(size); }

    /// Ends lending: the bytes not read, for the reader to copy in (none when it was not lending).
    std::span<char> end() noexcept { return std::exchange(rest_, {}); }

private:
    std::span<char> rest_;
};

} // namespace signalrpp::protocol::detail
