#include <signalrpp/core/log.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using signalrpp::log_level;

TEST_CASE("logging is off until a sink is installed: no record, no message built") {
    signalrpp::set_log_sink(log_level::none, nullptr);
    CHECK_FALSE(signalrpp::log_enabled(log_level::critical));
    bool built = false;
    signalrpp::log(log_level::critical, signalrpp::log_category::hosting, "Event", "", [&] {
        built = true;
        return std::string("text");
    });
    CHECK_FALSE(built);
}

TEST_CASE("a sink gets the records of its level and above, with their fields") {
    std::vector<std::string> seen;
    signalrpp::set_log_sink(log_level::warning, [&](const signalrpp::log_record& r) {
        seen.push_back(std::string(signalrpp::to_string(r.level)) + " " + std::string(r.category) + " " +
                       std::string(r.event) + " " + std::string(r.connection_id) + " " + std::string(r.message));
    });
    CHECK_FALSE(signalrpp::log_enabled(log_level::information));
    CHECK(signalrpp::log_enabled(log_level::warning));
    signalrpp::log(log_level::information, signalrpp::log_category::hosting, "Quiet", "id1", [] { return std::string("no"); });
    signalrpp::log(log_level::warning, signalrpp::log_category::dispatcher, "Loud", "id2", [] { return std::string("yes"); });
    signalrpp::log(log_level::critical, signalrpp::log_category::transports, "Louder", "", [] { return std::string("!"); });
    CHECK(seen == std::vector<std::string>{"warn signalrpp.http_connections.dispatcher Loud id2 yes",
                                           "crit signalrpp.http_connections.transports Louder  !"});
    signalrpp::set_log_sink(log_level::none, nullptr);
    CHECK_FALSE(signalrpp::log_enabled(log_level::critical));
}

TEST_CASE("what a sink throws stays in the sink") {
    signalrpp::set_log_sink(log_level::trace, [](const signalrpp::log_record&) { throw std::runtime_error("sink"); });
    CHECK_NOTHROW(signalrpp::log(log_level::error, signalrpp::log_category::hosting, "E", "", [] { return std::string("x"); }));
    signalrpp::set_log_sink(log_level::none, nullptr);
}
