#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/messagepack_hub_protocol.hpp>

#include <signalrpp/json/raw_json.hpp>
#include <signalrpp/msgpack/mappings.hpp>

#include "../msgpack/msgpack_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace protocol = signalrpp::protocol;
using msgpack_test::bytes;
using msgpack_test::hex;
using protocol::parse_status;

// A value whose MessagePack writer fails halfway, after writing some bytes.
struct explosive {};

template <>
struct signalrpp::msgpack::serializer<explosive> {
    static bool read(reader&, explosive&) { return false; }
    static void write(writer& out, const explosive&) {
        out.write_array_header(2);
        out.write_string("half written");
        throw std::runtime_error("the value cannot be written");
    }
};

namespace {

const protocol::hub_protocol& mp() { return protocol::messagepack_protocol(); }

// `text` as a MessagePack str, as hex.
std::string str(std::string_view text) {
    return msgpack_test::written([&](signalrpp::msgpack::writer& w) { w.write_string(text); });
}

// `body` (hex) with its length prefix, as hex.
std::string framed(std::string_view body_hex) {
    const std::string body = bytes(body_hex);
    std::string out;
    protocol::write_length_prefix(out, body.size());
    return hex(out + body);
}

struct parsed {
    std::string body;
    protocol::hub_message message;
    protocol::protocol_error error;
    parse_status status = parse_status::error;

    template <class T>
    const T& as() const {
        return std::get<T>(message);
    }
};

// Parses one message body given as raw bytes (kept alive with what the message views).
std::unique_ptr<parsed> parse_bytes(std::string body) {
    auto p = std::make_unique<parsed>();
    p->body = std::move(body);
    p->status = mp().parse(p->body.data(), p->body.size(), p->message, p->error);
    return p;
}

std::unique_ptr<parsed> parse(std::string_view body_hex) { return parse_bytes(bytes(body_hex)); }

// "<exception type>: <text>" of the error a body (hex) gives, "" if it reads.
std::string error_of(std::string_view body_hex) {
    const auto p = parse(body_hex);
    return p->status == parse_status::error ? p->error.detail() : std::string();
}

// The body of the one framed message in `framed_bytes`.
std::string body_of(const std::string& framed_bytes) {
    protocol::length_prefixed_reader frames;
    frames.append(framed_bytes);
    std::string_view body;
    REQUIRE(frames.next(body) == protocol::length_prefixed_reader::status::message);
    REQUIRE(frames.buffered() == 0);
    return std::string(body);
}

template <class T>
T read_value(const protocol::wire_value& v) {
    T out{};
    REQUIRE(v.read(out));
    return out;
}

std::vector<std::string> headers_of(const protocol::header_map& h) {
    std::vector<std::string> out;
    h.for_each([&](std::string_view n, std::string_view v) { out.push_back(std::string(n) + "=" + std::string(v)); });
    return out;
}

const std::string invalid_argument_text =
    ". Make sure that the types of the provided values match the types of the hub method being invoked.";

} // namespace

TEST_CASE("the protocol is 'messagepack', version 2, binary, one instance") {
    CHECK(mp().name() == "messagepack");
    CHECK(mp().version() == 2);
    CHECK(mp().format() == protocol::transfer_format::binary);
    CHECK(mp().binary());
    CHECK(&protocol::messagepack_protocol() == &mp());
}

// ----- Writing, byte for byte ----------------------------------------------------------------------

TEST_CASE("invocations are written as the spec's examples") {
    std::string out;
    mp().write_invocation(out, {"xyz", "method"}, std::vector<protocol::value_ref>{42});
    CHECK(hex(out) == framed("96 01 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90"));

    out.clear();
    mp().write_invocation(out, {"", "method"}, std::vector<protocol::value_ref>{42}); // no id: nil
    CHECK(hex(out) == framed("96 01 80 c0 a6 6d 65 74 68 6f 64 91 2a 90"));

    out.clear();
    const protocol::header headers[] = {{"x", "y"}, {"z", "z"}};
    mp().write_invocation(out, {"xyz", "method", {}, headers}, std::vector<protocol::value_ref>{42});
    CHECK(hex(out) == framed("96 01 82 a1 78 a1 79 a1 7a a1 7a a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90"));
}

TEST_CASE("invocations with stream ids are written as the reference's baselines") {
    // InvocationWithStreamArgument, InvocationWithStreamAndNormalArgument (MessagePackHubProtocolTestBase).
    const std::string_view ids[] = {"__test_id__"};
    std::string out;
    mp().write_invocation(out, {"", "Target", ids}, {});
    CHECK(hex(out) == framed("96 01 80 c0 a6 54 61 72 67 65 74 90 91 ab 5f 5f 74 65 73 74 5f 69 64 5f 5f"));
    out.clear();
    mp().write_invocation(out, {"", "Target", ids}, std::vector<protocol::value_ref>{42});
    CHECK(hex(out) == framed("96 01 80 c0 a6 54 61 72 67 65 74 91 2a 91 ab 5f 5f 74 65 73 74 5f 69 64 5f 5f"));
}

TEST_CASE("stream invocations are written with their id and stream ids") {
    std::string out;
    mp().write_stream_invocation(out, {"xyz", "method"}, std::vector<protocol::value_ref>{42});
    CHECK(hex(out) == framed("96 04 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90"));
    out.clear();
    const std::string_view ids[] = {"__test_id__"};
    mp().write_stream_invocation(out, {"xyz", "method", ids}, std::vector<protocol::value_ref>{42});
    CHECK(hex(out) == framed("96 04 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 91 ab 5f 5f 74 65 73 74 5f 69 64 5f 5f"));
}

TEST_CASE("stream items, completions and cancellations are written as the spec's examples") {
    std::string out;
    mp().write_stream_item(out, "xyz", 42);
    CHECK(hex(out) == framed("94 02 80 a3 78 79 7a 2a"));
    out.clear();
    mp().write_stream_item(out, "xyz", 42.0f); // StreamItemWithNoHeadersAndFloatItem
    CHECK(hex(out) == framed("94 02 80 a3 78 79 7a ca 42 28 00 00"));

    out.clear();
    mp().write_completion_error(out, "xyz", "Error");
    CHECK(hex(out) == framed("95 03 80 a3 78 79 7a 01 a5 45 72 72 6f 72"));
    out.clear();
    mp().write_completion_empty(out, "xyz"); // a stream's end: the "void" kind, no result
    CHECK(hex(out) == framed("94 03 80 a3 78 79 7a 02"));
    out.clear();
    // A void method's answer: ASP.NET Core's dispatcher completes it WithResult(null), a nil result.
    mp().write_completion_void(out, "xyz");
    CHECK(hex(out) == framed("95 03 80 a3 78 79 7a 03 c0"));
    out.clear();
    mp().write_completion_result(out, "xyz", 42);
    CHECK(hex(out) == framed("95 03 80 a3 78 79 7a 03 2a"));
    out.clear();
    mp().write_completion_result(out, "xyz", std::optional<int>{}); // a null result is a result
    CHECK(hex(out) == framed("95 03 80 a3 78 79 7a 03 c0"));
    out.clear();
    mp().write_completion_error(out, "xyz", ""); // the reference writes any error that is not null
    CHECK(hex(out) == framed("95 03 80 a3 78 79 7a 01 a0"));

    out.clear();
    mp().write_cancel_invocation(out, "xyz");
    CHECK(hex(out) == framed("93 05 80 a3 78 79 7a"));
}

TEST_CASE("ping is always 0x91 0x06, framed") {
    std::string out = "x";
    mp().write_ping(out);
    CHECK(out == std::string("x\x02\x91\x06", 4));
}

TEST_CASE("close always has three items, nil for no (or an empty) error") {
    // CloseMessage, CloseMessage_HasError, CloseMessage_HasAllowReconnect, ..._HasErrorAndAllowReconnect.
    std::string out;
    mp().write_close(out, std::nullopt, false);
    CHECK(hex(out) == framed("93 07 c0 c2"));
    out.clear();
    mp().write_close(out, "Error!", false);
    CHECK(hex(out) == framed("93 07 a6 45 72 72 6f 72 21 c2"));
    out.clear();
    mp().write_close(out, std::nullopt, true);
    CHECK(hex(out) == framed("93 07 c0 c3"));
    out.clear();
    mp().write_close(out, "Error!", true);
    CHECK(hex(out) == framed("93 07 a6 45 72 72 6f 72 21 c3"));
    out.clear();
    mp().write_close(out, "", false);
    CHECK(hex(out) == framed("93 07 c0 c2"));
}

TEST_CASE("ack and sequence carry the id in its smallest form") {
    std::string out;
    mp().write_ack(out, 36);
    CHECK(hex(out) == framed("92 08 24"));
    out.clear();
    mp().write_sequence(out, 19);
    CHECK(hex(out) == framed("92 09 13"));
    out.clear();
    mp().write_ack(out, 1394);
    CHECK(hex(out) == framed("92 08 cd 05 72"));
    out.clear();
    mp().write_sequence(out, std::numeric_limits<std::int64_t>::max());
    CHECK(hex(out) == framed("92 09 cf 7f ff ff ff ff ff ff ff"));
    out.clear();
    mp().write_ack(out, -1);
    CHECK(hex(out) == framed("92 08 ff"));
}

TEST_CASE("messages are as long as the reference's (VerifyMessageSize)") {
    const auto size = [](auto write) {
        std::string out;
        write(out);
        return out.size();
    };
    const std::string_view stream_2[] = {"2"};
    const int value = 1;
    const std::vector<protocol::value_ref> one{value}; // (a value_ref refers to its value: not to a temporary)
    CHECK(size([&](std::string& o) { mp().write_invocation(o, {"", "Target"}, one); }) == 15);
    CHECK(size([&](std::string& o) { mp().write_invocation(o, {"1", "Target"}, one); }) == 16);
    CHECK(size([&](std::string& o) { mp().write_invocation(o, {"1", "Target", stream_2}, one); }) == 18);
    CHECK(size([&](std::string& o) { mp().write_close(o, std::nullopt, false); }) == 5);
    CHECK(size([&](std::string& o) { mp().write_close(o, "error", false); }) == 10);
    CHECK(size([&](std::string& o) { mp().write_stream_item(o, "1", std::optional<int>{}); }) == 7);
    CHECK(size([&](std::string& o) { mp().write_stream_item(o, "1", 1); }) == 7);
    CHECK(size([&](std::string& o) { mp().write_completion_empty(o, "1"); }) == 7);
    CHECK(size([&](std::string& o) { mp().write_completion_result(o, "1", 1); }) == 8);
    CHECK(size([&](std::string& o) { mp().write_completion_error(o, "1", "error"); }) == 13);
    CHECK(size([&](std::string& o) { mp().write_stream_invocation(o, {"1", "target"}, {}); }) == 15);
    CHECK(size([&](std::string& o) { mp().write_stream_invocation(o, {"1", "target", stream_2}, {}); }) == 17);
    CHECK(size([&](std::string& o) { mp().write_cancel_invocation(o, "1"); }) == 6);
    CHECK(size([&](std::string& o) { mp().write_ping(o); }) == 3);
}

TEST_CASE("a message is appended after what is there, with a prefix as long as its length needs") {
    for (const std::size_t length : {10, 200, 20000}) {
        CAPTURE(length);
        std::string out = "kept";
        mp().write_stream_item(out, "1", std::string(length, 'v'));
        REQUIRE(out.substr(0, 4) == "kept");
        const std::string message = out.substr(4);
        const std::string body = body_of(message);
        const std::size_t prefix = message.size() - body.size();
        CHECK(prefix == (body.size() < 128 ? 1 : body.size() < 16384 ? 2 : 3));
        const auto p = parse_bytes(body);
        REQUIRE(p->status == parse_status::message);
        CHECK(read_value<std::string>(p->as<protocol::stream_item_message>().item) == std::string(length, 'v'));
    }
}

TEST_CASE("a Completion with a std::string result has the bytes any string result has") {
    // (std::string results take a quicker way: the generic one writes the same string through an
    // optional, which is written as its value.)
    for (const std::string& id : {std::string(), std::string("7"), std::string(40, 'i')}) {
        for (const std::size_t length : {0, 3, 31, 32, 100, 116, 117, 200, 255, 256, 16370, 20000, 65535, 65536, 70000}) {
            CAPTURE(id.size(), length);
            const std::string result(length, 'r');
            std::string quick = "kept";
            mp().write_completion_result(quick, id, result);
            std::string generic = "kept";
            mp().write_completion_result(generic, id, std::optional<std::string>(result));
            CHECK(quick == generic);
            if (id.empty()) {
                continue; // (written alike; a Completion read needs an id)
            }
            const auto p = parse_bytes(body_of(quick.substr(4)));
            REQUIRE(p->status == parse_status::message);
            CHECK(read_value<std::string>(p->as<protocol::completion_message>().result) == result);
        }
    }
}

// ----- Reading -------------------------------------------------------------------------------------

TEST_CASE("invocations are read, with their headers, arguments and stream ids") {
    auto p = parse("96 01 82 a1 78 a1 79 a1 7a a1 7a a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90");
    REQUIRE(p->status == parse_status::message);
    const auto& m = p->as<protocol::invocation_message>();
    CHECK(m.invocation_id == "xyz");
    CHECK(m.target == "method");
    CHECK(headers_of(m.headers) == std::vector<std::string>{"x=y", "z=z"});
    CHECK(m.headers.find("z") == "z");
    REQUIRE(m.arguments.size() == 1);
    auto values = m.arguments.values();
    CHECK(read_value<int>(values.next()) == 42);
    CHECK_FALSE(values.next().present());
    CHECK(m.stream_ids.empty());

    p = parse("96 01 80 c0 a6 54 61 72 67 65 74 92 2a" + str("text") + "92 ab 5f 5f 74 65 73 74 5f 69 64 5f 5f a1 32");
    REQUIRE(p->status == parse_status::message);
    const auto& n = p->as<protocol::invocation_message>();
    CHECK(n.invocation_id.empty()); // nil: no Completion wanted
    CHECK(n.headers.empty());
    auto args = n.arguments.values();
    CHECK(read_value<int>(args.next()) == 42);
    CHECK(read_value<std::string>(args.next()) == "text");
    REQUIRE(n.stream_ids.size() == 2);
    CHECK(n.stream_ids[0] == "__test_id__");
    CHECK(n.stream_ids[1] == "2");
    CHECK(n.stream_ids[0] == "__test_id__"); // (out of order too)
    std::vector<std::string_view> ids;
    n.stream_ids.for_each([&](std::string_view id) { ids.push_back(id); });
    CHECK(ids == std::vector<std::string_view>{"__test_id__", "2"});

    p = parse("96 01 80 a0 a1 6d 90 90"); // an empty id is no id, as the reference reads it
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().invocation_id.empty());
}

TEST_CASE("older clients' invocations have five items, without stream ids") {
    auto p = parse("95 01 80 c0 a6 6d 65 74 68 6f 64 91 2a");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().stream_ids.empty());
    p = parse("95 04 80 a1 31 a6 6d 65 74 68 6f 64 90");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::stream_invocation_message>().stream_ids.empty());
    // With five items, what follows is not read as stream ids, whatever it is.
    p = parse("95 01 80 c0 a1 6d 90 2a");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().stream_ids.empty());
}

// The fields of an Invocation, as text: what the quick and the general reading must agree on.
std::string fields_of(const protocol::invocation_message& m) {
    std::string out = std::string(m.invocation_id) + "|" + std::string(m.target) + "|" + std::to_string(m.stream_ids.size()) +
                      "|" + std::to_string(m.headers.size()) + "|" + std::to_string(m.arguments.size());
    auto values = m.arguments.values();
    for (std::size_t i = 0; i < m.arguments.size(); ++i) {
        out += "|" + hex(values.next().msgpack_bytes());
    }
    return out;
}

TEST_CASE("the common Invocation's quick reading agrees with the general one, or leaves it to it") {
    namespace mp_detail = protocol::detail::messagepack;
    std::vector<std::string> bodies;
    const std::vector<int> numbers{1, 2, 3};
    const protocol::header traced[] = {{"traceparent", "00-abc-01"}};
    const std::string_view ids[] = {"s1"};
    for (const std::string_view id : {std::string_view(), std::string_view("7"), std::string_view("1234567890123456789012345678901")}) {
        for (const std::string_view target : {std::string_view("Echo"), std::string_view("a-target-of-thirty-two-bytes-xyz")}) {
            std::string out;
            mp().write_invocation(out, {id, target}, {});
            mp().write_invocation(out, {id, target}, protocol::value_refs(std::string("hello"), 42, numbers));
            mp().write_invocation(out, {id, target}, protocol::value_refs(std::string(300, 'x')));
            mp().write_invocation(out, {id, target, ids}, protocol::value_refs(1)); // stream ids: the general way
            mp().write_invocation(out, {id, target, {}, traced}, protocol::value_refs(1)); // headers: the same
            mp().write_stream_invocation(out, {id.empty() ? "9" : id, target}, protocol::value_refs(1));
            protocol::length_prefixed_reader frames;
            frames.append(out);
            std::string_view body;
            while (frames.next(body) == protocol::length_prefixed_reader::status::message) {
                bodies.emplace_back(body);
            }
        }
    }
    bodies.push_back(bytes("95 01 80 c0 a4 45 63 68 6f 90"));       // five items (older clients)
    bodies.push_back(bytes("96 01 80 a0 a4 45 63 68 6f 91 01 90 c3")); // an empty id; a byte after the fields
    bodies.push_back(bytes("96 01 80 c0 a0 90 90"));                // an empty target: an error
    std::size_t quick = 0;
    for (const std::string& whole : bodies) {
        // The message, every cut of it, and every one-byte change of it.
        std::vector<std::string> variants{whole};
        for (std::size_t cut = 0; cut < whole.size(); ++cut) {
            variants.push_back(whole.substr(0, cut));
        }
        for (std::size_t at = 0; at < whole.size(); ++at) {
            for (const unsigned char b : {0x00, 0x01, 0x1f, 0x7f, 0x80, 0x90, 0x91, 0x9f, 0xa0, 0xa5, 0xbf, 0xc0, 0xc1, 0xd9, 0xdc, 0xff}) {
                std::string changed = whole;
                changed[at] = static_cast<char>(b);
                variants.push_back(std::move(changed));
            }
        }
        for (const std::string& body : variants) {
            CAPTURE(hex(body));
            protocol::hub_message fast;
            if (!mp_detail::read_plain_invocation(body, fast)) {
                continue;
            }
            ++quick;
            protocol::hub_message general;
            protocol::protocol_error error;
            REQUIRE(mp_detail::read_fields(body, general, error) == parse_status::message);
            REQUIRE(std::holds_alternative<protocol::invocation_message>(general));
            CHECK(fields_of(std::get<protocol::invocation_message>(fast)) ==
                  fields_of(std::get<protocol::invocation_message>(general)));
        }
    }
    CHECK(quick > bodies.size()); // (the quick way was taken, for the messages and some changes of them)
}

TEST_CASE("fields are read in order whatever the array's length says; what follows them is ignored") {
    // ParseMessageWithExtraData: eight items declared, two extra ones after the six read.
    auto p = parse("98 01 80 a3 78 79 7a a6 6d 65 74 68 6f 64 90 90 c3 a2 65 78");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().target == "method");
    // A shorter length than the fields: they are read all the same (the reference's own test bytes).
    p = parse("91 01 80 c0 a1 6d 90");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().target == "m");
    p = parse("91 06 ff ff");
    CHECK(p->status == parse_status::message);
}

TEST_CASE("stream invocations, stream items and cancellations are read") {
    auto p = parse("96 04 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 91 a1 31");
    REQUIRE(p->status == parse_status::message);
    const auto& s = p->as<protocol::stream_invocation_message>();
    CHECK(s.invocation_id == "xyz");
    CHECK(s.target == "method");
    CHECK(s.arguments.size() == 1);
    REQUIRE(s.stream_ids.size() == 1);
    CHECK(s.stream_ids[0] == "1");

    p = parse("94 02 81 a1 6b a1 76 a3 78 79 7a 2a");
    REQUIRE(p->status == parse_status::message);
    const auto& item = p->as<protocol::stream_item_message>();
    CHECK(item.invocation_id == "xyz");
    CHECK(item.headers.find("k") == "v");
    CHECK(item.item.msgpack_bytes() == bytes("2a"));
    CHECK(read_value<int>(item.item) == 42);

    p = parse("94 02 80 a3 78 79 7a c0");
    REQUIRE(p->status == parse_status::message);
    CHECK(read_value<std::optional<int>>(p->as<protocol::stream_item_message>().item) == std::nullopt);

    p = parse("93 05 80 a3 78 79 7a");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::cancel_invocation_message>().invocation_id == "xyz");
}

TEST_CASE("completions: an error, void, a result, a nil result") {
    auto p = parse("95 03 80 a3 78 79 7a 01 a5 45 72 72 6f 72");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::completion_message>().invocation_id == "xyz");
    CHECK(p->as<protocol::completion_message>().error == "Error");
    CHECK_FALSE(p->as<protocol::completion_message>().result.present());

    p = parse("94 03 80 a3 78 79 7a 02");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::completion_message>().error);
    CHECK_FALSE(p->as<protocol::completion_message>().result.present());

    p = parse("95 03 80 a3 78 79 7a 03 2a");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::completion_message>().error);
    CHECK(read_value<int>(p->as<protocol::completion_message>().result) == 42);

    p = parse("95 03 80 a3 78 79 7a 03 c0");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::completion_message>().result.present());
    CHECK(p->as<protocol::completion_message>().result.msgpack_bytes() == bytes("c0"));

    // An error kind with a nil error: neither error nor result, as the reference reads it.
    p = parse("95 03 80 a3 78 79 7a 01 c0");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::completion_message>().error);
    CHECK_FALSE(p->as<protocol::completion_message>().result.present());

    p = parse("95 03 80 a3 78 79 7a 01 a0"); // an empty error is still an error
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::completion_message>().error == "");
}

TEST_CASE("ping, close, ack and sequence are read") {
    auto p = parse("91 06");
    REQUIRE(p->status == parse_status::message);
    CHECK(protocol::type_of(p->message) == protocol::message_type::ping);

    p = parse("92 07 a3 78 79 7a"); // the spec's two-item form
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::close_message>().error == "xyz");
    CHECK_FALSE(p->as<protocol::close_message>().allow_reconnect);
    p = parse("93 07 a3 78 79 7a c3");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::close_message>().allow_reconnect);
    p = parse("93 07 c0 c2");
    REQUIRE(p->status == parse_status::message);
    CHECK_FALSE(p->as<protocol::close_message>().error);
    p = parse("93 07 a0 c2"); // an empty error is still an error
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::close_message>().error == "");

    p = parse("92 08 cc 24");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::ack_message>().sequence_id == 36);
    p = parse("92 09 cc 13");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::sequence_message>().sequence_id == 19);
    p = parse("92 09 d3 80 00 00 00 00 00 00 00");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::sequence_message>().sequence_id == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("unknown message types are ignored, as the reference skips them") {
    CHECK(parse("91 0a")->status == parse_status::ignored);
    CHECK(parse("92 0a c1")->status == parse_status::ignored); // what follows is not read
    CHECK(parse("91 00")->status == parse_status::ignored);
    CHECK(parse("91 ff")->status == parse_status::ignored);   // -1
    CHECK(parse("91 cc 63")->status == parse_status::ignored); // 99
}

// ----- Errors: the reference's exception types and texts ---------------------------------------------

TEST_CASE("a message that is not an array fails as the MessagePack library reports it") {
    CHECK(error_of("") == "EndOfStreamException: Attempted to read past the end of the stream.");
    CHECK(error_of("c2") == "MessagePackSerializationException: Unexpected msgpack code 194 (false) encountered.");
    CHECK(error_of("80") == "MessagePackSerializationException: Unexpected msgpack code 128 (fixmap) encountered.");
    CHECK(error_of("c1") ==
          "MessagePackSerializationException: Unexpected msgpack code 193 ((never used)) encountered.");
    CHECK(error_of("a1 31") == "MessagePackSerializationException: Unexpected msgpack code 161 (fixstr) encountered.");
    CHECK(error_of("dc 00") == "EndOfStreamException: Attempted to read past the end of the stream.");
    // More items declared than bytes left (the library allows a byte an item at least).
    CHECK(error_of("92 06") == "EndOfStreamException: Attempted to read past the end of the stream.");
    CHECK(error_of("91") == "EndOfStreamException: Attempted to read past the end of the stream.");
    CHECK(error_of("93 07 c0") == "EndOfStreamException: Attempted to read past the end of the stream.");
}

TEST_CASE("malformed messages fail with the reference's texts (BaseInvalidPayloads)") {
    const auto invalid_data = [](std::string_view body) {
        const auto p = parse(body);
        CHECK(p->status == parse_status::error);
        CHECK(p->error.exception_type == "InvalidDataException");
        return p->error.message;
    };
    CHECK(invalid_data("91 a3 66 6f 6f") == "Reading 'messageType' as Int32 failed.");
    CHECK(invalid_data("90") == "Reading 'messageType' as Int32 failed.");
    CHECK(invalid_data("91 ce 80 00 00 00") == "Reading 'messageType' as Int32 failed."); // 2^31
    // Headers
    CHECK(invalid_data("92 01 a3 66 6f 6f") == "Reading map length for 'headers' failed.");
    CHECK(invalid_data("92 01 82 2a a3 66 6f 6f") == "Reading 'headers[0].Key' as String failed.");
    CHECK(invalid_data("92 01 82 a3 66 6f 6f 2a") == "Reading 'headers[0].Value' as String failed.");
    CHECK(invalid_data("92 01 84 a3 66 6f 6f a3 66 6f 6f 90 a3 66 6f 6f") ==
          "Reading 'headers[1].Key' as String failed.");
    CHECK(invalid_data("92 01 84 a3 66 6f 6f a3 66 6f 6f a3 66 6f 6f 90") ==
          "Reading 'headers[1].Value' as String failed.");
    CHECK(invalid_data("92 01 81 c0 a1 76") == "Null or empty key in header.");
    CHECK(invalid_data("92 01 81 a0 a1 76") == "Null or empty key in header.");
    CHECK(invalid_data("92 01 81 a1 6b c0") == "Null or empty value in header.");
    CHECK(invalid_data("92 01 81 a1 6b a0") == "Null or empty value in header.");
    // Invocation
    CHECK(invalid_data("92 01 80") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("91 01 80 c2") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 01 80 a3 61 62 63") == "Reading 'target' as String failed.");
    CHECK(invalid_data("94 01 80 a3 61 62 63 2a") == "Reading 'target' as String failed.");
    CHECK(invalid_data("96 01 80 c0 c0 90 90") == "Null or empty target for Invocation message.");
    CHECK(invalid_data("96 01 80 c0 a0 90 90") == "Null or empty target for Invocation message.");
    // StreamInvocation
    CHECK(invalid_data("92 04 80") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 04 80 c2") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 04 80 a3 61 62 63") == "Reading 'target' as String failed.");
    CHECK(invalid_data("94 04 80 a3 61 62 63 2a") == "Reading 'target' as String failed.");
    CHECK(invalid_data("96 04 80 c0 a1 6d 90 90") == "Null or empty invocation ID for StreamInvocation message.");
    CHECK(invalid_data("96 04 80 a0 a1 6d 90 90") == "Null or empty invocation ID for StreamInvocation message.");
    CHECK(invalid_data("96 04 80 a1 31 c0 90 90") == "Null or empty target for StreamInvocation message.");
    // StreamItem
    CHECK(invalid_data("92 02 80") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 02 80 c2") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("94 02 80 c0 2a") == "Null or empty invocation ID for StreamItem message.");
    // Completion
    CHECK(invalid_data("92 03 80") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 03 80 c2") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("94 03 80 a0 02") == "Null or empty invocation ID for Completion message.");
    CHECK(invalid_data("94 03 80 a3 78 79 7a a3 78 79 7a") == "Reading 'resultKind' as Int32 failed.");
    CHECK(invalid_data("94 03 80 a3 78 79 7a 2a") == "Invalid invocation result kind.");
    CHECK(invalid_data("94 03 80 a3 78 79 7a 00") == "Invalid invocation result kind.");
    CHECK(invalid_data("94 03 80 a3 78 79 7a 01") == "Reading 'error' as String failed.");
    CHECK(invalid_data("95 03 80 a3 78 79 7a 01 2a") == "Reading 'error' as String failed.");
    // CancelInvocation
    CHECK(invalid_data("92 05 80") == "Reading 'invocationId' as String failed.");
    CHECK(invalid_data("93 05 80 c0") == "Null or empty invocation ID for CancelInvocation message.");
    // Close, Ack, Sequence
    CHECK(invalid_data("91 07") == "Reading 'error' as String failed.");
    CHECK(invalid_data("92 07 2a") == "Reading 'error' as String failed.");
    CHECK(invalid_data("93 07 c0 01") == "Reading 'allowReconnect' as Boolean failed.");
    CHECK(invalid_data("92 08 a1 31") == "Reading 'sequenceId' as Int64 failed.");
    CHECK(invalid_data("91 09") == "Reading 'sequenceId' as Int64 failed.");
    CHECK(invalid_data("92 09 cf 80 00 00 00 00 00 00 00") == "Reading 'sequenceId' as Int64 failed."); // 2^63
}

TEST_CASE("a repeated header key fails as the reference's dictionary does, in the order it reads") {
    CHECK(error_of("92 01 82 a1 61 a1 62 a1 61 a1 63") ==
          "ArgumentException: An item with the same key has already been added. Key: a");
    // The repeated key comes before the bad entry: it is reported.
    CHECK(error_of("92 01 83 a1 61 a1 62 a1 61 a1 63 2a a1 63") ==
          "ArgumentException: An item with the same key has already been added. Key: a");
    // The bad entry comes first.
    CHECK(error_of("92 01 83 a1 61 a1 62 2a a1 63 a1 61 a1 63") ==
          "InvalidDataException: Reading 'headers[1].Key' as String failed.");
    // Many headers (sorted, not compared pairwise): the first entry whose key came before.
    std::string many = "92 01 de 00 20";
    for (int i = 0; i < 32; ++i) {
        const int key = i == 20 ? 7 : i == 25 ? 3 : i; // 20 repeats 7, then 25 repeats 3
        many += str("k" + std::to_string(key)) + str("v");
    }
    CHECK(error_of(many) == "ArgumentException: An item with the same key has already been added. Key: k7");
}

TEST_CASE("arguments that are not an array of whole values fail") {
    CHECK(error_of("94 01 80 a3 61 62 63 a3 78 79 7a") ==
          "InvalidDataException: Reading array length for 'arguments' failed.");
    CHECK(error_of("95 01 80 a3 61 62 63 a3 78 79 7a 2a") ==
          "InvalidDataException: Reading array length for 'arguments' failed.");
    CHECK(error_of("95 04 80 a3 61 62 63 a3 78 79 7a 93 01") ==
          "InvalidDataException: Reading array length for 'arguments' failed."); // 3 claimed, 1 byte left
    CHECK(error_of("95 01 80 c0 a1 6d 92 01 c1") ==
          "InvalidDataException: Error binding argument 2" + invalid_argument_text);
    CHECK(error_of("95 01 80 c0 a1 6d 92 a5 61 62 01 02") ==
          "InvalidDataException: Error binding argument 1" + invalid_argument_text);
}

TEST_CASE("stream ids must be an array of strings, neither nil nor empty") {
    CHECK(error_of("96 01 80 c0 a1 6d 90 2a") == "InvalidDataException: Reading array length for 'streamIds' failed.");
    CHECK(error_of("96 01 80 c0 a1 6d 90") == "InvalidDataException: Reading array length for 'streamIds' failed.");
    CHECK(error_of("96 01 80 c0 a1 6d 90 91 c0") == "InvalidDataException: Null or empty value in streamIds received.");
    CHECK(error_of("96 01 80 c0 a1 6d 90 92 a1 31 a0") ==
          "InvalidDataException: Null or empty value in streamIds received.");
    // The reference does not wrap this read: the library's own exception.
    CHECK(error_of("96 01 80 c0 a1 6d 90 91 2a") ==
          "MessagePackSerializationException: Unexpected msgpack code 42 (positive fixint) encountered.");
    CHECK(error_of("96 01 80 c0 a1 6d 90 92 a1 31 c4 00") ==
          "MessagePackSerializationException: Unexpected msgpack code 196 (bin 8) encountered.");
    CHECK(error_of("96 01 80 c0 a1 6d 90 91 a3 31") ==
          "EndOfStreamException: Attempted to read past the end of the stream.");
}

TEST_CASE("an item or result that is not one whole value fails as skipping it does in the library") {
    const std::string end = "EndOfStreamException: Attempted to read past the end of the stream.";
    const std::string never_used =
        "MessagePackSerializationException: Unexpected msgpack code 193 ((never used)) encountered.";
    CHECK(error_of("93 02 80 a1 31") == end);
    CHECK(error_of("94 02 80 a1 31 a3 61") == end);
    CHECK(error_of("94 02 80 a1 31 c1") == never_used);
    CHECK(error_of("94 03 80 a1 31 03") == end);
    CHECK(error_of("95 03 80 a1 31 03 92 01 c1") == never_used);
    // The library walks into a container without comparing its count with the bytes left: it meets
    // the 0xc1 before the end.
    CHECK(error_of("95 03 80 a1 31 03 dd 00 01 00 00 c1") == never_used);
    CHECK(error_of("95 03 80 a1 31 03 dd 00 01 00 00 01 02") == end);
    CHECK(error_of("95 03 80 a1 31 03 81 a1 6b") == end);
    CHECK(error_of("95 03 80 a1 31 03 de 00") == end);
}

TEST_CASE("strings must be UTF-8") {
    CHECK(error_of("96 01 80 c0 a1 ff 90 90") == "InvalidDataException: Reading 'target' as String failed.");
    CHECK(error_of("96 01 80 a2 c3 28 a1 6d 90 90") ==
          "InvalidDataException: Reading 'invocationId' as String failed.");
    CHECK(error_of("96 01 81 a1 80 a1 76 c0 a1 6d 90 90") ==
          "InvalidDataException: Reading 'headers[0].Key' as String failed.");
    CHECK(error_of("96 01 81 a1 6b a3 ed a0 80 c0 a1 6d 90 90") == // a surrogate
          "InvalidDataException: Reading 'headers[0].Value' as String failed.");
    CHECK(error_of("96 01 80 c0 a1 6d 90 92 a1 31 a1 fe") ==
          "InvalidDataException: Reading 'streamIds[1]' as String failed.");
    CHECK(error_of("95 03 80 a1 31 01 a2 c0 80") == "InvalidDataException: Reading 'error' as String failed.");
    CHECK(error_of("92 07 a1 ff") == "InvalidDataException: Reading 'error' as String failed.");
    const auto p = parse("96 01 80 c0" + str("m\xc3\xa9thode \xe2\x82\xac \xf0\x9f\x98\x80") + "90 90");
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().target == "m\xc3\xa9thode \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST_CASE("a body cut at any byte fails; a framed message cut at any byte is incomplete") {
    const std::vector<std::string> bodies = {
        "96 01 82 a1 78 a1 79 a1 7a a1 7a a3 78 79 7a a6 6d 65 74 68 6f 64 92 2a 92 01 02 91 a1 31",
        "96 04 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90",
        "94 02 80 a3 78 79 7a 82 a1 61 92 c0 c3 a1 62 cb 3f f0 00 00 00 00 00 00",
        "95 03 80 a3 78 79 7a 01 a5 45 72 72 6f 72",
        "94 03 80 a3 78 79 7a 02",
        "95 03 80 a3 78 79 7a 03 " + str(std::string(32, 'a')), // a str 8 result
        "93 05 80 a3 78 79 7a",
        "91 06",
        "93 07 a3 78 79 7a c3",
        "92 08 cd 05 72",
        "92 09 cc 13",
    };
    for (const std::string& body_hex : bodies) {
        CAPTURE(body_hex);
        const std::string body = bytes(body_hex);
        REQUIRE(parse_bytes(body)->status == parse_status::message);
        for (std::size_t n = 0; n < body.size(); ++n) {
            CAPTURE(n);
            const auto p = parse_bytes(body.substr(0, n));
            CHECK(p->status == parse_status::error);
            CHECK_FALSE(p->error.message.empty());
        }
        const std::string message = bytes(framed(body_hex));
        for (std::size_t n = 0; n < message.size(); ++n) {
            const auto framing = mp().make_framing(0);
            framing->append(std::string_view(message).substr(0, n));
            char* data = nullptr;
            std::size_t size = 0;
            CHECK(framing->next(data, size) == protocol::message_framing::status::incomplete);
            CHECK(framing->buffered() == n);
        }
    }
}

// ----- Framing -------------------------------------------------------------------------------------

TEST_CASE("the framing hands out whole messages however the bytes arrive, in place") {
    std::string stream;
    mp().write_invocation(stream, {"1", "Send"}, std::vector<protocol::value_ref>{std::string(300, 'x')});
    mp().write_ping(stream);
    mp().write_completion_result(stream, "1", 7);
    for (std::size_t piece = 1; piece <= stream.size(); piece += 7) {
        CAPTURE(piece);
        const auto framing = mp().make_framing(0);
        std::vector<protocol::message_type> got;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            framing->append(std::string_view(stream).substr(at, piece));
            char* data = nullptr;
            std::size_t size = 0;
            while (framing->next(data, size) == protocol::message_framing::status::message) {
                protocol::hub_message m;
                protocol::protocol_error error;
                REQUIRE(mp().parse(data, size, m, error) == parse_status::message);
                got.push_back(protocol::type_of(m));
            }
        }
        using type = protocol::message_type;
        CHECK(got == std::vector<type>{type::invocation, type::ping, type::completion});
        CHECK(framing->buffered() == 0);
    }
}

TEST_CASE("the framing's limits, malformed prefixes and what is left in it") {
    const auto framing = mp().make_framing(10);
    CHECK(framing->max_message_size() == 10);
    std::string big;
    mp().write_stream_item(big, "1", std::string(20, 'x'));
    framing->append(big);
    char* data = nullptr;
    std::size_t size = 0;
    CHECK(framing->next(data, size) == protocol::message_framing::status::too_large);

    const auto malformed = mp().make_framing(0);
    malformed->append(std::string("\xff\xff\xff\xff\x08", 5));
    CHECK(malformed->next(data, size) == protocol::message_framing::status::malformed);
    CHECK(malformed->malformed_error().detail() == "FormatException: Messages over 2GB in size are not supported.");

    // What follows the last whole message is taken out whole, and the framing is left empty.
    const auto rest = mp().make_framing(0);
    std::string two;
    mp().write_ping(two);
    mp().write_ack(two, 5);
    rest->append(two.substr(0, two.size() - 1));
    REQUIRE(rest->next(data, size) == protocol::message_framing::status::message);
    CHECK(std::string(data, size) == "\x91\x06");
    CHECK(rest->next(data, size) == protocol::message_framing::status::incomplete);
    CHECK(rest->buffered() == two.size() - 3 - 1);
    CHECK(rest->take_buffered() == two.substr(3, two.size() - 3 - 1));
    CHECK(rest->buffered() == 0);
    CHECK(rest->next(data, size) == protocol::message_framing::status::incomplete);
    rest->release_memory();
}

// ----- Round trips ---------------------------------------------------------------------------------

TEST_CASE("every message written reads back the same") {
    std::string out;
    const protocol::header headers[] = {{"traceparent", "00-abc-01"}, {"k", "v"}};
    const std::string_view ids[] = {"s1", "s2"};
    const std::vector<int> list{1, 2, 3};
    const std::optional<std::string> none;
    const std::string long_text(200, 'L');
    mp().write_invocation(out, {"7", "Send", ids, headers},
                          std::vector<protocol::value_ref>{std::string("a"), 42, list, none, long_text});
    mp().write_stream_invocation(out, {"8", "Counter"}, std::vector<protocol::value_ref>{10});
    mp().write_stream_item(out, "8", list);
    mp().write_completion_result(out, "7", std::string("done"));
    mp().write_completion_void(out, "9");
    mp().write_completion_error(out, "10", "boom");
    mp().write_cancel_invocation(out, "8");
    mp().write_ping(out);
    mp().write_close(out, "bye", true);
    mp().write_ack(out, 12);
    mp().write_sequence(out, 1);
    mp().write_completion_empty(out, "11");

    const auto framing = mp().make_framing(0);
    framing->append(out);
    std::vector<protocol::hub_message> messages;
    char* data = nullptr;
    std::size_t size = 0;
    while (framing->next(data, size) == protocol::message_framing::status::message) {
        protocol::hub_message m;
        protocol::protocol_error error;
        REQUIRE(mp().parse(data, size, m, error) == parse_status::message);
        messages.push_back(m);
        if (messages.size() == 1) { // check the first before the framing's buffer moves on
            const auto& inv = std::get<protocol::invocation_message>(m);
            CHECK(inv.invocation_id == "7");
            CHECK(inv.target == "Send");
            CHECK(headers_of(inv.headers) == std::vector<std::string>{"traceparent=00-abc-01", "k=v"});
            REQUIRE(inv.stream_ids.size() == 2);
            CHECK(inv.stream_ids[1] == "s2");
            auto args = inv.arguments.values();
            CHECK(read_value<std::string>(args.next()) == "a");
            CHECK(read_value<int>(args.next()) == 42);
            CHECK(read_value<std::vector<int>>(args.next()) == list);
            CHECK(read_value<std::optional<std::string>>(args.next()) == std::nullopt);
            CHECK(read_value<std::string>(args.next()) == long_text);
        }
    }
    REQUIRE(messages.size() == 12);
    CHECK(framing->buffered() == 0);
    // (The framing keeps every message's bytes until it is next called: the views below are still good.)
    CHECK(std::get<protocol::stream_invocation_message>(messages[1]).target == "Counter");
    CHECK(std::get<protocol::stream_item_message>(messages[2]).invocation_id == "8");
    CHECK(std::get<protocol::completion_message>(messages[4]).invocation_id == "9");
    CHECK(std::get<protocol::completion_message>(messages[4]).result.msgpack_bytes() == bytes("c0"));
    CHECK(std::get<protocol::completion_message>(messages[11]).invocation_id == "11");
    CHECK_FALSE(std::get<protocol::completion_message>(messages[11]).result.present());
    CHECK_FALSE(std::get<protocol::completion_message>(messages[11]).error);
    CHECK(std::get<protocol::cancel_invocation_message>(messages[6]).invocation_id == "8");
    CHECK(std::get<protocol::close_message>(messages[8]).error == "bye");
    CHECK(std::get<protocol::close_message>(messages[8]).allow_reconnect);
    CHECK(std::get<protocol::ack_message>(messages[9]).sequence_id == 12);
    CHECK(std::get<protocol::sequence_message>(messages[10]).sequence_id == 1);

    const auto one = [](const std::string& framed_bytes) { return parse_bytes(body_of(framed_bytes)); };
    std::string single;
    mp().write_completion_result(single, "7", std::string("done"));
    auto p = one(single);
    REQUIRE(p->status == parse_status::message);
    CHECK(read_value<std::string>(p->as<protocol::completion_message>().result) == "done");
    single.clear();
    mp().write_completion_error(single, "10", "boom");
    p = one(single);
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::completion_message>().error == "boom");
}

// ----- set_invocation_id ---------------------------------------------------------------------------

TEST_CASE("set_invocation_id gives an Invocation written without an id the id, as if written with it") {
    const protocol::header headers[] = {{"h", "v"}};
    const std::string_view ids[] = {"s"};
    const int first = 1;
    const std::string second = "two";
    const std::vector<protocol::value_ref> args{first, second};
    std::string without;
    mp().write_invocation(without, {"", "Method", ids, headers}, args);
    std::string with;
    mp().write_invocation(with, {"s42", "Method", ids, headers}, args);
    mp().set_invocation_id(without, "s42");
    CHECK(hex(without) == hex(with));
}

TEST_CASE("set_invocation_id lengthens the prefix when the message outgrows one byte") {
    // Body: 96 01 80 c0 a1 6d 91 <str of n bytes> 90 = 9 + n (+1 for str8 when n > 31): 127 bytes.
    const std::string arg(127 - 10, 'a');
    const std::vector<protocol::value_ref> args{arg};
    std::string message;
    mp().write_invocation(message, {"", "m"}, args);
    REQUIRE(message.size() == 1 + 127);
    REQUIRE(static_cast<unsigned char>(message[0]) == 127);
    mp().set_invocation_id(message, "id");
    std::string expected;
    mp().write_invocation(expected, {"id", "m"}, args);
    CHECK(hex(message) == hex(expected));
    CHECK(message.size() == 2 + 129);
    const auto p = parse_bytes(body_of(message));
    REQUIRE(p->status == parse_status::message);
    CHECK(p->as<protocol::invocation_message>().invocation_id == "id");
    CHECK(read_value<std::string>(p->as<protocol::invocation_message>().arguments.values().next()) == arg);
}

TEST_CASE("set_invocation_id refuses what is not an Invocation without an id, leaving it as it was") {
    std::vector<std::string> others(5);
    mp().write_invocation(others[0], {"1", "m"}, {});
    mp().write_stream_invocation(others[1], {"1", "m"}, {});
    mp().write_completion_void(others[2], "1");
    mp().write_invocation(others[3], {"", "m"}, {});
    others[3].pop_back(); // cut
    mp().write_invocation(others[4], {"", "m"}, {});
    mp().write_ping(others[4]); // two messages
    for (auto& other : others) {
        const std::string before = other;
        CHECK_THROWS_AS(mp().set_invocation_id(other, "x"), std::invalid_argument);
        CHECK(other == before);
    }
}

// ----- The strong guarantee ------------------------------------------------------------------------

TEST_CASE("a value that fails to write leaves the output as it was") {
    const explosive bad;
    const signalrpp::json::raw_json json_only = *signalrpp::json::raw_json::parse("[1]");
    std::string out = "kept";
    const int good = 1;
    const std::vector<protocol::value_ref> one_then_bad{good, bad};
    CHECK_THROWS_AS(mp().write_invocation(out, {"1", "m"}, one_then_bad), std::runtime_error);
    CHECK(out == "kept");
    CHECK_THROWS_AS(mp().write_stream_invocation(out, {"1", "m"}, std::vector<protocol::value_ref>{bad}),
                    std::runtime_error);
    CHECK(out == "kept");
    CHECK_THROWS_AS(mp().write_stream_item(out, "1", bad), std::runtime_error);
    CHECK(out == "kept");
    CHECK_THROWS_AS(mp().write_completion_result(out, "1", bad), std::runtime_error);
    CHECK(out == "kept");
    // A large value written before the failing one (the prefix would have grown).
    const std::string large(1000, 'x');
    CHECK_THROWS_AS(mp().write_invocation(out, {"1", "m"}, std::vector<protocol::value_ref>{large, bad}),
                    std::runtime_error);
    CHECK(out == "kept");
    // A type with no MessagePack mapping.
    CHECK_THROWS_AS(mp().write_completion_result(out, "1", json_only), protocol::unmapped_type_error);
    CHECK(out == "kept");
    // And the output still takes whole messages after.
    mp().write_ping(out);
    CHECK(out == std::string("kept\x02\x91\x06", 7));
}
