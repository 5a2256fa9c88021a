#include <signalrpp/hub/client_result.hpp>

#include "hub_test_support.hpp"

#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/use_future.hpp>

// Client results: the server invokes a client method and awaits the client's Completion.

namespace client_result_tests {

using hub_test::hub_client;
using hub_test::hub_server;

struct result_hub : signalrpp::hub {
    std::string whoami() { return context().connection_id(); }
    asio::awaitable<std::string> ask(std::string id, int x) {
        try {
            const int answer = co_await clients().client(id).invoke<int>("Double", x);
            co_return std::to_string(answer);
        } catch (const signalrpp::hub_exception& e) {
            co_return std::string("error: ") + e.what();
        }
    }
    asio::awaitable<std::string> ask_caller(int x) { co_return co_await ask(context().connection_id(), x); }
    // Asks the caller while the caller's upload is open, then reads the upload.
    asio::awaitable<std::string> ask_then_read(signalrpp::stream_reader<std::string> items, int x) {
        std::string all = co_await ask_caller(x);
        while (auto item = co_await items.read()) {
            all += ":" + *item;
        }
        co_return all;
    }
    std::string echo(std::string s) { return s; }
    std::string refused_in_on_connected() {
        const auto found = context().items().find("refused");
        return found == context().items().end() ? "" : std::any_cast<std::string>(found->second);
    }
    asio::awaitable<void> on_connected() {
        try {
            co_await clients().caller().invoke<int>("Double", 1);
        } catch (const signalrpp::hub_exception& e) {
            context().items()["refused"] = std::string(e.what());
        }
    }
};
SIGNALRPP_HUB(result_hub, whoami, ask, ask_caller, ask_then_read, echo, refused_in_on_connected);

std::string id_of(hub_client& c) {
    c.send(R"({"type":1,"invocationId":"id","target":"whoami","arguments":[]})");
    auto answer = c.read();
    answer = answer.substr(answer.find("\"result\":\"") + 10);
    answer.resize(answer.size() - 2);
    return answer;
}

// The server's invocation id in `invocation` ("s1"...).
std::string server_id_of(const std::string& invocation) {
    const auto at = invocation.find(R"("invocationId":")") + 16;
    return invocation.substr(at, invocation.find('"', at) - at);
}

} // namespace client_result_tests

using namespace client_result_tests;

TEST_CASE("the caller's result comes back to the method; the connection serves other calls meanwhile") {
    HUB_TEST_EACH_CARRIER();
    hub_server<result_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"ask_caller","arguments":[21]})");
    const auto invocation = c.read();
    const auto id = server_id_of(invocation);
    CHECK(id.rfind('s', 0) == 0); // "s<n>": never one of the client's ids
    CHECK(invocation == R"({"type":1,"invocationId":")" + id + R"(","target":"Double","arguments":[21]})");
    // The awaiting method gave up its slot: another call is answered before the result is in.
    c.send(R"({"type":1,"invocationId":"2","target":"echo","arguments":["meanwhile"]})");
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"meanwhile"})");
    c.send(R"({"type":3,"invocationId":")" + id + R"(","result":42})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"42"})");
}

TEST_CASE("a server's invocation id is never one of the client's upload stream ids") {
    HUB_TEST_EACH_CARRIER();
    hub_server<result_hub> server(carrier);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"ask_caller","arguments":[1]})");
    const auto first = server_id_of(c.read());
    c.send(R"({"type":3,"invocationId":")" + first + R"(","result":2})");
    CHECK(c.read() == R"({"type":3,"invocationId":"1","result":"2"})");

    // The client names its upload after the id the server would take next.
    const auto taken = "s" + std::to_string(std::stoi(first.substr(1)) + 1);
    c.send(R"({"type":1,"invocationId":"2","target":"ask_then_read","arguments":[21],"streamIds":[")" + taken +
           R"("]})");
    const auto invocation = c.read();
    const auto id = server_id_of(invocation);
    CHECK(id != taken);
    CHECK(invocation == R"({"type":1,"invocationId":")" + id + R"(","target":"Double","arguments":[21]})");
    c.send(R"({"type":3,"invocationId":")" + id + R"(","result":42})");
    c.send(R"({"type":2,"invocationId":")" + taken + R"(","item":"a"})");
    c.send(R"({"type":3,"invocationId":")" + taken + R"("})"); // ends the upload, not the client result
    CHECK(c.read() == R"({"type":3,"invocationId":"2","result":"42:a"})");
}

TEST_CASE("another client's result, its error, no result, a wrong type, an unknown connection") {
    HUB_TEST_EACH_CARRIER();
    hub_server<result_hub> server(carrier);
    hub_client asker(server);
    hub_client answerer(server);
    const auto target = id_of(answerer);

    asker.send(R"({"type":1,"invocationId":"1","target":"ask","arguments":[")" + target + R"(",5]})");
    auto id = server_id_of(answerer.read());
    answerer.send(R"({"type":3,"invocationId":")" + id + R"(","result":10})");
    CHECK(asker.read() == R"({"type":3,"invocationId":"1","result":"10"})");

    asker.send(R"({"type":1,"invocationId":"2","target":"ask","arguments":[")" + target + R"(",5]})");
    id = server_id_of(answerer.read());
    answerer.send(R"({"type":3,"invocationId":")" + id + R"(","error":"Client didn't provide a result."})");
    CHECK(asker.read() == R"({"type":3,"invocationId":"2","result":"error: Client didn't provide a result."})");

    // A Completion with neither result nor error, for a method that wants a result.
    asker.send(R"({"type":1,"invocationId":"5","target":"ask","arguments":[")" + target + R"(",5]})");
    id = server_id_of(answerer.read());
    answerer.send(R"({"type":3,"invocationId":")" + id + R"("})");
    CHECK(asker.read() == R"({"type":3,"invocationId":"5","result":"error: Client didn't provide a result."})");

    asker.send(R"({"type":1,"invocationId":"3","target":"ask","arguments":[")" + target + R"(",5]})");
    id = server_id_of(answerer.read());
    answerer.send(R"({"type":3,"invocationId":")" + id + R"(","result":"ten"})");
    CHECK(asker.read() ==
          R"({"type":3,"invocationId":"3","result":"error: Error trying to deserialize result to the expected type."})");

    asker.send(R"({"type":1,"invocationId":"4","target":"ask","arguments":["nobody",5]})");
    CHECK(asker.read() == R"({"type":3,"invocationId":"4","result":"error: Connection 'nobody' does not exist."})");
}

TEST_CASE("a client result fails when the client goes away, and after the timeout") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    o.client_result_timeout = std::chrono::milliseconds(300);
    hub_server<result_hub> server(carrier, o);
    hub_client asker(server);
    std::string target;
    {
        hub_client leaving(server);
        target = id_of(leaving);
        asker.send(R"({"type":1,"invocationId":"1","target":"ask","arguments":[")" + target + R"(",5]})");
        CHECK(leaving.read().find(R"("target":"Double")") != std::string::npos);
    }
    CHECK(asker.read() == R"({"type":3,"invocationId":"1","result":"error: Connection ')" + target + R"(' disconnected."})");

    hub_client silent(server);
    target = id_of(silent);
    asker.send(R"({"type":1,"invocationId":"2","target":"ask","arguments":[")" + target + R"(",5]})");
    CHECK(asker.read() == R"({"type":3,"invocationId":"2","result":"error: Invocation canceled by the server."})");
}

TEST_CASE("client results are refused in on_connected, and work from outside any hub") {
    HUB_TEST_EACH_CARRIER();
    hub_server<result_hub> server(carrier, signalrpp::hub_options{}, 2);
    hub_client c(server);
    c.send(R"({"type":1,"invocationId":"1","target":"refused_in_on_connected","arguments":[]})");
    CHECK(c.read() ==
          R"({"type":3,"invocationId":"1","result":"Client results inside OnConnectedAsync Hub methods are not allowed."})");

    const auto id = id_of(c);
    auto answer = asio::co_spawn(server.io(), server.context.clients().client(id).invoke<int>("Double", 4),
                                 asio::use_future);
    const auto invocation = c.read();
    CHECK(invocation.find(R"("target":"Double","arguments":[4])") != std::string::npos);
    c.send(R"({"type":3,"invocationId":")" + server_id_of(invocation) + R"(","result":8})");
    CHECK(answer.get() == 8);
}
