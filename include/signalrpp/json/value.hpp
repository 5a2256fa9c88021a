#pragma once
// The JSON vocabulary of signalrpp, all RapidJSON underneath:
// - json::value: a parsed JSON value (read side). Values of a parsed message live as long as its buffer.
// - json::writer: writes JSON text (write side), appending to a std::string (json/writer.hpp).
// signalrpp never sets RapidJSON's configuration macros; set them yourself before including, if you must.

#include <signalrpp/json/writer.hpp>

#include <rapidjson/document.h>

namespace signalrpp::json {

using value = rapidjson::Value;
using document = rapidjson::Document;

/// The name .NET gives a JSON token type in its error texts ("String", "Number", "Array", ...).
inline const char* token_name(const value& v) noexcept {
    switch (v.GetType()) {
    case rapidjson::kNullType: return "Null";
    case rapidjson::kFalseType: return "False";
    case rapidjson::kTrueType: return "True";
    case rapidjson::kObjectType: return "Object";
    case rapidjson::kArrayType: return "Array";
    case rapidjson::kStringType: return "String";
    case rapidjson::kNumberType: return "Number";
    }
    return "None";
}

} // namespace signalrpp::json
