#pragma once
// connection_endpoint: one mapped path ("/chat") and its "/negotiate", answering as ASP.NET Core's
// HttpConnectionDispatcher does:
//   POST {path}/negotiate   negotiate (any other method: 405)
//   GET  {path}             WebSocket upgrade (with ?id=, or without: a connection made on the spot),
//                           Server-Sent Events (Accept: text/event-stream), otherwise a long poll
//   POST {path}?id=         a message from an SSE or long-polling client (200)
//   DELETE {path}?id=       ends a long-polling connection (202; its pending poll gets 204)
//   anything else           405
// with the reference's status codes and texts for a missing id (400), an unknown one (404), a
// transport the path does not allow (404), a change of transport (400), a second WebSocket or event
// stream (409).
// A connection answers only through the endpoint that made it: a token named on another path is
// unknown there (404), so that each request is authenticated, and its transports restricted, by the
// path whose application serves the connection (ASP.NET Core starts the application of the endpoint that
// opens the transport, behind that endpoint's authorization).
// When the options have an authenticator, each of those requests is authenticated first (as ASP.NET
// Core's authorization middleware runs before the dispatcher); a refusal is 401 with
// `WWW-Authenticate: Bearer` and no body, and the identity of a request that opens a transport is kept
// in the connection's request().user. A later request of the connection (a poll, a send, DELETE) made
// by another user (another user id) is refused with 403: a connection does not change hands. Methods
// the path does not serve get their 405 without authentication, as ASP.NET's routing answers them
// before authorization. CORS preflights never get here: the router answers them. An upgrade whose Origin
// the options do not allow (websocket_allowed_origins) gets 403. Refusals of authentication, of a
// change of user and of an origin are logged (category authentication).

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/exception_message.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/http/message.hpp>
#include <signalrpp/http/query.hpp>
#include <signalrpp/server/route_result.hpp>
#include <signalrpp/transport/connection.hpp>
#include <signalrpp/transport/connection_manager.hpp>
#include <signalrpp/transport/event_stream.hpp>
#include <signalrpp/transport/http_connection_options.hpp>
#include <signalrpp/transport/long_poll.hpp>
#include <signalrpp/transport/negotiate.hpp>
#include <signalrpp/transport/websocket_session.hpp>
#include <signalrpp/websocket/handshake.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace signalrpp::hosting {

class connection_endpoint {
public:
    connection_endpoint(std::shared_ptr<transport::connection_handler> handler,
                        transport::http_connection_options options,
                        std::shared_ptr<transport::connection_manager> manager)
        : handler_(std::move(handler)), options_(options), manager_(std::move(manager)) {}

    const transport::http_connection_options& options() const noexcept { return options_; }

    route_result negotiate(const http::request& r) const {
        if (r.method != "POST") {
            return route_result::respond(405);
        }
        std::optional<transport::user_identity> user;
        route_result refusal;
        if (!authenticate(r, user, refusal)) {
            return refusal;
        }
        const transport::negotiate_options negotiate{options_.transports, options_.minimum_protocol_version, false,
                                                     true};
        const auto asked = transport::read_negotiate_request(r.query(), negotiate);
        route_result result = route_result::respond(200);
        result.response.fields.set("Content-Type", "application/json");
        if (asked.error) {
            result.response.body = transport::write_negotiate_error(*asked.error);
            return result;
        }
        const auto c = create(asked.version > 0);
        result.response.body = transport::write_negotiate_response(asked, c->id(), c->token(), negotiate);
        return result;
    }

    route_result handle(http::request& r, const request_context& context) const {
        if (r.method != "GET" && r.method != "POST" && r.method != "DELETE") {
            return route_result::respond(405);
        }
        std::optional<transport::user_identity> user;
        route_result refusal;
        if (!authenticate(r, user, refusal)) {
            return refusal;
        }
        if (r.method == "GET") {
            if (websocket::is_upgrade_request(r)) {
                return open_websocket(r, context, std::move(user));
            }
            const auto accept = r.fields.find("Accept");
            if (accept && *accept == "text/event-stream") {
                return open_event_stream(r, context, std::move(user));
            }
            return poll(r, context, std::move(user));
        }
        if (r.method == "POST") {
            return receive(r, context, user);
        }
        return terminate(r, user);
    }

private:
    std::shared_ptr<transport::connection> create(bool separate_token) const {
        return manager_->create({handler_, options_.send_limit,
                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     options_.disconnect_timeout),
                                 separate_token, this,
                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     options_.transport_send_timeout)});
    }

    // The connection ?id= names, or the answer when there is none: 400 without an id; 404 for a token
    // unknown here (made by another endpoint, too); 403 for a started connection and another user than
    // the one who opened its transport (`user` is the request's, from authenticate).
    std::shared_ptr<transport::connection> find(const http::request& r,
                                                const std::optional<transport::user_identity>& user,
                                                route_result& refusal) const {
        const auto id = http::query_parameter(r.query(), "id");
        if (!id || id->empty()) {
            refusal = route_result::respond(400, "Connection ID required");
            return nullptr;
        }
        auto c = manager_->find(*id);
        if (!c || c->endpoint() != this) {
            refusal = route_result::respond(404, "No Connection with that ID");
            return nullptr;
        }
        if (options_.authenticate) {
            const auto opener = c->opening_user_id();
            if (opener && *opener != (user ? user->user_id : std::string())) {
                log(log_level::information, log_category::authentication, "UserChanged", c->id(), [&] {
                    return r.method + " " + std::string(r.path()) + " refused (403): made by another user than the "
                           "one who opened the connection";
                });
                refusal = route_result::respond(403);
                return nullptr;
            }
        }
        return c;
    }

    bool allowed(transport::transport_kind kind, route_result& refusal) const {
        if ((options_.transports & kind) != 0) {
            return true;
        }
        refusal = route_result::respond(404, std::string(transport::transport_name(kind)) +
                                                 " transport not supported by this end point type");
        return false;
    }

    // Whether an upgrade's Origin is one the options allow (any, when they name none).
    bool origin_allowed(const http::request& r) const {
        const auto origin = r.fields.find("Origin");
        if (options_.websocket_allowed_origins.empty() || !origin) {
            return true;
        }
        for (const auto& allowed : options_.websocket_allowed_origins) {
            if (allowed == "*" || ascii::iequals(allowed, *origin)) {
                return true;
            }
        }
        log(log_level::information, log_category::authentication, "OriginNotAllowed", {}, [&] {
            return "WebSocket upgrade of " + std::string(r.path()) + " from origin " + std::string(*origin) +
                   " refused (403): not among the allowed origins";
        });
        return false;
    }

    // Whether `r` may be served: always without an authenticator; otherwise when it accepts the request,
    // with `user` set to who it says. A refusal is 401 (500 if the authenticator threw).
    bool authenticate(const http::request& r, std::optional<transport::user_identity>& user,
                      route_result& refusal) const {
        if (!options_.authenticate) {
            return true;
        }
        const auto token = transport::access_token_of(r);
        try {
            user = options_.authenticate(transport::authentication_request{token ? *token : std::string_view{}, r});
        } catch (...) {
            log(log_level::error, log_category::authentication, "AuthenticatorFailed", {}, [&] {
                return "the authenticator threw for " + r.method + " " + std::string(r.path()) + " (500): " +
                       exception_message(std::current_exception());
            });
            refusal = route_result::respond(500);
            return false;
        }
        if (!user) {
            log(log_level::information, log_category::authentication, "AuthenticationFailed", {}, [&] {
                return r.method + " " + std::string(r.path()) + " refused (401): " +
                       (token ? "the authenticator did not accept its token" : "it carries no token");
            });
            // As JwtBearer's challenge: no body (so no Content-Type), the scheme to use.
            refusal = route_result{};
            refusal.response.status = 401;
            refusal.response.fields.add("WWW-Authenticate", "Bearer");
            return false;
        }
        return true;
    }

    static transport::request_snapshot snapshot(const http::request& r, const request_context& context,
                                                std::optional<transport::user_identity> user) {
        return {r.method, std::string(r.path()), std::string(r.query()), r.fields, context.remote_endpoint,
                context.secure, std::move(user)};
    }

    // The answer for an attach that did not take.
    static route_result refused(transport::connection::attach_result result) {
        using ar = transport::connection::attach_result;
        switch (result) {
        case ar::conflict: return route_result::respond(409);
        case ar::wrong_transport: return route_result::respond(400, "Cannot change transports mid-connection");
        default: return route_result::respond(404);
        }
    }

    route_result open_websocket(const http::request& r, const request_context& context,
                                std::optional<transport::user_identity> user) const {
        route_result refusal;
        if (!allowed(transport::websockets, refusal)) {
            return refusal;
        }
        if (const auto bad = websocket::check_upgrade_request(r)) {
            return {route_result::kind::respond, websocket::refusal_response(*bad), {}, {}, {}};
        }
        if (!origin_allowed(r)) {
            return route_result::respond(403);
        }
        std::shared_ptr<transport::connection> c;
        if (http::query_parameter(r.query(), "id")) {
            c = find(r, user, refusal);
            if (!c) {
                return refusal;
            }
        } else {
            c = create(false); // no negotiation: the id is the token
        }
        auto session = std::make_shared<transport::websocket_session>(
            c, transport::websocket_session::options{options_.max_websocket_message, options_.websocket_close_timeout,
                                                     options_.transport_send_timeout});
        auto snap = snapshot(r, context, std::move(user));
        const auto attached = c->attach(transport::websockets, session, snap);
        if (attached != transport::connection::attach_result::attached) {
            return refused(attached);
        }
        route_result result;
        result.what = route_result::kind::upgrade;
        result.response = websocket::accept_response(r);
        result.websocket = std::move(session);
        return result;
    }

    route_result open_event_stream(const http::request& r, const request_context& context,
                                   std::optional<transport::user_identity> user) const {
        route_result refusal;
        if (!allowed(transport::server_sent_events, refusal)) {
            return refusal;
        }
        const auto c = find(r, user, refusal);
        if (!c) {
            return refusal;
        }
        auto stream = std::make_shared<transport::event_stream>(c, context.exchange);
        auto snap = snapshot(r, context, std::move(user));
        const auto attached = c->attach(transport::server_sent_events, stream, snap);
        if (attached != transport::connection::attach_result::attached) {
            return refused(attached);
        }
        route_result result;
        result.what = route_result::kind::exchange;
        result.response = transport::event_stream_head();
        result.user = stream;
        result.begin = [stream](const http::response& head) { stream->start(head); };
        return result;
    }

    route_result poll(const http::request& r, const request_context& context,
                      std::optional<transport::user_identity> user) const {
        route_result refusal;
        if (!allowed(transport::long_polling, refusal)) {
            return refusal;
        }
        const auto c = find(r, user, refusal);
        if (!c) {
            return refusal;
        }
        auto waiting = std::make_shared<transport::long_poll>(c, context.exchange, options_.long_poll_timeout);
        auto snap = snapshot(r, context, std::move(user));
        using ar = transport::connection::attach_result;
        const auto attached = c->attach(transport::long_polling, waiting, snap);
        if (attached == ar::first_poll || attached == ar::closing) {
            // The first poll returns at once: the connection has started. After close, polls end with 204.
            route_result result = route_result::respond(attached == ar::first_poll ? 200 : 204);
            transport::add_long_poll_headers(result.response);
            if (attached == ar::first_poll) {
                result.response.fields.add("Content-Type", "application/octet-stream");
            }
            return result;
        }
        if (attached != ar::attached) {
            return refused(attached);
        }
        route_result result;
        result.what = route_result::kind::exchange;
        result.user = waiting;
        result.begin = [waiting](const http::response&) { waiting->start(); };
        return result;
    }

    // A POST is answered once its data was taken (transport::connection::deliver_post), or refused with
    // 429 while too many of the connection's POSTs wait already.
    route_result receive(http::request& r, const request_context& context,
                         const std::optional<transport::user_identity>& user) const {
        route_result refusal;
        const auto c = find(r, user, refusal);
        if (!c) {
            return refusal;
        }
        if (c->transport() == transport::websockets) {
            return route_result::respond(405, "POST requests are not allowed for WebSocket connections.");
        }
        if (c->ended()) {
            return route_result::respond(404);
        }
        route_result result;
        result.what = route_result::kind::exchange;
        result.user = std::make_shared<post_answer>();
        result.begin = [c, exchange = context.exchange, body = std::move(r.body)](const http::response&) mutable {
            const bool taken = c->deliver_post(std::move(body), [exchange](bool delivered) {
                asio::dispatch(exchange->get_executor(),
                               [exchange, delivered] { exchange->respond(post_response(delivered ? 200 : 404)); });
            });
            if (!taken) {
                exchange->respond(post_response(429));
            }
        };
        return result;
    }

    // A POST's answer: 200 once its data was taken, 404 when the connection ended first, or a refusal;
    // empty text/plain.
    static http::response post_response(int status) {
        http::response r = http::text_response(status, {});
        r.fields.set("Content-Type", "text/plain");
        return r;
    }

    // What waits for a POST's answer: nothing to do when the socket goes (the data is delivered anyway).
    struct post_answer final : transport::exchange_user {
        void on_sent(std::error_code) override {}
        void on_peer_gone(std::error_code) override {}
    };

    route_result terminate(const http::request& r, const std::optional<transport::user_identity>& user) const {
        route_result refusal;
        const auto c = find(r, user, refusal);
        if (!c) {
            return refusal;
        }
        if (c->transport() != transport::long_polling) {
            return route_result::respond(400, "Cannot terminate this connection using the DELETE endpoint.");
        }
        c->abort();
        return route_result::respond(202);
    }

    std::shared_ptr<transport::connection_handler> handler_;
    transport::http_connection_options options_;
    std::shared_ptr<transport::connection_manager> manager_;
};

} // namespace signalrpp::hosting
