#pragma once
// http_route: plain HTTP endpoints beside the hubs and connections (a token endpoint, a health check,
// a page that reaches a hub through its hub_context). A route is a path prefix and a handler:
//
//     server.map_http("/health", [](const http::request&) { return http::response{200}; });
//     server.map_http("/clientresult", [ctx](const http::request& r, http_responder answer) {
//         ... answer.respond(response);   // later, from any thread
//     });
//
// A handler that returns an http::response answers at once; one that takes an http_responder answers
// when it calls respond(), from any thread. The request is valid only during the handler's call.
// A responder dropped without an answer answers 500; a client that went away in between is not
// answered. Several requests on one socket are answered in order: the next waits for this answer.

#include <signalrpp/http/message.hpp>
#include <signalrpp/transport/http_exchange.hpp>

#include <asio/post.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>

namespace signalrpp {

namespace detail {

// Tells the responder that the client went away; the HTTP session holds it while the answer is due.
struct route_watch final : transport::exchange_user {
    std::atomic<bool> gone{false};
    void on_sent(std::error_code) override {}
    void on_peer_gone(std::error_code) override { gone = true; }
};

// What the copies of one responder share; the answer is written once, on the session's strand.
struct route_answer {
    std::shared_ptr<transport::http_exchange> exchange;
    std::shared_ptr<route_watch> watch;
    std::atomic<bool> answered{false};

    route_answer(std::shared_ptr<transport::http_exchange> e, std::shared_ptr<route_watch> w)
        : exchange(std::move(e)), watch(std::move(w)) {}
    route_answer(const route_answer&) = delete;
    route_answer& operator=(const route_answer&) = delete;

    void send(http::response response) {
        if (answered.exchange(true)) {
            return;
        }
        asio::post(exchange->get_executor(), [exchange = exchange, watch = watch, r = std::move(response)]() mutable {
            if (!watch->gone) {
                exchange->respond(std::move(r));
            }
        });
    }

    ~route_answer() {
        if (!answered) {
            send(http::text_response(500, "The handler gave no answer"));
        }
    }
};

} // namespace detail

/// Answers one request of an HTTP route, now or later, from any thread. Copies share the answer:
/// the first respond() counts, later ones are ignored.
class http_responder {
public:
    explicit http_responder(std::shared_ptr<detail::route_answer> answer) : answer_(std::move(answer)) {}

    void respond(http::response response) const { answer_->send(std::move(response)); }

    /// Whether the client has gone away (an answer would be dropped).
    bool client_gone() const noexcept { return answer_->watch->gone; }

private:
    std::shared_ptr<detail::route_answer> answer_;
};

using http_route_handler = std::function<void(const http::request&, http_responder)>;

/// Wraps a handler of either form (answering at once, or through a responder) as an http_route_handler.
template <class F>
http_route_handler make_http_route_handler(F f) {
    if constexpr (std::is_invocable_r_v<http::response, F&, const http::request&>) {
        return [f = std::move(f)](const http::request& r, http_responder answer) { answer.respond(f(r)); };
    } else {
        static_assert(std::is_invocable_v<F&, const http::request&, http_responder>,
                      "an HTTP route handler is callable as http::response(const http::request&) or "
                      "void(const http::request&, http_responder)");
        return http_route_handler(std::move(f));
    }
}

} // namespace signalrpp
