// libFuzzer target: the MessagePack reader and the type mappings over it. The input is walked value by
// value as a hub message reader would, each value read as what its kind says, then read as a few mapped
// types; traps when a read breaks the reader's promises (a refused read consumes nothing, views stay
// inside the input, skip() and read_raw() agree, what a read returns, written again and read back, is
// the same) or when a mapped value that was read does not write and read back to the same bytes.
#include <signalrpp/core/define_type.hpp>
#include <signalrpp/msgpack/mappings.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fuzzed {

struct item {
    std::string name;
    std::optional<std::int32_t> count;
    std::vector<double> values;
    signalrpp::bytes data;
    std::chrono::system_clock::time_point when;
    std::map<std::string, signalrpp::msgpack::raw_msgpack> extra;
};
SIGNALRPP_DEFINE_TYPE(item, (name, "Name"), (count, "Count"), values, data, when, extra)

} // namespace fuzzed

namespace {

using signalrpp::msgpack::kind;
using signalrpp::msgpack::reader;
using signalrpp::msgpack::writer;

void require(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

bool inside(std::string_view view, std::string_view input) {
    return view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size();
}

// Reads the next scalar, or a container's header, as its kind says; false once the input ends or is bad.
bool read_one(reader& r, std::string_view input) {
    const std::size_t before = r.position();
    std::string again;
    writer w(again);
    bool ok = false;
    switch (r.next_kind()) {
    case kind::end: return false;
    case kind::nil: ok = r.read_nil(); break;
    case kind::boolean: {
        bool b = false;
        ok = r.read_bool(b);
        break;
    }
    case kind::integer: {
        std::int64_t i = 0;
        std::uint64_t u = 0;
        std::int8_t small = 0;
        const bool as_small = r.read_integer(small);
        if (as_small) {
            // Fits in 8 bits: must fit in 64 too; read it again from the same place.
            require(r.position() > before);
            reader again_reader(input.substr(before));
            require(again_reader.read_integer(i) && i == small);
            ok = true;
        } else if (r.read_integer(i)) {
            w.write_int(i);
            reader back(again);
            std::int64_t j = 0;
            require(back.read_integer(j) && j == i);
            ok = true;
        } else {
            ok = r.read_integer(u);
            if (!ok) { // any whole integer fits one of int64 and uint64: this one must be truncated
                reader probe(input.substr(before));
                require(!probe.skip());
            }
        }
        break;
    }
    case kind::float32:
    case kind::float64: {
        double d = 0;
        ok = r.read_double(d);
        break;
    }
    case kind::string:
    case kind::binary: {
        std::string_view s;
        ok = r.next_kind() == kind::string ? r.read_string(s) : r.read_binary(s);
        if (ok) {
            require(inside(s, input));
        }
        break;
    }
    case kind::array:
    case kind::map: {
        std::size_t n = 0;
        ok = r.next_kind() == kind::array ? r.read_array_header(n) : r.read_map_header(n);
        if (ok) {
            require(n <= r.remaining());
        }
        break;
    }
    case kind::extension: {
        std::int64_t s = 0;
        std::uint32_t ns = 0;
        if (r.read_timestamp(s, ns)) {
            require(ns < 1'000'000'000);
            w.write_timestamp(s, ns);
            reader back(again);
            std::int64_t s2 = 0;
            std::uint32_t ns2 = 0;
            require(back.read_timestamp(s2, ns2) && s2 == s && ns2 == ns);
            ok = true;
            break;
        }
        std::int8_t type = 0;
        std::string_view data;
        ok = r.read_extension(type, data);
        if (ok) {
            require(inside(data, input));
        }
        break;
    }
    case kind::invalid: break;
    }
    if (!ok) {
        require(r.position() == before);
    }
    return ok;
}

// If `input` reads as a T, writing it and reading that back gives a T that writes the same bytes.
template <class T>
void round_trip(std::string_view input) {
    T value{};
    if (!signalrpp::msgpack::from_bytes(input, value)) {
        return;
    }
    const std::string written = signalrpp::msgpack::to_bytes(value);
    T again{};
    require(signalrpp::msgpack::from_bytes(written, again));
    require(signalrpp::msgpack::to_bytes(again) == written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Whole values: skip() and read_raw() agree, and a raw value skips as itself.
    reader skipping(input);
    reader raw(input);
    for (;;) {
        const std::size_t before = skipping.position();
        const bool skipped = skipping.skip();
        std::string_view value;
        require(raw.read_raw(value) == skipped);
        if (!skipped) {
            require(skipping.position() == before && raw.position() == before);
            break;
        }
        require(inside(value, input) && value.size() == skipping.position() - before && !value.empty());
        reader alone(value);
        require(alone.skip() && alone.at_end());
    }

    // Value by value, containers entered.
    reader r(input);
    while (read_one(r, input)) {
    }

    round_trip<fuzzed::item>(input);
    round_trip<std::vector<std::optional<std::string>>>(input);
    round_trip<std::map<std::string, std::vector<std::int64_t>>>(input);
    round_trip<signalrpp::msgpack::raw_msgpack>(input);
    return 0;
}
