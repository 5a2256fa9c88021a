#pragma once
// user_identity: who made a request, as an authenticator decided (ASP.NET Core's ClaimsPrincipal, reduced
// to what SignalR uses): the user id that Clients.User(id) matches (UserIdentifier, by default the
// NameIdentifier claim) and the claims, in order, a type possibly repeated. A plain value: copy it freely.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signalrpp::transport {

struct user_identity {
    std::string user_id; ///< what Clients.User(id) matches; may be empty
    std::vector<std::pair<std::string, std::string>> claims; ///< (type, value), in order

    /// The value of the first claim of type `type` (compared exactly, as claim types are).
    std::optional<std::string> claim(std::string_view type) const {
        for (const auto& [t, v] : claims) {
            if (t == type) {
                return v;
            }
        }
        return std::nullopt;
    }
};

} // namespace signalrpp::transport
