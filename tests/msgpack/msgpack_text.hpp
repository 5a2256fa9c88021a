#pragma once
// MessagePack values spelled as JSON-like text, for tests that read and write whole hub messages:
// to_msgpack(R"([1,{},"7","Echo",["hi"],[]])") writes that array as MessagePack (integers in their
// smallest encoding, strings as str, null as nil, objects as maps); to_text() reads one value back in
// the same spelling (bin as b"<hex>", an extension as ext(<type>,<hex>), floats with %g).

#include "msgpack_test_support.hpp"

#include <signalrpp/msgpack/reader.hpp>
#include <signalrpp/msgpack/writer.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace msgpack_test {

namespace detail {

inline void write_json_value(signalrpp::msgpack::writer& out, const rapidjson::Value& v) {
    if (v.IsNull()) {
        out.write_nil();
    } else if (v.IsBool()) {
        out.write_bool(v.GetBool());
    } else if (v.IsUint64()) {
        out.write_uint(v.GetUint64());
    } else if (v.IsInt64()) {
        out.write_int(v.GetInt64());
    } else if (v.IsNumber()) {
        out.write_float64(v.GetDouble());
    } else if (v.IsString()) {
        out.write_string({v.GetString(), v.GetStringLength()});
    } else if (v.IsArray()) {
        out.write_array_header(v.Size());
        for (const auto& e : v.GetArray()) {
            write_json_value(out, e);
        }
    } else {
        out.write_map_header(v.MemberCount());
        for (const auto& m : v.GetObject()) {
            out.write_string({m.name.GetString(), m.name.GetStringLength()});
            write_json_value(out, m.value);
        }
    }
}

inline bool append_text(signalrpp::msgpack::reader& in, std::string& out) {
    using signalrpp::msgpack::kind;
    switch (in.next_kind()) {
    case kind::nil: out += "null"; return in.read_nil();
    case kind::boolean: {
        bool b = false;
        if (!in.read_bool(b)) return false;
        out += b ? "true" : "false";
        return true;
    }
    case kind::integer: {
        std::int64_t i = 0;
        if (in.read_integer(i)) {
            out += std::to_string(i);
            return true;
        }
        std::uint64_t u = 0;
        if (!in.read_integer(u)) return false;
        out += std::to_string(u);
        return true;
    }
    case kind::float32:
    case kind::float64: {
        double d = 0;
        if (!in.read_double(d)) return false;
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%g", d);
        out += buffer;
        return true;
    }
    case kind::string: {
        std::string_view s;
        if (!in.read_string(s)) return false;
        out += '"';
        out += s;
        out += '"';
        return true;
    }
    case kind::binary: {
        std::string_view b;
        if (!in.read_binary(b)) return false;
        out += "b\"" + hex(b) + "\"";
        return true;
    }
    case kind::array: {
        std::size_t n = 0;
        if (!in.read_array_header(n)) return false;
        out += '[';
        for (std::size_t i = 0; i < n; ++i) {
            if (i > 0) out += ',';
            if (!append_text(in, out)) return false;
        }
        out += ']';
        return true;
    }
    case kind::map: {
        std::size_t n = 0;
        if (!in.read_map_header(n)) return false;
        out += '{';
        for (std::size_t i = 0; i < n; ++i) {
            if (i > 0) out += ',';
            if (!append_text(in, out)) return false;
            out += ':';
            if (!append_text(in, out)) return false;
        }
        out += '}';
        return true;
    }
    case kind::extension: {
        std::int8_t type = 0;
        std::string_view data;
        if (!in.read_extension(type, data)) return false;
        out += "ext(" + std::to_string(type) + "," + hex(data) + ")";
        return true;
    }
    default: return false;
    }
}

} // namespace detail

/// The MessagePack form of the JSON text `text`.
inline std::string to_msgpack(std::string_view text) {
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError()) {
        throw std::invalid_argument("not JSON: " + std::string(text));
    }
    std::string out;
    signalrpp::msgpack::writer w(out);
    detail::write_json_value(w, d);
    return out;
}

/// The one MessagePack value in `data` as text; throws if `data` is not exactly one value.
inline std::string to_text(std::string_view data) {
    signalrpp::msgpack::reader in(data);
    std::string out;
    if (!detail::append_text(in, out) || !in.at_end()) {
        throw std::invalid_argument("not one MessagePack value: " + hex(data));
    }
    return out;
}

} // namespace msgpack_test
