// expect: 'numbers' streams (takes a stream_writer) and does not return void or asio::awaitable<void>
#include <signalrpp/signalrpp.hpp>

struct streaming_hub {
    int numbers(signalrpp::stream_writer<int>) { return 0; }
};
SIGNALRPP_HUB(streaming_hub, numbers);

int main() {}
