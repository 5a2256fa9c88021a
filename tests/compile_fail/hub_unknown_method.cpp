// expect: SIGNALRPP_HUB: 'missing' is not a public member function of the hub
#include <signalrpp/signalrpp.hpp>

struct some_hub {
    void present() {}
};
SIGNALRPP_HUB(some_hub, present, missing);

int main() {}
