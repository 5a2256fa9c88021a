#pragma once
// invocation_sink: where the dispatcher sends what an invocation produces after dispatch() returned
// (the Completion of an asynchronous method, the items and end of a stream), and how it tells the
// runtime about the streams an invocation opens. The hub runtime implements it for each connection;
// tests implement it to watch. Called on the connection's strand only.

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

    /// A whole serialized message (with its separator) for the caller.
    virtual void send(std::string message) = 0;

    /// The invocation is a stream: items go out through `stream` until the method returns.
    virtual void open_result_stream(std::shared_ptr<result_stream_state> stream) = 0;

    /// The client-to-server stream `stream_id` now feeds `channel`.
    virtual void open_upload(std::string_view stream_id, std::shared_ptr<upload_channel_base> channel) = 0;
};

} // namespace signalrpp::reflect
