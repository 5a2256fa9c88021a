#pragma once
// json::writer: RapidJSON's writer appending to a std::string (json::string_output), with faster
// strings: characters that need no escape are copied in runs, not one at a time. The text written is
// the same as RapidJSON's: only '"', '\\' and control characters are escaped (\b \t \n \f \r, else
// \u00XX); other characters, non-ASCII included, are written as they are (like ASP.NET Core's relaxed
// escaping).

#include <signalrpp/json/string_output.hpp>
#include <signalrpp/json/string_scan.hpp>

#include <rapidjson/writer.h>

#include <cstddef>
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

    bool String(const char* text, rapidjson::SizeType length, bool = false) {
        Prefix(rapidjson::kStringType);
        write_quoted(text, length);
        return EndValue(true);
    }
    bool String(std::string_view text) { return String(text.data(), static_cast<rapidjson::SizeType>(text.size())); }
    bool String(const char* text) { return String(std::string_view(text)); }

    bool Key(const char* text, rapidjson::SizeType length, bool copy = false) { return String(text, length, copy); }
    bool Key(std::string_view text) { return String(text); }
    bool Key(const char* text) { return String(std::string_view(text)); }

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
