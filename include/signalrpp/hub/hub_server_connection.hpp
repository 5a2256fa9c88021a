#pragma once
// hub_server_connection: a hub connection as the server runs it (ASP.NET Core's HubConnectionHandler
// and HubConnectionContext): the handshake's server half (the request read, the protocol chosen, its
// timeout and error texts), then invocations dispatched to the hub (at most
// maximum_parallel_invocations_per_client at a time; an awaiting method does not stop the reading of
// stream items, completions, pings and cancels), the hub's lifecycle, filters and authorization, client
// results, keep-alive pings, the client timeout, and Close messages with the reference's texts. What a
// client runs alike (intake and framing, routing of stream items, completions and cancels, awaited
// results, timing) is its session::hub_session. Compiled once for every hub; the hub object is behind
// detail::hub_instance, and reaches this connection (as client proxies do) through hub_runtime.
// Machinery: only the file that compiles the implementation includes it. (`hub_connection` is the
// client's name, as in ASP.NET Core.)
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
#include <signalrpp/hub/hub_runtime.hpp>
#include <signalrpp/hub/hub_shared_state.hpp>
#include <signalrpp/protocol/handshake.hpp>
#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/protocol/protocol_choice.hpp>
#include <signalrpp/reflect/invocation_errors.hpp>
#include <signalrpp/reflect/invocation_sink.hpp>
#include <signalrpp/session/hub_session.hpp>
#include <signalrpp/session/session_owner.hpp>
#include <signalrpp/transport/connection.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace signalrpp {

class hub_server_connection final : public hub_runtime,
                                    public reflect::invocation_sink,
                                    private session::session_owner {
public:
    using clock = session::hub_session::clock;

    hub_server_connection(std::shared_ptr<transport::connection> c, std::shared_ptr<hub_shared_state> shared)
        : shared_(std::move(shared)), context_(std::move(c)),
          session_(*this, shared_->options.maximum_receive_message_size) {
        if (auto* metrics = connection()->metrics()) {
            session_.count_received_in(&metrics->hub_messages_received);
        }
    }

    /// Gives the connection its hub object (made after the connection, as it refers to the context).
    void set_hub(std::unique_ptr<detail::hub_instance> hub) { hub_ = std::move(hub); }

    hub_caller_context& context() noexcept override { return context_; }
    const std::shared_ptr<transport::connection>& connection() const noexcept { return context_.connection(); }
    const std::shared_ptr<hub_shared_state>& shared() const noexcept override { return shared_; }

    /// The hub protocol the client chose; set once by the handshake, before the connection is registered.
    const protocol::hub_protocol& protocol() const noexcept override { return *session_.protocol(); }

    // ----- From the connection handler --------------------------------------------------------

    /// Bytes from the client.
    void receive(std::string_view data) { session_.receive(data); }

    /// Bytes from the client that may be changed during the call (see hub_session::receive_in_place).
    void receive_in_place(std::span<char> data) { session_.receive_in_place(data); }

    /// The transport has ended: streams are cancelled, uploads and awaited client results fail, the
    /// hub's on_disconnected runs, then the connection leaves its groups.
    void disconnected(std::error_code ec) {
        if (session_.current_phase() == phase::ended) {
            return;
        }
        const auto client_close_error = session_.end("Connection '" + connection()->id() + "' disconnected.");
        stream_invocations_.reset();
        if (!hub_connected_) { // no handshake, or on_connected failed or had not finished
            shared_->registry.remove(connection()->id());
            return;
        }
        std::exception_ptr error;
        if (client_close_error) {
            error = std::make_exception_ptr(hub_exception(*client_close_error));
        } else if (ec) {
            error = std::make_exception_ptr(std::system_error(ec));
        }
        asio::co_spawn(connection()->get_executor(), hub_->on_disconnected(error),
                       [self = self(), error](std::exception_ptr failure) {
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
    /// nothing if the hub is closing it itself (it sent its own Close), or over long polling. Any thread
    /// (connection::close()): it reads only the published phase.
    std::string closing_message() const {
        const phase p = session_.published_phase();
        std::string close;
        // (Not over long polling: with no poll waiting, it would hold the closing connection open.)
        if ((p == phase::connecting || p == phase::running) && !long_polling()) {
            session_.protocol()->write_close(close, std::nullopt, !context_.aborted()); // abort(): no reconnect
            count_sent(); // (the connection queues it next)
        }
        return close;
    }

    // ----- From the heartbeat (any thread) -------------------------------------------------------

    /// Once a second: a handshake not made in time, a Ping after keep_alive_interval of silence, a
    /// client silent for client_timeout_interval after its first ping.
    void heartbeat(clock::time_point now) {
        const auto& o = shared_->options;
        const clock::duration keep_alive = long_polling() ? clock::duration::zero() : o.keep_alive_interval;
        const session::hub_session::timing timing{o.handshake_timeout, keep_alive, o.client_timeout_interval, true};
        const auto todo = session_.heartbeat(now, timing, connection()->last_send());
        if (todo == due::nothing) {
            return;
        }
        asio::dispatch(connection()->get_executor(), [self = self(), todo] {
            const phase p = self->session_.current_phase();
            switch (todo) {
            case due::handshake_timeout:
                if (p == phase::handshake) {
                    self->refuse_handshake("Handshake was canceled.");
                }
                break;
            case due::peer_timeout:
                if (p == phase::running) {
                    self->close_with_error(
                        {"OperationCanceledException",
                         "Client hasn't sent a message/ping within the configured ClientTimeoutInterval."},
                        true);
                }
                break;
            case due::ping:
                if (p == phase::running) {
                    self->session_.send_ping();
                }
                break;
            case due::nothing: break;
            }
        });
    }

    // ----- Client results (hub_runtime; the server ids come from hub_session::expect_result) ---------

    void start_client_invocation(std::string message, const void* owner, session::result_callback done) override {
        asio::dispatch(connection()->get_executor(), [self = self(), message = std::move(message), owner,
                                                      done = std::move(done)]() mutable {
            if (self->session_.current_phase() == phase::ended) {
                done({}, "Connection '" + self->connection()->id() + "' disconnected.");
                return;
            }
            self->session_.expect_result(std::move(message), owner, std::move(done));
        });
    }

    void cancel_client_invocation(const void* owner) override {
        asio::dispatch(connection()->get_executor(), [self = self(), owner] {
            self->session_.forget_result(owner);
        });
    }

    bool in_on_connected() const noexcept override { return session_.current_phase() == phase::connecting; }

    void release_invocation_slot() override {
        if (running_ > released_) {
            ++released_;
            asio::post(connection()->get_executor(), [self = self()] { self->session_.resume(); });
        }
    }

    // ----- invocation_sink ----------------------------------------------------------------------

    void send(std::string message) override { session_.send(std::move(message)); }

    void open_result_stream(std::shared_ptr<reflect::result_stream_state> stream) override {
        if (dispatching_) {
            current_record().stream = stream;
        }
        session_.open_outbound_stream(std::move(stream));
    }

    void invocation_failed() noexcept override {
        connection()->count(&server_metrics::hub_invocation_errors);
    }

    void open_upload(std::string_view stream_id, std::shared_ptr<reflect::upload_channel_base> channel) override {
        if (dispatching_) {
            current_record().uploads.emplace_back(stream_id);
        }
        session_.open_inbound_stream(stream_id, std::move(channel), shared_->options.stream_buffer_capacity,
                                     [weak = weak_from_this()] {
                                         if (auto runtime = weak.lock()) {
                                             auto self = std::static_pointer_cast<hub_server_connection>(runtime);
                                             asio::post(self->connection()->get_executor(),
                                                        [self] { self->session_.resume(); });
                                         }
                                     });
    }

private:
    using phase = session::hub_session::phase;

    std::shared_ptr<hub_server_connection> self() {
        return std::static_pointer_cast<hub_server_connection>(hub_runtime::shared_from_this());
    }
    using due = session::hub_session::due;

    // One invocation that has not finished yet.
    struct running_invocation {
        std::string target;
        bool counted = false; // holds one of the parallel-invocation slots
        std::vector<std::string> uploads;
        std::shared_ptr<reflect::result_stream_state> stream;
        asio::cancellation_signal cancel;
    };

    using stream_invocation_map = std::map<std::string, std::shared_ptr<running_invocation>>;

    // ----- session_owner ----------------------------------------------------------------------------

    // Hub messages for the client: whole messages, which may share a transport message with those
    // queued next (outbound_message::records).
    // (Each call queues one hub message, or the handshake's answer, which metrics do not count as one.)
    void send_records(std::string_view records, bool binary) override {
        if (connection()->send_records(records, binary)) {
            count_sent();
        }
    }
    void send_owned_records(std::string records, bool binary) override {
        if (connection()->send(transport::outbound_message::records(std::move(records), binary))) {
            count_sent();
        }
    }
    void count_sent() const noexcept { // (any thread: closing_message() counts its Close too)
        if (session_.published_phase() != phase::handshake) {
            connection()->count(&server_metrics::hub_messages_sent);
        }
    }
    void close_link() override { connection()->close(); }
    void pause_receiving(bool paused) override { connection()->pause_receiving(paused); }

    bool invocation(const protocol::invocation_message& m) override { return invoke(reflect::invocation::from(m)); }
    bool invocation(const protocol::stream_invocation_message& m) override {
        return invoke(reflect::invocation::from(m));
    }

    bool busy() const noexcept override { return active_invocations() >= max_parallel(); }

    // A framing error before the handshake ends it ("Handshake was canceled.", as the reference's
    // handshake read ends); after it, a message the hub protocol cannot read closes the connection.
    void protocol_error(const protocol::protocol_error& error) override {
        if (session_.current_phase() == phase::handshake) {
            refuse_handshake("Handshake was canceled.");
        } else {
            close_with_error(error, true);
        }
    }

    void stream_cancelled(reflect::result_stream_state& stream) override {
        if (!stream_invocations_) {
            return;
        }
        const auto running = stream_invocations_->find(stream.invocation_id);
        if (running != stream_invocations_->end()) {
// Qt's `emit` keyword macro would empty this call's name: set it aside as Asio's push_options.hpp does.
#if defined(emit)
#pragma push_macro("emit")
#undef emit
#define SIGNALRPP_DETAIL_EMIT_SET_ASIDE
#endif
            running->second->cancel.emit(asio::cancellation_type::all);
#if defined(SIGNALRPP_DETAIL_EMIT_SET_ASIDE)
#pragma pop_macro("emit")
#undef SIGNALRPP_DETAIL_EMIT_SET_ASIDE
#endif
        }
    }

    // Server ids for client results: unique among the server's connections (ASP.NET Core's counter).
    std::string next_invocation_id() override { return shared_->next_server_invocation_id(); }

    // ----- State --------------------------------------------------------------------------------------

    // No pings and no closing Close there (polls keep the connection alive; see closing_message()).
    bool long_polling() const { return connection()->transport() == transport::long_polling; }

    std::size_t active_invocations() const noexcept { return running_ - released_; }

    std::size_t max_parallel() const noexcept {
        const std::size_t n = shared_->options.maximum_parallel_invocations_per_client;
        return n == 0 ? 1 : n;
    }

    bool detailed() const noexcept { return shared_->options.enable_detailed_errors; }

    stream_invocation_map& stream_invocations() {
        if (!stream_invocations_) {
            stream_invocations_ = std::make_unique<stream_invocation_map>();
        }
        return *stream_invocations_;
    }

    void forget_stream_invocation(const std::string& invocation_id) {
        if (stream_invocations_) {
            stream_invocations_->erase(invocation_id);
            if (stream_invocations_->empty()) {
                stream_invocations_.reset();
            }
        }
    }

    // ----- Handshake ------------------------------------------------------------------------------

    void handshake(char* text, std::size_t size) override {
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
        // The answer goes in the protocol's transfer format, as ASP.NET Core sets it before answering:
        // binary frames for MessagePack over WebSockets.
        session_.start_protocol(*choice.protocol);
        std::string response;
        protocol::write_handshake_response(response);
        session_.send(std::move(response));
        shared_->registry.add(connection(), context_.user_id(), hub_runtime::shared_from_this(), choice.protocol);
        session_.enter(phase::connecting);
        for (const auto& filter : shared_->options.filters) {
            filter->on_connected(context_);
        }
        asio::co_spawn(connection()->get_executor(), hub_->on_connected(),
                       [self = self()](std::exception_ptr failure) { self->connected(failure); });
    }

    void connected(std::exception_ptr failure) {
        if (session_.current_phase() != phase::connecting) {
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
            session_.send_close(reason, false);
            return;
        }
        hub_connected_ = true;
        session_.enter(phase::running);
        session_.resume();
    }

    // Logs that the application's `what` threw `failure` (its caller answers for the call, if any).
    void application_error(std::string_view what, std::exception_ptr failure) const {
        log(log_level::error, log_category::hub_connection_handler, "ApplicationError", connection()->id(),
            [&] { return std::string(what) + " threw: " + exception_message(failure); });
    }

    // (A refusal is text, with no protocol chosen.)
    void refuse_handshake(std::string_view reason) {
        log(log_level::debug, log_category::hub_connection_handler, "HandshakeFailed", connection()->id(),
            [&] { return "the handshake failed: " + std::string(reason); });
        std::string response;
        protocol::write_handshake_response(response, reason);
        session_.send(std::move(response));
        session_.enter(phase::closing);
        connection()->close();
    }

    // "Connection closed with an error." (with "<kind>: <message>" when detailed errors are on), for a
    // message the hub protocol cannot read; logged as the reference does (an error, ErrorProcessingRequest).
    void close_with_error(const protocol::protocol_error& error, bool allow_reconnect) {
        log(log_level::error, log_category::hub_connection_handler, "ErrorProcessingRequest", connection()->id(),
            [&] { return "a message the hub protocol cannot read (" + error.detail() + ")"; });
        session_.send_close(reflect::detail::with_detail("Connection closed with an error.", detailed(),
                                                         error.exception_type, error.message),
                            allow_reconnect);
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
        connection()->count(&server_metrics::hub_invocations);
        const auto& o = shared_->options;
        signalrpp::detail::scratch_string<hub_server_connection> scratch; // (copied into the send queue)
        std::string& out = scratch.get();
        // Answers `call` with `error` instead of invoking it (nothing for a call without an id).
        const auto refuse = [&](const std::string& error) {
            if (!call.invocation_id.empty()) {
                reflect::write_error_completion(*this, out, call.invocation_id, error);
                session_.send(std::string_view(out));
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
        if (call.streaming && session_.has_outbound_stream(std::string(call.invocation_id))) {
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
            session_.send(std::string_view(out));
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
            stream_invocations()[record->stream->invocation_id] = record;
        }
        auto slot = record->cancel.slot();
        asio::co_spawn(connection()->get_executor(), std::move(*result.pending),
                       asio::bind_cancellation_slot(slot, [self = self(), record](std::exception_ptr) {
                           self->finished(record);
                       }));
        return true;
    }

    static std::shared_ptr<reflect::invocation_sink> share_sink(reflect::invocation_sink& self) {
        return static_cast<hub_server_connection&>(self).self();
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
            forget_stream_invocation(record->stream->invocation_id);
        }
        finish(record.get(), record->target);
        if (session_.holding() && session_.current_phase() == phase::running) {
            session_.resume();
        }
    }

    // What every invocation's end does: its streams close (`record`: null if it opened none and did not
    // wait), the filters hear of it.
    void finish(const running_invocation* record, std::string_view target) {
        if (record != nullptr) {
            for (const auto& id : record->uploads) {
                session_.end_inbound_stream(id);
            }
            if (record->stream) {
                session_.close_outbound_stream(record->stream->invocation_id);
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
    session::hub_session session_;

    bool hub_connected_ = false; // the hub's on_connected has finished
    bool dispatching_ = false;   // an invocation is being dispatched: the sink's calls are its own

    std::uint32_t running_ = 0;  // asynchronous non-stream invocations running
    std::uint32_t released_ = 0; // ... of which released their slot awaiting a client result
    std::shared_ptr<running_invocation> current_; // the record of the one being dispatched (current_record())
    std::unique_ptr<stream_invocation_map> stream_invocations_; // streams running, by invocation id (or null)
};

} // namespace signalrpp
