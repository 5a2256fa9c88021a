#pragma once
// router: the server's request_handler. It sends each request to the mapped path it names (compared
// case-insensitively; "/chat" and "/chat/negotiate") or to the HTTP route whose prefix it starts
// with, answers CORS preflights, serves static files when a directory is configured, and answers
// everything else with 404. Once stopping, it answers 503.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/exception_message.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/server/connection_endpoint.hpp>
#include <signalrpp/server/cors.hpp>
#include <signalrpp/server/http_route.hpp>
#include <signalrpp/server/route_result.hpp>
#include <signalrpp/server/static_files.hpp>

#include <atomic>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::hosting {

class router final : public request_handler {
public:
    /// Throws std::invalid_argument for CORS options the protocol does not allow (cors_options::validate).
    router(cors_options cors, std::optional<std::filesystem::path> static_root)
        : cors_(std::move(cors)), static_root_(std::move(static_root)) {
        cors_.validate();
    }

    /// Maps `path` ("/chat"). Call before serving (not thread-safe with handle()).
    void map(std::string path, std::shared_ptr<connection_endpoint> endpoint) {
        while (path.size() > 1 && path.back() == '/') {
            path.pop_back();
        }
        endpoints_.push_back({std::move(path), std::move(endpoint)});
    }

    /// Maps the HTTP route `prefix` ("/token": "/token" and "/token/..."). Call before serving.
    void map_route(std::string prefix, http_route_handler handler) {
        while (prefix.size() > 1 && prefix.back() == '/') {
            prefix.pop_back();
        }
        routes_.push_back({std::move(prefix), std::move(handler)});
    }

    /// Serves every path that no mapped path or static file takes (negotiate is then "{path}/negotiate"
    /// for any path). For plain WebSocket servers such as the echo benchmark.
    void map_any(std::shared_ptr<connection_endpoint> endpoint) { fallback_ = std::move(endpoint); }

    void stop() { stopping_ = true; }

    route_result handle(http::request& r, const request_context& context) override {
        route_result result = route(r, context);
        add_cors_headers(cors_, r, result.response);
        return result;
    }

private:
    route_result route(http::request& r, const request_context& context) {
        if (stopping_) {
            route_result result = route_result::respond(503, "The server is stopping");
            result.response.fields.add("Connection", "close");
            return result;
        }
        if (cors_.enabled() && is_preflight(r)) {
            return {route_result::kind::respond, preflight_response(cors_, r), {}, {}, {}};
        }
        std::string_view path = r.path();
        while (path.size() > 1 && path.back() == '/') {
            path.remove_suffix(1);
        }
        const std::string_view negotiated = negotiate_base(path);
        for (const auto& [base, endpoint] : endpoints_) {
            if (ascii::iequals(path, base)) {
                return endpoint->handle(r, context);
            }
            if (path.size() != negotiated.size() && ascii::iequals(negotiated, base)) {
                return endpoint->negotiate(r);
            }
        }
        for (const auto& [prefix, handler] : routes_) {
            if (starts_with_segments(path, prefix)) {
                return answer_route(handler, r, context);
            }
        }
        if (static_root_ && (r.method == "GET" || r.method == "HEAD")) {
            auto file = serve_static_file(*static_root_, r.path());
            if (file.status != 404 || !fallback_) {
                return {route_result::kind::respond, std::move(file), {}, {}, {}};
            }
        }
        if (fallback_) {
            return path.size() != negotiated.size() ? fallback_->negotiate(r) : fallback_->handle(r, context);
        }
        return route_result::respond(404);
    }

    // "/chat" for "/chat/negotiate" (any case); `path` itself when it does not end so.
    static std::string_view negotiate_base(std::string_view path) {
        constexpr std::string_view suffix = "/negotiate";
        if (path.size() >= suffix.size() && ascii::iequals(path.substr(path.size() - suffix.size()), suffix)) {
            return path.substr(0, path.size() - suffix.size());
        }
        return path;
    }

    // Whether `path` is `prefix` or lies below it ("/a/b" is below "/a"; "/ab" is not), in any case.
    static bool starts_with_segments(std::string_view path, std::string_view prefix) {
        if (path.size() < prefix.size() || !ascii::iequals(path.substr(0, prefix.size()), prefix)) {
            return false;
        }
        return path.size() == prefix.size() || prefix == "/" || path[prefix.size()] == '/';
    }

    // A route handler threw: 500 (unless it answered already), and the log says so.
    static void route_failed(const http::request& r, const std::exception_ptr& failure) {
        log(log_level::error, log_category::hosting, "RouteHandlerFailed", {}, [&] {
            return "the HTTP route handler for " + std::string(r.path()) + " threw: " + exception_message(failure);
        });
    }

    static route_result answer_route(const http_route_handler& handler, http::request& r,
                                     const request_context& context) {
        auto watch = std::make_shared<detail::route_watch>();
        route_result result;
        result.what = route_result::kind::exchange;
        result.user = watch;
        result.begin = [&handler, &r, exchange = context.exchange, watch](const http::response&) {
            auto answer = std::make_shared<detail::route_answer>(exchange, watch);
            try {
                handler(r, http_responder(answer));
            } catch (...) {
                route_failed(r, std::current_exception());
                answer->send(http::text_response(500));
            }
        };
        return result;
    }

    struct mapped_route {
        std::string prefix;
        http_route_handler handler;
    };

    struct mapped {
        std::string base;
        std::shared_ptr<connection_endpoint> endpoint;
    };

    cors_options cors_;
    std::optional<std::filesystem::path> static_root_;
    std::vector<mapped> endpoints_;
    std::vector<mapped_route> routes_;
    std::shared_ptr<connection_endpoint> fallback_;
    std::atomic<bool> stopping_{false};
};

} // namespace signalrpp::hosting
