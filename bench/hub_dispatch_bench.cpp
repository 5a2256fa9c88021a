// Hub protocol throughput on one core, the figures issue 3 names:
//   parse + bind + dispatch of Echo(string) from a ~100-byte invocation, its Completion written
//   (messages arriving one per read, and 64 per read), parsing alone, and writing a Completion alone;
// then each hub protocol through the seam, as a connection runs it (issue 22): its framing cutting 8
// Echo invocations received at once, parse, bind, dispatch and Completion, with a 20-byte and a
// 512-byte string -- the protocols' own work per message, without the system calls and the load
// generator that make the echo benchmark's figures move by 10 % from run to run.
// Counts messages per second of process CPU time; each figure is the median of 5 runs (this machine is
// noisy). Run it pinned to an idle core: taskset -c 1 hub-dispatch-bench [seconds-per-run]
#include <signalrpp/signalrpp.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

namespace {

struct echo_hub {
    std::string echo(std::string s) { return s; }
};
SIGNALRPP_HUB(echo_hub, (echo, "Echo"));

struct null_sink : signalrpp::reflect::invocation_sink {
    explicit null_sink(const signalrpp::protocol::hub_protocol& p = signalrpp::protocol::json_protocol()) : p_(p) {}
    const signalrpp::protocol::hub_protocol& protocol() const noexcept override { return p_; }
    void send(std::string) override {}
    void open_result_stream(std::shared_ptr<signalrpp::reflect::result_stream_state>) override {}
    void open_upload(std::string_view, std::shared_ptr<signalrpp::reflect::upload_channel_base>) override {}

private:
    const signalrpp::protocol::hub_protocol& p_;
};

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Runs `batch()` (which handles `per_batch` messages) for about `seconds` of CPU time; messages per CPU-second.
template <class F>
double rate_once(double seconds, std::size_t per_batch, F& batch) {
    const double start = cpu_seconds();
    std::size_t messages = 0;
    double elapsed = 0;
    do {
        for (int i = 0; i < 256; ++i) {
            batch();
        }
        messages += 256 * per_batch;
        elapsed = cpu_seconds() - start;
    } while (elapsed < seconds);
    return static_cast<double>(messages) / elapsed;
}

// The median of 5 runs.
template <class F>
double rate(double seconds, std::size_t per_batch, F&& batch) {
    std::array<double, 5> runs{};
    for (auto& r : runs) {
        r = rate_once(seconds, per_batch, batch);
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

// Echo invocations with a `size`-byte string through protocol `p` as a connection reads them, 8 per
// read: messages per CPU-second. Checks the last Completion against the protocol's own writing.
double protocol_rate(const signalrpp::protocol::hub_protocol& p, std::size_t size, double seconds) {
    using namespace signalrpp;
    const std::string argument(size, 'x');
    std::string one;
    const auto args = protocol::value_refs(argument);
    p.write_invocation(one, {"1234", "Echo"}, args);
    std::string batch;
    for (int i = 0; i < 8; ++i) {
        batch += one;
    }
    echo_hub hub;
    const std::shared_ptr<reflect::invocation_sink> sink = std::make_shared<null_sink>(p);
    const auto framing = p.make_framing(0);
    protocol::hub_message message;
    protocol::protocol_error error;
    std::string out;
    std::size_t answered = 0;
    const double r = rate(seconds, 8, [&] {
        framing->append(batch);
        char* data = nullptr;
        std::size_t length = 0;
        while (framing->next(data, length) == protocol::message_framing::status::message) {
            if (p.parse(data, length, message, error) != protocol::parse_status::message) {
                std::fprintf(stderr, "hub-dispatch-bench: %s does not parse its own Invocation\n",
                             std::string(p.name()).c_str());
                std::exit(1);
            }
            out.clear();
            (void)reflect::dispatch(hub, reflect::invocation::from(std::get<protocol::invocation_message>(message)),
                                    out, sink);
            ++answered;
        }
    });
    std::string expected;
    p.write_completion_result(expected, "1234", protocol::value_ref(argument));
    if (answered == 0 || out != expected) {
        std::fprintf(stderr, "hub-dispatch-bench: %s: unexpected Completion\n", std::string(p.name()).c_str());
        std::exit(1);
    }
    return r;
}

} // namespace

int main(int argc, char** argv) {
    using namespace signalrpp;
    const double seconds = argc > 1 ? std::atof(argv[1]) : 0.4;

    // A ~100-byte invocation, as the JavaScript client writes it.
    const std::string invocation =
        "{\"type\":1,\"invocationId\":\"1234\",\"target\":\"Echo\",\"arguments\":[\"hello from a bench client, 42 chars\"]}\x1e";
    std::string batch64;
    for (int i = 0; i < 64; ++i) {
        batch64 += invocation;
    }

    echo_hub hub;
    const std::shared_ptr<reflect::invocation_sink> sink = std::make_shared<null_sink>();
    protocol::json_hub_reader reader;
    protocol::hub_message message;
    std::string out;
    std::size_t answered = 0;

    const auto drain = [&](bool dispatch) {
        while (reader.next(message) == protocol::json_hub_reader::status::message) {
            if (dispatch) {
                out.clear();
                (void)reflect::dispatch(hub, reflect::invocation::from(std::get<protocol::invocation_message>(message)),
                                        out, sink);
                answered += out.size();
            }
        }
    };

    const double one = rate(seconds, 1, [&] {
        reader.append(invocation);
        drain(true);
    });
    const double batched = rate(seconds, 64, [&] {
        reader.append(batch64);
        drain(true);
    });
    const double parse_only = rate(seconds, 64, [&] {
        reader.append(batch64);
        drain(false);
    });
    const std::string result = "hello from a bench client, 42 chars";
    const double write_only = rate(seconds, 1, [&] {
        out.clear();
        protocol::write_completion_result(out, "1234", result);
    });
    if (answered == 0 || out != "{\"type\":3,\"invocationId\":\"1234\",\"result\":\"" + result + "\"}\x1e") {
        std::fprintf(stderr, "hub-dispatch-bench: unexpected output: %s\n", out.c_str());
        return 1;
    }

    std::printf("invocation: %zu bytes; Completion: %zu bytes\n", invocation.size(), out.size());
    std::printf("%-52s %12.0f msg/s\n", "parse + bind + dispatch + Completion, 1 per read", one);
    std::printf("%-52s %12.0f msg/s\n", "parse + bind + dispatch + Completion, 64 per read", batched);
    std::printf("%-52s %12.0f msg/s\n", "parse only, 64 per read", parse_only);
    std::printf("%-52s %12.0f msg/s\n", "write Completion only", write_only);
    std::printf("(goals: 1500000 parsed-and-dispatched, 3000000 written, per CPU-second)\n");

    std::printf("\neach protocol through the seam: framing (8 per read) + parse + bind + dispatch + Completion\n");
    for (const std::size_t size : {20, 512}) {
        const double json = protocol_rate(protocol::json_protocol(), size, seconds);
        const double messagepack = protocol_rate(protocol::messagepack_protocol(), size, seconds);
        std::printf("Echo(%3zu-byte string): JSON %10.0f msg/s, MessagePack %10.0f msg/s, MessagePack/JSON %.2f\n",
                    size, json, messagepack, messagepack / json);
    }
    return 0;
}
