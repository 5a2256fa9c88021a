#pragma once
// router: the server's request_handler. It sends each request to the mapped path it names (compared
// case-insensitively; "/chat" and "/chat/negotiate") or to the HTTP route whose prefix it starts
// with, answers CORS preflights, serves GET and HEAD from the static file directories mapped (in the
// order mapped; the first that has the file answers), and answers everything else with 404. Once
// stopping, it answers 503.

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
    explicit router(cors_options cors) : cors_(std::move(cors)) { cors_.validate(); }

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

    /// Serves the files under `root` for GET and HEAD requests of `prefix` ("/": every path) and below,
    /// after the mapped paths and routes. Call before serving.
    void map_static_files(std::string prefix, std::filesystem::path root, static_file_options options) {
        while (prefix.size() > 1 && prefix.back() == '/') {
            prefix.pop_back();
        }
        static_files_.push_back({std::move(prefix), std::move(root), std::move(options)});
    }

    /// Serves every path that no mapped path or static file takes (negotiate is then "{path}/negotiate"
    /// for any path). For plain WebSocket servers such as the echo benchmark.
    void map_any(std::shared_ptr<connection_endpoint> endpoint) { fallback_ = std::move(endpoint); }

    void stop() { stopping_ = true; }

    /// Negotiate requests carry no body the protocol reads (the clients send none): one of more than
    /// this is refused with 413 before it is read, rather than kept up to the session's 1 MiB limit.
    static constexpr std::size_t max_negotiate_body = 4 * 1024;

    std::size_t max_body(const http::request& head) const override {
        const std::string_view path = trimmed_path(head);
        const destination d = destination_of(path);
        const bool negotiate = d.endpoint ? d.negotiate : !d.route && fallback_ && is_negotiate(path);
        return negotiate ? max_negotiate_body : request_handler::max_body(head);
    }

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
        const std::string_view path = trimmed_path(r);
        const destination d = destination_of(path);
        if (d.endpoint) {
            return d.negotiate ? d.endpoint->negotiate(r) : d.endpoint->handle(r, context);
        }
        if (d.route) {
            return answer_route(*d.route, r, context);
        }
        if (auto file = static_file(r, path, context)) {
            return std::move(*file);
        }
        if (fallback_) {
            return is_negotiate(path) ? fallback_->negotiate(r) : fallback_->handle(r, context);
        }
        return route_result::respond(404);
    }

    // The answer of the first static file directory whose prefix `path` lies below and that has the file.
    std::optional<route_result> static_file(const http::request& r, std::string_view path,
                                            const request_context& context) const {
        if (r.method != "GET" && r.method != "HEAD") {
            return std::nullopt;
        }
        for (const auto& files : static_files_) {
            if (starts_with_segments(path, files.prefix)) {
                std::string_view below = files.prefix == "/" ? r.path() : r.path().substr(files.prefix.size());
                if (auto answer = static_file_answer(files.root, files.options, r, below.empty() ? "/" : below, context)) {
                    return answer;
                }
            }
        }
        return std::nullopt;
    }

    // Where the mapped paths and routes send a request for `path` (trailing slashes dropped): a mapped
    // path's endpoint (for negotiate, or the connection's requests), or a route; neither when none takes it.
    struct destination {
        connection_endpoint* endpoint = nullptr;
        bool negotiate = false;
        const http_route_handler* route = nullptr;
    };

    destination destination_of(std::string_view path) const {
        const std::string_view negotiated = negotiate_base(path);
        for (const auto& [base, endpoint] : endpoints_) {
            if (ascii::iequals(path, base)) {
                return {endpoint.get(), false, nullptr};
            }
            if (negotiated.size() != path.size() && ascii::iequals(negotiated, base)) {
                return {endpoint.get(), true, nullptr};
            }
        }
        for (const auto& [prefix, handler] : routes_) {
            if (starts_with_segments(path, prefix)) {
                return {nullptr, false, &handler};
            }
        }
        return {};
    }

    // The request's path without trailing slashes ("/" stays).
    static std::string_view trimmed_path(const http::request& r) {
        std::string_view path = r.path();
        while (path.size() > 1 && path.back() == '/') {
            path.remove_suffix(1);
        }
        return path;
    }

    static bool is_negotiate(std::string_view path) { return negotiate_base(path).size() != path.size(); }

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
    struct mapped_files {
        std::string prefix;
        std::filesystem::path root;
        static_file_options options;
    };

    std::vector<mapped_files> static_files_;
    std::vector<mapped> endpoints_;
    std::vector<mapped_route> routes_;
    std::shared_ptr<connection_endpoint> fallback_;
    std::atomic<bool> stopping_{false};
};

} // namespace signalrpp::hosting
