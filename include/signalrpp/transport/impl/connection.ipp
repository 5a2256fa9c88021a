#pragma once
// The definitions of connection.hpp: included by it when header-only; by <signalrpp/src.hpp> alone in
// separate-compilation mode.

#include <signalrpp/transport/connection.hpp>

#include <signalrpp/core/error.hpp>
#include <signalrpp/core/exception_message.hpp>
#include <signalrpp/core/log.hpp>

#include <asio/dispatch.hpp>
#include <asio/post.hpp>

namespace signalrpp::transport {

template <class Call>
void connection::guarded(std::string_view what, Call&& call) noexcept {
    try {
        call();
    } catch (...) {
        handler_failed(what, std::current_exception());
    }
}

template <class Put>
bool connection::queue(std::size_t size, Put&& put) {
    std::shared_ptr<transport_link> notify;
    bool over_limit = false;
    const bool own = delivering() == this;
    {
        std::lock_guard lock(mutex_);
        if (ended_ || closing_) {
            return false;
        }
        const bool past_limit = pending_bytes_ > 0 && pending_bytes_ + size > send_limit_;
        const bool backlogged = backlogged_.load(std::memory_order_relaxed);
        if (past_limit && !own) {
            // Someone else's message, into a queue past the limit: a slow consumer, once that has lasted.
            const bool timed_out = backlogged && send_timeout_.count() > 0 &&
                                   clock::now() - backlogged_since_ >= send_timeout_;
            over_limit = timed_out || pending_bytes_ + size > slow_consumer_factor * send_limit_;
        }
        if (!over_limit) {
            if (past_limit && !backlogged) {
                backlogged_since_ = clock::now();
                backlogged_.store(true, std::memory_order_relaxed);
            }
            if (pending_.empty()) {
                last_send_ = clock::now(); // (once per burst: close enough for keep-alive)
                signalrpp::detail::spare_vector<outbound_message>::take(pending_);
            }
            pending_bytes_ += size;
            put();
            queued_.store(true, std::memory_order_relaxed);
            if (link_ && !notified_) {
                notified_ = true;
                notify = link_;
            }
        }
    }
    if (over_limit) {
        abort(error::send_buffer_full);
        return false;
    }
    if (notify) {
        notify->send_ready();
    }
    return true;
}

SIGNALRPP_DECL connection::connection(std::string id, std::string token, const asio::any_io_executor& ex,
                                      std::shared_ptr<connection_handler> handler, std::size_t send_limit,
                                      std::weak_ptr<connection_owner> owner, bool single_threaded)
    : id_(std::move(id)), token_(std::move(token)), executor_(ex, single_threaded), handler_(std::move(handler)),
      owner_(std::move(owner)), send_limit_(send_limit), inactive_since_(clock::now()), last_send_(inactive_since_) {}

SIGNALRPP_DECL bool connection::send(outbound_message message) {
    return queue(message.size(), [&] {
        if (!pending_.empty() && pending_.back().joins(message)) {
            pending_.back().join(message);
        } else {
            pending_.push_back(std::move(message));
        }
    });
}

SIGNALRPP_DECL bool connection::send_records(std::string_view records, bool binary) {
    return queue(records.size(), [&] {
        if (!pending_.empty() && pending_.back().joins(records.size(), binary)) {
            pending_.back().append(records);
        } else {
            std::string bytes = outbound_message::new_buffer();
            bytes.assign(records);
            pending_.push_back(outbound_message::records(std::move(bytes), binary));
        }
    });
}

SIGNALRPP_DECL void connection::close() {
    {
        std::lock_guard lock(mutex_);
        if (ended_ || closing_) {
            return; // (its closing message would not be queued: not asked for, so not counted in metrics)
        }
    }
    if (auto last = handler_->closing_message(*this); !last.empty()) {
        send(std::move(last));
    }
    request_close(transport_link::close_kind::graceful, {});
}

SIGNALRPP_DECL void connection::pause_receiving(bool paused) {
    std::shared_ptr<transport_link> link;
    std::function<void()> ready;
    {
        std::lock_guard lock(mutex_);
        if (receive_paused_ == paused) {
            return;
        }
        receive_paused_ = paused;
        link = link_;
        ready = take_waiter_if_receiving_locked();
    }
    if (link) {
        link->receive_paused_changed(paused);
    }
    if (ready) {
        ready();
    }
}

SIGNALRPP_DECL void connection::when_receiving(std::function<void()> ready) {
    {
        std::lock_guard lock(mutex_);
        if (!receiving_locked()) {
            receive_waiter_ = std::move(ready);
            return;
        }
    }
    ready();
}

SIGNALRPP_DECL void connection::set_metrics(std::shared_ptr<server_metrics> metrics) {
    meter_ = metrics ? std::make_unique<meter>(meter{std::move(metrics), {}, {}}) : nullptr;
}

SIGNALRPP_DECL connection::attach_result connection::attach(transport_kind kind,
                                                           const std::shared_ptr<transport_link>& link,
                                                           request_snapshot& snapshot) {
    std::shared_ptr<transport_link> previous;
    attach_result result = attach_result::attached;
    bool start = false;
    bool notify = false;
    {
        std::lock_guard lock(mutex_);
        if (ended_) {
            return attach_result::gone;
        }
        if (kind_ == 0) {
            if (closing_) {
                return attach_result::gone;
            }
            kind_ = kind;
            request_ = std::move(snapshot);
            start = true;
            if (meter_) {
                meter_->started = clock::now();
                meter_->transport = kind == websockets           ? metrics_transport::web_sockets
                                    : kind == server_sent_events ? metrics_transport::server_sent_events
                                                                 : metrics_transport::long_polling;
                meter_->metrics->connection_started(meter_->transport);
            }
            if (kind == long_polling) {
                result = attach_result::first_poll;
                inactive_since_ = clock::now();
            }
        } else if (kind_ != kind) {
            return attach_result::wrong_transport;
        } else if (kind != long_polling) {
            return attach_result::conflict;
        } else if (closing_ && pending_.empty()) {
            result = attach_result::closing;
        }
        if (result == attach_result::attached) {
            previous = std::exchange(link_, link);
            notified_ = notify = !pending_.empty();
        }
    }
    if (start) {
        log(log_level::debug, log_category::dispatcher, "ConnectionStarted", id_, [&] {
            return std::string("the ") + std::string(transport_name(kind)) + " transport started";
        });
        asio::dispatch(executor_.get(), [self = shared_from_this()] {
            self->guarded("on_connected", [&] { self->handler_->on_connected(self); });
            self->deliver_posts(); // any that came before the transport
        });
    }
    if (previous) {
        previous->close_requested(transport_link::close_kind::superseded);
    }
    if (result == attach_result::closing) {
        end({});
    } else if (notify) {
        link->send_ready();
    }
    return result;
}

SIGNALRPP_DECL void connection::detach(const transport_link* link, std::error_code ec, bool last) {
    bool end_now = false;
    {
        std::lock_guard lock(mutex_);
        if (link_.get() != link) {
            return; // superseded already
        }
        link_.reset();
        notified_ = false;
        inactive_since_ = clock::now();
        end_now = kind_ != long_polling || last;
        if (!ec) {
            ec = close_reason_; // written by request_close() on any thread, under the lock
        }
    }
    if (end_now) {
        end(ec);
    }
}

SIGNALRPP_DECL void connection::take_pending(std::vector<outbound_message>& out) {
    // Nothing queued (as after most writes): no lock. A message queued meanwhile on another thread
    // is not missed: its send() tells the link, which takes it then.
    if (!queued_.load(std::memory_order_relaxed)) {
        return;
    }
    std::function<void()> ready;
    {
        std::lock_guard lock(mutex_);
        queued_.store(false, std::memory_order_relaxed);
        notified_ = false;
        if (meter_) {
            server_metrics::add(meter_->metrics->bytes_sent, pending_bytes_);
        }
        pending_bytes_ = 0;
        backlogged_.store(false, std::memory_order_relaxed);
        ready = take_waiter_if_receiving_locked();
        if (out.empty()) {
            out.swap(pending_); // pending_ gets out's (empty) storage: no allocation per message
        } else {
            for (auto& m : pending_) {
                out.push_back(std::move(m));
            }
            pending_.clear();
        }
    }
    if (ready) {
        ready();
    }
}

SIGNALRPP_DECL void connection::deliver(std::span<char> data, bool binary) {
    if (!ended()) {
        if (meter_) {
            server_metrics::add(meter_->metrics->bytes_received, data.size());
        }
        // Sends during the call are this connection's own (see the header comment).
        const connection* outer = std::exchange(delivering(), this);
        guarded("on_received", [&] { handler_->on_received_writable(shared_from_this(), data, binary); });
        delivering() = outer;
    }
}

SIGNALRPP_DECL bool connection::deliver_post(std::string data, std::function<void(bool delivered)> taken) {
    if (waiting_posts_.fetch_add(1, std::memory_order_relaxed) >= max_waiting_posts) {
        waiting_posts_.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    asio::dispatch(executor_.get(), [self = shared_from_this(), data = std::move(data),
                                     taken = std::move(taken)]() mutable {
        self->posts_.push_back({std::move(data), std::move(taken), false});
        if (self->posts_.size() == 1) {
            self->deliver_posts();
        }
    });
    return true;
}

SIGNALRPP_DECL void connection::deliver_posts() {
    while (!posts_.empty()) {
        if (!ended()) {
            if (transport() == 0) {
                return; // not started yet
            }
            if (!posts_.front().delivered) {
                posts_.front().delivered = true;
                std::string data = std::move(posts_.front().data); // (no reference into posts_ held across)
                deliver(data, false);
            }
            if (!receiving() && !ended()) {
                when_receiving([self = shared_from_this()] {
                    asio::post(self->executor_.get(), [self] { self->deliver_posts(); });
                });
                return;
            }
        }
        auto taken = std::move(posts_.front().taken);
        const bool delivered = posts_.front().delivered;
        posts_.erase(posts_.begin());
        waiting_posts_.fetch_sub(1, std::memory_order_relaxed);
        taken(delivered);
    }
}

SIGNALRPP_DECL bool connection::expire_if_idle_since(clock::time_point deadline) {
    {
        std::lock_guard lock(mutex_);
        if (ended_ || link_ || inactive_since_ > deadline) {
            return false;
        }
    }
    end(error::disconnect_timeout);
    return true;
}

SIGNALRPP_DECL void connection::end(std::error_code reason) {
    // Alive to the end of this call: the owner forgets the connection below, and that may have been
    // the last reference the caller counted on (null only while the connection is being destroyed).
    const std::shared_ptr<connection> self = weak_from_this().lock();
    std::shared_ptr<transport_link> link;
    bool started = false;
    {
        std::lock_guard lock(mutex_);
        if (ended_) {
            return;
        }
        ended_.store(true, std::memory_order_release);
        link = std::move(link_);
        receive_waiter_ = nullptr;
        started = kind_ != 0;
        std::vector<outbound_message>().swap(pending_);
        pending_bytes_ = 0;
        queued_.store(false, std::memory_order_relaxed);
    }
    if (link) {
        link->close_requested(transport_link::close_kind::abort);
    }
    log(reason && reason != make_error_code(error::server_stopping) ? log_level::warning : log_level::information,
        log_category::connection_manager, "ConnectionEnded", id_, [&] {
            return reason ? "the connection ended: " + reason.message() : std::string("the connection ended");
        });
    if (meter_) {
        count_end(started, reason);
    }
    if (auto owner = owner_.lock()) {
        owner->connection_ended(*this);
    }
    if (!self) {
        return;
    }
    if (started) {
        asio::dispatch(executor_.get(), [self, reason] {
            self->guarded("on_disconnected", [&] { self->handler_->on_disconnected(self, reason); });
        });
    }
    if (waiting_posts_.load(std::memory_order_relaxed) > 0) {
        asio::post(executor_.get(), [self] { self->deliver_posts(); }); // answers them
    }
}

SIGNALRPP_DECL void connection::count_end(bool started, std::error_code reason) noexcept {
    server_metrics& m = *meter_->metrics;
    if (reason == make_error_code(error::send_buffer_full) || reason == make_error_code(error::send_timeout)) {
        server_metrics::add(m.slow_consumers_dropped);
    }
    if (started) {
        const metrics_status status =
            m.stopping.load(std::memory_order_relaxed) || reason == make_error_code(error::server_stopping)
                ? metrics_status::app_shutdown
            : reason == make_error_code(error::disconnect_timeout) ? metrics_status::timeout
                                                                   : metrics_status::normal_closure;
        m.connection_ended(meter_->transport, status, clock::now() - meter_->started);
    }
}

SIGNALRPP_DECL void connection::handler_failed(std::string_view what, const std::exception_ptr& failure) noexcept {
    try {
        log(log_level::error, log_category::dispatcher, "ApplicationError", id_, [&] {
            return "the connection handler's " + std::string(what) + " threw: " + exception_message(failure);
        });
        abort(error::handler_failed);
    } catch (...) {
        // (nothing escapes: the connection ends at its disconnect timeout at worst)
    }
}

SIGNALRPP_DECL void connection::request_close(transport_link::close_kind kind, std::error_code reason) {
    std::shared_ptr<transport_link> link;
    bool end_now = false;
    {
        std::lock_guard lock(mutex_);
        if (ended_ || (closing_ && kind == transport_link::close_kind::graceful)) {
            return;
        }
        closing_ = true;
        close_reason_ = reason;
        link = link_;
        // With no transport: nothing queued can be delivered, unless a long poll comes for it.
        end_now = !link && (kind == transport_link::close_kind::abort || kind_ != long_polling || pending_.empty());
    }
    if (end_now) {
        end(reason);
    } else if (link) {
        if (kind == transport_link::close_kind::abort) {
            end(reason);
        } else {
            link->close_requested(kind);
        }
    }
}

} // namespace signalrpp::transport
