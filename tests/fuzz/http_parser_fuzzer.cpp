// libFuzzer target: the HTTP/1.1 parser as a server (requests) and a client (responses) meet it.
// The first byte chooses the role, the piece size (1..64) and tight or default limits; the rest is fed
// as a transport would, with unused bytes kept. Any crash, sanitizer report or hang is a finding.
#include <signalrpp/http/parser.hpp>
#include <signalrpp/websocket/handshake.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

template <class Parser, class OnMessage>
void feed(std::string_view input, std::size_t piece, Parser& parser, OnMessage on_message) {
    std::string buffer;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        buffer.append(input.substr(at, piece));
        for (;;) {
            typename Parser::status s;
            const std::size_t used = parser.parse(buffer, s);
            if (used > buffer.size()) {
                __builtin_trap(); // the parser may never claim more than it was given
            }
            buffer.erase(0, used);
            if (s == Parser::status::done) {
                on_message(parser.message());
                continue;
            }
            if (s == Parser::status::error) {
                return;
            }
            break;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace signalrpp;
    if (size == 0) {
        return 0;
    }
    const bool response_role = (data[0] & 1) != 0;
    const bool tight = (data[0] & 2) != 0;
    const std::size_t piece = 1 + (data[0] >> 2);
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    http::parser_limits limits;
    if (tight) {
        limits = {64, 256, 4, 100};
    }
    if (response_role) {
        http::response_parser parser(limits);
        parser.set_request_method((data[0] & 0x80) ? "HEAD" : "GET");
        feed(input, piece, parser, [](const http::response& r) { (void)r.fields.find("Content-Type"); });
        parser.finish_at_eof();
    } else {
        http::request_parser parser(limits);
        feed(input, piece, parser, [](const http::request& r) {
            (void)r.path();
            (void)r.query();
            (void)http::keep_alive(r);
            if (websocket::is_upgrade_request(r) && !websocket::check_upgrade_request(r)) {
                (void)websocket::accept_response(r);
            }
        });
    }
    return 0;
}
