// Serves a hub: maps it, listens on a free port, stops, and checks that a negotiate request made in
// between was answered by the mapped hub. Prints "works" when all went well.
// Usage: server-consumer header-only|separate (the mode it must have been built in: in separate
// compilation the server's functions come from another file, signalrpp-separate's library or the
// single header's SIGNALRPP_IMPLEMENTATION file).
#include <signalrpp/signalrpp.hpp>

#include <asio/connect.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace {

struct greeter_hub {
    std::string greet(std::string name) { return "hello, " + name; }
};
SIGNALRPP_HUB(greeter_hub, (greet, "Greet"));

} // namespace

int main(int argc, char** argv) {
#if defined(SIGNALRPP_SEPARATE_COMPILATION)
    const char* const mode = "separate";
#else
    const char* const mode = "header-only";
#endif
    if (argc != 2 || std::strcmp(argv[1], mode) != 0) {
        std::fprintf(stderr, "server-consumer: built %s, expected %s\n", mode, argc == 2 ? argv[1] : "(none given)");
        return 1;
    }
    asio::io_context io(1);
    signalrpp::server server(io);
    server.map_hub<greeter_hub>("/greeter");
    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::string answer;
    std::thread client([&] {
        asio::io_context client_io;
        asio::ip::tcp::socket socket(client_io);
        socket.connect(bound);
        const std::string request = "POST /greeter/negotiate?negotiateVersion=1 HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Length: 0\r\nConnection: close\r\n\r\n";
        asio::write(socket, asio::buffer(request));
        std::error_code ec;
        asio::read(socket, asio::dynamic_buffer(answer), ec); // until the server closes
        server.stop();
    });
    io.run();
    client.join();
    if (answer.rfind("HTTP/1.1 200", 0) != 0 || answer.find("\"connectionToken\"") == std::string::npos) {
        std::fprintf(stderr, "server-consumer: unexpected negotiate answer:\n%s\n", answer.c_str());
        return 1;
    }
    std::printf("server-consumer: the server (%s) answered negotiate: works\n", mode);
    return 0;
}
