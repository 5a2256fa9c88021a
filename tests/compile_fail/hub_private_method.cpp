// expect: SIGNALRPP_HUB: 'secret' is not a public member function of the hub
#include <signalrpp/signalrpp.hpp>

class private_hub {
    void secret() {}
};
SIGNALRPP_HUB(private_hub, secret);

int main() {}
