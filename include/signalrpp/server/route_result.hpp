#pragma once
// What the server decided for one HTTP request, for the HTTP session to carry out:
//   respond:  write `response` (then go on with the next request, or close);
//   upgrade:  write `response` (the 101) and hand the socket to `websocket`;
//   exchange: the request is answered later or in pieces by `user` (a long poll, an event stream),
//             which `begin` starts once the session serves it; `response` then holds the fields
//             every part of the answer carries (the event stream's head, CORS fields).

#include <signalrpp/http/message.hpp>
#include <signalrpp/transport/http_exchange.hpp>
#include <signalrpp/transport/websocket_session.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace signalrpp::hosting {

struct route_result {
    enum class kind { respond, upgrade, exchange };
    kind what = kind::respond;
    http::response response;
    std::shared_ptr<transport::websocket_session> websocket;
    std::shared_ptr<transport::exchange_user> user;
    std::function<void(const http::response&)> begin;

    static route_result respond(int status, std::string body = {}, const char* content_type = "text/plain") {
        route_result r;
        r.response = http::text_response(status, std::move(body), content_type);
        return r;
    }
};

/// Where requests go: the server's router. Called on the HTTP session's strand.
struct request_context {
    std::shared_ptr<transport::http_exchange> exchange; ///< for answers written later or in pieces
    std::string remote_endpoint;
    bool secure = false;
};

class request_handler {
public:
    virtual ~request_handler() = default;
    virtual route_result handle(http::request& request, const request_context& context) = 0;
    /// The largest body the request whose head is `head` may have (the session's limit applies too);
    /// a larger one is answered with 413 before it is read.
    virtual std::size_t max_body(const http::request& /*head*/) const { return static_cast<std::size_t>(-1); }
};

} // namespace signalrpp::hosting
