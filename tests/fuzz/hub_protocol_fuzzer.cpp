// libFuzzer target: the JSON hub protocol as a server meets it from the network. The first byte chooses
// what the rest is fed to and in what pieces: the handshake request parser, the client's handshake
// response parser, or the incremental reader (handshake, then messages), whose invocations are also
// dispatched to a hub with parameters of many types, so argument binding is fuzzed too.
// Each record of the input is also parsed both ways a hub message can be read (the envelope scan and
// the whole parse), which must agree.
// Any crash, sanitizer report, hang, unbounded allocation or disagreement is a finding.
#include <signalrpp/signalrpp.hpp>

#include "../protocol/parse_description.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct shape {
    std::string name;
    std::vector<double> points;
    std::optional<std::map<std::string, int>> tags;
};
SIGNALRPP_DEFINE_TYPE(shape, (name, "Name"), points, tags);

struct fuzz_hub {
    std::string echo(std::string s) { return s; }
    int add(int a, std::int64_t b) { return a + static_cast<int>(b); }
    void take(shape, signalrpp::bytes, std::chrono::system_clock::time_point) {}
    std::vector<std::uint8_t> raw(signalrpp::json::raw_json r) { return std::vector<std::uint8_t>(r.text().begin(), r.text().end()); }
    void fail(bool b) {
        if (b) {
            throw signalrpp::hub_exception("fuzz");
        }
    }
    void counter(int n, signalrpp::stream_writer<int> out) {
        for (int i = 0; i < n && i < 3; ++i) {
            out.write(i);
        }
    }
    asio::awaitable<int> upload(signalrpp::stream_reader<int>) { co_return 0; }
};
SIGNALRPP_HUB(fuzz_hub, echo, add, take, raw, fail, counter, upload);

struct null_sink : signalrpp::reflect::invocation_sink {
    const signalrpp::protocol::hub_protocol& protocol() const noexcept override {
        return signalrpp::protocol::json_protocol();
    }
    void send(std::string) override {}
    void open_result_stream(std::shared_ptr<signalrpp::reflect::result_stream_state>) override {}
    void open_upload(std::string_view, std::shared_ptr<signalrpp::reflect::upload_channel_base>) override {}
};

// Touches every view a message holds, as a consumer would.
void walk(const signalrpp::protocol::hub_message& m) {
    using namespace signalrpp::protocol;
    std::visit(
        [](const auto& msg) {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (requires { msg.headers; }) {
                msg.headers.for_each([](std::string_view, std::string_view) {});
                (void)msg.headers.find("traceparent");
            }
            if constexpr (requires { msg.stream_ids; }) {
                for (std::size_t i = 0; i < msg.stream_ids.size(); ++i) {
                    (void)msg.stream_ids[i];
                }
                msg.stream_ids.for_each([](std::string_view) {});
            }
            if constexpr (std::is_same_v<T, stream_item_message>) {
                (void)signalrpp::json::raw_json(*msg.item.json());
            }
            if constexpr (std::is_same_v<T, completion_message>) {
                if (msg.result.present()) {
                    (void)signalrpp::json::raw_json(*msg.result.json());
                }
            }
        },
        m);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace signalrpp::protocol;
    if (size == 0) {
        return 0;
    }
    const unsigned mode = data[0] % 4;
    const std::size_t piece = 1 + data[0] / 4; // 1..64 bytes per append
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

    for (std::string_view rest = input; !rest.empty();) {
        const std::string_view record = rest.substr(0, rest.find(record_separator));
        rest.remove_prefix(std::min(rest.size(), record.size() + 1));
        if (protocol_test::describe_parse(record, protocol_test::parse_way::usual) !=
            protocol_test::describe_parse(record, protocol_test::parse_way::whole)) {
            __builtin_trap();
        }
    }

    if (mode == 0 || mode == 1) {
        std::string text(input);
        signalrpp::json::insitu_document document;
        protocol_error error;
        if (mode == 0) {
            handshake_request request;
            if (parse_handshake_request(text.data(), text.size(), document, request, error)) {
                const hub_protocol* accepted[] = {&json_protocol()};
                (void)choose_protocol(request, accepted, mode == 0);
            }
        } else {
            handshake_response response;
            (void)parse_handshake_response(text.data(), text.size(), document, response, error);
        }
        return 0;
    }

    json_hub_reader reader(mode == 2 ? default_max_message_size : 256);
    fuzz_hub hub;
    const std::shared_ptr<signalrpp::reflect::invocation_sink> sink = std::make_shared<null_sink>();
    std::string out;
    bool handshaken = false;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        reader.append(input.substr(at, piece));
        if (!handshaken) {
            handshake_request request;
            const auto s = reader.next_handshake_request(request);
            if (s == json_hub_reader::status::error) {
                return 0;
            }
            if (s == json_hub_reader::status::incomplete) {
                continue;
            }
            handshaken = true;
        }
        hub_message m;
        json_hub_reader::status s;
        while ((s = reader.next(m)) == json_hub_reader::status::message) {
            walk(m);
            out.clear();
            if (const auto* inv = std::get_if<invocation_message>(&m)) {
                (void)signalrpp::reflect::dispatch(hub, signalrpp::reflect::invocation::from(*inv), out, sink, {true});
            } else if (const auto* sinv = std::get_if<stream_invocation_message>(&m)) {
                (void)signalrpp::reflect::dispatch(hub, signalrpp::reflect::invocation::from(*sinv), out, sink, {true});
            }
        }
        if (s == json_hub_reader::status::error) {
            return 0;
        }
    }
    return 0;
}
