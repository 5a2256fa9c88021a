// expect: SIGNALRPP_HUB: 'helper' is not a non-static member function of the hub
#include <signalrpp/signalrpp.hpp>

struct static_hub {
    static int helper() { return 1; }
};
SIGNALRPP_HUB(static_hub, helper);

int main() {}
