// chat-server: a chat room in the browser. It serves a page (wwwroot/) that talks to chat_hub through
// the official JavaScript client (@microsoft/signalr's browser bundle, from node_modules/ here):
// people pick a name, join rooms, send messages to their room or to everyone, and see who is online.
//
//     chat-server [--port N] [--www DIR] [--client DIR]
//
// Prints "listening on http://127.0.0.1:PORT" (port 0: any free port) and runs until Ctrl-C.
//
// Built in separate-compilation mode (meson.build uses the 'signalrpp-separate' dependency), so this
// file includes only the headers it uses: the server, static files, ASCII helpers.

#include <signalrpp/core/ascii.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/server/server.hpp>
#include <signalrpp/server/static_files.hpp>

#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#ifndef CHAT_WWWROOT
#define CHAT_WWWROOT "wwwroot"
#endif
#ifndef CHAT_CLIENT_DIR
#define CHAT_CLIENT_DIR "node_modules/@microsoft/signalr/dist/browser"
#endif

namespace chat {

// What the page receives. The JSON property names are the member names.
struct message {
    std::string room; // empty: a broadcast to every room
    std::string from; // empty: a notice from the server ("ana joined")
    std::string text;
    std::chrono::system_clock::time_point time;
};
SIGNALRPP_DEFINE_TYPE(message, room, from, text, time)

struct person {
    std::string name;
    std::string room;
};
SIGNALRPP_DEFINE_TYPE(person, name, room)

struct room_info {
    std::string name;
    int people = 0;
    bool open = true; // false: the room was forgotten (nobody was left in it)
};
SIGNALRPP_DEFINE_TYPE(room_info, name, people, open)

// Who is here and what each room said last, shared by every connection (hub objects live one per
// connection, so what they share lives outside them). Hub methods of different connections may run on
// different threads: every member function takes the lock.
//
// Bounded, since anyone may connect: at most max_people names and max_rooms rooms, and a room nobody is
// in any more is forgotten (but the three default rooms), its history with it.
class directory {
public:
    static constexpr std::size_t history_length = 50;
    static constexpr std::size_t max_rooms = 50;
    static constexpr std::size_t max_people = 200;

    directory() {
        for (const char* name : default_rooms) {
            history_[name];
        }
    }

    // Registers `wanted` for a connection; returns the name given, made unique with " (2)", " (3)"...
    std::string add_person(const std::string& connection_id, const std::string& wanted) {
        std::lock_guard lock(mutex_);
        if (!people_.contains(connection_id) && people_.size() >= max_people) {
            throw signalrpp::hub_exception("The chat is full: try again later.");
        }
        std::string name = wanted;
        for (int n = 2; name_taken(name, connection_id); ++n) {
            name = wanted + " (" + std::to_string(n) + ")";
        }
        people_[connection_id].name = name;
        return name;
    }

    void remove_person(const std::string& connection_id) {
        std::lock_guard lock(mutex_);
        people_.erase(connection_id);
    }

    // Moves a connection into `room` (created if new, unless there are max_rooms already), out of the
    // one it was in; returns what the room said last.
    std::vector<message> enter(const std::string& connection_id, const std::string& room) {
        std::lock_guard lock(mutex_);
        if (!history_.contains(room) && history_.size() >= max_rooms) {
            throw signalrpp::hub_exception("There are too many rooms: join one of those listed.");
        }
        const auto& said = history_[room];
        forget_if_empty(std::exchange(people_[connection_id].room, room));
        return {said.begin(), said.end()};
    }

    // Takes a connection out of its room.
    void leave(const std::string& connection_id) {
        std::lock_guard lock(mutex_);
        if (auto it = people_.find(connection_id); it != people_.end()) {
            forget_if_empty(std::exchange(it->second.room, {}));
        }
    }

    // One room as the page shows it: its name, how many are in it, and whether it is still there.
    room_info room(const std::string& name) const {
        std::lock_guard lock(mutex_);
        return {name, static_cast<int>(head_count(name)), history_.contains(name)};
    }

    void remember(const message& m) {
        std::lock_guard lock(mutex_);
        const auto it = history_.find(m.room);
        if (it == history_.end()) {
            return;
        }
        auto& said = it->second;
        said.push_back(m);
        if (said.size() > history_length) {
            said.pop_front();
        }
    }

    std::vector<person> people() const {
        std::lock_guard lock(mutex_);
        std::vector<person> out;
        for (const auto& entry : people_) {
            out.push_back(entry.second);
        }
        std::sort(out.begin(), out.end(), [](const person& a, const person& b) { return a.name < b.name; });
        return out;
    }

    // Every room that has a history (the three defaults, and any joined since), with its head count.
    std::vector<room_info> rooms() const {
        std::lock_guard lock(mutex_);
        std::vector<room_info> out;
        for (const auto& entry : history_) {
            out.push_back({entry.first, static_cast<int>(head_count(entry.first))});
        }
        return out;
    }

private:
    static constexpr const char* default_rooms[] = {"lobby", "random", "c++"};

    // A room nobody is in any more is forgotten, but the defaults.
    void forget_if_empty(const std::string& room) {
        if (!room.empty() && head_count(room) == 0 &&
            std::find(std::begin(default_rooms), std::end(default_rooms), room) == std::end(default_rooms)) {
            history_.erase(room);
        }
    }

    std::size_t head_count(const std::string& room) const {
        return static_cast<std::size_t>(
            std::count_if(people_.begin(), people_.end(), [&](const auto& p) { return p.second.room == room; }));
    }

    bool name_taken(const std::string& name, const std::string& except_id) const {
        return std::any_of(people_.begin(), people_.end(),
                           [&](const auto& entry) { return entry.first != except_id && entry.second.name == name; });
    }

    mutable std::mutex mutex_;
    std::map<std::string, person> people_; // by connection id
    std::map<std::string, std::deque<message>> history_;
};

// Trims spaces and refuses what is empty, too long, or holds control characters.
std::string clean(std::string_view text, std::size_t max_bytes, const char* what) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (text.empty()) {
        throw signalrpp::hub_exception(std::string("The ") + what + " is empty.");
    }
    if (text.size() > max_bytes) {
        throw signalrpp::hub_exception(std::string("The ") + what + " is longer than " + std::to_string(max_bytes) +
                                       " bytes.");
    }
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        throw signalrpp::hub_exception(std::string("The ") + what + " holds control characters.");
    }
    return std::string(text);
}

// One chat_hub object per connection: it remembers the name and room of its own connection. The
// directory all of them share comes through the constructor (map_hub's factory makes each hub).
struct chat_hub : signalrpp::hub {
    explicit chat_hub(directory& d) : directory_(&d) {}

    // Takes a name (made unique) and tells everyone who is online; returns the name given.
    std::string set_name(std::string wanted) {
        name_ = directory_->add_person(context().connection_id(), clean(wanted, 32, "name"));
        clients().caller().send("Rooms", directory_->rooms());
        announce_people();
        return name_;
    }

    // Leaves the current room, if any, and enters `room`; returns the room's recent messages.
    std::vector<message> join_room(std::string room) {
        require_name();
        room = clean(room, 24, "room name");
        std::transform(room.begin(), room.end(), room.begin(), [](char c) { return signalrpp::ascii::to_lower(c); });
        if (room == room_) {
            return directory_->enter(context().connection_id(), room);
        }
        auto history = directory_->enter(context().connection_id(), room); // (refused: still in the old one)
        const std::string left = std::exchange(room_, room);
        if (!left.empty()) {
            leave_group(left);
        }
        groups().add(context().connection_id(), room);
        clients().others_in_group(room).send("Message", notice(room, name_ + " joined"));
        if (!left.empty()) {
            announce_room(left);
        }
        announce_room(room);
        announce_people();
        return history;
    }

    void leave_room() {
        if (room_.empty()) {
            return;
        }
        const std::string left = std::exchange(room_, {});
        directory_->leave(context().connection_id());
        leave_group(left);
        announce_room(left);
        announce_people();
    }

    // Sends `text` to everyone in the caller's room (the caller included: it shows what arrived).
    void send_to_room(std::string text) {
        require_name();
        if (room_.empty()) {
            throw signalrpp::hub_exception("Join a room first.");
        }
        const message m{room_, name_, clean(text, 1000, "message"), std::chrono::system_clock::now()};
        directory_->remember(m);
        clients().group(room_).send("Message", m);
    }

    // Sends `text` to everyone connected, whatever their room.
    void broadcast(std::string text) {
        require_name();
        clients().all().send("Message", message{"", name_, clean(text, 1000, "message"), std::chrono::system_clock::now()});
    }

    void on_disconnected(std::exception_ptr) {
        if (name_.empty()) {
            return;
        }
        leave_room();
        directory_->remove_person(context().connection_id());
        announce_people();
    }

private:
    void require_name() const {
        if (name_.empty()) {
            throw signalrpp::hub_exception("Pick a name first.");
        }
    }

    static message notice(const std::string& room, std::string text) {
        return {room, "", std::move(text), std::chrono::system_clock::now()};
    }

    void leave_group(const std::string& room) {
        groups().remove(context().connection_id(), room);
        clients().group(room).send("Message", notice(room, name_ + " left"));
    }

    void announce_people() { clients().all().send("People", directory_->people()); }

    // Everyone gets the one room that changed (its head count, or that it was forgotten), not the list.
    void announce_room(const std::string& room) { clients().all().send("Room", directory_->room(room)); }

    directory* directory_;
    std::string name_;
    std::string room_;
};
SIGNALRPP_HUB(chat_hub, (set_name, "SetName"), (join_room, "JoinRoom"), (leave_room, "LeaveRoom"),
              (send_to_room, "SendToRoom"), (broadcast, "Broadcast"));

struct command_line {
    unsigned short port = 5000;
    signalrpp::log_level log = signalrpp::log_level::none;
    std::filesystem::path www = CHAT_WWWROOT;
    std::filesystem::path client = CHAT_CLIENT_DIR;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: chat-server [--port N] [--www DIR] [--client DIR] [--log LEVEL]\n"
                 "  --port N      the port on 127.0.0.1 (default 5000; 0: any free port)\n"
                 "  --log LEVEL   the server's log, from this level up, on stderr: debug, info, warn, error\n"
                 "  --www DIR     the page's files (default %s)\n"
                 "  --client DIR  where signalr.min.js is (default %s)\n",
                 CHAT_WWWROOT, CHAT_CLIENT_DIR);
    std::exit(2);
}

command_line parse(int argc, char** argv) {
    command_line c;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            usage();
        }
        const char* value = argv[++i];
        if (flag == "--port") {
            char* end = nullptr;
            const long port = std::strtol(value, &end, 10);
            if (end == value || *end != '\0' || port < 0 || port > 65535) {
                usage();
            }
            c.port = static_cast<unsigned short>(port);
        } else if (flag == "--www") {
            c.www = value;
        } else if (flag == "--client") {
            c.client = value;
        } else if (flag == "--log") {
            const std::string_view level = value;
            c.log = level == "debug"  ? signalrpp::log_level::debug
                    : level == "info" ? signalrpp::log_level::information
                    : level == "warn" ? signalrpp::log_level::warning
                    : level == "error" ? signalrpp::log_level::error
                                       : (usage(), signalrpp::log_level::none);
        } else {
            usage();
        }
    }
    return c;
}

// The server's log records, written through this program's own logger: here a line on stderr with the
// time since start, where an application would hand them to its logging library.
void log_line(const signalrpp::log_record& r) {
    static const auto start = std::chrono::steady_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::fprintf(stderr, "[chat %8.3f s] %-5s %.*s %.*s: %.*s\n", static_cast<double>(ms.count()) / 1000.0,
                 std::string(signalrpp::to_string(r.level)).c_str(), static_cast<int>(r.event.size()), r.event.data(),
                 static_cast<int>(r.connection_id.size()), r.connection_id.data(), static_cast<int>(r.message.size()),
                 r.message.data());
}

} // namespace chat

int main(int argc, char** argv) {
    const chat::command_line args = chat::parse(argc, argv);
    if (args.log != signalrpp::log_level::none) {
        signalrpp::set_log_sink(args.log, chat::log_line);
    }
    if (!std::filesystem::is_regular_file(args.www / "index.html")) {
        std::fprintf(stderr, "chat-server: no index.html in %s (see --www)\n", args.www.c_str());
        return 1;
    }
    if (!std::filesystem::is_regular_file(args.client / "signalr.min.js")) {
        std::fprintf(stderr,
                     "chat-server: no signalr.min.js in %s: install the JavaScript client with tools/install-deps "
                     "(or npm ci in examples/chat), or see --client\n",
                     args.client.c_str());
        return 1;
    }

    asio::io_context io(1);
    signalrpp::server_options options;
    options.static_files = args.www; // index.html, chat.css, chat.js
    options.single_threaded = true;  // only this thread runs io
    chat::directory directory; // who is here and what was said: shared by every connection's hub
    signalrpp::server server(io, options);
    server.map_hub<chat::chat_hub>("/chathub", {}, [&directory] { return chat::chat_hub(directory); });
    // The browser client, from the npm package: /lib/signalr.min.js (and its source map).
    server.map_static_files("/lib", args.client);

    // Ctrl-C (or SIGTERM) stops the server; io.run() then returns. Caught before the URL is printed.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code, int) { server.stop(); });

    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), args.port));
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(bound.port()));
    std::printf("open http://127.0.0.1:%u/ in a browser (two windows to chat with yourself); Ctrl-C stops\n",
                static_cast<unsigned>(bound.port()));
    std::fflush(stdout);
    io.run();
}
