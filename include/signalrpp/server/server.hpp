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
//
// The templates here are thin: the machinery behind them is compiled in server/impl/server.ipp,
// included at the end of this header, or compiled once per program in separate-compilation mode
// (see <signalrpp/core/separate_compilation.hpp>).

#include <signalrpp/core/metrics.hpp>
#include <signalrpp/core/separate_compilation.hpp>
#include <signalrpp/hub/hub_context.hpp>
#include <signalrpp/hub/hub_instance.hpp>
#include <signalrpp/hub/hub_instance_of.hpp>
#include <signalrpp/hub/hub_options.hpp>
#include <signalrpp/persistent/persistent_endpoint.hpp>
#include <signalrpp/server/cors.hpp>
#include <signalrpp/server/http_route.hpp>
#include <signalrpp/server/http_session_options.hpp>
#include <signalrpp/server/listener.hpp>
#include <signalrpp/server/static_file_options.hpp>
#include <signalrpp/transport/connection_handler.hpp>
#include <signalrpp/transport/http_connection_options.hpp>
#include <signalrpp/transport/stream_io.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/strand.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace signalrpp {

namespace transport {
class connection_manager;
}

struct server_options {
    hosting::http_session_options http;
    hosting::cors_options cors;
    /// A directory whose files are served for GET and HEAD requests no mapped path takes (for examples);
    /// the same as map_static_files("/", directory, static_file_options).
    std::optional<std::filesystem::path> static_files;
    hosting::static_file_options static_file_options;
    /// How long stop() lets connections close properly before aborting them.
    std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(5);
    /// A promise that only one thread runs the server's io_context: sockets and connections then use
    /// the executor itself rather than strands, which saves work on every operation. Wrong if broken.
    bool single_threaded = false;
    /// Count metrics (<signalrpp/core/metrics.hpp>), read with server::metrics(). Off by default, and then
    /// free but for one branch per counting site; map_metrics() turns them on as well.
    bool metrics = false;
};

class server {
public:
    SIGNALRPP_DECL explicit server(const asio::any_io_executor& ex, server_options options = {});
    SIGNALRPP_DECL explicit server(asio::io_context& io, server_options options = {});

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Serves connections at `path` ("/echo", and "/echo/negotiate"), handled by `handler`.
    /// Map every path before listening.
    SIGNALRPP_DECL void map_connection(std::string path, std::shared_ptr<transport::connection_handler> handler,
                                       transport::http_connection_options options = {});

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
        return hub_context<Hub>(map_hub_instances(
            std::move(path), std::move(options),
            [make_hub = std::move(make_hub)](hub_runtime& runtime) -> std::unique_ptr<detail::hub_instance> {
                return std::make_unique<detail::hub_instance_of<Hub>>(runtime, make_hub);
            }));
    }

    /// Answers plain HTTP requests at `prefix` and below ("/token", "/token/x") with `handler`, which
    /// either returns an http::response or takes (const http::request&, http_responder) and answers
    /// later (see http_route.hpp). Hubs and connections mapped at the same path come first.
    template <class Handler>
    void map_http(std::string prefix, Handler handler) {
        map_route(std::move(prefix), make_http_route_handler(std::move(handler)));
    }

    /// Serves the files under `root` for GET and HEAD requests of `prefix` and below ("/lib/x.js" is
    /// root/x.js for "/lib"), streamed, with byte ranges; a file of an unknown type only if `options`
    /// say so. Hubs, connections and HTTP routes mapped at the same path come first.
    SIGNALRPP_DECL void map_static_files(std::string prefix, std::filesystem::path root,
                                         hosting::static_file_options options = {});

    /// Serves connections on every path that nothing else takes (a plain WebSocket server).
    SIGNALRPP_DECL void map_any_path(std::shared_ptr<transport::connection_handler> handler,
                                     transport::http_connection_options options = {});

    /// Listens on a TCP endpoint (port 0: any free port); returns the bound endpoint.
    SIGNALRPP_DECL asio::ip::tcp::endpoint listen(const asio::ip::tcp::endpoint& endpoint);

    /// Listens on a Unix-domain socket path (an existing socket file there is replaced).
    SIGNALRPP_DECL void listen(const asio::local::stream_protocol::endpoint& endpoint);

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
        acceptor_type acceptor(control_executor(), endpoint);
        const Endpoint bound = acceptor.local_endpoint();
        start_accepting(std::make_shared<hosting::listener_of<acceptor_type, OnAccept>>(
            std::move(acceptor), get_executor(), std::move(on_accept)));
        return bound;
    }

    /// Serves a socket that is already connected (and, for TLS, past its handshake).
    template <class Stream>
    void accept(Stream stream) {
        accept(transport::make_stream_io(std::move(stream)));
    }

    /// Adopts a socket already wrapped for the sessions.
    SIGNALRPP_DECL void accept(std::unique_ptr<transport::stream_io_base> io);

    /// Serves the metrics as Prometheus text (<signalrpp/server/prometheus_text.hpp>) for GET and HEAD
    /// requests of `path` (an HTTP route, as map_http's), and turns metrics on if server_options did not.
    /// Like every map call, before listening. Other methods get 405.
    SIGNALRPP_DECL void map_metrics(std::string path);

    /// The metrics counted so far (any thread; see metrics_snapshot for what a snapshot is under load).
    /// With metrics off, a snapshot that says so (enabled false) and holds zeros.
    SIGNALRPP_DECL metrics_snapshot metrics() const noexcept;

    /// Stops accepting and closes every connection (any thread); see above.
    SIGNALRPP_DECL void stop();

    /// The connections of every mapped path (<signalrpp/transport/connection_manager.hpp>).
    SIGNALRPP_DECL transport::connection_manager& connections() noexcept;
    SIGNALRPP_DECL const asio::any_io_executor& get_executor() const noexcept;

private:
    // The non-template halves of the templates above.
    SIGNALRPP_DECL std::shared_ptr<hub_shared_state> map_hub_instances(std::string path, hub_options options,
                                                                      detail::hub_instance_factory make);
    SIGNALRPP_DECL void map_route(std::string prefix, http_route_handler handler);
    SIGNALRPP_DECL asio::strand<asio::any_io_executor> control_executor() const;
    SIGNALRPP_DECL void start_accepting(std::shared_ptr<hosting::listener> listener);

    // What accepting, serving and stopping share (server/impl/server.ipp); held by their handlers, so
    // it outlives the server object.
    struct state;
    std::shared_ptr<state> state_;
};

} // namespace signalrpp

#if defined(SIGNALRPP_DETAIL_COMPILE_IMPLEMENTATION)
#if !defined(SIGNALRPP_SEPARATE_COMPILATION)
#define SIGNALRPP_DETAIL_SERVER_HEADER_ONLY
#endif
#include <signalrpp/server/impl/server.ipp>
#endif
