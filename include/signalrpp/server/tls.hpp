#pragma once
// TLS for the server (opt-in: it needs OpenSSL, so link with -lssl -lcrypto). Include this header
// (or define SIGNALRPP_ENABLE_TLS before <signalrpp/signalrpp.hpp>) to serve https:// and wss://.
//
//     asio::ssl::context tls(asio::ssl::context::tls_server);
//     tls.use_certificate_chain_file("cert.pem");
//     tls.use_private_key_file("key.pem", asio::ssl::context::pem);
//     signalrpp::listen_tls(server, endpoint, tls);
//
// Each accepted socket does its TLS handshake first (dropped if it takes longer than the timeout),
// then is served as any other. The context must outlive the server.

#include <signalrpp/server/server.hpp>
#include <signalrpp/transport/stream_io.hpp>

#include <asio/bind_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

namespace signalrpp {

template <class NextLayer>
struct transport::is_secure_stream<asio::ssl::stream<NextLayer>> : std::true_type {};

/// Serves a connected TCP socket over TLS: the handshake first, within `handshake_timeout`.
inline void accept_tls(server& s, asio::ip::tcp::socket socket, asio::ssl::context& context,
                       std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10)) {
    using tls_stream = asio::ssl::stream<asio::ip::tcp::socket>;
    const auto strand = asio::make_strand(socket.get_executor());
    auto stream = std::make_shared<tls_stream>(std::move(socket), context);
    auto timer = std::make_shared<asio::steady_timer>(strand, handshake_timeout);
    timer->async_wait([stream](std::error_code ec) {
        if (!ec) {
            std::error_code ignored;
            stream->lowest_layer().close(ignored); // too slow: the handshake fails and the socket is dropped
        }
    });
    stream->async_handshake(asio::ssl::stream_base::server,
                            asio::bind_executor(strand, [&s, stream, timer](std::error_code ec) {
                                timer->cancel();
                                if (!ec) {
                                    s.accept(std::move(*stream));
                                }
                            }));
}

/// Listens on a TCP endpoint and serves TLS on it; returns the bound endpoint.
inline asio::ip::tcp::endpoint listen_tls(server& s, const asio::ip::tcp::endpoint& endpoint,
                                          asio::ssl::context& context) {
    return s.listen(endpoint, [&s, &context](asio::ip::tcp::socket socket) {
        accept_tls(s, std::move(socket), context);
    });
}

} // namespace signalrpp
