// The hub runtime over both hub protocols: a MessagePack client gets everything a JSON client gets, in
// MessagePack; the handshake chooses among hub_options::protocols (and refuses MessagePack over
// Server-Sent Events); a message to many connections is written once per protocol among them.

#include "hub_test_support.hpp"

#include <signalrpp/signalrpp.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace hub_protocols_tests {

struct point {
    int x = 0;
    std::string label;
};
SIGNALRPP_DEFINE_TYPE(point, (x, "x"), (label, "label"));

// An argument that counts how often it is written, in each format (as null / nil).
struct counted_argument {};
std::atomic<int> json_writes{0};
std::atomic<int> msgpack_writes{0};

class protocol_hub : public signalrpp::hub {
public:
    std::string echo(std::string s) { return s; }
    void nothing() {}
    point move(point p, int by) { return {p.x + by, p.label}; }
    int fail() { throw std::runtime_error("no"); }
    void count(int n, signalrpp::stream_writer<int> out) {
        for (int i = 0; i < n; ++i) {
            out.write(i);
        }
    }
    void join(std::string group) { groups().add(context().connection_id(), group); }
    void tell(std::string group, std::string text) { clients().group(group).send("told", text); }
};
SIGNALRPP_HUB(protocol_hub, (echo, "Echo"), (nothing, "Nothing"), (move, "Move"), (fail, "Fail"), (count, "Count"),
              (join, "Join"), (tell, "Tell"));

} // namespace hub_protocols_tests

template <>
struct signalrpp::json::serializer<hub_protocols_tests::counted_argument> {
    static bool read(const value& in, hub_protocols_tests::counted_argument&) { return in.IsNull(); }
    static void write(writer& out, const hub_protocols_tests::counted_argument&) {
        ++hub_protocols_tests::json_writes;
        out.Null();
    }
};

template <>
struct signalrpp::msgpack::serializer<hub_protocols_tests::counted_argument> {
    static bool read(reader& in, hub_protocols_tests::counted_argument&) { return in.read_nil(); }
    static void write(writer& out, const hub_protocols_tests::counted_argument&) {
        ++hub_protocols_tests::msgpack_writes;
        out.write_nil();
    }
};

using namespace hub_protocols_tests;
using hub_test::hub_client;
using hub_test::hub_server;

TEST_CASE("a MessagePack client invokes methods and gets their Completions in MessagePack") {
    HUB_TEST_EACH_CARRIER();
    hub_server<protocol_hub> server(carrier);
    auto c = hub_client::messagepack(server);

    c.send(R"([1,{},"1","Echo",["hi"],[]])");
    CHECK(c.read() == R"([3,{},"1",3,"hi"])");

    c.send(R"([1,{},"2","Nothing",[]])"); // (streamIds omitted, as older clients do)
    CHECK(c.read() == R"([3,{},"2",3,null])");

    c.send(R"([1,{},"3","move",[{"X":1,"label":"p"},41],[]])"); // (any case: method and member names)
    CHECK(c.read() == R"([3,{},"3",3,{"x":42,"label":"p"}])");

    c.send(R"([1,{},"4","Fail",[],[]])");
    CHECK(c.read() == R"([3,{},"4",1,"An unexpected error occurred invoking 'Fail' on the server."])");

    c.send(R"([1,{},"5","Nope",[],[]])");
    CHECK(c.read() == "[3,{},\"5\",1,\"" + signalrpp::reflect::unknown_method_error("Nope") + "\"]");

    c.send(R"([1,{},"6","Echo",[7],[]])");
    CHECK(c.read() == "[3,{},\"6\",1,\"" + signalrpp::reflect::argument_type_error("Echo", false) + "\"]");

    c.send(R"([1,{},null,"Echo",["no answer"],[]])"); // a nil id: no Completion wanted
    c.send(R"([6])");
    c.send(R"([4,{},"7","Count",[3],[]])");
    CHECK(c.read() == R"([2,{},"7",0])");
    CHECK(c.read() == R"([2,{},"7",1])");
    CHECK(c.read() == R"([2,{},"7",2])");
    CHECK(c.read() == R"([3,{},"7",2])");
}

TEST_CASE("a malformed MessagePack message closes that connection with an error; others go on") {
    HUB_TEST_EACH_CARRIER();
    hub_server<protocol_hub> server(carrier);
    auto bad = hub_client::messagepack(server);
    auto good = hub_client::messagepack(server);

    bad.send(R"([1,{},"1",7,[],[]])"); // a target that is not a string
    CHECK(bad.read() == R"([7,"Connection closed with an error.",true])");
    CHECK(bad.closed_by_server());

    good.send(R"([1,{},"1","Echo",["still here"],[]])");
    CHECK(good.read() == R"([3,{},"1",3,"still here"])");
}

TEST_CASE("a group of JSON and MessagePack members gets the same call, each in its own format, written once per "
          "protocol") {
    HUB_TEST_EACH_CARRIER();
    hub_server<protocol_hub> server(carrier);
    hub_client text(server);
    auto binary = hub_client::messagepack(server);
    text.send(R"({"type":1,"invocationId":"1","target":"Join","arguments":["g"]})");
    CHECK(text.read() == R"({"type":3,"invocationId":"1","result":null})");
    binary.send(R"([1,{},"1","Join",["g"],[]])");
    CHECK(binary.read() == R"([3,{},"1",3,null])");

    binary.send(R"([1,{},"2","Tell",["g","hello"],[]])");
    CHECK(text.read() == R"({"type":1,"target":"told","arguments":["hello"]})");
    CHECK(binary.read() == R"([1,{},null,"told",["hello"],[]])");
    CHECK(binary.read() == R"([3,{},"2",3,null])");
}

TEST_CASE("a message to 1,000 connections of both protocols is written exactly twice") {
    hub_server<protocol_hub> server(server_test::carrier::memory);
    std::vector<std::unique_ptr<hub_client>> clients;
    for (int i = 0; i < 1000; ++i) {
        clients.push_back(std::make_unique<hub_client>(server, "/hub", true,
                                                       i % 2 == 0 ? hub_test::wire::json : hub_test::wire::messagepack));
    }
    json_writes = 0;
    msgpack_writes = 0;
    CHECK(server.context.clients().all().send("counted", counted_argument{}) == 1000);
    for (std::size_t i = 0; i < clients.size(); ++i) {
        CHECK(clients[i]->read() == (i % 2 == 0 ? R"({"type":1,"target":"counted","arguments":[null]})"
                                                : R"([1,{},null,"counted",[null],[]])"));
    }
    CHECK(json_writes == 1);
    CHECK(msgpack_writes == 1);
}

TEST_CASE("the handshake accepts only the protocols the hub offers, and no binary one over Server-Sent Events") {
    signalrpp::hub_options json_only;
    json_only.protocols = {&signalrpp::protocol::json_protocol()};
    hub_server<protocol_hub> server(server_test::carrier::memory, json_only);
    hub_client refused(server, "/hub", false);
    refused.send_raw("{\"protocol\":\"messagepack\",\"version\":1}\x1e");
    CHECK(refused.read() == R"({"error":"The protocol 'messagepack' is not supported."})");
    CHECK(refused.closed_by_server());

    hub_server<protocol_hub> both(server_test::carrier::memory);
    hub_client too_new(both, "/hub", false);
    too_new.send_raw("{\"protocol\":\"messagepack\",\"version\":3}\x1e");
    CHECK(too_new.read() == R"({"error":"The server does not support version 3 of the 'messagepack' protocol."})");

    // Over Server-Sent Events, the answer comes as an event.
    server_test::client poster(both.server(), both.via, both.port);
    const auto token = server_test::token_of(poster.request("POST", "/hub/negotiate?negotiateVersion=1").body);
    server_test::client stream(both.server(), both.via, both.port);
    signalrpp::http::fields accept;
    accept.add("Accept", "text/event-stream");
    stream.send_request({"GET", "/hub?id=" + token, 1, accept, {}});
    stream.read_until(":\r\n");
    CHECK(poster.request("POST", "/hub?id=" + token, "{\"protocol\":\"messagepack\",\"version\":1}\x1e").status == 200);
    CHECK(stream.read_until("\r\n\r\n").find(
              "data: {\"error\":\"Cannot use the 'messagepack' protocol on the current transport. The transport does "
              "not support 'Binary' transfer format.\"}") != std::string::npos);
}
