// expect: SIGNALRPP_HUB: two methods of the hub have the same wire name
#include <signalrpp/signalrpp.hpp>

struct duplicate_hub {
    void send() {}
    void post() {}
};
// "Send" and "send" are the same name to a case-insensitive lookup.
SIGNALRPP_HUB(duplicate_hub, send, (post, "Send"));

int main() {}
