#pragma once
// server: accepts sockets and serves the mapped paths over HTTP/1.1, WebSockets, Server-Sent Events
// and long polling.
//
//     asio::io_context io;
//     signalrpp::server server(io);
//     server.map_connection("/echo", std::make_shared<my_handler>());
//     server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 5000));
//     io.run();
//
// listen() takes TCP and Unix-domain endpoints; accept() adopts a socket that is already connected,
// of any stream type (<signalrpp/server/tls.hpp> adds TLS). Any number of threads may run the
// io_context: each socket and each connection works on a strand of its own.
//
// stop() (any thread) stops accepting, closes every connection the way its transport closes (WebSocket
// close frames, the end of event streams, 204 to pending polls), closes idle sockets, and aborts what
// is still open after shutdown_timeout; io_context::run then returns.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/hub/hub_context.hpp>
#include <signalrpp/hub/hub_endpoint.hpp>
#include <signalrpp/hub/hub_options.hpp>
#include <signalrpp/persistent/persistent_endpoint.hpp>
#include <signalrpp/server/connection_endpoint.hpp>
#include <signalrpp/server/cors.hpp>
#include <signalrpp/server/http_session.hpp>
#include <signalrpp/server/http_route.hpp>
#include <signalrpp/server/http_session_options.hpp>
#include <signalrpp/server/router.hpp>
#include <signalrpp/server/session_registry.hpp>
#include <signalrpp/transport/connection_manager.hpp>
#include <signalrpp/transport/http_connection_options.hpp>
#include <signalrpp/transport/stream_io.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/bind_executor.hpp>
#include <asio/dispatch.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace signalrpp {

struct server_options {
    hosting::http_session_options http;
    hosting::cors_options cors;
    /// A directory whose files are served for GET requests no mapped path takes (for examples).
    std::optional<std::filesystem::path> static_files;
    /// How long stop() lets connections close properly before aborting them.
    std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(5);
    /// A promise that only one thread runs the server's io_context: sockets and connections then use
    /// the executor itself rather than strands, which saves work on every operation. Wrong if broken.
    bool single_threaded = false;
};

class server {
public:
    explicit server(const asio::any_io_executor& ex, server_options options = {})
        : state_(std::make_shared<state>(ex, std::move(options))) {}
    explicit server(asio::io_context& io, server_options options = {})
        : server(asio::any_io_executor(io.get_executor()), std::move(options)) {}

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Serves connections at `path` ("/echo", and "/echo/negotiate"), handled by `handler`.
    /// Map every path before listening.
    void map_connection(std::string path, std::shared_ptr<transport::connection_handler> handler,
                        transport::http_connection_options options = {}) {
        state_->router->map(std::move(path), std::make_shared<hosting::connection_endpoint>(std::move(handler), options,
                                                                                   state_->manager));
    }

    /// Serves a raw persistent connection endpoint at `path`, with a `C` object per connection (see
    /// persistent_connection). The returned handle reaches its connections and groups from anywhere.
    template <class C>
    persistent_context<C> map_connection(std::string path, transport::http_connection_options options = {}) {
        auto registry = std::make_shared<connection_registry>();
        map_connection(std::move(path), std::make_shared<detail::persistent_endpoint_of<C>>(registry), options);
        return persistent_context<C>(std::move(registry));
    }

    /// Serves hub `Hub` (described with SIGNALRPP_HUB) at `path` ("/chat", and "/chat/negotiate"), with
    /// a Hub object per connection, default-constructed. The returned handle reaches its clients and
    /// groups from anywhere.
    template <class Hub>
    hub_context<Hub> map_hub(std::string path, hub_options options = {}) {
        return map_hub<Hub>(std::move(path), std::move(options), [] { return Hub(); });
    }

    /// The same, with each connection's Hub object made by `make_hub()` (which returns a Hub): the way
    /// to give hubs what they depend on (a database, shared state), as ASP.NET Core's dependency
    /// injection does through hub constructors. Called on the connection's strand, from any thread.
    template <class Hub, class Factory>
    hub_context<Hub> map_hub(std::string path, hub_options options, Factory make_hub) {
        static_assert(std::is_invocable_r_v<Hub, const Factory&>, "map_hub's factory is callable as Hub()");
        auto http = options.http;
        auto shared = std::make_shared<hub_shared_state>(std::move(options));
        map_connection(std::move(path),
                       std::make_shared<hub_endpoint<Hub>>(state_->executor, shared,
                                                           typename hub_endpoint<Hub>::factory(std::move(make_hub))),
                       http);
        return hub_context<Hub>(std::move(shared));
    }

    /// Answers plain HTTP requests at `prefix` and below ("/token", "/token/x") with `handler`, which
    /// either returns an http::response or takes (const http::request&, http_responder) and answers
    /// later (see http_route.hpp). Hubs and connections mapped at the same path come first.
    template <class Handler>
    void map_http(std::string prefix, Handler handler) {
        state_->router->map_route(std::move(prefix), make_http_route_handler(std::move(handler)));
    }

    /// Serves connections on every path that nothing else takes (a plain WebSocket server).
    void map_any_path(std::shared_ptr<transport::connection_handler> handler,
                      transport::http_connection_options options = {}) {
        state_->router->map_any(std::make_shared<hosting::connection_endpoint>(std::move(handler), options,
                                                                              state_->manager));
    }

private:
    // Serves each accepted socket as it is (defined before use: its return type is deduced).
    auto serve_accepted() const {
        return [state = state_](auto socket) { state->serve(transport::make_stream_io(std::move(socket))); };
    }

public:
    /// Listens on a TCP endpoint (port 0: any free port); returns the bound endpoint.
    asio::ip::tcp::endpoint listen(const asio::ip::tcp::endpoint& endpoint) {
        return listen(endpoint, serve_accepted());
    }

    /// Listens on a Unix-domain socket path (an existing socket file there is replaced).
    void listen(const asio::local::stream_protocol::endpoint& endpoint) {
        listen(endpoint, serve_accepted());
    }

    /// Listens on `endpoint` and hands each accepted socket to `on_accept` (called on the accepting
    /// strand), which may wrap it (a TLS handshake, say) before calling accept(). Returns the bound endpoint.
    template <class Endpoint, class OnAccept>
    Endpoint listen(const Endpoint& endpoint, OnAccept on_accept) {
        using acceptor_type = typename Endpoint::protocol_type::acceptor;
        if constexpr (std::is_same_v<Endpoint, asio::local::stream_protocol::endpoint>) {
            std::error_code ec;
            if (std::filesystem::is_socket(endpoint.path(), ec)) {
                std::filesystem::remove(endpoint.path(), ec);
            }
        }
        auto acceptor = std::make_shared<acceptor_type>(state_->control, endpoint);
        const Endpoint bound = acceptor->local_endpoint();
        state_->start_accepting(std::move(acceptor), std::move(on_accept));
        return bound;
    }

    /// Serves a socket that is already connected (and, for TLS, past its handshake).
    template <class Stream>
    void accept(Stream stream) {
        state_->serve(transport::make_stream_io(std::move(stream)));
    }

    /// Adopts a socket already wrapped for the sessions.
    void accept(std::unique_ptr<transport::stream_io_base> io) { state_->serve(std::move(io)); }

    void stop() { state_->stop(); }

    transport::connection_manager& connections() noexcept { return *state_->manager; }
    const asio::any_io_executor& get_executor() const noexcept { return state_->executor; }

private:
    // What accepting, serving and stopping share; held by their handlers, so it outlives the server object.
    struct state : std::enable_shared_from_this<state> {
        state(const asio::any_io_executor& ex, server_options o)
            : executor(ex), control(asio::make_strand(ex)), options(std::move(o)),
              router(std::make_shared<hosting::router>(options.cors, options.static_files)),
              manager(std::make_shared<transport::connection_manager>(ex, options.single_threaded)),
              sessions(std::make_shared<hosting::session_registry>()), stop_timer(control) {}

        void serve(std::unique_ptr<transport::stream_io_base> io) {
            std::make_shared<hosting::http_session>(std::move(io), executor, router, options.http, sessions,
                                                    options.single_threaded)
                ->start();
        }

        template <class Acceptor, class OnAccept>
        void start_accepting(std::shared_ptr<Acceptor> acceptor, OnAccept on_accept) {
            asio::dispatch(control, [self = shared_from_this(), acceptor, on_accept = std::move(on_accept)]() mutable {
                if (self->stopped) {
                    return;
                }
                self->closers.push_back([acceptor] {
                    std::error_code ec;
                    acceptor->close(ec);
                });
                self->accept_next(std::move(acceptor), std::make_shared<OnAccept>(std::move(on_accept)));
            });
        }

        template <class Acceptor, class OnAccept>
        void accept_next(std::shared_ptr<Acceptor> acceptor, std::shared_ptr<OnAccept> on_accept) {
            acceptor->async_accept(executor, asio::bind_executor(control, [self = shared_from_this(), acceptor,
                                                                           on_accept](std::error_code ec,
                                                                                      auto socket) mutable {
                if (self->stopped || ec == asio::error::operation_aborted) {
                    return;
                }
                if (!ec) {
                    (*on_accept)(std::move(socket));
                    self->accept_next(std::move(acceptor), std::move(on_accept));
                    return;
                }
                // Out of descriptors and the like: try again a little later rather than spin.
                auto retry = std::make_shared<asio::steady_timer>(self->control, std::chrono::milliseconds(50));
                retry->async_wait([self, acceptor, on_accept, retry](std::error_code) mutable {
                    if (!self->stopped) {
                        self->accept_next(std::move(acceptor), std::move(on_accept));
                    }
                });
            }));
        }

        void stop() {
            asio::dispatch(control, [self = shared_from_this()] {
                if (self->stopped) {
                    return;
                }
                self->stopped = true;
                for (auto& close : self->closers) {
                    close();
                }
                self->closers.clear();
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
        std::vector<std::function<void()>> closers; // close each acceptor
        asio::steady_timer stop_timer;
        std::chrono::steady_clock::time_point deadline;
        bool stopped = false;
    };

    std::shared_ptr<state> state_;
};

} // namespace signalrpp
