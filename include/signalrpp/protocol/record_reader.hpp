#pragma once
// record_reader: the text protocols' framing. Each record (a handshake or a JSON hub message) ends with
// the record separator 0x1E. Bytes arrive in pieces of any size; the reader keeps them and hands out one
// whole record at a time, in place and NUL-terminated (the separator is overwritten), ready for an
// in-situ JSON parse. A record must fit, separator included, in `max_record_size` bytes (0: no limit);
// a record that cannot fit is reported as soon as the limit's worth of bytes is there, without waiting
// for its end, so a peer cannot make the reader grow by more than the limit plus one appended piece.
//
// Bytes the caller may let the reader change (a WebSocket message just unmasked) can be lent rather
// than appended: the whole records in them are handed out where they are, without a copy, and only
// what is left over (the start of a record) is copied in, by keep_lent(), before the bytes go away.

#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/protocol/detail/drop_handed_out.hpp>
#include <signalrpp/protocol/detail/lent_bytes.hpp>

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace signalrpp::protocol {

inline constexpr char record_separator = '\x1e';

class record_reader {
public:
    enum class status {
        record,     ///< a whole record was handed out
        incomplete, ///< no whole record yet: append more
        too_large,  ///< the next record is longer than the limit: the connection must end
    };

    explicit record_reader(std::size_t max_record_size = 0) noexcept : max_record_size_(max_record_size) {}

    /// Adds received bytes (copied). Invalidates the record handed out last.
    void append(std::string_view bytes) {
        keep_lent();
        compact();
        signalrpp::detail::spare_buffer<record_reader>::take(buffer_);
        buffer_.append(bytes);
    }

    /// Adds received bytes without copying them, when nothing is buffered before them (else they are
    /// appended): next() hands out the records in them in place, writing their NULs there. Call
    /// keep_lent() before the bytes go away. Invalidates the record handed out last.
    void lend(std::span<char> bytes) {
        keep_lent();
        compact();
        lent_.lend_or_append(buffer_, bytes);
    }

    /// Copies what is left of the lent bytes (unread, or a record's start) into the reader's buffer.
    void keep_lent() {
        if (lending()) {
            scanned_ = 0;
            const std::span<char> rest = lent_.end();
            if (!rest.empty()) {
                append({rest.data(), rest.size()});
            }
        }
    }

    /// The next whole record: `text` points at it (NUL-terminated, `size` bytes without the separator).
    /// Valid until the next call to append() or next(), or until lent bytes it is in go away.
    status next(char*& text, std::size_t& size) {
        if (lending()) {
            return next_lent(text, size);
        }
        compact();
        const std::size_t available = buffer_.size() - start_;
        const std::size_t window = max_record_size_ == 0 || available < max_record_size_ ? available : max_record_size_;
        char* begin = buffer_.data() + start_;
        // The search resumes where the last one stopped: a record arriving a byte at a time costs
        // linear work, not quadratic.
        const std::size_t from = scanned_ < window ? scanned_ : window;
        auto* end = static_cast<char*>(std::memchr(begin + from, record_separator, window - from));
        if (end == nullptr) {
            scanned_ = window;
            return max_record_size_ != 0 && available >= max_record_size_ ? status::too_large : status::incomplete;
        }
        scanned_ = 0;
        *end = '\0';
        text = begin;
        size = static_cast<std::size_t>(end - begin);
        handed_out_ = size + 1;
        return status::record;
    }

    /// Bytes received and not yet handed out as part of a record.
    std::size_t buffered() const noexcept {
        return buffer_.size() - start_ - handed_out_ + lent_.rest().size();
    }

    std::size_t max_record_size() const noexcept { return max_record_size_; }

    /// Whether records are handed out of lent bytes (from lend() to keep_lent()).
    bool lending() const noexcept { return lent_.lending(); }

    /// The bytes received and not yet handed out, taken out of the reader, which is left empty.
    std::string take_buffered() {
        keep_lent();
        compact();
        scanned_ = 0;
        return detail::take_unread(buffer_, start_);
    }

    /// Gives the buffer's memory back (to the thread's spare) when nothing is buffered: an idle
    /// connection holds none.
    void release_memory() {
        compact();
        if (buffer_.empty()) {
            signalrpp::detail::spare_buffer<record_reader>::give(buffer_);
        }
    }

private:
    // next() over lent bytes (the buffer is empty meanwhile). A record not whole in them is moved to the
    // buffer, to be completed by the next bytes.
    status next_lent(char*& text, std::size_t& size) {
        const std::span<char> lent = lent_.rest();
        const std::size_t window = max_record_size_ == 0 || lent.size() < max_record_size_ ? lent.size()
                                                                                            : max_record_size_;
        auto* end = static_cast<char*>(std::memchr(lent.data(), record_separator, window));
        if (end == nullptr) {
            if (max_record_size_ != 0 && lent.size() >= max_record_size_) {
                return status::too_large;
            }
            keep_lent();
            scanned_ = buffer_.size(); // (all searched)
            return status::incomplete;
        }
        *end = '\0';
        text = lent.data();
        size = static_cast<std::size_t>(end - text);
        lent_.consume(size + 1);
        return status::record;
    }

    // Drops the record handed out last. (scanned_ counts from start_, which only moves past a record
    // handed out, when it is reset.)
    void compact() { detail::drop_handed_out(buffer_, start_, handed_out_); }

    std::string buffer_;
    std::size_t start_ = 0;      // where unread bytes begin
    std::size_t handed_out_ = 0; // length (with separator) of the record handed out last
    std::size_t scanned_ = 0;    // bytes from start_ already searched for a separator
    std::size_t max_record_size_;
    detail::lent_bytes lent_;
};

} // namespace signalrpp::protocol
