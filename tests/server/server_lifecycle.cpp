// stop(), several threads on one io_context, slow consumers, a flood of malformed input beside
// well-formed clients. stop() and the single-threaded server run over each carrier; the others stay on
// loopback TCP: they are about real sockets (kernel buffers filling up under a slow consumer, many
// sockets opened and dropped at once, many client threads) and the in-memory stream's buffers never fill.
#include <signalrpp/server/server.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace server_test;
using status = ws::frame_reader::status;

TEST_CASE("stop() closes every transport properly and lets run() return", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    running_server server(carrier);
    server.handler->echo = false;
    client websocket(server);
    REQUIRE(websocket.upgrade("/echo").status == 101);

    client negotiator(server);
    const auto lp = token_of(negotiator.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    client poller(server);
    REQUIRE(poller.request("GET", "/echo?id=" + lp).status == 200);
    poller.send_request({"GET", "/echo?id=" + lp, 1, {}, {}});

    const auto sse = token_of(negotiator.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    client stream(server);
    http::fields accept;
    accept.add("Accept", "text/event-stream");
    stream.send_request({"GET", "/echo?id=" + sse, 1, accept, {}});
    stream.read_until(":\r\n\r\n");
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 3; }));

    bool stopped = false; // checked on this thread: Catch2's assertions are not thread-safe
    std::thread stopper([&] { stopped = server.stop(); });
    const auto close = websocket.read_frame();
    CHECK(close.status == status::close);
    CHECK(close.close_code == 1000);
    websocket.send_frame(ws::opcode::close, std::string("\x03\xe8", 2));
    CHECK(poller.read_response().status == 204);
    CHECK(stream.read_until("0\r\n\r\n").find("0\r\n\r\n") != std::string::npos);
    stopper.join();
    CHECK(stopped);
    CHECK(negotiator.closed_by_server()); // the idle kept-alive socket
    CHECK(server.handler->disconnected.size() == 3);
}

TEST_CASE("stop() with an idle server returns at once", "[server]") {
    running_server server;
    const auto start = std::chrono::steady_clock::now();
    CHECK(server.stop());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

TEST_CASE("four threads on one io_context: many WebSocket clients echo in order", "[server]") {
    running_server server({}, {}, 4);
    constexpr int clients = 8;
    constexpr int messages = 200;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&, t] {
            try {
                client c(server.port);
                if (c.upgrade("/echo").status != 101) {
                    ++failures;
                    return;
                }
                for (int i = 0; i < messages; ++i) {
                    c.send_frame(ws::opcode::text, std::to_string(t) + ":" + std::to_string(i));
                }
                for (int i = 0; i < messages; ++i) {
                    if (c.read_frame().payload != std::to_string(t) + ":" + std::to_string(i)) {
                        ++failures;
                    }
                }
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(failures == 0);
    CHECK(server.handler->received.size() == clients * messages);
    CHECK(server.stop());
}

TEST_CASE("a single-threaded server (no strands) serves every transport and stops", "[server]") {
    const auto carrier = GENERATE(each_carrier());
    CAPTURE(carrier);
    signalrpp::server_options options;
    options.single_threaded = true;
    running_server server(carrier, {}, options, 1);
    client ws_client(server);
    REQUIRE(ws_client.upgrade("/echo").status == 101);
    ws_client.send_frame(ws::opcode::text, "one thread");
    CHECK(ws_client.read_frame().payload == "one thread");
    client http_client(server);
    const auto token = token_of(http_client.request("POST", "/echo/negotiate?negotiateVersion=1").body);
    REQUIRE(http_client.request("GET", "/echo?id=" + token).status == 200);
    CHECK(http_client.request("POST", "/echo?id=" + token, "lp").status == 200);
    CHECK(http_client.request("GET", "/echo?id=" + token).body == "lp");
    CHECK(server.stop());
}

TEST_CASE("a slow consumer passing the send limit is aborted; others are not", "[server]") {
    transport::http_connection_options options;
    options.send_limit = 64 * 1024;
    running_server server(options);
    server.handler->echo = false;
    client slow(server.port);
    REQUIRE(slow.upgrade("/echo").status == 101);
    client fine(server.port);
    REQUIRE(fine.upgrade("/echo").status == 101);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 2; }));
    auto find = [&](bool first) { return server.handler->connected[first ? 0 : 1]; };
    // Which connection is which: the first connected is `slow` (connects were sequential).
    const auto slow_conn = find(true);
    const std::string chunk(16 * 1024, 'x');
    bool refused = false;
    for (int i = 0; i < 10000 && !refused; ++i) { // the socket buffers fill, then our queue does
        refused = !slow_conn->send(chunk);
    }
    CHECK(refused);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
    CHECK(server.handler->disconnected[0].second == signalrpp::error::send_buffer_full);
    fine.send_frame(ws::opcode::text, "ok");
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 1; }));
    find(false)->send("still served");
    CHECK(fine.read_frame().payload == "still served");
}

TEST_CASE("a flood of malformed requests and frames does not disturb well-formed clients", "[server]") {
    running_server server({}, {}, 2);
    client good(server.port);
    REQUIRE(good.upgrade("/echo").status == 101);
    std::atomic<bool> flooding{true};
    std::atomic<int> wrong_answers{0};
    std::thread flood([&] {
        const std::vector<std::string> garbage = {
            "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", // a TLS hello
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "POST /echo?id=%zz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            std::string(70000, 'A'),
            "GET /echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        };
        for (int round = 0; round < 20 && flooding; ++round) {
            for (const auto& g : garbage) {
                try {
                    client c(server.port);
                    c.send(g); // and hang up without waiting for the answer
                } catch (const std::exception&) {
                }
            }
            try {
                client c(server.port);
                if (c.upgrade("/echo").status == 101) {
                    c.send(std::string("\x81\x05hello", 7)); // unmasked: the server closes with 1002
                    if (c.read_frame().close_code != 1002) {
                        ++wrong_answers;
                    }
                }
            } catch (const std::exception&) {
            }
        }
    });
    for (int i = 0; i < 200; ++i) {
        good.send_frame(ws::opcode::text, "m" + std::to_string(i));
        REQUIRE(good.read_frame().payload == "m" + std::to_string(i));
        client http_client(server.port);
        if (i % 20 == 0) {
            CHECK(http_client.request("POST", "/echo/negotiate?negotiateVersion=1").status == 200);
        }
    }
    flooding = false;
    flood.join();
    CHECK(wrong_answers == 0);
    good.send_frame(ws::opcode::text, "after");
    CHECK(good.read_frame().payload == "after");
}
