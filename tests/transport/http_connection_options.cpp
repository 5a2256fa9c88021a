#include <signalrpp/transport/http_connection_options.hpp>

#include <catch2/catch.hpp>

// A path's transport options start at ASP.NET Core's HttpConnectionDispatcherOptions defaults (the
// tests elsewhere set shorter ones).

TEST_CASE("transport options default to the reference's values") {
    using namespace std::chrono_literals;
    const signalrpp::transport::http_connection_options o;
    CHECK(o.transports == signalrpp::transport::all_transports);
    CHECK(o.long_poll_timeout == 90s);
    CHECK(o.disconnect_timeout == 15s);
    CHECK(o.send_limit == 64 * 1024);
}
