// The hub session on ONE thread, without a server: a session_owner whose link is one end of a
// test::memory_stream, and a peer at the other end that writes and reads hub messages with the same
// protocol objects. Every scenario runs with JSON and with MessagePack; the last one injects a failure
// at every read and write the session's link makes.
#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/protocol_choice.hpp>
#include <signalrpp/session/hub_session.hpp>
#include <signalrpp/test/memory_stream.hpp>

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using signalrpp::session::hub_session;
using signalrpp::test::memory_stream;
namespace protocol = signalrpp::protocol;
namespace reflect = signalrpp::reflect;
using phase = hub_session::phase;

const std::array<const protocol::hub_protocol*, 2> both_protocols{&protocol::json_protocol(),
                                                                   &protocol::messagepack_protocol()};

// A stream from the peer, as a method would take it: int items, a capacity, how it ended.
class test_channel final : public reflect::upload_channel_base {
public:
    explicit test_channel(std::string id, std::vector<std::string>& ends) : id_(std::move(id)), ends_(ends) {}

    bool push(const protocol::wire_value& item) override {
        int value = 0;
        if (!item.read(value)) {
            complete("not an int");
            return false;
        }
        items_.push_back(value);
        return true;
    }
    void complete(std::optional<std::string> error) override { ends_.push_back(id_ + ":" + error.value_or("ok")); }
    bool full() const override { return items_.size() >= capacity_; }
    void set_capacity(std::size_t capacity) override { capacity_ = capacity; }
    void on_space(std::function<void()> f) override { on_space_ = std::move(f); }

    /// Takes what it holds; a full channel says it has room again.
    void take(std::vector<int>& into) {
        const bool was_full = full();
        into.insert(into.end(), items_.begin(), items_.end());
        items_.clear();
        if (was_full && on_space_) {
            on_space_();
        }
    }

private:
    std::string id_;
    std::vector<std::string>& ends_;
    std::vector<int> items_;
    std::size_t capacity_ = 0;
    std::function<void()> on_space_;
};

// The session's side: the link over a memory_stream end, and a small role. Invocations: "echo" answers
// its first argument (a string) when it has an id; "hold" waits while `holding_invocations`; "upload" feeds its streams
// into test channels. A StreamInvocation opens a stream to the peer. What the session tells it is kept.
class test_owner final : public signalrpp::session::session_owner {
public:
    test_owner(memory_stream stream, std::size_t max_message_size = 32 * 1024)
        : session(*this, max_message_size), stream_(std::move(stream)) {
        read();
    }

    ~test_owner() override { *alive_ = false; }

    hub_session session;

    // What happened.
    std::vector<std::string> targets;         // invocations handled, in order
    std::vector<std::string> errors;          // protocol errors, their messages
    std::vector<std::string> cancelled;       // streams the peer cancelled
    std::vector<std::string> stream_ends;     // inbound streams ended: "id:" + error or "ok"
    std::vector<int> items;                   // items of inbound streams, as taken
    std::optional<std::error_code> link_error; // the link failed (read or write)
    std::optional<std::string> peer_close_error;
    bool link_closed = false;
    bool paused = false;
    bool holding_invocations = false;
    std::shared_ptr<reflect::result_stream_state> outbound;
    std::vector<std::shared_ptr<test_channel>> channels;

    /// Takes the items waiting in the inbound channels (as a method would), which may wake the session.
    void take_items() {
        for (const auto& channel : channels) {
            channel->take(items);
        }
    }

private:
    void send_records(std::string_view records, bool) override { queue(std::string(records)); }
    void send_owned_records(std::string records, bool) override { queue(std::move(records)); }
    void close_link() override {
        link_closed = true;
        finish_if_closed();
    }
    void pause_receiving(bool p) override {
        const bool resumed = paused && !p;
        paused = p;
        if (resumed) {
            read();
        }
    }

    void handshake(char* text, std::size_t size) override {
        protocol::handshake_request request;
        protocol::protocol_error error;
        std::string response;
        if (!protocol::read_handshake_request(text, size, request, error)) {
            protocol::write_handshake_response(response, error.message);
            refuse(std::move(response));
            return;
        }
        const auto choice = protocol::choose_protocol(request, both_protocols, true);
        if (choice.protocol == nullptr) {
            protocol::write_handshake_response(response, choice.refusal);
            refuse(std::move(response));
            return;
        }
        session.start_protocol(*choice.protocol);
        protocol::write_handshake_response(response);
        session.send(std::move(response));
        session.enter(phase::running);
    }

    void refuse(std::string response) {
        session.send(std::move(response));
        session.enter(phase::closing);
        close_link();
    }

    bool invocation(const protocol::invocation_message& m) override {
        if (m.target == "hold" && holding_invocations) {
            return false;
        }
        targets.emplace_back(m.target);
        if (m.target == "echo" && !m.invocation_id.empty()) {
            std::string text;
            auto values = m.arguments.values();
            if (values.next().read(text)) {
                std::string out;
                session.protocol()->write_completion_result(out, m.invocation_id, protocol::value_ref(text));
                session.send(std::move(out));
            }
        } else if (m.target == "upload") {
            m.stream_ids.for_each([&](std::string_view id) {
                auto channel = std::make_shared<test_channel>(std::string(id), stream_ends);
                channels.push_back(channel);
                session.open_inbound_stream(id, channel, 2, [this] { session.resume(); });
            });
        }
        return true;
    }

    bool invocation(const protocol::stream_invocation_message& m) override {
        targets.emplace_back(m.target);
        outbound = std::make_shared<reflect::result_stream_state>();
        outbound->invocation_id = m.invocation_id;
        session.open_outbound_stream(outbound);
        return true;
    }

    bool busy() const noexcept override { return holding_invocations; }

    void protocol_error(const protocol::protocol_error& error) override {
        errors.push_back(error.message);
        if (session.current_phase() == phase::running) {
            session.send_close("Connection closed with an error.", true);
        } else {
            session.enter(phase::closing);
            close_link();
        }
    }

    void stream_cancelled(reflect::result_stream_state& stream) override {
        CHECK(stream.cancelled);
        cancelled.push_back(stream.invocation_id);
    }

    std::string next_invocation_id() override { return std::to_string(++last_id_); }

    // ----- The link ------------------------------------------------------------------------------

    void read() {
        if (reading_ || paused || failed()) {
            return;
        }
        reading_ = true;
        stream_.async_read_some(asio::buffer(in_), [this, alive = alive_](std::error_code ec, std::size_t n) {
            if (!*alive) {
                return;
            }
            reading_ = false;
            if (ec) {
                fail(ec);
                return;
            }
            session.receive_in_place(std::span<char>(in_.data(), n));
            read();
        });
    }

    void queue(std::string records) {
        if (failed()) {
            return;
        }
        out_.push_back(std::move(records));
        write();
    }

    void write() {
        if (writing_ || out_.empty() || failed()) {
            return;
        }
        writing_ = true;
        asio::async_write(stream_, asio::buffer(out_.front()), [this, alive = alive_](std::error_code ec, std::size_t) {
            if (!*alive) {
                return;
            }
            writing_ = false;
            if (ec) {
                fail(ec);
                return;
            }
            out_.pop_front();
            write();
            finish_if_closed();
        });
    }

    // A graceful close: once what is queued is written, the stream's send side ends.
    void finish_if_closed() {
        if (link_closed && out_.empty() && !writing_ && !failed()) {
            stream_.shutdown(asio::socket_base::shutdown_send);
        }
    }

    bool failed() const { return link_error.has_value(); }

    void fail(std::error_code ec) {
        if (failed()) {
            return; // (the other operation, aborted by the close below)
        }
        link_error = ec;
        out_.clear();
        stream_.close();
        peer_close_error = session.end("Connection 'test' disconnected.");
    }

    memory_stream stream_;
    std::array<char, 256> in_{};
    std::deque<std::string> out_;
    bool reading_ = false;
    bool writing_ = false;
    int last_id_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The other end: writes what a peer would, with the protocol's writers, and reads what the session sent.
class test_peer {
public:
    test_peer(asio::io_context& io, memory_stream stream, const protocol::hub_protocol& p)
        : io_(io), stream_(std::move(stream)), protocol_(p), framing_(p.make_framing(0)) {}

    const protocol::hub_protocol& protocol() const { return protocol_; }

    void write(std::string_view bytes) {
        std::error_code ec;
        asio::write(stream_, asio::buffer(bytes), ec); // (a closed session end: the bytes go nowhere)
        poll();
    }

    void handshake() {
        write(std::string(R"({"protocol":")") + std::string(protocol_.name()) + R"(","version":1})" + "\x1e");
        CHECK(read_handshake_response() == "{}\x1e");
    }

    std::string read_handshake_response() {
        poll();
        std::string bytes = take_all();
        const auto end = bytes.find('\x1e');
        if (end == std::string::npos) {
            return bytes;
        }
        framing_->append(std::string_view(bytes).substr(end + 1));
        return bytes.substr(0, end + 1);
    }

    void invoke(std::string_view id, std::string_view target, const std::string& argument,
                std::span<const std::string_view> stream_ids = {}) {
        std::string out;
        const std::array<protocol::value_ref, 1> args{protocol::value_ref(argument)};
        protocol_.write_invocation(out, {id, target, stream_ids}, args);
        write(out);
    }

    void invoke_stream(std::string_view id, std::string_view target) {
        std::string out;
        protocol_.write_stream_invocation(out, {id, target}, {});
        write(out);
    }

    void item(std::string_view id, int value) {
        std::string out;
        protocol_.write_stream_item(out, id, protocol::value_ref(value));
        write(out);
    }

    void complete(std::string_view id, std::optional<std::string_view> error = std::nullopt) {
        std::string out;
        if (error) {
            protocol_.write_completion_error(out, id, *error);
        } else {
            protocol_.write_completion_empty(out, id);
        }
        write(out);
    }

    void complete_with(std::string_view id, const std::string& result) {
        std::string out;
        protocol_.write_completion_result(out, id, protocol::value_ref(result));
        write(out);
    }

    void cancel(std::string_view id) {
        std::string out;
        protocol_.write_cancel_invocation(out, id);
        write(out);
    }

    void ping() {
        std::string out;
        protocol_.write_ping(out);
        write(out);
    }

    void close(std::optional<std::string_view> error) {
        std::string out;
        protocol_.write_close(out, error, false);
        write(out);
    }

    /// The messages the session sent since the last call, each as "<type> <id> <text>".
    std::vector<std::string> messages() {
        poll();
        framing_->append(take_all());
        std::vector<std::string> out;
        char* data = nullptr;
        std::size_t size = 0;
        while (framing_->next(data, size) == protocol::message_framing::status::message) {
            protocol::hub_message m;
            protocol::protocol_error error;
            REQUIRE(protocol_.parse(data, size, m, error) == protocol::parse_status::message);
            out.push_back(describe(m));
        }
        return out;
    }

    bool closed_by_session() {
        poll();
        std::array<char, 1> b{};
        std::error_code ec;
        if (stream_.bytes_available() != 0) {
            return false;
        }
        stream_.read_some(asio::buffer(b), ec);
        return ec == asio::error::eof;
    }

    memory_stream& stream() { return stream_; }

private:
    // Runs what is ready (an io_context that ran out of work stops, and must be restarted first).
    void poll() {
        io_.restart();
        io_.poll();
    }

    std::string take_all() {
        std::string bytes;
        while (const std::size_t n = stream_.bytes_available()) {
            std::string chunk(n, '\0');
            std::error_code ec;
            chunk.resize(stream_.read_some(asio::buffer(chunk), ec));
            bytes += chunk;
            if (ec) {
                break;
            }
        }
        return bytes;
    }

    static std::string describe(const protocol::hub_message& m) {
        if (const auto* c = std::get_if<protocol::completion_message>(&m)) {
            std::string text;
            if (c->error) {
                text = "error " + std::string(*c->error);
            } else if (c->result.read(text)) {
                text = "result " + text;
            } else {
                text = "none";
            }
            return "completion " + std::string(c->invocation_id) + " " + text;
        }
        if (const auto* i = std::get_if<protocol::invocation_message>(&m)) {
            std::string argument;
            auto values = i->arguments.values();
            values.next().read(argument);
            return "invocation " + std::string(i->invocation_id) + " " + std::string(i->target) + "(" + argument + ")";
        }
        if (const auto* c = std::get_if<protocol::close_message>(&m)) {
            return "close " + std::string(c->error.value_or("-"));
        }
        if (std::holds_alternative<protocol::ping_message>(m)) {
            return "ping";
        }
        return "type " + std::to_string(static_cast<int>(protocol::type_of(m)));
    }

    asio::io_context& io_;
    memory_stream stream_;
    const protocol::hub_protocol& protocol_;
    std::unique_ptr<protocol::message_framing> framing_;
};

// A session and its peer on one io_context.
struct session_pair {
    explicit session_pair(const protocol::hub_protocol& p, std::size_t max_message_size = 32 * 1024,
                          const std::function<void(memory_stream&)>& prepare = {}) {
        auto [session_end, peer_end] = signalrpp::test::make_memory_stream_pair(io.get_executor());
        if (prepare) {
            prepare(session_end);
        }
        owner = std::make_unique<test_owner>(std::move(session_end), max_message_size);
        peer = std::make_unique<test_peer>(io, std::move(peer_end), p);
    }

    asio::io_context io;
    std::unique_ptr<test_owner> owner;
    std::unique_ptr<test_peer> peer;
};

std::string name_of(const protocol::hub_protocol* p) { return std::string(p->name()); }

} // namespace

TEST_CASE("session: handshake, then invocations answered in the protocol chosen", "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            CHECK(s.owner->session.current_phase() == phase::handshake);
            s.peer->handshake();
            CHECK(s.owner->session.current_phase() == phase::running);
            CHECK(s.owner->session.protocol() == p);
            s.peer->invoke("1", "echo", "hello");
            s.peer->invoke("", "echo", "no answer wanted");
            s.peer->invoke("2", "echo", "again");
            CHECK(s.peer->messages() == std::vector<std::string>{"completion 1 result hello", "completion 2 result again"});
            CHECK(s.owner->targets == std::vector<std::string>{"echo", "echo", "echo"});
        }
    }
}

TEST_CASE("session: messages read one byte at a time, and the handshake sharing a read with messages", "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p) + ", byte by byte") {
            session_pair s(*p, 32 * 1024, [](memory_stream& end) { end.set_read_size(1); });
            s.peer->handshake();
            s.peer->invoke("7", "echo", std::string(300, 'x')); // (a MessagePack length of two bytes)
            s.peer->ping();
            s.peer->invoke("8", "echo", "after");
            CHECK(s.peer->messages() ==
                  std::vector<std::string>{"completion 7 result " + std::string(300, 'x'), "completion 8 result after"});
        }
        SECTION(name_of(p) + ", in one write") {
            session_pair s(*p);
            std::string invocation;
            const std::string argument = "right behind the handshake";
            const std::array<protocol::value_ref, 1> args{protocol::value_ref(argument)};
            p->write_invocation(invocation, {"3", "echo"}, args);
            s.peer->write(std::string(R"({"protocol":")") + std::string(p->name()) + R"(","version":1})" + "\x1e" +
                          invocation);
            CHECK(s.peer->read_handshake_response() == "{}\x1e");
            CHECK(s.peer->messages() == std::vector<std::string>{"completion 3 result right behind the handshake"});
        }
    }
}

TEST_CASE("session: results awaited from the peer, by id", "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            s.peer->handshake();
            std::vector<std::string> answers;
            const auto record = [&](const char* who) {
                return [&answers, who](const protocol::wire_value& result, std::optional<std::string_view> error) {
                    std::string text;
                    result.read(text);
                    answers.push_back(std::string(who) + (error ? " error " + std::string(*error) : " " + text));
                };
            };
            const auto call = [&](const char* who) {
                std::string message;
                const std::string argument = who;
                const std::array<protocol::value_ref, 1> args{protocol::value_ref(argument)};
                p->write_invocation(message, {"", "ask"}, args);
                s.owner->session.expect_result(std::move(message), who, record(who));
            };
            // An upload stream of the peer's takes id "2": the next awaited result skips it.
            const std::array<std::string_view, 1> streams{"2"};
            s.peer->invoke("", "upload", "", streams);
            call("a"); // id 1
            call("b"); // id 3 (2 is the peer's stream)
            call("c"); // id 4, forgotten below
            CHECK(s.peer->messages() ==
                  std::vector<std::string>{"invocation 1 ask(a)", "invocation 3 ask(b)", "invocation 4 ask(c)"});
            s.owner->session.forget_result("c");
            s.peer->complete_with("3", "for b");
            s.peer->complete("1", "no");
            s.peer->complete_with("4", "nobody waits");
            CHECK(answers == std::vector<std::string>{"b for b", "a error no"});
            CHECK(s.owner->stream_ends.empty()); // (id 2 is still the peer's stream)
            s.peer->complete("2");
            CHECK(s.owner->stream_ends == std::vector<std::string>{"2:ok"});
        }
    }
}

TEST_CASE("session: stream items routed to their streams; a full stream holds the input, then resumes",
          "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            s.peer->handshake();
            const std::array<std::string_view, 2> streams{"s1", "s2"};
            s.peer->invoke("", "upload", "", streams);
            s.peer->item("s1", 1);
            s.peer->item("s2", 2);
            s.peer->item("s1", 3);
            s.peer->item("s1", 4); // s1 holds 2: this one waits, and what follows it
            s.peer->invoke("9", "echo", "behind the full stream");
            s.peer->item("nobody", 5); // (no such stream: ignored)
            CHECK(s.owner->session.holding());
            CHECK(s.peer->messages().empty());
            s.owner->take_items(); // (s1 had room again: the session goes on, until s1 is full again)
            s.owner->take_items();
            CHECK(s.owner->items == std::vector<int>{1, 3, 2, 4});
            CHECK_FALSE(s.owner->session.holding());
            CHECK(s.peer->messages() == std::vector<std::string>{"completion 9 result behind the full stream"});
            s.peer->complete("s2", "the peer's error");
            s.owner->session.end_inbound_stream("s1"); // (its invocation returned)
            CHECK(s.owner->stream_ends == std::vector<std::string>{"s2:the peer's error", "s1:ok"});
        }
    }
}

TEST_CASE("session: input piles up behind a held message until the link is paused, then read again",
          "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            s.peer->handshake();
            s.owner->holding_invocations = true;
            s.peer->invoke("1", "hold", "");
            const std::string big(1000, 'b');
            std::size_t sent = 0;
            for (; sent < 80 && !s.owner->paused; ++sent) {
                s.peer->invoke("", "echo", big);
            }
            CHECK(s.owner->paused); // (past 64 KiB waiting: about 64 of these)
            CHECK(sent > 60);
            s.peer->invoke("", "echo", big); // (written, not read while paused)
            CHECK(s.owner->targets.empty());
            s.owner->holding_invocations = false;
            s.owner->session.resume();
            s.peer->messages();
            CHECK_FALSE(s.owner->paused);
            CHECK(s.owner->targets.size() == 1 + sent + 1);
            CHECK(s.owner->targets.front() == "hold");
        }
    }
}

TEST_CASE("session: a CancelInvocation cancels the stream sent to the peer", "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            s.peer->handshake();
            s.peer->invoke_stream("5", "counter");
            REQUIRE(s.owner->outbound);
            CHECK(s.owner->session.has_outbound_stream("5"));
            s.peer->cancel("6"); // (no such stream)
            CHECK(s.owner->cancelled.empty());
            s.peer->cancel("5");
            CHECK(s.owner->cancelled == std::vector<std::string>{"5"});
            CHECK(s.owner->outbound->cancelled);
            s.owner->session.close_outbound_stream("5");
            CHECK_FALSE(s.owner->session.has_outbound_stream("5"));
        }
    }
}

TEST_CASE("session: the peer's Close ends the link; its error is what end() gives", "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            session_pair s(*p);
            s.peer->handshake();
            s.peer->close("the peer's reason");
            s.peer->invoke("1", "echo", "too late");
            CHECK(s.owner->link_closed);
            CHECK(s.owner->session.current_phase() == phase::closing);
            CHECK(s.peer->closed_by_session());
            CHECK(s.owner->targets.empty());
            CHECK(s.owner->session.end("gone") == std::optional<std::string>("the peer's reason"));
            CHECK(s.owner->session.current_phase() == phase::ended);
        }
    }
}

TEST_CASE("session: what the peer cannot send: malformed messages, messages too large, bad handshakes",
          "[session]") {
    SECTION("json, malformed") {
        session_pair s(protocol::json_protocol());
        s.peer->handshake();
        s.peer->write("{\"type\":1,\"target\":5}\x1e");
        CHECK(s.owner->errors == std::vector<std::string>{"Expected 'target' to be of type String."});
        CHECK(s.peer->messages() == std::vector<std::string>{"close Connection closed with an error."});
        CHECK(s.peer->closed_by_session());
    }
    SECTION("messagepack, malformed") {
        session_pair s(protocol::messagepack_protocol());
        s.peer->handshake();
        s.peer->write(std::string("\x02\x91\xc1", 3)); // (0xc1 is never used)
        REQUIRE(s.owner->errors.size() == 1);
        CHECK(s.peer->messages() == std::vector<std::string>{"close Connection closed with an error."});
    }
    for (const auto* p : both_protocols) {
        SECTION(name_of(p) + ", too large") {
            session_pair s(*p, 100);
            s.peer->handshake();
            s.peer->invoke("1", "echo", std::string(200, 'l'));
            CHECK(s.owner->errors ==
                  std::vector<std::string>{"The maximum message size of 100B was exceeded. The message size can be "
                                           "configured in AddHubOptions."});
            CHECK(s.owner->targets.empty());
        }
        SECTION(name_of(p) + ", a message type from the future is skipped") {
            session_pair s(*p);
            s.peer->handshake();
            if (p->binary()) {
                s.peer->write(std::string("\x02\x91\x63", 3)); // [99]
            } else {
                s.peer->write("{\"type\":99}\x1e");
            }
            s.peer->invoke("1", "echo", "still here");
            CHECK(s.peer->messages() == std::vector<std::string>{"completion 1 result still here"});
            CHECK(s.owner->errors.empty());
        }
    }
    SECTION("an unknown protocol is refused in the handshake") {
        session_pair s(protocol::json_protocol());
        s.peer->write(R"({"protocol":"xml","version":1})" "\x1e");
        CHECK(s.peer->read_handshake_response() == R"({"error":"The protocol 'xml' is not supported."})" "\x1e");
        CHECK(s.peer->closed_by_session());
        CHECK(s.owner->session.current_phase() == phase::closing);
    }
}

TEST_CASE("session: heartbeat: the handshake's time, pings when quiet, the peer's silence", "[session]") {
    session_pair s(protocol::json_protocol());
    using namespace std::chrono_literals;
    const auto t0 = hub_session::clock::now();
    const hub_session::timing timing{15s, 15s, 30s, true};
    CHECK(s.owner->session.heartbeat(t0 + 14s, timing, t0) == hub_session::due::nothing);
    CHECK(s.owner->session.heartbeat(t0 + 16s, timing, t0) == hub_session::due::handshake_timeout);
    s.peer->handshake();
    const auto t1 = t0 + 1s;
    CHECK(s.owner->session.heartbeat(t1, timing, t1) == hub_session::due::nothing);
    CHECK(s.owner->session.heartbeat(t1 + 15s, timing, t1) == hub_session::due::ping);
    // No ping from the peer yet: its silence is not timed (timeout_after_first_ping).
    CHECK(s.owner->session.heartbeat(t1 + 60s, timing, t1 + 60s) == hub_session::due::nothing);
    s.peer->ping();
    const auto t2 = t1 + 61s; // the tick that sees the ping stamps its time
    CHECK(s.owner->session.heartbeat(t2, timing, t2) == hub_session::due::nothing);
    CHECK(s.owner->session.heartbeat(t2 + 29s, timing, t2 + 29s) == hub_session::due::nothing);
    CHECK(s.owner->session.heartbeat(t2 + 30s, timing, t2 + 30s) == hub_session::due::peer_timeout);
    // A client's timing: always timed; no pings at all with a zero keep-alive.
    const hub_session::timing client{15s, 0s, 30s, false};
    s.peer->invoke("", "echo", "");
    const auto t3 = t2 + 31s;
    CHECK(s.owner->session.heartbeat(t3, client, t0) == hub_session::due::nothing);
    CHECK(s.owner->session.heartbeat(t3 + 30s, client, t0) == hub_session::due::peer_timeout);
}

TEST_CASE("session: a failure injected at every read and write of the link ends the session cleanly",
          "[session]") {
    for (const auto* p : both_protocols) {
        SECTION(name_of(p)) {
            std::size_t completed_runs = 0;
            std::size_t failed_runs = 0;
            for (std::size_t fail_at = 0; completed_runs == 0; ++fail_at) {
                REQUIRE(fail_at < 200);
                session_pair s(*p, 32 * 1024, [&](memory_stream& end) {
                    end.set_read_size(7); // (more operations: reads of 7 bytes at most)
                    end.fail_after(fail_at);
                });
                auto& owner = *s.owner;
                auto& session = owner.session;
                std::vector<std::string> answers;
                std::vector<std::string> seen;
                const auto collect = [&] {
                    for (auto& m : s.peer->messages()) {
                        seen.push_back(std::move(m));
                    }
                };
                s.peer->write(std::string(R"({"protocol":")") + std::string(p->name()) + R"(","version":1})" + "\x1e");
                s.peer->read_handshake_response();
                s.peer->invoke("1", "echo", "one");
                const std::array<std::string_view, 1> streams{"up"};
                s.peer->invoke("", "upload", "", streams);
                s.peer->item("up", 10);
                s.peer->invoke_stream("2", "counter");
                if (session.current_phase() == phase::running) {
                    std::string message;
                    const std::string argument = "question";
                    const std::array<protocol::value_ref, 1> args{protocol::value_ref(argument)};
                    p->write_invocation(message, {"", "ask"}, args);
                    session.expect_result(std::move(message), nullptr,
                                          [&](const protocol::wire_value& result, std::optional<std::string_view> error) {
                                              std::string text;
                                              result.read(text);
                                              answers.push_back(error ? "error " + std::string(*error) : text);
                                          });
                }
                collect();
                s.peer->complete_with("1", "the answer");
                s.peer->ping();
                s.peer->invoke("3", "echo", "three");
                collect();
                owner.take_items();
                if (!owner.link_error) {
                    // Nothing failed: every message was handled and answered.
                    ++completed_runs;
                    CHECK(seen == std::vector<std::string>{"completion 1 result one", "invocation 1 ask(question)",
                                                           "completion 3 result three"});
                    CHECK(answers == std::vector<std::string>{"the answer"});
                    CHECK(owner.items == std::vector<int>{10});
                    CHECK(owner.targets == std::vector<std::string>{"echo", "upload", "counter", "echo"});
                    CHECK(owner.stream_ends.empty());
                    continue;
                }
                // The injected failure ended the link: the session ended with it, and everything it held
                // was failed or cancelled, once.
                ++failed_runs;
                INFO("fail_at " << fail_at);
                CHECK(*owner.link_error == asio::error::connection_reset);
                CHECK(session.current_phase() == phase::ended);
                CHECK(owner.errors.empty());
                CHECK(answers.size() <= 1);
                if (answers.size() == 1 && answers[0] != "the answer") {
                    CHECK(answers[0] == "error Connection 'test' disconnected.");
                }
                if (std::find(owner.targets.begin(), owner.targets.end(), "upload") != owner.targets.end()) {
                    CHECK(owner.stream_ends == std::vector<std::string>{"up:The underlying connection was closed."});
                }
                if (owner.outbound) {
                    CHECK(owner.cancelled == std::vector<std::string>{"2"});
                }
                // What the peer sends after the failure reaches nothing, and the session stays ended.
                const auto handled = owner.targets.size();
                s.peer->invoke("4", "echo", "after the end");
                CHECK(owner.targets.size() == handled);
                CHECK(session.current_phase() == phase::ended);
            }
            CHECK(failed_runs > 10); // (every read and write before the end of the script)
        }
    }
}
