#pragma once
// The socket boundary: stream_io<Stream> is the one class template on the Asio stream type. It owns
// the socket (TCP, TLS, Unix-domain, the in-memory test stream, ...) and offers what the HTTP session
// and the transports above it need through a small virtual interface, stream_io_base: read what is
// there, write a sequence of buffers, close. Everything above is compiled once, whatever the socket.
//
// Completions go to an io_owner (virtual on_read / on_written), on the executor the owner names (its
// strand), and each pending operation holds the owner alive. One read and one write may be pending
// at a time. A stream_io can be handed from one owner to another between operations (an HTTP session
// handing its socket to a WebSocket session).
//
// Memory: a socket that can wait for readability (asio's basic_stream_socket: TCP, Unix) holds no read
// buffer while idle: it waits, then reads into a buffer of the thread's. Other streams (TLS, the test
// stream) read into a buffer that exists while their read is pending.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/transport/readable_wait.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/bind_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/socket_base.hpp>
#include <asio/write.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace signalrpp::transport {

/// Receives a stream_io's completions. Implemented by the sessions (HTTP, WebSocket).
class io_owner {
public:
    virtual ~io_owner() = default;
    /// The strand completions run on, or null when one thread runs the io_context (session_executor).
    virtual const asio::any_io_executor* io_strand() const = 0;
    /// Bytes arrived (valid during the call only), or the read failed (`ec`; eof when the peer closed).
    virtual void on_read(std::error_code ec, std::string_view data) = 0;
    /// A write finished: all bytes written, or `ec`.
    virtual void on_written(std::error_code ec, std::size_t bytes) = 0;
};

/// A socket of some type, seen through what the sessions need.
class stream_io_base {
public:
    virtual ~stream_io_base() = default;
    /// Reads what is available (at least one byte, or an error) and calls owner->on_read.
    virtual void async_read(std::shared_ptr<io_owner> owner) = 0;
    /// Writes every byte of `buffers` (which must stay valid until completion), then owner->on_written.
    virtual void async_write(std::span<const asio::const_buffer> buffers, std::shared_ptr<io_owner> owner) = 0;
    /// The same for one buffer (a cheaper operation).
    virtual void async_write(asio::const_buffer buffer, std::shared_ptr<io_owner> owner) = 0;
    /// Writes what the socket takes now, without waiting; returns the bytes written (0 and no error
    /// for streams that cannot, such as TLS: use async_write). would_block is not an error here.
    virtual std::size_t write_now(std::span<const asio::const_buffer> buffers, std::error_code& ec) = 0;
    /// Cancels pending operations and closes the socket (a TCP socket is shut down first).
    virtual void close() = 0;
    /// Sends the end of the stream (TCP FIN) but goes on reading: for closing without losing the
    /// last answer to a reset, while the peer may still be sending. Nothing for streams without it.
    virtual void shutdown_send() = 0;
    /// The peer's address as text ("127.0.0.1:50000", a socket path), empty when unknown.
    virtual std::string remote_endpoint() const = 0;
    /// Whether the socket is encrypted (TLS): "https"/"wss" in the request snapshot.
    virtual bool secure() const = 0;
};

namespace detail {

/// What a type must offer to carry signalrpp: Asio's AsyncReadStream and AsyncWriteStream.
template <class Stream>
concept async_stream = requires(Stream& s, asio::mutable_buffer mb, asio::const_buffer cb) {
    s.get_executor();
    s.async_read_some(mb, [](std::error_code, std::size_t) {});
    s.async_write_some(cb, [](std::error_code, std::size_t) {});
};

// A socket that can wait until readable and read without blocking (asio::basic_stream_socket).
template <class Stream>
concept waitable_socket = requires(Stream& s, std::error_code& ec, asio::mutable_buffer mb) {
    s.async_wait(asio::socket_base::wait_read, [](std::error_code) {});
    s.non_blocking(true, ec);
    s.read_some(mb, ec);
};

template <class Stream>
decltype(auto) lowest_layer_of(Stream& s) {
    if constexpr (requires { s.lowest_layer(); }) {
        return s.lowest_layer();
    } else {
        return (s);
    }
}

// The buffer a waitable socket reads into once readable: one per thread, never held while idle.
inline char* thread_read_buffer() {
    thread_local char buffer[64 * 1024];
    return buffer;
}
inline constexpr std::size_t thread_read_buffer_size = 64 * 1024;

// Bytes read per pending read on streams that cannot wait for readability.
inline constexpr std::size_t pending_read_size = 16 * 1024;

} // namespace detail

/// Customization point: whether a stream type is encrypted. Specialized by <signalrpp/server/tls.hpp>.
template <class Stream>
struct is_secure_stream : std::false_type {};

template <class Stream>
class stream_io final : public stream_io_base {
    static_assert(detail::async_stream<Stream>,
                  "signalrpp needs an Asio AsyncReadStream and AsyncWriteStream (get_executor, async_read_some, "
                  "async_write_some), such as asio::ip::tcp::socket, asio::ssl::stream<tcp::socket>, "
                  "asio::local::stream_protocol::socket or signalrpp::test::memory_stream");

public:
    explicit stream_io(Stream stream) : stream_(std::move(stream)) {
        std::error_code ec;
        if constexpr (detail::waitable_socket<Stream>) {
            stream_.non_blocking(true, ec);
        }
        // Messages go out when written, not when Nagle's algorithm decides (Kestrel's NoDelay).
        auto& lowest = detail::lowest_layer_of(stream_);
        if constexpr (requires { typename std::decay_t<decltype(lowest)>::protocol_type; }) {
            if constexpr (std::is_same_v<typename std::decay_t<decltype(lowest)>::protocol_type, asio::ip::tcp>) {
                lowest.set_option(asio::ip::tcp::no_delay(true), ec);
            }
        }
    }

    Stream& stream() noexcept { return stream_; }

    void async_read(std::shared_ptr<io_owner> owner) override {
        if constexpr (detail::waitable_socket<Stream>) {
            wait_then_read(std::move(owner));
        } else {
            auto buffer = std::make_unique<char[]>(detail::pending_read_size);
            char* data = buffer.get();
            const asio::any_io_executor* strand = owner->io_strand();
            auto done = [owner = std::move(owner), buffer = std::move(buffer)](std::error_code ec, std::size_t n) {
                owner->on_read(ec, std::string_view(buffer.get(), ec ? 0 : n));
            };
            if (strand) {
                stream_.async_read_some(asio::buffer(data, detail::pending_read_size),
                                        asio::bind_executor(*strand, std::move(done)));
            } else {
                stream_.async_read_some(asio::buffer(data, detail::pending_read_size), std::move(done));
            }
        }
    }

    void async_write(std::span<const asio::const_buffer> buffers, std::shared_ptr<io_owner> owner) override {
        write_all(buffers, std::move(owner));
    }

    void async_write(asio::const_buffer buffer, std::shared_ptr<io_owner> owner) override {
        write_all(buffer, std::move(owner));
    }

    std::size_t write_now(std::span<const asio::const_buffer> buffers, std::error_code& ec) override {
        ec.clear();
        if constexpr (detail::waitable_socket<Stream>) {
            const std::size_t n = stream_.write_some(buffers, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                ec.clear();
                return 0;
            }
            return n;
        } else {
            return 0;
        }
    }

    void close() override {
        auto& lowest = detail::lowest_layer_of(stream_);
        std::error_code ec;
        if constexpr (requires { lowest.shutdown(asio::socket_base::shutdown_both, ec); }) {
            lowest.shutdown(asio::socket_base::shutdown_both, ec);
        }
        if constexpr (requires { lowest.close(ec); }) {
            lowest.close(ec);
        } else {
            lowest.close();
        }
    }

    void shutdown_send() override {
        auto& lowest = detail::lowest_layer_of(stream_);
        std::error_code ec;
        if constexpr (requires { lowest.shutdown(asio::socket_base::shutdown_send, ec); }) {
            lowest.shutdown(asio::socket_base::shutdown_send, ec);
        }
    }

    std::string remote_endpoint() const override {
        auto& lowest = detail::lowest_layer_of(const_cast<Stream&>(stream_));
        if constexpr (requires(std::error_code& ec) { lowest.remote_endpoint(ec); }) {
            std::error_code ec;
            const auto endpoint = lowest.remote_endpoint(ec);
            if (ec) {
                return {};
            }
            std::ostringstream text;
            text << endpoint;
            return text.str();
        } else {
            return {};
        }
    }

    bool secure() const override { return is_secure_stream<Stream>::value; }

private:
    template <class Buffers>
    void write_all(const Buffers& buffers, std::shared_ptr<io_owner> owner) {
        const asio::any_io_executor* strand = owner->io_strand();
        auto done = [owner = std::move(owner)](std::error_code ec, std::size_t n) { owner->on_written(ec, n); };
        if (strand) {
            asio::async_write(stream_, buffers, asio::bind_executor(*strand, std::move(done)));
        } else {
            asio::async_write(stream_, buffers, std::move(done));
        }
    }

    // Waits until the socket is readable, then reads into the thread's buffer; or reads at once if the
    // last read filled that buffer (more may be there, and no event would say so: readable_wait.hpp).
    void wait_then_read(std::shared_ptr<io_owner> owner) {
        const asio::any_io_executor* strand = owner->io_strand();
        auto readable = [this, owner = std::move(owner)](std::error_code ec) mutable {
            if (ec) {
                owner->on_read(ec, {});
                return;
            }
            char* buffer = detail::thread_read_buffer();
            const std::size_t n = stream_.read_some(asio::buffer(buffer, detail::thread_read_buffer_size), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                wait_then_read(std::move(owner));
                return;
            }
            filled_buffer_ = !ec && n == detail::thread_read_buffer_size;
            owner->on_read(ec, std::string_view(buffer, ec ? 0 : n));
        };
        if (filled_buffer_) {
            filled_buffer_ = false;
            auto read_now = [readable = std::move(readable)]() mutable { readable(std::error_code()); };
            if (strand) {
                asio::post(asio::bind_executor(*strand, std::move(read_now)));
            } else {
                asio::post(stream_.get_executor(), std::move(read_now));
            }
        } else if (strand) {
            detail::async_wait_readable(stream_, asio::bind_executor(*strand, std::move(readable)));
        } else {
            detail::async_wait_readable(stream_, std::move(readable));
        }
    }

    Stream stream_;
    bool filled_buffer_ = false; // the last read filled the thread's buffer (waitable sockets)
};

/// Wraps `stream` (moved in) for the sessions.
template <class Stream>
std::unique_ptr<stream_io_base> make_stream_io(Stream stream) {
    return std::make_unique<stream_io<Stream>>(std::move(stream));
}

} // namespace signalrpp::transport
