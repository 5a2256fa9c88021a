#include <signalrpp/hub/hub_clients.hpp>

#include "hub_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>

// Sending to clients by target (all, others, caller, connections, groups, group-except, others in a
// group), groups joined and left, and sending from outside any hub through hub_context.

namespace hub_clients_tests {

using hub_test::hub_client;
using hub_test::hub_server;

struct room_hub : signalrpp::hub {
    std::string whoami() { return context().connection_id(); }
    void join(std::string room) { groups().add(context().connection_id(), room); }
    void leave(std::string room) { groups().remove(context().connection_id(), room); }
    void to_all(std::string text) { clients().all().send("all", text); }
    void to_others(std::string text) { clients().others().send("others", text); }
    void to_caller(std::string text) { clients().caller().send("caller", text); }
    void to_room(std::string room, std::string text) { clients().group(room).send("room", room, text); }
    void to_rooms(std::vector<std::string> rooms, std::string text) { clients().groups(rooms).send("rooms", text); }
    void to_others_in_room(std::string room, std::string text) {
        clients().others_in_group(room).send("others_in_room", text);
    }
    void to_room_except(std::string room, std::vector<std::string> except, std::string text) {
        clients().group_except(room, except).send("room_except", text);
    }
    void to_one(std::string id, std::string text) { clients().client(id).send("one", text); }
    void to_some(std::vector<std::string> ids, std::string text) { clients().clients(ids).send("some", text); }
    void to_all_except(std::vector<std::string> ids, std::string text) { clients().all_except(ids).send("all_except", text); }
    void to_user(std::string user, std::string text) { clients().user(user).send("user", text); }
    void to_users(std::vector<std::string> users, std::string text) { clients().users(users).send("users", text); }
    std::string my_user() { return context().user_id() + "/" + context().user()->claim("role").value_or("-"); }
};
SIGNALRPP_HUB(room_hub, whoami, join, leave, to_all, to_others, to_caller, to_room, to_rooms, to_others_in_room,
              to_room_except, to_one, to_some, to_all_except, to_user, to_users, my_user);

// A client with its connection id.
struct member {
    explicit member(hub_server<room_hub>& server, const std::string& path = "/hub") : client(server, path) {
        client.send(R"({"type":1,"invocationId":"id","target":"whoami","arguments":[]})");
        const auto answer = client.read();
        id = answer.substr(answer.find("\"result\":\"") + 10);
        id.resize(id.size() - 2);
    }
    // Calls `target` with JSON `args` and waits for its Completion.
    void call(const std::string& target, const std::string& args) {
        client.send(R"({"type":1,"invocationId":"c","target":")" + target + R"(","arguments":)" + args + "}");
        CHECK(client.read_skipping_pings() == R"({"type":3,"invocationId":"c","result":null})");
    }
    // Calls `target`, which sends the caller `message` (before the Completion), and checks both.
    void call_receiving(const std::string& target, const std::string& args, const std::string& message,
                        const std::string& message_args) {
        client.send(R"({"type":1,"invocationId":"c","target":")" + target + R"(","arguments":)" + args + "}");
        expect(message, message_args);
        CHECK(client.read_skipping_pings() == R"({"type":3,"invocationId":"c","result":null})");
    }
    // Reads the next message, which must be an invocation of `target` with `args`.
    void expect(const std::string& target, const std::string& args) {
        CHECK(client.read_skipping_pings() == R"({"type":1,"target":")" + target + R"(","arguments":)" + args + "}");
    }
    hub_client client;
    std::string id;
};

// The next message each of `members` reads is the marker, sent to all: proves nothing came before it.
void nothing_else(hub_server<room_hub>& server, std::initializer_list<member*> members) {
    server.context.clients().all().send("marker");
    for (auto* m : members) {
        m->expect("marker", "[]");
    }
}

// An argument that counts how often it is written as JSON (as null).
struct counted_argument {};
std::atomic<int> counted_writes{0};

} // namespace hub_clients_tests

template <>
struct signalrpp::json::serializer<hub_clients_tests::counted_argument> {
    static bool read(const value& in, hub_clients_tests::counted_argument&) { return in.IsNull(); }
    static void write(writer& out, const hub_clients_tests::counted_argument&) {
        ++hub_clients_tests::counted_writes;
        out.Null();
    }
};

using namespace hub_clients_tests;

TEST_CASE("all, others, caller, one connection, some connections, all but some") {
    HUB_TEST_EACH_CARRIER();
    hub_server<room_hub> server(carrier);
    member a(server), b(server), c(server);

    a.client.send(R"({"type":1,"target":"to_all","arguments":["x"]})");
    a.expect("all", R"(["x"])");
    b.expect("all", R"(["x"])");
    c.expect("all", R"(["x"])");

    a.call("to_others", R"(["y"])");
    b.expect("others", R"(["y"])");
    c.expect("others", R"(["y"])");

    b.call_receiving("to_caller", R"(["z"])", "caller", R"(["z"])");

    a.call("to_one", R"([")" + c.id + R"(","1"])");
    c.expect("one", R"(["1"])");

    a.call("to_some", R"([[")" + b.id + R"(",")" + c.id + R"(","unknown"],"2"])");
    b.expect("some", R"(["2"])");
    c.expect("some", R"(["2"])");

    c.call_receiving("to_all_except", R"([[")" + a.id + R"("],"3"])", "all_except", R"(["3"])");
    b.expect("all_except", R"(["3"])");

    nothing_else(server, {&a, &b, &c});
}

TEST_CASE("groups: join (twice is once), send, others in group, group except, several groups, leave") {
    HUB_TEST_EACH_CARRIER();
    hub_server<room_hub> server(carrier);
    member a(server), b(server), c(server);
    a.call("join", R"(["red"])");
    a.call("join", R"(["red"])");
    b.call("join", R"(["red"])");
    c.call("join", R"(["blue"])");
    c.call("leave", R"(["red"])"); // not a member: nothing happens

    c.call("to_room", R"(["red","hello"])");
    a.expect("room", R"(["red","hello"])");
    b.expect("room", R"(["red","hello"])");

    a.call("to_others_in_room", R"(["red","psst"])");
    b.expect("others_in_room", R"(["psst"])");

    c.call("to_room_except", R"(["red",[")" + b.id + R"("],"not b"])");
    a.expect("room_except", R"(["not b"])");

    // Names are case-sensitive; a is in red once, so it gets the message once.
    a.call_receiving("to_rooms", R"([["red","blue","RED"],"both"])", "rooms", R"(["both"])");
    b.expect("rooms", R"(["both"])");
    c.expect("rooms", R"(["both"])");

    b.call("leave", R"(["red"])");
    c.call("to_room", R"(["red","after"])");
    a.expect("room", R"(["red","after"])");
    nothing_else(server, {&a, &b, &c});
}

TEST_CASE("a connection that ends leaves its groups") {
    HUB_TEST_EACH_CARRIER();
    hub_server<room_hub> server(carrier);
    member a(server);
    {
        member b(server);
        b.call("join", R"(["red"])");
        a.call("join", R"(["red"])");
    }
    for (int i = 0; i < 400 && server.context.connection_count() != 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(server.context.connection_count() == 1);
    CHECK(server.context.clients().group("red").send("left") == 1);
    a.expect("left", "[]");
}

TEST_CASE("hub_context sends from outside the hub, from another thread, serialized once for many") {
    HUB_TEST_EACH_CARRIER();
    hub_server<room_hub> server(carrier, signalrpp::hub_options{}, 2);
    member a(server), b(server);
    a.call("join", R"(["news"])");
    std::size_t queued = 0;
    std::thread([&] {
        server.context.groups().add(b.id, "news");
        queued = server.context.clients().group("news").send("headline", std::string("hi"), 42);
    }).join();
    CHECK(queued == 2);
    a.expect("headline", R"(["hi",42])");
    b.expect("headline", R"(["hi",42])");
    counted_writes = 0;
    CHECK(server.context.clients().all().send("counted", counted_argument{}) == 2);
    a.expect("counted", "[null]");
    b.expect("counted", "[null]");
    CHECK(counted_writes == 1); // one message text for both connections
    CHECK(server.context.clients().user("nobody").send("x") == 0);
    CHECK_THROWS_AS(server.context.clients().group(""), std::invalid_argument);
}

TEST_CASE("users: the authenticated user's id and claims, and sends to one user's connections or several users") {
    HUB_TEST_EACH_CARRIER();
    signalrpp::hub_options o;
    // The token is the user id; "nobody" is refused.
    o.http.authenticate = [](const signalrpp::transport::authentication_request& r)
        -> std::optional<signalrpp::transport::user_identity> {
        if (r.access_token.empty() || r.access_token == "nobody") {
            return std::nullopt;
        }
        return signalrpp::transport::user_identity{std::string(r.access_token), {{"role", "member"}}};
    };
    hub_server<room_hub> server(carrier, o);
    CHECK_THROWS(hub_client(server, "/hub?access_token=nobody")); // 401: no upgrade
    member alice1(server, "/hub?access_token=alice"), alice2(server, "/hub?access_token=alice");
    member bob(server, "/hub?access_token=bob");
    bob.client.send(R"({"type":1,"invocationId":"u","target":"my_user","arguments":[]})");
    CHECK(bob.client.read() == R"({"type":3,"invocationId":"u","result":"bob/member"})");

    bob.call("to_user", R"(["alice","for alice"])");
    alice1.expect("user", R"(["for alice"])");
    alice2.expect("user", R"(["for alice"])");

    alice1.call_receiving("to_users", R"([["alice","bob","carol"],"for all of us"])", "users", R"(["for all of us"])");
    alice2.expect("users", R"(["for all of us"])");
    bob.expect("users", R"(["for all of us"])");

    CHECK(server.context.clients().user("bob").send("direct") == 1);
    bob.expect("direct", "[]");
    server.context.clients().all().send("marker");
    for (auto* m : {&alice1, &alice2, &bob}) {
        m->expect("marker", "[]");
    }
}
