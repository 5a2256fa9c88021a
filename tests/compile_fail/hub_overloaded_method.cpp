// expect: SIGNALRPP_HUB: 'send' is not a public member function of the hub, or is overloaded
#include <signalrpp/signalrpp.hpp>

struct overloaded_hub {
    void send(int) {}
    void send(std::string) {}
};
SIGNALRPP_HUB(overloaded_hub, send);

int main() {}
