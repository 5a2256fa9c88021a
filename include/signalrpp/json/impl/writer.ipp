#pragma once
// The definitions of writer.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/json/writer.hpp>

namespace signalrpp::json {

SIGNALRPP_DECL bool writer::Null() { return base::Null(); }
SIGNALRPP_DECL bool writer::Bool(bool v) { return base::Bool(v); }
SIGNALRPP_DECL bool writer::Int(int v) { return base::Int(v); }
SIGNALRPP_DECL bool writer::Uint(unsigned v) { return base::Uint(v); }
SIGNALRPP_DECL bool writer::Int64(std::int64_t v) { return base::Int64(v); }
SIGNALRPP_DECL bool writer::Uint64(std::uint64_t v) { return base::Uint64(v); }
SIGNALRPP_DECL bool writer::Double(double v) { return base::Double(v); }

SIGNALRPP_DECL bool writer::RawValue(const char* json, std::size_t length, rapidjson::Type type) {
    return base::RawValue(json, length, type);
}

SIGNALRPP_DECL bool writer::String(const char* text, rapidjson::SizeType length, bool) {
    Prefix(rapidjson::kStringType);
    write_quoted(text, length);
    return EndValue(true);
}

SIGNALRPP_DECL bool writer::StartObject() { return base::StartObject(); }
SIGNALRPP_DECL bool writer::EndObject(rapidjson::SizeType member_count) { return base::EndObject(member_count); }
SIGNALRPP_DECL bool writer::StartArray() { return base::StartArray(); }
SIGNALRPP_DECL bool writer::EndArray(rapidjson::SizeType element_count) { return base::EndArray(element_count); }

} // namespace signalrpp::json
