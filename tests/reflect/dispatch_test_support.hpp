#pragma once
// A harness for the dispatcher: feeds it invocations written as wire text, runs whatever it leaves
// pending on an io_context, and records every message sent back, in order.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/json_hub_reader.hpp>
#include <signalrpp/reflect/hub_dispatcher.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dispatch_test {

namespace reflect = signalrpp::reflect;
namespace protocol = signalrpp::protocol;

struct recording_sink : reflect::invocation_sink {
    std::vector<std::string> sent; // each message without its separator
    std::vector<std::shared_ptr<reflect::result_stream_state>> streams;
    std::map<std::string, std::shared_ptr<reflect::upload_channel_base>, std::less<>> uploads;

    const protocol::hub_protocol& protocol() const noexcept override { return protocol::json_protocol(); }
    void send(std::string message) override {
        std::string_view rest = message;
        while (!rest.empty()) {
            const auto end = rest.find('\x1e');
            sent.emplace_back(rest.substr(0, end));
            rest.remove_prefix(end + 1);
        }
    }
    void open_result_stream(std::shared_ptr<reflect::result_stream_state> stream) override {
        streams.push_back(std::move(stream));
    }
    void open_upload(std::string_view id, std::shared_ptr<reflect::upload_channel_base> channel) override {
        uploads.emplace(std::string(id), std::move(channel));
    }
};

/// Dispatches calls to one hub object and collects the answers.
template <class Hub>
struct harness {
    Hub hub{};
    asio::io_context io;
    std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
    reflect::dispatch_options options;
    asio::cancellation_signal* cancel = nullptr; // set: pending work is spawned bound to its slot
    std::vector<std::string> answers; // immediate answers and sink messages, in the order produced

    /// Dispatches each message of `wire` (records separated by 0x1E) and runs pending work to its end.
    std::vector<std::string> run(std::string_view wire, bool run_io = true) {
        dispatch(wire);
        if (run_io) {
            io.run();
            io.restart();
        }
        collect();
        return answers;
    }

    /// Dispatches without running the io_context; pending work is spawned on it.
    void dispatch(std::string_view wire) {
        protocol::json_hub_reader reader;
        reader.append(wire);
        protocol::hub_message m;
        while (reader.next(m) == protocol::json_hub_reader::status::message) {
            std::string out;
            reflect::dispatch_result r;
            const std::shared_ptr<reflect::invocation_sink> base = sink;
            if (const auto* inv = std::get_if<protocol::invocation_message>(&m)) {
                r = reflect::dispatch(hub, reflect::invocation::from(*inv), out, base, options);
            } else if (const auto* sinv = std::get_if<protocol::stream_invocation_message>(&m)) {
                r = reflect::dispatch(hub, reflect::invocation::from(*sinv), out, base, options);
            }
            collect();
            if (!out.empty()) {
                out.pop_back();
                answers.push_back(out);
            }
            if (r.pending && cancel) {
                asio::co_spawn(io, std::move(*r.pending), asio::bind_cancellation_slot(cancel->slot(), asio::detached));
            } else if (r.pending) {
                asio::co_spawn(io, std::move(*r.pending), asio::detached);
            }
        }
    }

    void collect() {
        for (auto& s : sink->sent) {
            answers.push_back(std::move(s));
        }
        sink->sent.clear();
    }
};

/// An Invocation record: {"type":1,"invocationId":id,"target":t,"arguments":args}.
inline std::string call(std::string_view id, std::string_view target, std::string_view arguments) {
    std::string s = "{\"type\":1,";
    if (!id.empty()) {
        s += "\"invocationId\":\"" + std::string(id) + "\",";
    }
    return s + "\"target\":\"" + std::string(target) + "\",\"arguments\":" + std::string(arguments) + "}\x1e";
}

/// The text a Completion with this error has.
inline std::string error_completion(std::string_view id, std::string_view error) {
    return "{\"type\":3,\"invocationId\":\"" + std::string(id) + "\",\"error\":\"" + std::string(error) + "\"}";
}

inline std::string result_completion(std::string_view id, std::string_view result_json) {
    return "{\"type\":3,\"invocationId\":\"" + std::string(id) + "\",\"result\":" + std::string(result_json) + "}";
}

} // namespace dispatch_test
