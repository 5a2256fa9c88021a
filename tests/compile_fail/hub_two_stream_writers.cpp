// expect: SIGNALRPP_HUB: 'both' takes more than one stream_writer
#include <signalrpp/signalrpp.hpp>

struct writers_hub {
    void both(signalrpp::stream_writer<int>, signalrpp::stream_writer<int>) {}
};
SIGNALRPP_HUB(writers_hub, both);

int main() {}
