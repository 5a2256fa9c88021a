#pragma once
// json::insitu_document: parses one JSON text after another, in place (strings are decoded inside the
// text itself), into a document whose memory is reused: a small message needs no heap allocation.
// Parsing is iterative (no recursion however deep the input) and refuses nesting deeper than a limit,
// as System.Text.Json does (64 by default), so later recursive walks of the value stay bounded.

#include <signalrpp/json/value.hpp>

#include <cstddef>
#include <memory>

namespace signalrpp::json {

class insitu_document {
public:
    static constexpr int default_max_depth = 64;

    insitu_document()
        : buffers_(std::make_unique<buffers>()),
          value_allocator_(buffers_->values, sizeof buffers_->values),
          stack_allocator_(buffers_->stack, sizeof buffers_->stack),
          document_(&value_allocator_, stack_capacity, &stack_allocator_) {}

    insitu_document(const insitu_document&) = delete;
    insitu_document& operator=(const insitu_document&) = delete;

    /// Parses the NUL-terminated `text` (modifying it). Text after the first complete value is ignored,
    /// as ASP.NET Core does. False if the text is not JSON, not valid UTF-8, or nested too deeply.
    bool parse(char* text, int max_depth = default_max_depth) {
        if (!depth_within(text, max_depth)) {
            return false;
        }
        document_.SetNull();
        value_allocator_.Clear();
        stack_allocator_.Clear();
        constexpr unsigned flags = rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag |
                                   rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
        document_.ParseInsitu<flags>(text);
        return !document_.HasParseError();
    }

    /// The value parsed last; valid until the next parse() and while its text lives.
    const value& root() const noexcept { return document_; }

private:
    using pool = rapidjson::MemoryPoolAllocator<>;
    static constexpr std::size_t stack_capacity = 1024;

    // Room for the values of a typical message and for the parser's stack, reused by every parse.
    struct buffers {
        alignas(std::max_align_t) char values[8192];
        alignas(std::max_align_t) char stack[stack_capacity * 2];
    };

    // Counts the nesting of arrays and objects outside strings, up to the terminating NUL.
    static bool depth_within(const char* text, int max_depth) noexcept {
        int depth = 0;
        bool in_string = false;
        for (const char* p = text; *p != '\0'; ++p) {
            const char c = *p;
            if (in_string) {
                if (c == '\\') {
                    if (p[1] == '\0') {
                        break;
                    }
                    ++p;
                } else if (c == '"') {
                    in_string = false;
                }
            } else if (c == '"') {
                in_string = true;
            } else if (c == '[' || c == '{') {
                if (++depth > max_depth) {
                    return false;
                }
            } else if (c == ']' || c == '}') {
                --depth;
            }
        }
        return true;
    }

    std::unique_ptr<buffers> buffers_;
    pool value_allocator_;
    pool stack_allocator_;
    rapidjson::GenericDocument<rapidjson::UTF8<>, pool, pool> document_;
};

} // namespace signalrpp::json
