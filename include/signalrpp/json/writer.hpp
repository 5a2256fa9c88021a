#pragma once
// json::writer: RapidJSON's writer appending to a std::string (json::string_output), with faster
// strings: characters that need no escape are copied in runs, not one at a time. The text written is
// the same as RapidJSON's: only '"', '\\' and control characters are escaped (\b \t \n \f \r, else
// \u00XX); other characters, non-ASCII included, are written as they are (like ASP.NET Core's relaxed
// escaping).
//
// The writer's value functions shadow RapidJSON's and are defined in impl/writer.ipp: compiled once in
// separate-compilation mode (by <signalrpp/src.hpp>), so a file whose hub takes or returns numbers,
// structs or containers does not compile RapidJSON's number formatting and nesting stack again (compile
// time per hub method: bench/hub_compile_time.py).

#include <signalrpp/json/string_output.hpp>
#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/json/string_scan.hpp>

#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signalrpp::json {

/// Appends `text` as a JSON string, quotes included.
inline void append_quoted(std::string& out, std::string_view text) {
    // Room for the quotes and for the few bytes that usually close the message after its last string.
    constexpr std::size_t tail_room = 16;
    out.reserve(out.size() + text.size() + 2 + tail_room);
    out.push_back('"');
    while (!text.empty()) {
        const std::size_t run = plain_prefix(text.data(), text.size());
        out.append(text.data(), run);
        if (run == text.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(text[run]);
        const char hex[] = "0123456789ABCDEF";
        const char sequence[] = {'\\', detail::escapes[c], '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(sequence, detail::escapes[c] == 'u' ? 6 : 2);
        text.remove_prefix(run + 1);
    }
    out.push_back('"');
}

class writer : public rapidjson::Writer<string_output> {
    using base = rapidjson::Writer<string_output>;

public:
    /// A writer with no output yet: give it one with Reset(output).
    writer() = default;
    explicit writer(string_output& output) : base(output) {}

    SIGNALRPP_DECL bool Null();
    SIGNALRPP_DECL bool Bool(bool v);
    SIGNALRPP_DECL bool Int(int v);
    SIGNALRPP_DECL bool Uint(unsigned v);
    SIGNALRPP_DECL bool Int64(std::int64_t v);
    SIGNALRPP_DECL bool Uint64(std::uint64_t v);
    /// A finite double (RapidJSON writes nothing for NaN and infinities, and returns false).
    SIGNALRPP_DECL bool Double(double v);
    /// JSON text written as it is, as a value of `type`.
    SIGNALRPP_DECL bool RawValue(const char* json, std::size_t length, rapidjson::Type type);

    SIGNALRPP_DECL bool String(const char* text, rapidjson::SizeType length, bool copy = false);
    bool String(std::string_view text) { return String(text.data(), static_cast<rapidjson::SizeType>(text.size())); }
    bool String(const char* text) { return String(std::string_view(text)); }

    bool Key(const char* text, rapidjson::SizeType length, bool copy = false) { return String(text, length, copy); }
    bool Key(std::string_view text) { return String(text); }
    bool Key(const char* text) { return String(std::string_view(text)); }

    SIGNALRPP_DECL bool StartObject();
    SIGNALRPP_DECL bool EndObject(rapidjson::SizeType member_count = 0);
    SIGNALRPP_DECL bool StartArray();
    SIGNALRPP_DECL bool EndArray(rapidjson::SizeType element_count = 0);

private:
    void write_quoted(const char* text, std::size_t length) { append_quoted(os_->target(), {text, length}); }
};

/// A writer for `output` that reuses this thread's writer (and the memory it keeps) when that one is
/// free, and makes a new one when it is busy further up the stack. Hot paths (messages) use this.
class writer_lease {
public:
    explicit writer_lease(string_output& output) {
        if (!in_use()) {
            in_use() = true;
            leased_ = true;
            writer_ = &cached();
            writer_->Reset(output);
        } else {
            writer_ = &own_.emplace(output);
        }
    }
    writer_lease(const writer_lease&) = delete;
    writer_lease& operator=(const writer_lease&) = delete;
    ~writer_lease() {
        if (leased_) {
            in_use() = false;
        }
    }

    writer& get() noexcept { return *writer_; }

private:
    static writer& cached() {
        thread_local writer w;
        return w;
    }
    static bool& in_use() {
        thread_local bool busy = false;
        return busy;
    }

    writer* writer_ = nullptr;
    bool leased_ = false;
    std::optional<writer> own_;
};

} // namespace signalrpp::json

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#include <signalrpp/json/impl/writer.ipp>
#endif
