#pragma once
// signalrpp::json::raw_json: any JSON value, kept as its text. A hub method parameter of this type
// receives the argument untouched (whatever its shape); a result or argument of this type is written
// into the message as it is. The text is always valid JSON: it comes from a parsed value or is checked.

#include <signalrpp/json/serializer.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::json {

class raw_json {
public:
    /// The JSON value null.
    raw_json() : text_("null") {}

    /// `text` if it is one valid JSON value, otherwise nothing.
    static std::optional<raw_json> parse(std::string_view text) {
        document doc;
        doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
        if (doc.HasParseError()) {
            return std::nullopt;
        }
        return raw_json(static_cast<const value&>(doc));
    }

    /// The JSON text of `v`, written compactly.
    explicit raw_json(const value& v) {
        string_output output(text_);
        writer out(output);
        v.Accept(out);
    }

    const std::string& text() const noexcept { return text_; }

    friend bool operator==(const raw_json&, const raw_json&) = default;

private:
    std::string text_;
};

template <>
struct serializer<raw_json> {
    static bool read(const value& in, raw_json& out) {
        out = raw_json(in);
        return true;
    }
    static void write(writer& out, const raw_json& v) {
        out.RawValue(v.text().data(), v.text().size(), rapidjson::kObjectType);
    }
};

} // namespace signalrpp::json
