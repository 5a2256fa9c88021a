// testhub-server: the server the interop tests (tests/interop/hub_*.mjs) run the official
// @microsoft/signalr client against. A fixed contract, which other checks rely on:
//
//   testhub-server --port N [--threads T]     N = 0: any free port; T threads (default 1)
//
// listens on 127.0.0.1, prints "listening on http://127.0.0.1:PORT" as its first line of standard
// output, and serves until SIGINT or SIGTERM, with detailed errors on and CORS open to localhost:
//   /testhub, /testhub-nowebsockets (Server-Sent Events and long polling only): test_hub below;
//   /echo: a persistent connection echoing every message; /echoredirect...: 307 to the /echo URL;
//   /redirect: negotiate answers with a url to /testhub?numRedirects=N; /bad-negotiate/negotiate: 400;
//   GET /clientresult/{connectionId}: the result of client method "Result" on that connection;
//   /authorizedhub: Echo, for holders of a token from GET /generateJwtToken; /chathub: rooms.

#include <signalrpp/server/jwt_hs256.hpp>
#include <signalrpp/server/server.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// Thrown by ThrowException. Detailed errors name the exception's type, so with this name clients
// read the text ASP.NET Core's test server gives ("... InvalidOperationException: <message>").
struct InvalidOperationException : std::runtime_error {
    using std::runtime_error::runtime_error;
};

namespace testhub {

namespace http = signalrpp::http;

struct custom_object {
    std::string name;
    int value = 0;
};
SIGNALRPP_DEFINE_TYPE(custom_object, (name, "Name"), (value, "Value"));

struct complex_object {
    std::string string;
    std::vector<int> int_array;
    signalrpp::bytes byte_array;
    std::string guid;
    std::chrono::system_clock::time_point date_time;
};
SIGNALRPP_DEFINE_TYPE(complex_object, (string, "String"), (int_array, "IntArray"), (byte_array, "ByteArray"),
                      (guid, "Guid"), (date_time, "DateTime"));

struct test_hub : signalrpp::hub {
    std::string echo(std::string message) { return message; }

    std::string get_caller_connection_id() { return context().connection_id(); }

    int get_num_redirects() {
        const auto n = context().request().query_parameter("numRedirects");
        int value = 0;
        if (n) {
            std::from_chars(n->data(), n->data() + n->size(), value);
        }
        return value;
    }

    void throw_exception(std::string message) { throw InvalidOperationException(message); }

    void invoke_with_string(std::string message) { clients().caller().send("Message", message); }

    void send_custom_object(custom_object object) { clients().caller().send("CustomObject", object); }

    void stream(signalrpp::stream_writer<std::string> out) {
        for (const char* item : {"a", "b", "c"}) {
            out.write(item);
        }
    }

    // Never yields; a cancellation (the client's, or its going away) ends the wait.
    asio::awaitable<void> infinite_stream(signalrpp::stream_writer<std::string>) {
        asio::steady_timer never(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        std::error_code ec;
        co_await never.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        clients().caller().send("StreamCanceled");
    }

    asio::awaitable<std::string> streaming_concat(signalrpp::stream_reader<std::string> parts) {
        std::string all;
        while (auto part = co_await parts.read()) {
            all += *part;
        }
        co_return all;
    }

    void empty_stream(signalrpp::stream_writer<std::string>) {}

    void stream_throw_exception(std::string message, signalrpp::stream_writer<std::string>) {
        throw InvalidOperationException(message);
    }

    std::string get_active_transport_name() {
        switch (context().transport()) {
        case signalrpp::transport::websockets: return "WebSockets";
        case signalrpp::transport::server_sent_events: return "ServerSentEvents";
        default: return "LongPolling";
        }
    }

    complex_object echo_complex_object(complex_object object) { return object; }

    complex_object send_complex_object() {
        complex_object o;
        o.string = "hello world";
        o.int_array = {1, 2, 3};
        o.byte_array = signalrpp::bytes{std::byte{1}, std::byte{2}, std::byte{3}};
        o.guid = "00010203-0405-0607-0706-050403020100";
        o.date_time = std::chrono::sys_days(std::chrono::year(2000) / 1 / 1);
        return o;
    }

    std::optional<std::string> get_header(std::string name) {
        const auto value = context().request().headers.find(name);
        return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
    }

    std::optional<std::string> get_cookie(std::string name) { return context().request().cookie(name); }
};
SIGNALRPP_HUB(test_hub, (echo, "Echo"), (get_caller_connection_id, "GetCallerConnectionId"),
              (get_num_redirects, "GetNumRedirects"), (throw_exception, "ThrowException"),
              (invoke_with_string, "InvokeWithString"), (send_custom_object, "SendCustomObject"),
              (stream, "Stream"), (infinite_stream, "InfiniteStream"), (streaming_concat, "StreamingConcat"),
              (empty_stream, "EmptyStream"), (stream_throw_exception, "StreamThrowException"),
              (get_active_transport_name, "GetActiveTransportName"), (echo_complex_object, "EchoComplexObject"),
              (send_complex_object, "SendComplexObject"), (get_header, "GetHeader"), (get_cookie, "GetCookie"));

struct authorized_hub : signalrpp::hub {
    std::string echo(std::string message) { return message; }
};
SIGNALRPP_HUB(authorized_hub, (echo, "Echo"));

// Rooms: members hear each other; everyone hears broadcasts; a whisper reaches one connection.
// Groups are left on disconnect by the runtime.
struct chat_hub : signalrpp::hub {
    void join_room(std::string room) { groups().add(context().connection_id(), room); }
    void leave_room(std::string room) { groups().remove(context().connection_id(), room); }
    void send_to_room(std::string room, std::string text) {
        clients().others_in_group(room).send("message", context().connection_id(), room, text);
    }
    void broadcast(std::string text) { clients().all().send("broadcast", context().connection_id(), text); }
    void whisper(std::string connection_id, std::string text) {
        clients().client(connection_id).send("whisper", context().connection_id(), text);
    }
};
SIGNALRPP_HUB(chat_hub, (join_room, "JoinRoom"), (leave_room, "LeaveRoom"), (send_to_room, "SendToRoom"),
              (broadcast, "Broadcast"), (whisper, "Whisper"));

// Echoes every message back as it came (text as text, binary as binary).
struct echo_connection : signalrpp::persistent_connection {
    void on_received(std::string_view data, bool binary) { send(data, binary); }
};

// The part of `r`'s target after the route's prefix ("/clientresult/abc" -> "abc").
std::string_view after_prefix(const http::request& r, std::string_view prefix) {
    std::string_view path = r.path().substr(prefix.size());
    while (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    return path;
}

struct command_line {
    unsigned short port = 0;
    int threads = 1;
};

std::optional<command_line> parse(int argc, char** argv) {
    command_line out;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const std::string_view value = argv[i + 1];
        int n = 0;
        if (std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc{} || n < 0) {
            return std::nullopt;
        }
        if (flag == "--port" && n <= 65535) {
            out.port = static_cast<unsigned short>(n);
        } else if (flag == "--threads" && n >= 1) {
            out.threads = n;
        } else {
            return std::nullopt;
        }
    }
    if (argc % 2 == 0) {
        return std::nullopt;
    }
    return out;
}

} // namespace testhub

int main(int argc, char** argv) {
    using namespace testhub;
    const auto args = parse(argc, argv);
    if (!args) {
        std::fprintf(stderr, "usage: testhub-server --port N [--threads T]\n");
        return 2;
    }
    asio::io_context io(args->threads);
    signalrpp::server_options options;
    options.cors.allow_origin_if = signalrpp::hosting::localhost_origin;
    options.cors.allow_credentials = true;
    options.single_threaded = args->threads == 1;
    signalrpp::server server(io, options);

    signalrpp::hub_options hub;
    hub.enable_detailed_errors = true;
    auto test_hub_context = server.map_hub<test_hub>("/testhub", hub);
    signalrpp::hub_options no_websockets = hub;
    no_websockets.http.transports = signalrpp::transport::server_sent_events | signalrpp::transport::long_polling;
    server.map_hub<test_hub>("/testhub-nowebsockets", no_websockets);
    server.map_hub<chat_hub>("/chathub", hub);
    server.map_connection<echo_connection>("/echo");

    const signalrpp::jwt_hs256 jwt(std::string(32, 'k') + "-signalrpp-interop-tests");
    signalrpp::hub_options authorized = hub;
    authorized.http.authenticate = jwt.authenticator();
    server.map_hub<authorized_hub>("/authorizedhub", authorized);
    server.map_http("/generateJwtToken", [jwt](const http::request&) {
        return http::text_response(200, jwt.issue({{std::string(signalrpp::jwt_hs256::name_identifier_claim), "testuser"}},
                                            std::chrono::hours(1)));
    });

    std::atomic<int> redirects{0};
    server.map_http("/redirect", [&redirects](const http::request& r) {
        const auto base = http::query_parameter(r.query(), "baseUrl").value_or("");
        std::string body = R"({"url":")" + base + "/testhub?numRedirects=" + std::to_string(++redirects) + R"("})";
        return http::text_response(200, std::move(body), "application/json");
    });
    server.map_http("/echoredirect", [](const http::request& r) {
        http::response out;
        out.status = 307;
        out.fields.add("Location", "http://" + std::string(r.fields.find("Host").value_or("127.0.0.1")) + "/echo" +
                                       std::string(std::string_view(r.target).substr(std::strlen("/echoredirect"))));
        return out;
    });
    server.map_http("/bad-negotiate", [](const http::request&) { return http::text_response(400, "Some response from server"); });
    server.map_http("/clientresult", [test_hub_context, &io](const http::request& r, signalrpp::http_responder answer) {
        asio::co_spawn(
            io,
            [test_hub_context, answer, id = std::string(after_prefix(r, "/clientresult"))]() -> asio::awaitable<void> {
                try {
                    const int result = co_await test_hub_context.clients().client(id).invoke<int>("Result");
                    answer.respond(http::text_response(200, std::to_string(result)));
                } catch (const std::exception& e) {
                    answer.respond(http::text_response(200, e.what()));
                }
            },
            asio::detached);
    });

    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), args->port));
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(bound.port()));
    std::fflush(stdout);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) { server.stop(); });
    std::vector<std::thread> more;
    for (int i = 1; i < args->threads; ++i) {
        more.emplace_back([&io] { io.run(); });
    }
    io.run();
    for (auto& t : more) {
        t.join();
    }
}
