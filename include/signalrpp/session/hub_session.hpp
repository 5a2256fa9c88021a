#pragma once
// hub_session: the hub protocol on one connection, the half that a server and a client run alike
// (ASP.NET Core writes it twice, in HubConnectionContext and HubConnection): records in through the
// handshake's framing, then the chosen protocol's; messages read in order, one at a time, those that
// must wait kept (an invocation with no free slot, an item for a full upload) and input paused past a
// limit; stream items and Completions routed to the streams the peer feeds and to the results awaited
// from it (by invocation id); CancelInvocation routed to the streams sent to the peer; pings and the
// peer's silence timed; the peer's Close. The rest is the owner's (session_owner.hpp).
//
// Runs on one strand (the owner's), except heartbeat(), which any thread may call: it reads only what
// the strand publishes for it. Nothing here knows a socket, a server or a wire format: the session's
// tests run it on one thread over an in-memory link (tests/session/).

#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/record_framing.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/reflect/upload_channel.hpp>
#include <signalrpp/session/result_callback.hpp>
#include <signalrpp/session/session_owner.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace signalrpp::session {

class hub_session {
public:
    using clock = std::chrono::steady_clock;
    using result_callback = session::result_callback;

    enum class phase : std::uint8_t {
        handshake,  ///< waiting for the handshake
        connecting, ///< handshake done; the owner is not yet ready for messages (they wait)
        running,
        closing, ///< a Close was sent or received: input is ignored
        ended,   ///< the link has ended (end())
    };

    /// When heartbeat() asks for something to be done.
    struct timing {
        clock::duration handshake_timeout;
        clock::duration keep_alive;        ///< a Ping after this much sending silence; zero: never
        clock::duration peer_timeout;      ///< the peer's silence that ends the session
        bool timeout_after_first_ping = false; ///< (a server times a client out only once it has pinged)
    };
    enum class due { nothing, handshake_timeout, ping, peer_timeout };

    hub_session(session_owner& owner, std::size_t max_message_size)
        : owner_(owner), max_message_size_(max_message_size), last_received_(clock::now()) {}

    hub_session(const hub_session&) = delete;
    hub_session& operator=(const hub_session&) = delete;

    // ----- State ----------------------------------------------------------------------------------

    phase current_phase() const noexcept { return phase_; }
    /// current_phase(), for other threads (the strand publishes each change with release).
    phase published_phase() const noexcept { return phase_published_.load(std::memory_order_acquire); }
    void enter(phase p) noexcept {
        phase_ = p;
        phase_published_.store(p, std::memory_order_release);
    }

    /// The protocol chosen at the handshake (null before): read by other threads only once
    /// published_phase() is past the handshake.
    const protocol::hub_protocol* protocol() const noexcept { return protocol_; }

    /// The handshake chose `p`: the bytes that followed the handshake, and all later ones, are framed
    /// by it, and messages go out in its transfer format (the handshake's answer included: send it after).
    void start_protocol(const protocol::hub_protocol& p) {
        protocol_ = &p;
        binary_ = p.binary();
        if (!p.frames_like_handshake() && framing_) {
            const std::string rest = framing_->take_buffered();
            framing_.reset();
            if (!rest.empty()) {
                framing().append(rest);
            }
        }
    }

    // ----- Input ----------------------------------------------------------------------------------

    /// Bytes from the peer.
    void receive(std::string_view data) {
        receive_with([&] { framing().append(data); });
    }

    /// Bytes from the peer that may be changed during the call: whole messages in them are parsed
    /// there, not copied first.
    void receive_in_place(std::span<char> data) {
        receive_with([&] { framing().lend(data); });
    }

    /// Goes on with messages that waited (the owner freed a slot, an upload has room, the owner is
    /// ready after the handshake).
    void resume() {
        pump();
        apply_backpressure();
        release_framing_if_empty();
    }

    /// True while a message waits.
    bool holding() const noexcept { return activity_ && activity_->held; }

    /// Counts every message of the peer handled from now on (after the handshake, whatever its type)
    /// in `counter` (a server's metrics; null: none). The counter must outlive the session.
    void count_received_in(std::atomic<std::uint64_t>* counter) noexcept { received_counter_ = counter; }

    // ----- Output ---------------------------------------------------------------------------------

    /// Whole messages written with protocol() (or a handshake answer), for the peer.
    void send(std::string_view records) { owner_.send_records(records, binary_); }
    void send(std::string records) { owner_.send_owned_records(std::move(records), binary_); }

    void send_ping() {
        std::string ping;
        protocol_->write_ping(ping);
        send(std::move(ping));
    }

    /// Sends a Close and ends the link once it is out; input is ignored from now.
    void send_close(std::optional<std::string_view> error, bool allow_reconnect) {
        std::string close;
        protocol_->write_close(close, error, allow_reconnect);
        send(std::move(close));
        enter(phase::closing);
        owner_.close_link();
    }

    // ----- Streams --------------------------------------------------------------------------------

    /// The peer's stream `id` now feeds `channel`, which holds `capacity` items before input waits;
    /// `on_space` is called when a full channel has room again (it should lead to resume() on the strand).
    void open_inbound_stream(std::string_view id, std::shared_ptr<reflect::upload_channel_base> channel,
                             std::size_t capacity, std::function<void()> on_space) {
        channel->set_capacity(capacity);
        channel->on_space(std::move(on_space));
        act().inbound[std::string(id)] = std::move(channel);
    }

    /// Ends the inbound stream `id` cleanly, if it is still open (its invocation returned).
    void end_inbound_stream(const std::string& id) {
        if (!activity_) {
            return;
        }
        auto& inbound = activity_->inbound;
        if (const auto found = inbound.find(id); found != inbound.end()) {
            found->second->complete(std::nullopt);
            inbound.erase(found);
        }
        release_activity_if_idle();
    }

    /// `stream` goes to the peer, until close_outbound_stream(); a CancelInvocation for its id cancels it.
    void open_outbound_stream(std::shared_ptr<reflect::result_stream_state> stream) {
        auto& outbound = act().outbound;
        auto& slot = outbound[stream->invocation_id];
        slot = std::move(stream);
    }

    void close_outbound_stream(const std::string& invocation_id) {
        if (activity_) {
            activity_->outbound.erase(invocation_id);
        }
        release_activity_if_idle();
    }

    bool has_outbound_stream(const std::string& invocation_id) const {
        return activity_ && activity_->outbound.contains(invocation_id);
    }

    // ----- Results awaited from the peer ----------------------------------------------------------

    /// Sends `message` (an Invocation written without an invocation id) under a fresh id from the owner,
    /// one that no inbound stream uses (the peer chose those: a Completion must never be taken for the
    /// other), and calls `done` with the peer's answer. `waiter` names the call for forget_result().
    void expect_result(std::string message, const void* waiter, result_callback done) {
        auto& a = act();
        std::string id;
        do {
            id = owner_.next_invocation_id();
        } while (a.inbound.contains(id));
        protocol_->set_invocation_id(message, id);
        a.results.emplace(std::move(id), awaited_result{waiter, std::move(done)});
        send(std::move(message));
    }

    /// Forgets the results that `waiter` awaits (nobody waits for them any more).
    void forget_result(const void* waiter) {
        if (activity_) {
            std::erase_if(activity_->results, [waiter](const auto& entry) { return entry.second.waiter == waiter; });
        }
        release_activity_if_idle();
    }

    // ----- Time -------------------------------------------------------------------------------------

    /// What is due at `now` (any thread; call it from one heartbeat at a time): the handshake's end,
    /// a Ping after keep_alive without sending (`last_send`: when the link last sent), or the end of a
    /// peer silent for peer_timeout. Do it on the strand, checking the phase again.
    due heartbeat(clock::time_point now, const timing& t, clock::time_point last_send) {
        const phase p = published_phase();
        if (p == phase::handshake) { // (last_received_ is still the session's start)
            return now - last_received_ >= t.handshake_timeout ? due::handshake_timeout : due::nothing;
        }
        if (p != phase::running) {
            return due::nothing;
        }
        if (received_.exchange(false, std::memory_order_relaxed)) {
            last_received_ = now; // (up to a tick late, for a timeout of many ticks)
        }
        const bool timed = !t.timeout_after_first_ping || pinged_.load(std::memory_order_relaxed);
        if (timed && now - last_received_ >= t.peer_timeout) {
            return due::peer_timeout;
        }
        if (t.keep_alive != clock::duration::zero() && now - last_send >= t.keep_alive) {
            return due::ping;
        }
        return due::nothing;
    }

    // ----- The end ----------------------------------------------------------------------------------

    /// The link has ended: outbound streams are cancelled, inbound streams fail ("The underlying
    /// connection was closed."), awaited results fail with `gone`. Returns the error of the peer's
    /// Close, if it sent one with an error. Idempotent.
    std::optional<std::string> end(std::string_view gone) {
        enter(phase::ended);
        if (!activity_) {
            return std::nullopt;
        }
        auto a = std::move(activity_);
        a->held.reset();
        for (auto& [id, stream] : a->outbound) {
            cancel(*stream);
        }
        for (auto& [id, stream] : a->inbound) {
            stream->complete("The underlying connection was closed.");
        }
        for (auto& [id, result] : a->results) {
            result.done({}, gone);
        }
        return std::move(a->peer_close_error);
    }

private:
    // A result awaited from the peer: who waits (expect_result's waiter) and what to call.
    struct awaited_result {
        const void* waiter;
        result_callback done;
    };

    // What a session holds only while streams, awaited results or a waiting message exist (an idle
    // connection keeps none of it).
    struct activity {
        std::optional<std::string> held; // a message waiting for a slot or for room in an inbound stream
        std::optional<std::string> peer_close_error;
        std::map<std::string, std::shared_ptr<reflect::upload_channel_base>> inbound;   // by stream id
        std::map<std::string, std::shared_ptr<reflect::result_stream_state>> outbound; // by invocation id
        std::map<std::string, awaited_result> results;                                  // by invocation id

        bool idle() const {
            return !held && !peer_close_error && inbound.empty() && outbound.empty() && results.empty();
        }
    };

    activity& act() {
        if (!activity_) {
            activity_ = std::make_unique<activity>();
        }
        return *activity_;
    }

    void release_activity_if_idle() {
        if (activity_ && activity_->idle()) {
            activity_.reset();
        }
    }

    bool any_inbound_full() const {
        if (!activity_) {
            return false;
        }
        return std::any_of(activity_->inbound.begin(), activity_->inbound.end(),
                           [](const auto& entry) { return entry.second->full(); });
    }

    template <class Add>
    void receive_with(const Add& add_to_framing) {
        if (phase_ == phase::ended || phase_ == phase::closing) {
            return;
        }
        received_.store(true, std::memory_order_relaxed); // (the heartbeat stamps it: no clock read here)
        add_to_framing();
        pump();
        if (framing_) {
            framing_->keep_lent();
        }
        apply_backpressure();
        release_framing_if_empty();
    }

    // The framing of the bytes received, made when bytes come: the handshake's until the protocol is
    // chosen, then the protocol's (or the handshake's still, for a protocol framed like it).
    protocol::message_framing& framing() {
        if (!framing_) {
            if (protocol_ && !protocol_->frames_like_handshake()) {
                framing_ = protocol_->make_framing(max_message_size_);
            } else {
                framing_ = std::make_unique<protocol::record_framing>(max_message_size_);
            }
        }
        return *framing_;
    }

    // A framing with nothing in it is dropped: an idle connection holds none (it is most of the
    // connections a server holds). Making one again on the next receive costs less than a system call.
    void release_framing_if_empty() noexcept {
        if (framing_ && framing_->buffered() == 0) {
            framing_->release_memory(); // (its buffer may go to a spare for the next connection's bytes)
            framing_.reset();
        }
    }

    // Handles every whole message received, in order, until one has to wait or the session stops.
    void pump() {
        while (phase_ == phase::handshake || phase_ == phase::running) {
            if (holding()) {
                std::string work = *activity_->held; // parsing works in place: keep the copy for another try
                if (!process(work.data(), work.size())) {
                    return;
                }
                activity_->held.reset();
                continue;
            }
            char* text = nullptr;
            std::size_t size = 0;
            const auto s = framing_ ? framing_->next(text, size) : protocol::message_framing::status::incomplete;
            if (s == protocol::message_framing::status::incomplete) {
                release_activity_if_idle();
                return;
            }
            if (s == protocol::message_framing::status::too_large) {
                owner_.protocol_error(protocol::message_too_large_error(max_message_size_));
                return;
            }
            if (s == protocol::message_framing::status::malformed) {
                owner_.protocol_error(framing_->malformed_error());
                return;
            }
            if (phase_ == phase::handshake) {
                owner_.handshake(text, size);
                continue;
            }
            // A message that may have to wait is copied first (parsing may change it: hub_protocol.hpp).
            if (owner_.busy() || any_inbound_full()) {
                std::string copy(text, size);
                if (!process(text, size)) {
                    act().held = std::move(copy);
                    return;
                }
            } else {
                process(text, size);
            }
        }
    }

    // While a message waits, input piles up: past a limit the link stops reading (the peer is then
    // held back by TCP), and reads again once the pile is handled.
    void apply_backpressure() {
        const std::size_t limit = std::max<std::size_t>(64 * 1024, max_message_size_);
        const std::size_t buffered = framing_ ? framing_->buffered() : 0;
        const bool pause = holding() && buffered >= limit && phase_ == phase::running;
        if (pause != receive_paused_) {
            receive_paused_ = pause;
            owner_.pause_receiving(pause);
        }
    }

    // Handles one message; false if it has to wait (nothing of it was done).
    bool process(char* text, std::size_t size) {
        protocol::hub_message message;
        protocol::protocol_error error;
        const auto parsed = protocol_->parse(text, size, message, error);
        if (parsed == protocol::parse_status::error) {
            owner_.protocol_error(error);
            return true;
        }
        if (parsed != protocol::parse_status::message) {
            return true; // a message type from the future: skipped
        }
        const bool handled = std::visit([this](const auto& m) { return handle(m); }, message);
        if (handled && received_counter_ != nullptr) { // (one that waits is handled, and counted, later)
            received_counter_->fetch_add(1, std::memory_order_relaxed);
        }
        return handled;
    }

    bool handle(const protocol::invocation_message& m) { return owner_.invocation(m); }
    bool handle(const protocol::stream_invocation_message& m) { return owner_.invocation(m); }

    bool handle(const protocol::stream_item_message& m) {
        if (!activity_) {
            return true; // no such stream: ignored, as the reference does
        }
        auto& inbound = activity_->inbound;
        const auto found = inbound.find(std::string(m.invocation_id));
        if (found == inbound.end()) {
            return true;
        }
        if (found->second->full()) {
            return false;
        }
        if (!found->second->push(m.item)) {
            inbound.erase(found); // the item did not bind: the stream has ended
        }
        return true;
    }

    bool handle(const protocol::completion_message& m) {
        if (!activity_) {
            return true; // nothing awaited: ignored
        }
        const std::string id(m.invocation_id);
        auto& a = *activity_;
        if (const auto awaited = a.results.find(id); awaited != a.results.end()) {
            auto done = std::move(awaited->second.done);
            a.results.erase(awaited);
            done(m.result, m.error);
            return true;
        }
        if (const auto stream = a.inbound.find(id); stream != a.inbound.end()) {
            stream->second->complete(m.error ? std::optional<std::string>(*m.error) : std::nullopt);
            a.inbound.erase(stream);
        }
        return true;
    }

    bool handle(const protocol::cancel_invocation_message& m) {
        if (activity_) {
            const auto& outbound = activity_->outbound;
            if (const auto found = outbound.find(std::string(m.invocation_id)); found != outbound.end()) {
                cancel(*found->second);
            }
        }
        return true;
    }

    bool handle(const protocol::ping_message&) {
        pinged_.store(true, std::memory_order_relaxed);
        return true;
    }

    bool handle(const protocol::close_message& m) {
        if (m.error) {
            act().peer_close_error.emplace(*m.error);
        }
        enter(phase::closing);
        owner_.close_link();
        return true;
    }

    bool handle(const protocol::ack_message&) { return true; }      // stateful reconnect: not offered
    bool handle(const protocol::sequence_message&) { return true; } // (negotiate never enables it)

    void cancel(reflect::result_stream_state& stream) {
        stream.cancelled = true;
        owner_.stream_cancelled(stream);
    }

    session_owner& owner_;
    std::unique_ptr<protocol::message_framing> framing_; // framing(): null while nothing is buffered
    std::size_t max_message_size_;                       // the framing's limit (0: none)
    const protocol::hub_protocol* protocol_ = nullptr;    // chosen by the handshake
    // When the peer last sent something, as the heartbeat saw it (its own: its ticks run one at a time);
    // the session's start until the handshake is done.
    clock::time_point last_received_;

    phase phase_ = phase::handshake;
    std::atomic<phase> phase_published_{phase::handshake}; // phase_, for the heartbeat's thread
    std::atomic<bool> received_{false}; // set by input, taken by the heartbeat
    std::atomic<bool> pinged_{false};
    bool binary_ = false;         // the protocol's transfer format is binary
    bool receive_paused_ = false; // the link was asked to stop reading (apply_backpressure)
    std::unique_ptr<activity> activity_; // null while idle
    std::atomic<std::uint64_t>* received_counter_ = nullptr; // count_received_in()
};

} // namespace signalrpp::session
