// expect: SIGNALRPP_HUB: the result of 'give' has no mapping
#include <signalrpp/signalrpp.hpp>

struct opaque {};
struct result_hub {
    opaque give() { return {}; }
};
SIGNALRPP_HUB(result_hub, give);

int main() {}
