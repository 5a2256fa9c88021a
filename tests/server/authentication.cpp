// Endpoint authentication through a real server: every request of a path with an authenticator is
// authenticated (negotiate, WebSocket, event stream, polls, sends, DELETE), refusals are 401 with
// WWW-Authenticate: Bearer and no body, and the identity reaches the connection's request().user.
#include <signalrpp/transport/authentication.hpp>

#include <signalrpp/server/jwt_hs256.hpp>

#include "server_test_support.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace server_test;

namespace {

// Accepts the tokens "alice" and "bob" (the token is the user id), refuses everything else.
std::optional<transport::user_identity> accept_known(const transport::authentication_request& r) {
    if (r.access_token != "alice" && r.access_token != "bob") {
        return std::nullopt;
    }
    return transport::user_identity{std::string(r.access_token),
                                    {{"name", std::string(r.access_token)}, {"path", std::string(r.request.path())}}};
}

transport::http_connection_options authenticated_options() {
    transport::http_connection_options options;
    options.authenticate = accept_known;
    return options;
}

http::fields bearer(const std::string& token) {
    http::fields f;
    f.add("Authorization", "Bearer " + token);
    return f;
}

void check_unauthorized(const http::response& r) {
    CHECK(r.status == 401);
    CHECK(r.body.empty());
    CHECK(r.fields.find("WWW-Authenticate") == "Bearer");
    CHECK_FALSE(r.fields.contains("Content-Type"));
    CHECK(r.fields.find("Content-Length") == "0");
}

// Negotiates (version 1) with a bearer token; the connection token.
std::string negotiate_as(client& c, const std::string& user) {
    const auto r = c.request("POST", "/echo/negotiate?negotiateVersion=1", {}, bearer(user));
    REQUIRE(r.status == 200);
    return token_of(r.body);
}

} // namespace

TEST_CASE("negotiate without a token, or with a refused one, is 401 with no body and makes no connection",
          "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    check_unauthorized(c.request("POST", "/echo/negotiate?negotiateVersion=1"));
    check_unauthorized(c.request("POST", "/echo/negotiate?negotiateVersion=1", {}, bearer("mallory")));
    check_unauthorized(c.request("POST", "/echo/negotiate?negotiateVersion=1&access_token=mallory"));
    CHECK(server.server().connections().size() == 0);
    // The session goes on after a refusal (keep-alive).
    CHECK(c.request("POST", "/echo/negotiate?negotiateVersion=1", {}, bearer("alice")).status == 200);
}

TEST_CASE("negotiate with an accepted bearer token or access_token answers 200", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    auto r = c.request("POST", "/echo/negotiate?negotiateVersion=1", {}, bearer("alice"));
    CHECK(r.status == 200);
    CHECK(server.server().connections().find(token_of(r.body)) != nullptr);
    r = c.request("POST", "/echo/negotiate?negotiateVersion=1&access_token=bob");
    CHECK(r.status == 200);
    CHECK(server.server().connections().size() == 2);
}

TEST_CASE("a WebSocket with access_token in the query opens; its connection knows the user", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    REQUIRE(c.upgrade("/echo?access_token=alice").status == 101);
    const auto conn = first_connection(server);
    REQUIRE(conn->request().user);
    CHECK(conn->request().user->user_id == "alice");
    CHECK(conn->request().user->claim("name") == "alice");
    CHECK(conn->request().user->claim("path") == "/echo");
    c.send_frame(ws::opcode::text, "hi");
    CHECK(c.read_frame().payload == "hi");
}

TEST_CASE("a negotiated WebSocket is authenticated again, by its own token", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    const auto token = negotiate_as(c, "alice");
    check_unauthorized(c.upgrade("/echo?id=" + token));
    check_unauthorized(c.upgrade("/echo?id=" + token + "&access_token=mallory"));
    CHECK(server.handler->connected_count() == 0);
    REQUIRE(c.upgrade("/echo?id=" + token + "&access_token=bob").status == 101);
    CHECK(first_connection(server)->request().user->user_id == "bob"); // the request that opened the transport
}

TEST_CASE("a WebSocket upgrade without a token is 401 and makes no connection", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    check_unauthorized(c.upgrade("/echo"));
    CHECK(server.server().connections().size() == 0);
}

TEST_CASE("an event stream opened with access_token keeps the user; without one it is 401", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    const auto token = negotiate_as(c, "alice");
    http::fields accept;
    accept.add("Accept", "text/event-stream");
    check_unauthorized(c.request("GET", "/echo?id=" + token, {}, accept));
    CHECK(server.handler->connected_count() == 0);
    open_event_stream(c, token + "&access_token=alice");
    const auto conn = first_connection(server);
    REQUIRE(conn->request().user);
    CHECK(conn->request().user->user_id == "alice");
}

TEST_CASE("long polling: polls, sends and DELETE are each authenticated", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    const auto token = negotiate_as(c, "alice");
    const std::string target = "/echo?id=" + token;

    check_unauthorized(c.request("GET", target)); // a first poll without a token starts nothing
    CHECK(server.handler->connected_count() == 0);
    REQUIRE(c.request("GET", target, {}, bearer("alice")).status == 200);
    const auto conn = first_connection(server);
    REQUIRE(conn->request().user);
    CHECK(conn->request().user->user_id == "alice");

    check_unauthorized(c.request("GET", target, {}, bearer("mallory")));
    check_unauthorized(c.request("POST", target, "sneaky\x1e", bearer("mallory")));
    check_unauthorized(c.request("POST", target + "&access_token=mallory", "sneaky\x1e"));
    check_unauthorized(c.request("DELETE", target, {}, bearer("mallory")));
    check_unauthorized(c.request("DELETE", target));
    CHECK_FALSE(conn->ended());

    REQUIRE(c.request("POST", target, "one\x1e", bearer("alice")).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 1; }));
    CHECK(server.handler->received[0] == "one\x1e"); // the refused send never arrived
    CHECK(c.request("DELETE", target, {}, bearer("alice")).status == 202);
    REQUIRE(server.handler->wait([&] { return server.handler->disconnected.size() == 1; }));
}

TEST_CASE("refusals come before the dispatcher's own answers; methods the path does not serve are 405",
          "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    check_unauthorized(c.request("GET", "/echo?id=nonexistent")); // not 404: who asks is not known
    check_unauthorized(c.request("POST", "/echo"));               // not 400
    CHECK(c.request("PUT", "/echo").status == 405);
    CHECK(c.request("GET", "/echo/negotiate").status == 405);
    CHECK(c.request("GET", "/echo?id=nonexistent", {}, bearer("alice")).status == 404);
}

TEST_CASE("a path without an authenticator serves everyone and keeps no user", "[server]") {
    running_server server;
    client c(server.port);
    REQUIRE(c.request("POST", "/echo/negotiate?negotiateVersion=1").status == 200);
    REQUIRE(c.upgrade("/echo?access_token=alice").status == 101);
    const auto conn = first_connection(server);
    CHECK_FALSE(conn->request().user);
    CHECK(conn->request().query_parameter("access_token") == "alice");
}

TEST_CASE("CORS preflights are answered without authentication; refusals carry the CORS fields", "[server]") {
    signalrpp::server_options options;
    options.cors.allowed_origins = {"http://good.example"};
    running_server server(authenticated_options(), options);
    client c(server.port);
    http::fields f;
    f.add("Origin", "http://good.example");
    f.add("Access-Control-Request-Method", "POST");
    f.add("Access-Control-Request-Headers", "authorization");
    auto r = c.request("OPTIONS", "/echo/negotiate", {}, f);
    CHECK(r.status == 204);
    CHECK(r.fields.find("Access-Control-Allow-Origin") == "http://good.example");
    CHECK(r.fields.find("Access-Control-Allow-Headers") == "authorization");
    http::fields origin;
    origin.add("Origin", "http://good.example");
    r = c.request("POST", "/echo/negotiate", {}, origin);
    check_unauthorized(r);
    CHECK(r.fields.find("Access-Control-Allow-Origin") == "http://good.example"); // so the page can read the 401
}

TEST_CASE("the authenticator sees the token and the request; one that throws gives 500", "[server]") {
    transport::http_connection_options options;
    options.authenticate = [](const transport::authentication_request& r) -> std::optional<transport::user_identity> {
        if (r.request.fields.contains("X-Throw")) {
            throw std::runtime_error("broken");
        }
        return transport::user_identity{"id:" + std::string(r.access_token), {}};
    };
    running_server server(options);
    client c(server.port);
    http::fields f;
    f.add("X-Throw", "1");
    auto r = c.request("POST", "/echo/negotiate", {}, f);
    CHECK(r.status == 500);
    CHECK(server.server().connections().size() == 0);
    REQUIRE(c.upgrade("/echo").status == 101); // accepted with no token at all: the authenticator's choice
    CHECK(first_connection(server)->request().user->user_id == "id:");
}

TEST_CASE("jwt_hs256's authenticator over a real server", "[server]") {
    const signalrpp::jwt_hs256 jwt("0123456789abcdef0123456789abcdef",
                                   {{}, std::string("chat"), std::chrono::seconds(0)});
    transport::http_connection_options options;
    options.authenticate = jwt.authenticator();
    running_server server(options);
    const auto good = jwt.issue({{"sub", "alice"}, {"role", "admin"}}, std::chrono::hours(1));
    const auto expired = jwt.issue({{"sub", "alice"}}, -std::chrono::seconds(10));
    {
        client c(server.port);
        check_unauthorized(c.request("POST", "/echo/negotiate", {}, bearer(expired)));
        check_unauthorized(c.upgrade("/echo?access_token=" + expired));
        check_unauthorized(c.upgrade("/echo?access_token=" + good + "x"));
    }
    client c(server.port);
    REQUIRE(c.request("POST", "/echo/negotiate", {}, bearer(good)).status == 200);
    REQUIRE(c.upgrade("/echo?access_token=" + http::url_encode(good)).status == 101);
    const auto conn = first_connection(server);
    REQUIRE(conn->request().user);
    CHECK(conn->request().user->user_id == "alice");
    CHECK(conn->request().user->claim("role") == "admin");
    CHECK(conn->request().user->claim("aud") == "chat");
}

TEST_CASE("a connection answers only on the path that made it: elsewhere 404, whatever the transport", "[server]") {
    // The security review's F2: a connection negotiated on an authenticated path was opened and driven
    // through a path without authentication (and one path's transport restrictions through another's).
    auto open = std::make_shared<recording_handler>();
    transport::http_connection_options no_websockets;
    no_websockets.transports = transport::server_sent_events | transport::long_polling;
    running_server server(carrier::tcp, authenticated_options(), {}, 1, [&](signalrpp::server& s) {
        s.map_connection("/open", open, {});
        s.map_connection("/nows", open, no_websockets);
    });
    client c(server.port);
    const auto token = negotiate_as(c, "alice");
    auto not_found = [](const http::response& r) {
        CHECK(r.status == 404);
        CHECK(r.body == "No Connection with that ID");
    };
    {
        client w(server.port);
        not_found(w.upgrade("/open?id=" + token));
    }
    http::fields event_stream;
    event_stream.add("Accept", "text/event-stream");
    not_found(c.request("GET", "/open?id=" + token, {}, event_stream));
    not_found(c.request("GET", "/open?id=" + token)); // a first poll
    not_found(c.request("POST", "/open?id=" + token, "sneaky\x1e"));
    not_found(c.request("DELETE", "/open?id=" + token));
    CHECK(server.handler->connected_count() == 0);
    CHECK(open->connected_count() == 0);

    // Its own path, authenticated, still serves it.
    REQUIRE(c.request("GET", "/echo?id=" + token, {}, bearer("alice")).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));
    not_found(c.request("GET", "/open?id=" + token)); // a later poll elsewhere
    not_found(c.request("POST", "/open?id=" + token, "sneaky\x1e"));
    REQUIRE(c.request("POST", "/echo?id=" + token, "mine\x1e", bearer("alice")).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 1; }));
    CHECK(server.handler->received[0] == "mine\x1e");

    // A path without WebSockets: its connection is not opened as one through another path.
    const auto nows = token_of(c.request("POST", "/nows/negotiate?negotiateVersion=1").body);
    {
        client w(server.port);
        not_found(w.upgrade("/open?id=" + nows));
        client v(server.port);
        const auto refused = v.upgrade("/nows?id=" + nows);
        CHECK(refused.status == 404);
        CHECK(refused.body == "WebSockets transport not supported by this end point type");
    }
    CHECK(open->connected_count() == 0);
    open->forget_connections();
}

TEST_CASE("a connection does not change hands: another user's polls, sends and DELETE get 403", "[server]") {
    running_server server(authenticated_options());
    client c(server.port);
    const auto token = negotiate_as(c, "alice");
    const std::string target = "/echo?id=" + token;
    REQUIRE(c.request("GET", target, {}, bearer("alice")).status == 200); // the first poll: alice's connection
    REQUIRE(server.handler->wait([&] { return server.handler->connected.size() == 1; }));

    CHECK(c.request("POST", target, "bob's\x1e", bearer("bob")).status == 403);
    CHECK(c.request("GET", target, {}, bearer("bob")).status == 403);
    CHECK(c.request("DELETE", target, {}, bearer("bob")).status == 403);
    CHECK_FALSE(first_connection(server)->ended());

    REQUIRE(c.request("POST", target, "alice's\x1e", bearer("alice")).status == 200);
    REQUIRE(server.handler->wait([&] { return server.handler->received.size() == 1; }));
    CHECK(server.handler->received[0] == "alice's\x1e");
    CHECK(c.request("DELETE", target, {}, bearer("alice")).status == 202);
}

TEST_CASE("refused requests are logged once each, with the path and why", "[server]") {
    recorded_log logged;
    running_server server(authenticated_options());
    client c(server.port);
    check_unauthorized(c.request("POST", "/echo/negotiate?negotiateVersion=1"));
    check_unauthorized(c.request("POST", "/echo/negotiate?negotiateVersion=1", {}, bearer("mallory")));
    const auto refused = logged.of("AuthenticationFailed");
    REQUIRE(refused.size() == 2);
    CHECK(refused[0].level == signalrpp::log_level::information);
    CHECK(refused[0].category == signalrpp::log_category::authentication);
    CHECK(refused[0].message.find("/echo/negotiate") != std::string::npos);
    CHECK(refused[0].message.find("no token") != std::string::npos);
    CHECK(refused[1].message.find("did not accept its token") != std::string::npos);
    // A user change on a started connection: 403, logged with the connection's id.
    const auto token = negotiate_as(c, "alice");
    REQUIRE(c.request("GET", "/echo?id=" + token, {}, bearer("alice")).status == 200);
    CHECK(c.request("GET", "/echo?id=" + token, {}, bearer("bob")).status == 403);
    const auto changed = logged.of("UserChanged");
    REQUIRE(changed.size() == 1);
    CHECK_FALSE(changed[0].connection_id.empty());
}
