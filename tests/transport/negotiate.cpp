#include <signalrpp/transport/negotiate.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace transport = signalrpp::transport;

namespace {
transport::negotiate_request read(std::string_view query, transport::negotiate_options options = {}) {
    return transport::read_negotiate_request(query, options);
}
} // namespace

TEST_CASE("the negotiate version: missing is 0, above 1 is 1") {
    CHECK(read("").version == 0);
    CHECK(read("negotiateVersion=1").version == 1);
    CHECK(read("NegotiateVersion=1").version == 1);
    CHECK(read("negotiateVersion=5").version == 1);
    CHECK(read("negotiateVersion=%201%20").version == 1);
    CHECK(read("negotiateVersion=%2B1").version == 1);
    CHECK_FALSE(read("negotiateVersion=1").error);
}

TEST_CASE("a version that is not an integer, or below the minimum, is an error") {
    CHECK(read("negotiateVersion=one").error == "The client requested a non-integer protocol version.");
    CHECK(read("negotiateVersion=1.0").error == "The client requested a non-integer protocol version.");
    CHECK(read("negotiateVersion=99999999999").error == "The client requested a non-integer protocol version.");
    CHECK(read("negotiateVersion=").error == "The client requested a non-integer protocol version.");
    transport::negotiate_options strict;
    strict.minimum_protocol_version = 1;
    CHECK(read("negotiateVersion=0", strict).error ==
          "The client requested version '0', but the server does not support this version.");
    CHECK(read("", strict).error == "The client requested version '0', but the server does not support this version.");
    CHECK_FALSE(read("negotiateVersion=1", strict).error);
}

TEST_CASE("stateful reconnect only when asked for and allowed") {
    transport::negotiate_options allowed;
    allowed.allow_stateful_reconnects = true;
    CHECK(read("negotiateVersion=1&useStatefulReconnect=true", allowed).stateful_reconnect);
    CHECK(read("negotiateVersion=1&useStatefulReconnect=True", allowed).stateful_reconnect);
    CHECK_FALSE(read("negotiateVersion=1&useStatefulReconnect=yes", allowed).stateful_reconnect);
    CHECK_FALSE(read("negotiateVersion=1", allowed).stateful_reconnect);
    CHECK_FALSE(read("negotiateVersion=1&useStatefulReconnect=true").stateful_reconnect);
}

TEST_CASE("the response lists the allowed transports in the reference's order and form") {
    const auto v1 = read("negotiateVersion=1");
    CHECK(transport::write_negotiate_response(v1, "ID", "TOKEN", {}) ==
          R"({"negotiateVersion":1,"connectionId":"ID","connectionToken":"TOKEN","availableTransports":[)"
          R"({"transport":"WebSockets","transferFormats":["Text","Binary"]},)"
          R"({"transport":"ServerSentEvents","transferFormats":["Text"]},)"
          R"({"transport":"LongPolling","transferFormats":["Text","Binary"]}]})");
}

TEST_CASE("version 0 has no token; disabled transports are not listed; stateful reconnect comes first") {
    transport::negotiate_options options;
    options.transports = transport::server_sent_events | transport::long_polling;
    CHECK(transport::write_negotiate_response(read(""), "ID", "TOKEN", options) ==
          R"({"negotiateVersion":0,"connectionId":"ID","availableTransports":[)"
          R"({"transport":"ServerSentEvents","transferFormats":["Text"]},)"
          R"({"transport":"LongPolling","transferFormats":["Text","Binary"]}]})");
    transport::negotiate_options stateful;
    stateful.allow_stateful_reconnects = true;
    stateful.transports = transport::websockets;
    CHECK(transport::write_negotiate_response(read("negotiateVersion=1&useStatefulReconnect=true", stateful), "I", "T",
                                              stateful) ==
          R"({"useStatefulReconnect":true,"negotiateVersion":1,"connectionId":"I","connectionToken":"T",)"
          R"("availableTransports":[{"transport":"WebSockets","transferFormats":["Text","Binary"]}]})");
    transport::negotiate_options no_upgrade;
    no_upgrade.websockets_available = false;
    CHECK(transport::write_negotiate_response(read("negotiateVersion=1"), "I", "T", no_upgrade).find("WebSockets") ==
          std::string::npos);
}

TEST_CASE("a refusal is just the error") {
    CHECK(transport::write_negotiate_error("The client requested a non-integer protocol version.") ==
          R"({"error":"The client requested a non-integer protocol version."})");
}
