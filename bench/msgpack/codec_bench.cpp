// msgpack-codec-bench: the cost of writing and reading one hub Invocation in MessagePack with signalrpp's
// codec (msgpack::writer / reader and the serializer<T> mappings), and, when the program is built with
// Debian's libmsgpack-cxx-dev (SIGNALRPP_BENCH_MSGPACK_CXX), with msgpack-c's C++ API, for the choice
// between the two (issue 22). Both write the same bytes (checked) and read them back into the same
// struct (checked).
//
// The message: [1, {}, "42", "Send", [item, "a 32-byte string"], []] with
// item = {"Name": "sensor-7", "Count": 3, "Values": [8 doubles], "Data": 64 bytes of bin}.
// Each figure is the median of --runs runs of --messages messages: nanoseconds per message written
// (into a string that keeps its capacity, as a connection's output buffer does) and read (into a struct
// that keeps its capacity, as an argument binder's does not: a fresh one each time).
//
// Usage: msgpack-codec-bench [--messages 200000] [--runs 5]

#include <signalrpp/core/define_type.hpp>
#include <signalrpp/msgpack/mappings.hpp>

#ifdef SIGNALRPP_BENCH_MSGPACK_CXX
#include <msgpack.hpp>
#endif

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

struct item {
    std::string name;
    std::int32_t count = 0;
    std::vector<double> values;
    std::vector<char> data; // bin in both libraries (msgpack-c packs std::vector<char> as bin)
#ifdef SIGNALRPP_BENCH_MSGPACK_CXX
    MSGPACK_DEFINE_MAP(MSGPACK_NVP("Name", name), MSGPACK_NVP("Count", count), MSGPACK_NVP("Values", values),
                       MSGPACK_NVP("Data", data))
#endif
};
SIGNALRPP_DEFINE_TYPE(item, (name, "Name"), (count, "Count"), (values, "Values"), (data, "Data"))

} // namespace bench

namespace signalrpp::msgpack {

// std::vector<char> as bin, as msgpack-c maps it (signalrpp maps signalrpp::bytes so).
template <>
struct serializer<std::vector<char>> {
    static bool read(reader& in, std::vector<char>& out) {
        std::string_view data;
        if (!in.read_binary(data)) {
            return false;
        }
        out.assign(data.begin(), data.end());
        return true;
    }
    static void write(writer& out, const std::vector<char>& v) { out.write_binary({v.data(), v.size()}); }
};

} // namespace signalrpp::msgpack

namespace {

using clock_type = std::chrono::steady_clock;

// Values with fractions: msgpack-c writes a double that is a whole number as an integer (-3.0 as 0xfd),
// where .NET and signalrpp write float64; with fractions both write the same bytes.
const bench::item sample_item{"sensor-7", 3, {1.5, 2.25, -3.5, 4.125, 1e10 + 0.5, -0.5, 6.75, 7.75},
                              std::vector<char>(64, 'z')};
const std::string sample_text(32, 't');

bool same(const bench::item& a, const bench::item& b) {
    return a.name == b.name && a.count == b.count && a.values == b.values && a.data == b.data;
}

// signalrpp: the message, written.
void write_ours(std::string& out) {
    out.clear();
    signalrpp::msgpack::writer w(out);
    w.write_array_header(6);
    w.write_int(1);
    w.write_map_header(0);
    w.write_string("42");
    w.write_string("Send");
    w.write_array_header(2);
    signalrpp::msgpack::write(w, sample_item);
    w.write_string(sample_text);
    w.write_array_header(0);
}

// signalrpp: the message, read: the envelope, then the arguments bound to their types.
bool read_ours(std::string_view data, bench::item& got, std::string& text) {
    signalrpp::msgpack::reader r(data);
    std::size_t n = 0;
    int type = 0;
    std::string_view id;
    std::string_view target;
    if (!r.read_array_header(n) || n != 6 || !r.read_integer(type) || !r.read_map_header(n) || n != 0 ||
        !r.read_string(id) || !r.read_string(target) || !r.read_array_header(n) || n != 2) {
        return false;
    }
    return signalrpp::msgpack::read(r, got) && signalrpp::msgpack::read(r, text) && r.read_array_header(n) && n == 0;
}

#ifdef SIGNALRPP_BENCH_MSGPACK_CXX
struct string_buffer {
    std::string* out;
    void write(const char* data, std::size_t size) { out->append(data, size); }
};

void write_msgpack_cxx(std::string& out) {
    out.clear();
    string_buffer buffer{&out};
    msgpack::packer<string_buffer> p(buffer);
    p.pack_array(6);
    p.pack(1);
    p.pack_map(0);
    p.pack(std::string_view("42"));
    p.pack(std::string_view("Send"));
    p.pack_array(2);
    p.pack(sample_item);
    p.pack(sample_text);
    p.pack_array(0);
}

bool read_msgpack_cxx(std::string_view data, bench::item& got, std::string& text) {
    try {
        const msgpack::object_handle handle = msgpack::unpack(data.data(), data.size());
        const msgpack::object& message = handle.get();
        if (message.type != msgpack::type::ARRAY || message.via.array.size != 6) {
            return false;
        }
        const msgpack::object& arguments = message.via.array.ptr[4];
        if (arguments.type != msgpack::type::ARRAY || arguments.via.array.size != 2) {
            return false;
        }
        arguments.via.array.ptr[0].convert(got);
        arguments.via.array.ptr[1].convert(text);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}
#endif

// Median nanoseconds per call of `body` over `runs` runs of `count` calls.
double median_ns(int runs, std::size_t count, const std::function<void()>& body) {
    std::vector<double> per_call;
    for (int run = 0; run < runs; ++run) {
        const auto start = clock_type::now();
        for (std::size_t i = 0; i < count; ++i) {
            body();
        }
        const std::chrono::duration<double, std::nano> elapsed = clock_type::now() - start;
        per_call.push_back(elapsed.count() / static_cast<double>(count));
    }
    std::sort(per_call.begin(), per_call.end());
    return per_call[per_call.size() / 2];
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "msgpack-codec-bench: %s\n", what);
    std::exit(1);
}

struct codec {
    const char* name;
    void (*write)(std::string&);
    bool (*read)(std::string_view, bench::item&, std::string&);
};

} // namespace

int main(int argc, char** argv) {
    std::size_t messages = 200000;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        if (name == "--messages") {
            messages = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (name == "--runs") {
            runs = std::atoi(argv[i + 1]);
        } else {
            fail("usage: msgpack-codec-bench [--messages N] [--runs R]");
        }
    }
    if (messages == 0 || runs <= 0) {
        fail("--messages and --runs must be positive");
    }

    std::vector<codec> codecs{{"signalrpp", write_ours, read_ours}};
#ifdef SIGNALRPP_BENCH_MSGPACK_CXX
    codecs.push_back({"msgpack-c (C++)", write_msgpack_cxx, read_msgpack_cxx});
#endif

    std::string reference;
    write_ours(reference);
    std::printf("one Invocation of %zu bytes; medians of %d runs of %zu messages\n", reference.size(), runs, messages);
    std::printf("  %-16s %14s %14s\n", "codec", "write ns/msg", "read ns/msg");
    for (const auto& c : codecs) {
        std::string out;
        c.write(out);
        if (out != reference) {
            fail("the codecs write different bytes");
        }
        bench::item got;
        std::string text;
        if (!c.read(reference, got, text) || !same(got, sample_item) || text != sample_text) {
            fail("a codec did not read back what was written");
        }
        const double write_ns = median_ns(runs, messages, [&] { c.write(out); });
        const double read_ns = median_ns(runs, messages, [&] {
            bench::item fresh;
            std::string fresh_text;
            if (!c.read(reference, fresh, fresh_text)) {
                fail("a read failed");
            }
        });
        std::printf("  %-16s %14.1f %14.1f\n", c.name, write_ns, read_ns);
    }
#ifndef SIGNALRPP_BENCH_MSGPACK_CXX
    std::printf("(msgpack-c's column: build with Debian's libmsgpack-cxx-dev installed)\n");
#endif
    return 0;
}
