#pragma once
// session::result_callback: how the answer to a call that awaits one reaches the side that made it (a
// client result on a server, a hub method's result on a client): the result, null when the peer sent
// none, or the peer's error. Called on the connection's strand; the views are valid during the call only.

#include <signalrpp/protocol/wire_value.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace signalrpp::session {

using result_callback = std::function<void(const protocol::wire_value& result, std::optional<std::string_view> error)>;

} // namespace signalrpp::session
