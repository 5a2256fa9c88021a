// expect: SIGNALRPP_HUB: a parameter of 'take' has no mapping
#include <signalrpp/signalrpp.hpp>

struct opaque {};
struct parameter_hub {
    void take(int, opaque) {}
};
SIGNALRPP_HUB(parameter_hub, take);

int main() {}
