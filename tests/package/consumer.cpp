// The program every packaging test builds: it proves the library's headers were found and work,
// whichever way the consumer project got them, by defining a hub and calling it as a client would.
// Usage: consumer EXPECTED_VERSION
#include <signalrpp/signalrpp.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace {

struct greeter_hub {
    std::string greet(std::string name) { return "hello, " + name; }
};
SIGNALRPP_HUB(greeter_hub, (greet, "Greet"));

struct no_sink : signalrpp::reflect::invocation_sink {
    const signalrpp::protocol::hub_protocol& protocol() const noexcept override {
        return signalrpp::protocol::json_protocol();
    }
    void send(std::string) override {}
    void open_result_stream(std::shared_ptr<signalrpp::reflect::result_stream_state>) override {}
    void open_upload(std::string_view, std::shared_ptr<signalrpp::reflect::upload_channel_base>) override {}
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: consumer EXPECTED_VERSION\n");
        return 2;
    }
    if (std::strcmp(signalrpp::version_string(), argv[1]) != 0) {
        std::fprintf(stderr, "consumer: headers say version %s, expected %s\n", signalrpp::version_string(), argv[1]);
        return 1;
    }
    using namespace signalrpp;
    // An invocation read as a connection reads it: the JSON protocol's framing, then its parser.
    const protocol::hub_protocol& json = protocol::json_protocol();
    const auto framing = json.make_framing(32 * 1024);
    framing->append("{\"type\":1,\"invocationId\":\"1\",\"target\":\"greet\",\"arguments\":[\"consumer\"]}\x1e");
    char* data = nullptr;
    std::size_t size = 0;
    protocol::hub_message message;
    protocol::protocol_error error;
    if (framing->next(data, size) != protocol::message_framing::status::message ||
        json.parse(data, size, message, error) != protocol::parse_status::message) {
        std::fprintf(stderr, "consumer: could not read the invocation: %s\n", error.message.c_str());
        return 1;
    }
    greeter_hub hub;
    std::string answer;
    const std::shared_ptr<reflect::invocation_sink> sink = std::make_shared<no_sink>();
    (void)reflect::dispatch(hub, reflect::invocation::from(std::get<protocol::invocation_message>(message)), answer, sink);
    const std::string expected = "{\"type\":3,\"invocationId\":\"1\",\"result\":\"hello, consumer\"}\x1e";
    if (answer != expected) {
        std::fprintf(stderr, "consumer: unexpected answer: %s\n", answer.c_str());
        return 1;
    }
    std::printf("consumer: signalrpp %s works (a hub answered: hello, consumer)\n", signalrpp::version_string());
    return 0;
}
