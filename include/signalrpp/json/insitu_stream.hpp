#pragma once
// json::detail::insitu_stream: RapidJSON's in-situ string stream, knowing where its text ends, so that
// the reader takes the plain runs of a string sixteen bytes at a time (json::plain_prefix) rather than
// one character per step (RapidJSON's own fast path needs RAPIDJSON_SSE2 for the whole program and
// reads aligned blocks past the text). The stream is ours, so the reader's hook for it is specialized
// here without touching any other use of RapidJSON in the program.

#include <signalrpp/json/string_scan.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <cstring>

namespace signalrpp::json::detail {

struct insitu_stream {
    using Ch = char;

    /// The text at [text, end), followed by a NUL at `end`; decoded strings are written over it.
    insitu_stream(char* text, char* end) noexcept : src_(text), dst_(nullptr), head_(text), end_(end) {}

    Ch Peek() const noexcept { return *src_; }
    Ch Take() noexcept { return *src_++; }
    std::size_t Tell() const noexcept { return static_cast<std::size_t>(src_ - head_); }

    void Put(Ch c) noexcept { *dst_++ = c; }
    Ch* PutBegin() noexcept { return dst_ = src_; }
    std::size_t PutEnd(Ch* begin) const noexcept { return static_cast<std::size_t>(dst_ - begin); }
    void Flush() noexcept {}
    Ch* Push(std::size_t count) noexcept {
        Ch* const begin = dst_;
        dst_ += count;
        return begin;
    }
    void Pop(std::size_t count) noexcept { dst_ -= count; }

    /// Moves past the plain characters of a string: skipped where nothing was decoded yet, else moved
    /// down to where the decoded text has got to.
    void take_plain_run() noexcept {
        const std::size_t run = plain_prefix(src_, static_cast<std::size_t>(end_ - src_));
        if (dst_ != src_) {
            std::memmove(dst_, src_, run);
        }
        src_ += run;
        dst_ += run;
    }

    char* src_;
    char* dst_;
    char* head_;
    char* end_;
};

} // namespace signalrpp::json::detail

RAPIDJSON_NAMESPACE_BEGIN

template<>
struct StreamTraits<signalrpp::json::detail::insitu_stream> {
    enum { copyOptimization = 1 };
};

// The reader of insitu_document's GenericDocument calls this at each step of a string, as it does not
// validate the encoding (the document checks UTF-8 itself, before parsing).
template<>
template<>
inline void GenericReader<UTF8<>, UTF8<>, MemoryPoolAllocator<>>::ScanCopyUnescapedString(
    signalrpp::json::detail::insitu_stream& is, signalrpp::json::detail::insitu_stream&) {
    is.take_plain_run();
}

RAPIDJSON_NAMESPACE_END
