#pragma once
// signalrpp::hub: the base a hub class may derive from, to reach its caller and the other clients from
// inside its methods (ASP.NET Core's Hub): context(), clients(), groups().
//
//     struct chat_hub : signalrpp::hub {
//         void join(std::string room) { groups().add(context().connection_id(), room); }
//         void say(std::string room, std::string text) {
//             clients().others_in_group(room).send("message", context().connection_id(), text);
//         }
//     };
//     SIGNALRPP_HUB(chat_hub, join, say);
//
// One hub object serves one connection for its whole life (ASP.NET Core makes one per call; state in
// members is therefore per connection here); map_hub default-constructs it, or calls the factory it
// is given (to hand the hub its dependencies). Its methods, on_connected() and on_disconnected(error)
// (both optional; each may return void or asio::awaitable<void>) run on the connection's strand.

#include <signalrpp/hub/group_manager.hpp>
#include <signalrpp/hub/hub_caller_context.hpp>
#include <signalrpp/hub/hub_clients.hpp>
#include <signalrpp/hub/hub_runtime.hpp>

#include <cassert>
#include <memory>

namespace signalrpp {

namespace detail {
template <class Hub>
class hub_instance_of;
}

class hub {
public:
    /// The connection whose call is running: its id, user, request, items.
    hub_caller_context& context() const { return runtime().context(); }

    /// The clients of this hub: all, the caller, the others, groups, users, single connections.
    hub_caller_clients clients() const {
        return {runtime().shared(), runtime().weak_from_this(), runtime().context().connection_id()};
    }

    /// Adds connections to groups and removes them.
    signalrpp::group_manager groups() const {
        return signalrpp::group_manager(registry_of(runtime().shared()));
    }

private:
    template <class Hub>
    friend class detail::hub_instance_of;

    hub_runtime& runtime() const {
        assert(runtime_ != nullptr && "a hub's context(), clients() and groups() work in calls from the runtime only");
        return *runtime_;
    }

    hub_runtime* runtime_ = nullptr;
};

} // namespace signalrpp
