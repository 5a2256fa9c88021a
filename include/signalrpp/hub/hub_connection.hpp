#pragma once
// hub_connection: the hub protocol on one connection, as ASP.NET Core's HubConnectionHandler and
// HubConnectionContext run it: the handshake (with its timeout and error texts), then messages in
// order: invocations dispatched to the hub (at most maximum_parallel_invocations_per_client at a time;
// an awaiting method does not stop the reading of stream items, completions, pings and cancels),
// server-to-client streams and their cancellation, client-to-server streams with bounded buffering,
// client results, pings, the client timeout and Close messages. Compiled once for every hub; the hub
// object is behind detail::hub_instance.
//
// Everything but heartbeat(), start_client_invocation() and cancel_client_invocation() runs on the
// connection's strand.

#include <signalrpp/core/asio_coroutines.hpp>
#include <signalrpp/core/exception_message.hpp>
#include <signalrpp/core/hub_exception.hpp>
#include <signalrpp/core/log.hpp>
#include <signalrpp/core/spare_buffer.hpp>
#include <signalrpp/hub/hub_caller_context.hpp>
#include <signalrpp/hub/hub_instance.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/protocol_choice.hpp>
#include <signalrpp/protocol/record_framing.hpp>
#include <signalrpp/reflect/invocation_errors.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/transport/connection.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace signalrpp {

class hub_connection final : public reflect::invocation_sink, public std::enable_shared_from_this<hub_connection> {
public:
    using clock = std::chrono::steady_clock;
    /// How a client result arrives: the result (null for none) or the client's error. Called on the
    /// connection's strand; the views are valid during the call only.
    using result_callback = std::function<void(const protocol::wire_value& result, std::optional<std::string_view> error)>;

    hub_connection(std::shared_ptr<transport::connection> c, std::shared_ptr<hub_shared_state> shared)
        : shared_(std::move(shared)), context_(std::move(c)),
          framing_(std::make_unique<protocol::record_framing>(shared_->options.maximum_receive_message_size)),
          started_(clock::now()), last_received_(started_) {}

    /// Gives the connection its hub object (made after the connection, as it refers to the context).
    void set_hub(std::unique_ptr<detail::hub_instance> hub) { hub_ = std::move(hub); }

    hub_caller_context& context() noexcept { return context_; }
    const std::shared_ptr<transport::connection>& connection() const noexcept { return context_.connection(); }
    const std::shared_ptr<hub_shared_state>& shared() const noexcept { return shared_; }

    /// The hub protocol the client chose; set once by the handshake, before the connection is registered.
    const protocol::hub_protocol& protocol() const noexcept override { return *protocol_; }

    // ----- From the connection handler --------------------------------------------------------

    /// Bytes from the client.
    void receive(std::string_view data) {
        receive_with([&] { framing_->append(data); });
    }

    /// Bytes from the client that may be changed during the call: whole messages in them are parsed
    /// there, not copied first.
    void receive_in_place(std::span<char> data) {
        receive_with([&] { framing_->lend(data); });
    }

    /// The transport has ended: streams are cancelled, uploads and awaited client results fail, the
    /// hub's on_disconnected runs, then the connection leaves its groups.
    void disconnected(std::error_code ec) {
        if (phase_ == phase::ended) {
            return;
        }
        set_phase(phase::ended);
        std::map<std::string, pending_result> results;
        if (activity_) {
            activity_->held.reset();
            for (auto& [id, stream] : activity_->streams) {
                cancel_stream(*stream);
            }
            for (auto& [id, upload] : activity_->uploads) {
                upload->complete("The underlying connection was closed.");
            }
            activity_->uploads.clear();
            results.swap(activity_->pending_results);
        }
        const std::string gone = "Connection '" + connection()->id() + "' disconnected.";
        for (auto& [id, pending] : results) {
            pending.done({}, gone);
        }
        if (!hub_connected_) { // no handshake, or on_connected failed or had not finished
            shared_->registry.remove(connection()->id());
            return;
        }
        std::exception_ptr error;
        if (activity_ && activity_->client_close_error) {
            error = std::make_exception_ptr(hub_exception(*activity_->client_close_error));
        } else if (ec) {
            error = std::make_exception_ptr(std::system_error(ec));
        }
        asio::co_spawn(connection()->get_executor(), hub_->on_disconnected(error),
                       [self = shared_from_this(), error](std::exception_ptr failure) {
                           if (failure) {
                               self->application_error("the hub's on_disconnected", failure);
                           }
                           for (const auto& filter : self->shared_->options.filters) {
                               try {
                                   filter->on_disconnected(self->context_, error);
                               } catch (...) {
                                   self->application_error("a filter's on_disconnected", std::current_exception());
                               }
                           }
                           self->shared_->registry.remove(self->connection()->id());
                       });
    }

    /// The Close message to send when the connection is closed from outside the hub protocol (the
    /// server stopping, context().abort()): once the handshake is done, a Close with allowReconnect
    /// as ASP.NET Core sends when the transport ends under a connection, or a plain Close after abort();
    /// nothing if the hub is closing it itself (it sent its own Close), or over long polling.
    std::string closing_message() const {
        const phase p = phase_published_.load(std::memory_order_acquire);
        std::string close;
        // (Not over long polling: with no poll waiting, it would hold the closing connection open.)
        if ((p == phase::connecting || p == phase::running) && !long_polling()) {
            protocol_->write_close(close, std::nullopt, !context_.aborted()); // abort(): no reconnect
        }
        return close;
    }

    // ----- From the heartbeat (any thread) -------------------------------------------------------

    /// Once a second: a handshake not made in time, a Ping after keep_alive_interval of silence, a
    /// client silent for client_timeout_interval after its first ping.
    void heartbeat(clock::time_point now) {
        const auto& o = shared_->options;
        enum class action { none, handshake_timeout, ping, client_timeout } todo = action::none;
        const phase p = phase_published_.load(std::memory_order_acquire);
        if (p == phase::handshake && now - started_ >= o.handshake_timeout) {
            todo = action::handshake_timeout;
        } else if (p == phase::running) {
            if (received_.exchange(false, std::memory_order_relaxed)) {
                last_received_ = now;
            }
            if (client_timeout_armed_.load(std::memory_order_relaxed) && now - last_received_ >= o.client_timeout_interval) {
                todo = action::client_timeout;
            } else if (!long_polling() && now - connection()->last_send() >= o.keep_alive_interval) {
                todo = action::ping;
            }
        }
        if (todo == action::none) {
            return;
        }
        asio::dispatch(connection()->get_executor(), [self = shared_from_this(), todo] {
            switch (todo) {
            case action::handshake_timeout:
                if (self->phase_ == phase::handshake) {
                    self->refuse_handshake("Handshake was canceled.");
                }
                break;
            case action::client_timeout:
                if (self->phase_ == phase::running) {
                    self->close_with_error(
                        {"OperationCanceledException",
                         "Client hasn't sent a message/ping within the configured ClientTimeoutInterval."},
                        true);
                }
                break;
            case action::ping:
                if (self->phase_ == phase::running) {
                    std::string ping;
                    self->protocol_->write_ping(ping);
                    self->send_records(std::move(ping));
                }
                break;
            case action::none: break;
            }
        });
    }

    // ----- Client results (any thread) ----------------------------------------------------------

    /// Sends `message` (an Invocation written without an invocation id) under a fresh server id, one
    /// that none of this connection's upload streams uses (the client chose those; a Completion must
    /// never be taken for the other), and calls `done` with the client's answer. `owner` names the
    /// call for cancel_client_invocation.
    void start_client_invocation(std::string message, const void* owner, result_callback done) {
        asio::dispatch(connection()->get_executor(), [self = shared_from_this(), message = std::move(message), owner,
                                                      done = std::move(done)]() mutable {
            if (self->phase_ == phase::ended) {
                done({}, "Connection '" + self->connection()->id() + "' disconnected.");
                return;
            }
            auto& a = self->act();
            std::string id;
            do {
                id = self->shared_->next_server_invocation_id();
            } while (a.uploads.contains(id)); // (the counter never repeats an id of its own)
            self->protocol_->set_invocation_id(message, id);
            a.pending_results.emplace(std::move(id), pending_result{owner, std::move(done)});
            self->send_records(std::move(message));
        });
    }

    /// Forgets the client result that `owner` waits for, when nobody waits for it any more (timed out).
    void cancel_client_invocation(const void* owner) {
        asio::dispatch(connection()->get_executor(), [self = shared_from_this(), owner] {
            std::erase_if(self->act().pending_results,
                          [owner](const auto& entry) { return entry.second.owner == owner; });
        });
    }

    /// True while the hub's on_connected runs (client results are not allowed there).
    bool in_on_connected() const noexcept { return phase_ == phase::connecting; }

    /// A method of this connection awaits a client result: it stops counting against the parallel
    /// invocation limit, so that the connection goes on reading (the result may come behind other
    /// invocations). Call on the strand.
    void release_invocation_slot() {
        if (running_ > released_) {
            ++released_;
            asio::post(connection()->get_executor(), [self = shared_from_this()] { self->resume(); });
        }
    }

    // ----- invocation_sink ----------------------------------------------------------------------

    void send(std::string message) override { send_records(std::move(message)); }

    void open_result_stream(std::shared_ptr<reflect::result_stream_state> stream) override {
        if (dispatching_) {
            current_record().stream = stream;
        }
        act().streams[stream->invocation_id] = std::move(stream);
    }

    void open_upload(std::string_view stream_id, std::shared_ptr<reflect::upload_channel_base> channel) override {
        channel->set_capacity(shared_->options.stream_buffer_capacity);
        channel->on_space([weak = weak_from_this()] {
            if (auto self = weak.lock()) {
                asio::post(self->connection()->get_executor(), [self] { self->resume(); });
            }
        });
        if (dispatching_) {
            current_record().uploads.emplace_back(stream_id);
        }
        act().uploads[std::string(stream_id)] = std::move(channel);
    }

private:
    // Queues hub messages for the client: whole messages, which may share a transport message with
    // those queued next (outbound_message::records). Binary for a binary protocol; a refused
    // handshake's response, with no protocol, is text.
    void send_records(std::string messages) {
        connection()->send(transport::outbound_message::records(std::move(messages), binary()));
    }

    bool binary() const noexcept { return protocol_ != nullptr && protocol_->binary(); }

    enum class phase { handshake, connecting, running, closing, ended };

    // One invocation that has not finished yet.
    struct running_invocation {
        std::string target;
        bool counted = false; // holds one of the parallel-invocation slots
        std::vector<std::string> uploads;
        std::shared_ptr<reflect::result_stream_state> stream;
        asio::cancellation_signal cancel;
    };

    // A client result awaited: who waits (start_client_invocation's owner) and what to call.
    struct pending_result {
        const void* owner;
        result_callback done;
    };

    // What a connection holds only while streams, client results or a waiting message exist (idle
    // connections keep none of it: memory per idle connection).
    struct activity {
        std::optional<std::string> held; // a message waiting for a slot or for room in an upload stream
        std::optional<std::string> client_close_error;
        std::map<std::string, std::shared_ptr<reflect::result_stream_state>> streams;
        std::map<std::string, std::shared_ptr<running_invocation>> stream_invocations;
        std::map<std::string, std::shared_ptr<reflect::upload_channel_base>> uploads;
        std::map<std::string, pending_result> pending_results; // by the server's invocation id

        bool idle() const {
            return !held && !client_close_error && streams.empty() && stream_invocations.empty() && uploads.empty() &&
                   pending_results.empty();
        }
    };

    activity& act() {
        if (!activity_) {
            activity_ = std::make_unique<activity>();
        }
        return *activity_;
    }

    bool holding() const noexcept { return activity_ && activity_->held; }

    // No pings and no closing Close there (polls keep the connection alive; see closing_message()).
    bool long_polling() const { return connection()->transport() == transport::long_polling; }

    void release_activity_if_idle() {
        if (activity_ && activity_->idle()) {
            activity_.reset();
        }
    }


    std::size_t active_invocations() const noexcept { return running_ - released_; }

    bool any_upload_full() const {
        if (!activity_) {
            return false;
        }
        for (const auto& [id, upload] : activity_->uploads) {
            if (upload->full()) {
                return true;
            }
        }
        return false;
    }

    void set_phase(phase p) {
        phase_ = p;
        phase_published_.store(p, std::memory_order_release);
    }

    template <class Add>
    void receive_with(const Add& add_to_records) {
        if (phase_ == phase::ended || phase_ == phase::closing) {
            return;
        }
        received_.store(true, std::memory_order_relaxed); // (the heartbeat stamps it: no clock read here)
        add_to_records();
        pump();
        framing_->keep_lent();
        apply_backpressure();
    }

    // Handles every whole message received, in order, until one has to wait (no invocation slot, a
    // full upload stream) or the connection stops.
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
            const auto s = framing_->next(text, size);
            if (s == protocol::message_framing::status::incomplete) {
                if (framing_->buffered() == 0) {
                    framing_->release_memory();
                }
                release_activity_if_idle();
                return;
            }
            if (s != protocol::message_framing::status::message) {
                if (phase_ == phase::handshake) {
                    refuse_handshake("Handshake was canceled.");
                } else if (s == protocol::message_framing::status::too_large) {
                    close_with_error(protocol::message_too_large_error(framing_->max_message_size()), true);
                } else {
                    close_with_error(framing_->malformed_error(), true);
                }
                return;
            }
            if (phase_ == phase::handshake) {
                handshake(text, size);
                continue;
            }
            // A message that may have to wait is copied first (parsing may change it: hub_protocol.hpp).
            if (active_invocations() >= max_parallel() || any_upload_full()) {
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

    // Goes on with messages that waited.
    void resume() {
        pump();
        apply_backpressure();
    }

    // While a message waits, input piles up: past a limit the transport stops reading (WebSockets;
    // the peer is then held back by TCP), and reads again once the pile is handled.
    void apply_backpressure() {
        const std::size_t limit = std::max<std::size_t>(64 * 1024, shared_->options.maximum_receive_message_size);
        const bool pause = holding() && framing_->buffered() >= limit && phase_ == phase::running;
        if (pause != receive_paused_) {
            receive_paused_ = pause;
            connection()->pause_receiving(pause);
        }
    }

    std::size_t max_parallel() const noexcept {
        const std::size_t n = shared_->options.maximum_parallel_invocations_per_client;
        return n == 0 ? 1 : n;
    }

    bool detailed() const noexcept { return shared_->options.enable_detailed_errors; }

    // ----- Handshake ------------------------------------------------------------------------------

    void handshake(char* text, std::size_t size) {
        protocol::handshake_request request;
        protocol::protocol_error error;
        if (!protocol::read_handshake_request(text, size, request, error)) {
            refuse_handshake(reflect::detail::with_detail("An unexpected error occurred during connection handshake.",
                                                          detailed(), error.exception_type, error.message));
            return;
        }
        const bool binary_transport = connection()->transport() != transport::server_sent_events;
        auto choice = protocol::choose_protocol(request, shared_->options.protocols, binary_transport);
        if (choice.protocol == nullptr) {
            refuse_handshake(choice.refusal);
            return;
        }
        protocol_ = choice.protocol;
        // (In the protocol's transfer format, as ASP.NET Core sets it before answering: binary frames for
        // MessagePack over WebSockets.)
        std::string response;
        protocol::write_handshake_response(response);
        send_records(std::move(response));
        // What followed the handshake is the protocol's to frame.
        const std::string rest = framing_->take_buffered();
        framing_ = protocol_->make_framing(shared_->options.maximum_receive_message_size);
        framing_->append(rest);
        shared_->registry.add(connection(), context_.user_id(), shared_from_this(), protocol_);
        set_phase(phase::connecting);
        for (const auto& filter : shared_->options.filters) {
            filter->on_connected(context_);
        }
        asio::co_spawn(connection()->get_executor(), hub_->on_connected(),
                       [self = shared_from_this()](std::exception_ptr failure) { self->connected(failure); });
    }

    void connected(std::exception_ptr failure) {
        if (phase_ != phase::connecting) {
            return; // ended meanwhile
        }
        if (failure) {
            application_error("the hub's on_connected", failure);
            std::string reason = "Connection closed with an error.";
            try {
                std::rethrow_exception(failure);
            } catch (...) {
                reason = reflect::detail::with_exception_detail(std::move(reason), detailed());
            }
            send_close(reason, false);
            return;
        }
        hub_connected_ = true;
        set_phase(phase::running);
        resume();
    }

    // Logs that the application's `what` threw `failure` (its caller answers for the call, if any).
    void application_error(std::string_view what, std::exception_ptr failure) const {
        log(log_level::error, log_category::hub_connection_handler, "ApplicationError", connection()->id(),
            [&] { return std::string(what) + " threw: " + exception_message(failure); });
    }

    void refuse_handshake(std::string_view reason) {
        log(log_level::debug, log_category::hub_connection_handler, "HandshakeFailed", connection()->id(),
            [&] { return "the handshake failed: " + std::string(reason); });
        std::string response;
        protocol::write_handshake_response(response, reason);
        send_records(std::move(response));
        set_phase(phase::closing);
        connection()->close();
    }

    // ----- Closing --------------------------------------------------------------------------------

    void send_close(std::optional<std::string_view> error, bool allow_reconnect) {
        std::string close;
        protocol_->write_close(close, error, allow_reconnect);
        send_records(std::move(close));
        set_phase(phase::closing);
        connection()->close();
    }

    // "Connection closed with an error." (with "<kind>: <message>" when detailed errors are on), for a
    // message the hub protocol cannot read; logged as the reference does (an error, ErrorProcessingRequest).
    void close_with_error(const protocol::protocol_error& error, bool allow_reconnect) {
        log(log_level::error, log_category::hub_connection_handler, "ErrorProcessingRequest", connection()->id(),
            [&] { return "a message the hub protocol cannot read (" + error.detail() + ")"; });
        send_close(reflect::detail::with_detail("Connection closed with an error.", detailed(), error.exception_type,
                                                error.message),
                   allow_reconnect);
    }

    // ----- Messages -------------------------------------------------------------------------------

    // Handles one message; false if it has to wait (nothing of it was done).
    bool process(char* text, std::size_t size) {
        protocol::hub_message message;
        protocol::protocol_error error;
        const auto parsed = protocol_->parse(text, size, message, error);
        if (parsed == protocol::parse_status::error) {
            close_with_error(error, true);
            return true;
        }
        if (parsed != protocol::parse_status::message) {
            return true; // a message type from the future: skipped
        }
        return std::visit([this](const auto& m) { return handle(m); }, message);
    }

    bool handle(const protocol::invocation_message& m) { return invoke(reflect::invocation::from(m)); }
    bool handle(const protocol::stream_invocation_message& m) { return invoke(reflect::invocation::from(m)); }

    bool handle(const protocol::stream_item_message& m) {
        auto& uploads = act().uploads;
        const auto found = uploads.find(std::string(m.invocation_id));
        if (found == uploads.end()) {
            return true; // no such stream: ignored, as the reference does
        }
        if (found->second->full()) {
            return false;
        }
        if (!found->second->push(m.item)) {
            uploads.erase(found); // the item did not bind: the stream has ended
        }
        return true;
    }

    bool handle(const protocol::completion_message& m) {
        const std::string id(m.invocation_id);
        auto& a = act();
        if (const auto pending = a.pending_results.find(id); pending != a.pending_results.end()) {
            auto done = std::move(pending->second.done);
            a.pending_results.erase(pending);
            done(m.result, m.error);
            return true;
        }
        if (const auto upload = a.uploads.find(id); upload != a.uploads.end()) {
            upload->second->complete(m.error ? std::optional<std::string>(*m.error) : std::nullopt);
            a.uploads.erase(upload);
        }
        return true;
    }

    bool handle(const protocol::cancel_invocation_message& m) {
        auto& streams = act().streams;
        if (const auto found = streams.find(std::string(m.invocation_id)); found != streams.end()) {
            cancel_stream(*found->second);
        }
        return true;
    }

    bool handle(const protocol::ping_message&) {
        client_timeout_armed_.store(true, std::memory_order_relaxed);
        return true;
    }

    bool handle(const protocol::close_message& m) {
        if (m.error) {
            act().client_close_error.emplace(*m.error);
        }
        set_phase(phase::closing);
        connection()->close();
        return true;
    }

    bool handle(const protocol::ack_message&) { return true; }      // stateful reconnect: not offered
    bool handle(const protocol::sequence_message&) { return true; } // (negotiate never enables it)

    void cancel_stream(reflect::result_stream_state& stream) {
        stream.cancelled = true;
        auto& running_streams = act().stream_invocations;
        if (const auto running = running_streams.find(stream.invocation_id); running != running_streams.end()) {
            running->second->cancel.emit(asio::cancellation_type::all);
        }
    }

    // ----- Invocations ------------------------------------------------------------------------------

    // Whether `call` takes one of the parallel-invocation slots. As in ASP.NET Core, calls that stream
    // (results, or arguments from the client) do not: one that waits for its upload's items while
    // holding the only slot would keep out the items themselves once another invocation waits before them.
    static bool takes_slot(const reflect::invocation& call) noexcept {
        return !call.streaming && call.stream_ids.empty();
    }

    bool invoke(const reflect::invocation& call) {
        if (takes_slot(call) && active_invocations() >= max_parallel()) {
            return false;
        }
        const auto& o = shared_->options;
        signalrpp::detail::scratch_string<hub_connection> scratch; // (copied into the send queue)
        std::string& out = scratch.get();
        // Answers `call` with `error` instead of invoking it (nothing for a call without an id).
        const auto refuse = [&](const std::string& error) {
            if (!call.invocation_id.empty()) {
                protocol_->write_completion_error(out, call.invocation_id, error);
                connection()->send_records(out, binary());
            }
            return true;
        };
        // A method the hub has is named as the hub declares it, in any case the client wrote (as ASP.NET
        // Core names it once its binder has found the method; an unknown one keeps the client's spelling).
        const auto declared = o.authorize || !o.filters.empty() ? hub_->method_name(call.target) : std::nullopt;
        const std::string_view target = declared ? *declared : call.target;
        if (o.authorize && declared) {
            bool allowed = false;
            try {
                allowed = o.authorize(context_, target);
            } catch (...) {
                application_error("authorize", std::current_exception());
                return refuse(reflect::method_exception_error(target, detailed()));
            }
            if (!allowed) {
                std::string refusal = "Failed to invoke '" + std::string(target) + "' because user is unauthorized";
                log(log_level::debug, log_category::hub_connection_handler, "HubMethodNotAuthorized", connection()->id(),
                    [&] { return refusal; });
                return refuse(std::move(refusal));
            }
        }
        if (call.streaming && act().streams.count(std::string(call.invocation_id)) != 0) {
            return refuse("Invocation ID '" + std::string(call.invocation_id) + "' is already in use.");
        }
        if (!o.filters.empty()) { // (the context is made only for filters: most hubs have none)
            const hub_invocation_context filter_context{context_, target};
            try {
                for (const auto& filter : o.filters) {
                    filter->before_invoke(filter_context);
                }
            } catch (...) {
                application_error("a filter's before_invoke", std::current_exception());
                return refuse(reflect::method_exception_error(target, detailed()));
            }
        }

        dispatching_ = true;
        auto result = hub_->dispatch(call, out, reflect::sink_ref(*this, &share_sink), reflect::dispatch_options{detailed()});
        dispatching_ = false;
        auto record = std::move(current_); // null unless the method opened streams
        if (!out.empty()) {
            connection()->send_records(out, binary());
        }
        if (result.finished()) {
            finish(record.get(), target);
            if (record) {
                recycle(std::move(record));
            }
            return true;
        }
        if (!record) {
            record = new_record();
        }
        record->target.assign(target); // for the filters, once it ends
        record->counted = takes_slot(call);
        if (record->counted) {
            ++running_;
        }
        if (record->stream) {
            act().stream_invocations[record->stream->invocation_id] = record;
        }
        auto slot = record->cancel.slot();
        asio::co_spawn(connection()->get_executor(), std::move(*result.pending),
                       asio::bind_cancellation_slot(slot, [self = shared_from_this(), record](std::exception_ptr) {
                           self->finished(record);
                       }));
        return true;
    }

    static std::shared_ptr<reflect::invocation_sink> share_sink(reflect::invocation_sink& self) {
        return static_cast<hub_connection&>(self).shared_from_this();
    }

    // The record of the invocation being dispatched, made when it first needs one (most never do).
    running_invocation& current_record() {
        if (!current_) {
            current_ = new_record();
        }
        return *current_;
    }

    // Records that end before dispatch returns go back to this thread's spare, which
    // the next invocation takes instead of allocating one.
    static std::shared_ptr<running_invocation>& spare_record() {
        thread_local std::shared_ptr<running_invocation> spare;
        return spare;
    }
    static std::shared_ptr<running_invocation> new_record() {
        if (auto& spare = spare_record()) {
            return std::move(spare);
        }
        return std::make_shared<running_invocation>();
    }
    static void recycle(std::shared_ptr<running_invocation> record) {
        if (record.use_count() != 1) {
            return; // still referenced (a stream it opened): let it go
        }
        record->counted = false;
        record->uploads.clear();
        record->stream.reset();
        spare_record() = std::move(record);
    }

    // An asynchronous invocation has ended.
    void finished(const std::shared_ptr<running_invocation>& record) {
        if (record->counted) {
            if (released_ > 0) {
                --released_;
            }
            --running_;
        }
        if (record->stream) {
            act().stream_invocations.erase(record->stream->invocation_id);
        }
        finish(record.get(), record->target);
        if (holding() && phase_ == phase::running) {
            resume();
        }
        release_activity_if_idle();
    }

    // What every invocation's end does: its streams close (`record`: null if it opened none and did not
    // wait), the filters hear of it.
    void finish(const running_invocation* record, std::string_view target) {
        if (record != nullptr) {
            for (const auto& id : record->uploads) {
                auto& uploads = act().uploads;
                if (const auto upload = uploads.find(id); upload != uploads.end()) {
                    upload->second->complete(std::nullopt);
                    uploads.erase(upload);
                }
            }
            if (record->stream) {
                act().streams.erase(record->stream->invocation_id);
            }
        }
        const auto& filters = shared_->options.filters;
        if (!filters.empty()) {
            const hub_invocation_context filter_context{context_, target};
            for (auto filter = filters.rbegin(); filter != filters.rend(); ++filter) {
                try {
                    (*filter)->after_invoke(filter_context);
                } catch (...) {
                    application_error("a filter's after_invoke", std::current_exception());
                }
            }
        }
    }

    std::shared_ptr<hub_shared_state> shared_;
    hub_caller_context context_;
    std::unique_ptr<detail::hub_instance> hub_;
    std::unique_ptr<protocol::message_framing> framing_; // the handshake's, then the protocol's
    const protocol::hub_protocol* protocol_ = nullptr;    // chosen by the handshake
    const clock::time_point started_;

    phase phase_ = phase::handshake;
    std::atomic<phase> phase_published_{phase::handshake}; // phase_, for the heartbeat's thread
    // When the client last sent something, as the heartbeat saw it: a tick that finds received_ set
    // stamps last_received_ with its own time (up to a tick late, for a timeout of many ticks).
    clock::time_point last_received_; // the heartbeat's own (its ticks run one at a time)
    std::atomic<bool> received_{false};
    std::atomic<bool> client_timeout_armed_{false};
    bool hub_connected_ = false;  // the hub's on_connected has finished
    bool receive_paused_ = false; // the transport was asked to stop reading (apply_backpressure)
    bool dispatching_ = false; // an invocation is being dispatched: the sink's calls are its own

    std::size_t running_ = 0;  // asynchronous non-stream invocations running
    std::size_t released_ = 0; // ... of which released their slot awaiting a client result
    std::shared_ptr<running_invocation> current_; // the record of the one being dispatched (current_record())
    std::unique_ptr<activity> activity_; // null while idle
};

} // namespace signalrpp
