// floor-echo-server: the floor under every echo figure of bench/echo/compare.py. A WebSocket echo with no
// library and nothing but what an echo needs: one thread, one epoll set with each socket registered
// once (edge-triggered, so no epoll_ctl per message), one recv into a buffer the thread owns and one
// send per batch of echoes, frames unmasked in place. Any server whose reads and writes are system
// calls pays at least this; what it spends per echo is mostly the kernel's (loopback TCP, wake-ups, and
// entering and leaving the kernel, which page-table isolation makes dear). Its ratio to another server
// is the most that server's rival can reach here: if the floor is under 1.5x Beast at one message in
// flight, no server of this kind is above it on this machine.
//
// Not a server to copy: no limits, no TLS, no fragmented messages, no close handshake beyond answering
// one; it trusts ws-load. Same contract as raw-echo-server: `floor-echo-server --port N` (0: any free
// port), 127.0.0.1, first line "listening on ws://127.0.0.1:PORT", text and binary messages echoed,
// until SIGINT or SIGTERM.

#include <signalrpp/websocket/handshake.hpp>

#include "echo_server_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;

volatile std::sig_atomic_t stopping = 0;

struct peer {
    explicit peer(int socket) : fd(socket) {}

    int fd;
    bool upgraded = false;
    bool closing = false; // a close frame was answered: close once it is written
    std::string input;  // bytes of an unfinished request or frame (empty between whole frames)
    std::string output; // what the socket did not take yet
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

// The value of the Sec-WebSocket-Key header in a request head, or empty.
std::string_view websocket_key(std::string_view head) {
    constexpr std::string_view name = "sec-websocket-key:";
    for (std::size_t line = head.find("\r\n"); line != std::string_view::npos; line = head.find("\r\n", line + 2)) {
        const std::string_view rest = head.substr(line + 2);
        if (rest.size() > name.size() && equal_ignoring_case(rest.substr(0, name.size()), name)) {
            std::string_view value = rest.substr(name.size(), rest.find("\r\n") - name.size());
            while (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            return value;
        }
    }
    return {};
}

// Echoes every whole frame at the start of `data` into `out`; returns the bytes used.
std::size_t echo_frames(char* data, std::size_t size, peer& p) {
    std::size_t at = 0;
    while (size - at >= 6) { // the shortest masked frame
        auto* const b = reinterpret_cast<unsigned char*>(data + at);
        const unsigned opcode = b[0] & 0x0f;
        std::uint64_t length = b[1] & 0x7f;
        std::size_t header = 2;
        if (length == 126) {
            length = (std::uint64_t{b[2]} << 8) | b[3];
            header = 4;
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; ++i) {
                length = (length << 8) | b[2 + i];
            }
            header = 10;
        }
        if (size - at < header + 4 || size - at - header - 4 < length) {
            break;
        }
        const unsigned char* const mask = b + header;
        char* const payload = data + at + header + 4;
        for (std::uint64_t i = 0; i < length; ++i) {
            payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
        }
        const unsigned reply = opcode == 0x8 ? 0x8 : opcode == 0x9 ? 0xa : opcode;
        if (opcode != 0xa) { // pongs are not answered
            std::array<unsigned char, 10> h{static_cast<unsigned char>(0x80 | reply)};
            std::size_t h_size = 2;
            if (length < 126) {
                h[1] = static_cast<unsigned char>(length);
            } else if (length <= 0xffff) {
                h[1] = 126;
                h[2] = static_cast<unsigned char>(length >> 8);
                h[3] = static_cast<unsigned char>(length);
                h_size = 4;
            } else {
                h[1] = 127;
                for (int i = 0; i < 8; ++i) {
                    h[2 + i] = static_cast<unsigned char>(length >> (56 - 8 * i));
                }
                h_size = 10;
            }
            p.output.append(reinterpret_cast<const char*>(h.data()), h_size);
            p.output.append(payload, length);
        }
        p.closing = p.closing || opcode == 0x8;
        at += header + 4 + length;
    }
    return at;
}

// Takes what was read: the upgrade request first, then frames.
void take(peer& p, char* data, std::size_t size) {
    if (!p.upgraded) {
        p.input.append(data, size);
        const std::size_t end = p.input.find("\r\n\r\n");
        if (end == std::string::npos) {
            return;
        }
        const std::string_view key = websocket_key(std::string_view(p.input).substr(0, end + 2));
        p.output += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: " + signalrpp::websocket::accept_key(key) + "\r\n\r\n";
        p.upgraded = true;
        std::string rest = p.input.substr(end + 4);
        p.input.clear();
        if (!rest.empty()) {
            take(p, rest.data(), rest.size());
        }
        return;
    }
    if (p.input.empty()) {
        const std::size_t used = echo_frames(data, size, p);
        p.input.assign(data + used, size - used);
    } else {
        p.input.append(data, size);
        const std::size_t used = echo_frames(p.input.data(), p.input.size(), p);
        p.input.erase(0, used);
    }
}

// Writes what is pending; false when the socket failed.
bool flush(peer& p) {
    while (!p.output.empty()) {
        const ssize_t n = ::send(p.fd, p.output.data(), p.output.size(), MSG_NOSIGNAL);
        if (n < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK; // EPOLLOUT will say when to go on
        }
        p.output.erase(0, static_cast<std::size_t>(n));
    }
    return !p.closing;
}

void drop(peer* p) {
    ::close(p->fd);
    delete p;
}

} // namespace

int main(int argc, char** argv) {
    const unsigned short port = parse_echo_server_port(argc, argv, "floor-echo-server");
    std::signal(SIGINT, [](int) { stopping = 1; });
    std::signal(SIGTERM, [](int) { stopping = 1; });

    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t address_size = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, SOMAXCONN) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &address_size) != 0) {
        std::perror("floor-echo-server: listen");
        return 1;
    }
    const int poller = ::epoll_create1(0);
    epoll_event listen_event{EPOLLIN, {.ptr = nullptr}};
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &listen_event);
    std::printf("listening on ws://127.0.0.1:%u\n", static_cast<unsigned>(ntohs(address.sin_port)));
    std::fflush(stdout);

    static char buffer[read_buffer_size];
    std::array<epoll_event, 256> events;
    while (!stopping) {
        const int ready = ::epoll_wait(poller, events.data(), static_cast<int>(events.size()), -1);
        for (int i = 0; i < ready; ++i) {
            auto* const p = static_cast<peer*>(events[i].data.ptr);
            if (p == nullptr) {
                for (int fd; (fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    epoll_event e{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.ptr = new peer(fd)}};
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, fd, &e);
                }
                continue;
            }
            bool alive = true;
            if (events[i].events & EPOLLIN) {
                for (;;) { // a read that fills the buffer may leave more behind it
                    const ssize_t n = ::recv(p->fd, buffer, sizeof buffer, 0);
                    if (n <= 0) {
                        alive = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
                        break;
                    }
                    take(*p, buffer, static_cast<std::size_t>(n));
                    if (static_cast<std::size_t>(n) < sizeof buffer) {
                        break;
                    }
                }
            }
            alive = alive && !(events[i].events & (EPOLLERR | EPOLLHUP)) && flush(*p);
            if (!alive) {
                drop(p); // closing the descriptor takes it out of the epoll set
            }
        }
    }
}
