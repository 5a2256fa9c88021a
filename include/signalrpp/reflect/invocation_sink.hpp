#pragma once
// invocation_sink: where the dispatcher sends what an invocation produces after dispatch() returned
// (the Completion of an asynchronous method, the items and end of a stream), and how it tells the
// runtime about the streams an invocation opens. The hub runtime implements it for each connection;
// tests implement it to watch. Called on the connection's strand only.

#include <signalrpp/protocol/hub_protocol.hpp>
#include <signalrpp/reflect/upload_channel.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace signalrpp::reflect {

/// What a server-to-client stream shares with the runtime: the runtime cancels it (CancelInvocation,
/// disconnect), the stream_writer checks it.
struct result_stream_state {
    std::string invocation_id;
    bool cancelled = false;
    std::size_t items_written = 0;
};

class invocation_sink {
public:
    virtual ~invocation_sink() = default;

    /// The hub protocol the caller speaks: what the messages for it are written with.
    virtual const protocol::hub_protocol& protocol() const noexcept = 0;

    /// Whole messages (framing included), written with protocol(), for the caller.
    virtual void send(std::string message) = 0;

    /// The invocation is a stream: items go out through `stream` until the method returns.
    virtual void open_result_stream(std::shared_ptr<result_stream_state> stream) = 0;

    /// The client-to-server stream `stream_id` now feeds `channel`.
    virtual void open_upload(std::string_view stream_id, std::shared_ptr<upload_channel_base> channel) = 0;

    /// An invocation's answer is a Completion with an error (written by write_error_completion, the one
    /// place that writes them): for the runtime's metrics. Nothing by default.
    virtual void invocation_failed() noexcept {}
};

/// Appends to `out` the Completion with `error` of invocation `invocation_id`, in the sink's protocol,
/// and tells the sink (invocation_failed). Every error answer to an invocation is written here.
inline void write_error_completion(invocation_sink& sink, std::string& out, std::string_view invocation_id,
                                   std::string_view error) {
    sink.protocol().write_completion_error(out, invocation_id, error);
    sink.invocation_failed();
}

/// The sink as dispatch() takes it: the sink itself, and a way to share it, which only what outlives
/// dispatch() needs (an asynchronous method, a stream). A runtime passes itself with a function that
/// shares it, so that the calls that end within dispatch() (most) make no shared_ptr.
class sink_ref {
public:
    using share_function = std::shared_ptr<invocation_sink> (*)(invocation_sink&);

    sink_ref(const std::shared_ptr<invocation_sink>& sink) noexcept : sink_(sink.get()), shared_(&sink) {} // NOLINT
    sink_ref(invocation_sink& sink, share_function share) noexcept : sink_(&sink), share_(share) {}

    invocation_sink& operator*() const noexcept { return *sink_; }
    invocation_sink* operator->() const noexcept { return sink_; }

    /// The sink, shared: kept alive by what holds it.
    std::shared_ptr<invocation_sink> share() const { return shared_ != nullptr ? *shared_ : share_(*sink_); }

private:
    invocation_sink* sink_;
    const std::shared_ptr<invocation_sink>* shared_ = nullptr;
    share_function share_ = nullptr;
};

} // namespace signalrpp::reflect
