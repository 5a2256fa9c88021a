#pragma once
// The server's non-template functions and its shared state: the part of <signalrpp/server/server.hpp>
// that pulls in the HTTP sessions, the transports and the hub runtime. Included by server.hpp when
// header-only; by <signalrpp/src.hpp> alone in separate-compilation mode.

#include <signalrpp/core/error.hpp>
#include <signalrpp/hub/hub_endpoint.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/server/connection_endpoint.hpp>
#include <signalrpp/server/http_session.hpp>
#include <signalrpp/server/prometheus_text.hpp>
#include <signalrpp/server/router.hpp>
#include <signalrpp/server/server.hpp>
#include <signalrpp/server/session_registry.hpp>
#include <signalrpp/transport/connection_manager.hpp>

#include <asio/dispatch.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

namespace signalrpp {

struct server::state : std::enable_shared_from_this<state> {
    state(const asio::any_io_executor& ex, server_options o)
        : executor(ex), control(asio::make_strand(ex)), options(std::move(o)),
          router(std::make_shared<hosting::router>(options.cors)),
          manager(std::make_shared<transport::connection_manager>(ex, options.single_threaded)),
          sessions(std::make_shared<hosting::session_registry>()), stop_timer(control) {
        if (options.static_files) {
            router->map_static_files("/", *options.static_files, options.static_file_options);
        }
        if (options.metrics) {
            enable_metrics();
        }
    }

    // Turns metrics on, if they are not yet; returns them.
    std::shared_ptr<server_metrics> enable_metrics() {
        if (!manager->metrics()) {
            manager->set_metrics(std::make_shared<server_metrics>());
        }
        return manager->metrics();
    }

    void serve(std::unique_ptr<transport::stream_io_base> io) {
        std::make_shared<hosting::http_session>(std::move(io), executor, router, options.http, sessions,
                                                options.single_threaded)
            ->start();
    }

    // What listen() without an on_accept hands each accepted socket to: served as it is.
    static auto serve_as_is(std::shared_ptr<state> self) {
        return [self = std::move(self)](auto socket) { self->serve(transport::make_stream_io(std::move(socket))); };
    }

    void start_accepting(std::shared_ptr<hosting::listener> listener) {
        asio::dispatch(control, [self = shared_from_this(), listener = std::move(listener)]() mutable {
            if (self->stopped) {
                listener->close();
                return;
            }
            self->listeners.push_back(listener);
            self->accept_next(std::move(listener));
        });
    }

    // On the control strand.
    void accept_next(std::shared_ptr<hosting::listener> listener) {
        listener->accept_one([self = shared_from_this(), listener](std::error_code ec) mutable {
            if (self->stopped || ec == asio::error::operation_aborted) {
                return;
            }
            if (!ec) {
                self->accept_next(std::move(listener));
                return;
            }
            // Out of descriptors and the like: try again a little later rather than spin.
            auto retry = std::make_shared<asio::steady_timer>(self->control, std::chrono::milliseconds(50));
            retry->async_wait([self, listener, retry](std::error_code) mutable {
                if (!self->stopped) {
                    self->accept_next(std::move(listener));
                }
            });
        });
    }

    void stop() {
        asio::dispatch(control, [self = shared_from_this()] {
            if (self->stopped) {
                return;
            }
            self->stopped = true;
            if (const auto& metrics = self->manager->metrics()) {
                metrics->stopping.store(true, std::memory_order_relaxed);
            }
            for (const auto& listener : self->listeners) {
                listener->close();
            }
            self->listeners.clear();
            self->router->stop();
            self->sessions->shutdown_all();
            for (const auto& c : self->manager->all()) {
                c->close();
            }
            self->manager->stop();
            self->deadline = std::chrono::steady_clock::now() + self->options.shutdown_timeout;
            self->wait_for_connections();
        });
    }

    // Checks every 20 ms until every connection has ended; aborts the rest at the deadline.
    void wait_for_connections() {
        if (manager->size() == 0) {
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            for (const auto& c : manager->all()) {
                c->abort(make_error_code(error::server_stopping));
            }
            return;
        }
        stop_timer.expires_after(std::chrono::milliseconds(20));
        stop_timer.async_wait([self = shared_from_this()](std::error_code ec) {
            if (!ec) {
                self->wait_for_connections();
            }
        });
    }

    asio::any_io_executor executor;
    asio::strand<asio::any_io_executor> control; // acceptors and stopping
    server_options options;
    std::shared_ptr<hosting::router> router;
    std::shared_ptr<transport::connection_manager> manager;
    std::shared_ptr<hosting::session_registry> sessions;
    std::vector<std::shared_ptr<hosting::listener>> listeners;
    asio::steady_timer stop_timer;
    std::chrono::steady_clock::time_point deadline;
    bool stopped = false;
};

SIGNALRPP_DECL server::server(const asio::any_io_executor& ex, server_options options)
    : state_(std::make_shared<state>(ex, std::move(options))) {}

SIGNALRPP_DECL server::server(asio::io_context& io, server_options options)
    : server(asio::any_io_executor(io.get_executor()), std::move(options)) {}

SIGNALRPP_DECL void server::map_connection(std::string path, std::shared_ptr<transport::connection_handler> handler,
                                           transport::http_connection_options options) {
    state_->router->map(std::move(path), std::make_shared<hosting::connection_endpoint>(std::move(handler), options,
                                                                                       state_->manager));
}

SIGNALRPP_DECL std::shared_ptr<hub_shared_state> server::map_hub_instances(std::string path, hub_options options,
                                                                          detail::hub_instance_factory make) {
    auto http = options.http;
    auto shared = std::make_shared<hub_shared_state>(std::move(options));
    map_connection(std::move(path), std::make_shared<hub_endpoint>(state_->executor, shared, std::move(make)), http);
    return shared;
}

SIGNALRPP_DECL void server::map_route(std::string prefix, http_route_handler handler) {
    state_->router->map_route(std::move(prefix), std::move(handler));
}

SIGNALRPP_DECL void server::map_metrics(std::string path) {
    auto metrics = state_->enable_metrics();
    map_route(std::move(path), [metrics](const http::request& request, http_responder answer) {
        if (request.method != "GET" && request.method != "HEAD") {
            http::response refusal = http::text_response(405);
            refusal.fields.add("Allow", "GET, HEAD");
            answer.respond(std::move(refusal));
            return;
        }
        http::response r;
        r.fields.add("Content-Type", std::string(prometheus_content_type));
        r.body = prometheus_text(metrics->snapshot());
        answer.respond(std::move(r));
    });
}

SIGNALRPP_DECL metrics_snapshot server::metrics() const noexcept {
    const auto& metrics = state_->manager->metrics();
    return metrics ? metrics->snapshot() : metrics_snapshot{};
}

SIGNALRPP_DECL void server::map_static_files(std::string prefix, std::filesystem::path root,
                                             hosting::static_file_options options) {
    state_->router->map_static_files(std::move(prefix), std::move(root), std::move(options));
}

SIGNALRPP_DECL void server::map_any_path(std::shared_ptr<transport::connection_handler> handler,
                                         transport::http_connection_options options) {
    state_->router->map_any(std::make_shared<hosting::connection_endpoint>(std::move(handler), options,
                                                                          state_->manager));
}

SIGNALRPP_DECL asio::ip::tcp::endpoint server::listen(const asio::ip::tcp::endpoint& endpoint) {
    return listen(endpoint, state::serve_as_is(state_));
}

SIGNALRPP_DECL void server::listen(const asio::local::stream_protocol::endpoint& endpoint) {
    listen(endpoint, state::serve_as_is(state_));
}

SIGNALRPP_DECL void server::accept(std::unique_ptr<transport::stream_io_base> io) { state_->serve(std::move(io)); }

SIGNALRPP_DECL void server::stop() { state_->stop(); }

SIGNALRPP_DECL transport::connection_manager& server::connections() noexcept { return *state_->manager; }

SIGNALRPP_DECL const asio::any_io_executor& server::get_executor() const noexcept { return state_->executor; }

SIGNALRPP_DECL asio::strand<asio::any_io_executor> server::control_executor() const { return state_->control; }

SIGNALRPP_DECL void server::start_accepting(std::shared_ptr<hosting::listener> listener) {
    state_->start_accepting(std::move(listener));
}

} // namespace signalrpp
