#include <signalrpp/hub/hub_options.hpp>

#include <catch2/catch.hpp>

// A hub's options start at ASP.NET Core's HubOptions defaults (the tests elsewhere set shorter ones).

TEST_CASE("hub options default to the reference's values") {
    using namespace std::chrono_literals;
    const signalrpp::hub_options o;
    CHECK(o.handshake_timeout == 15s);
    CHECK(o.keep_alive_interval == 15s);
    CHECK(o.client_timeout_interval == 30s);
    CHECK(o.maximum_receive_message_size == 32 * 1024);
    CHECK_FALSE(o.enable_detailed_errors);
    CHECK(o.stream_buffer_capacity == 10);
    CHECK(o.maximum_parallel_invocations_per_client == 1);
    CHECK_FALSE(o.authorize);
    CHECK(o.filters.empty());
}
