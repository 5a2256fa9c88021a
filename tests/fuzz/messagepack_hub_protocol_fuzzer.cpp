// libFuzzer target: the MessagePack hub protocol as a peer meets it from the network. The first byte
// chooses how the rest is read: as one message body given straight to parse() (bit 0 clear), or as
// bytes arriving through the protocol's framing (bit 0 set; a 256-byte limit when bit 1 is set too) in
// pieces of (first byte / 4) + 1 bytes.
// Each message read is walked as a consumer would (every view must lie inside the message, every value
// be one whole MessagePack value), written again with the protocol's writers and read back, which must
// give the same message; an Invocation without an id is also given one with set_invocation_id(), and
// every shorter prefix of a small message body is parsed too.
// Any crash, sanitizer report, hang, unbounded allocation or disagreement is a finding.
#include <signalrpp/protocol/builtin_protocols.hpp>
#include <signalrpp/protocol/messagepack_hub_protocol.hpp>

#include <signalrpp/msgpack/mappings.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

namespace protocol = signalrpp::protocol;
using signalrpp::msgpack::raw_msgpack;

void require(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

bool inside(std::string_view view, std::string_view body) {
    return view.empty() || (view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size());
}

const protocol::hub_protocol& mp() { return protocol::messagepack_protocol(); }

// One value's bytes, checked to be one whole value inside the body.
raw_msgpack value_of(const protocol::wire_value& v, std::string_view body) {
    require(v.present() && inside(v.msgpack_bytes(), body));
    auto raw = raw_msgpack::parse(v.msgpack_bytes());
    require(raw.has_value());
    return *raw;
}

void append_hex(std::string& out, std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
}

// Everything a message holds, as text (a Close's empty error as none: the writer writes it as nil, as
// the reference does); checks its views on the way.
std::string describe(const protocol::hub_message& m, std::string_view body) {
    std::string d = std::to_string(static_cast<int>(protocol::type_of(m)));
    // A value's bytes (a copy: value_of() checked the view).
    const auto value = [&](std::string_view name, const raw_msgpack& v) {
        d += ' ';
        d += name;
        d += '=';
        append_hex(d, v.bytes());
    };
    const auto text = [&](std::string_view name, std::string_view s) {
        require(inside(s, body));
        d += ' ';
        d += name;
        d += '=';
        append_hex(d, s);
    };
    std::visit(
        [&](const auto& msg) {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (requires { msg.headers; }) {
                msg.headers.for_each([&](std::string_view n, std::string_view v) {
                    text("header", n);
                    text("value", v);
                });
                std::size_t n = 0;
                msg.headers.for_each([&](std::string_view, std::string_view) { ++n; });
                require(n == msg.headers.size());
            }
            if constexpr (requires { msg.invocation_id; }) {
                text("id", msg.invocation_id);
            }
            if constexpr (requires { msg.target; }) {
                text("target", msg.target);
                auto values = msg.arguments.values();
                for (std::size_t i = 0; i < msg.arguments.size(); ++i) {
                    value("arg", value_of(values.next(), body));
                }
                require(!values.next().present());
                std::size_t ids = 0;
                msg.stream_ids.for_each([&](std::string_view id) {
                    require(!id.empty());
                    // operator[] reads from the first id on: compared on the first few only.
                    require(ids >= 4 || msg.stream_ids[ids] == id);
                    text("stream", id);
                    ++ids;
                });
                require(ids == msg.stream_ids.size());
            }
            if constexpr (std::is_same_v<T, protocol::stream_item_message>) {
                value("item", value_of(msg.item, body));
            }
            if constexpr (std::is_same_v<T, protocol::completion_message>) {
                require(!(msg.error && msg.result.present()));
                if (msg.error) {
                    text("error", *msg.error);
                }
                if (msg.result.present()) {
                    value("result", value_of(msg.result, body));
                }
            }
            if constexpr (std::is_same_v<T, protocol::close_message>) {
                if (msg.error && !msg.error->empty()) {
                    text("error", *msg.error);
                }
                d += msg.allow_reconnect ? " reconnect" : "";
            }
            if constexpr (requires { msg.sequence_id; }) {
                d += " seq=" + std::to_string(msg.sequence_id);
            }
        },
        m);
    return d;
}

struct parsed {
    protocol::parse_status status = protocol::parse_status::error;
    protocol::hub_message message;
    protocol::protocol_error error;
};

parsed parse(std::string& body) {
    parsed p;
    p.status = mp().parse(body.data(), body.size(), p.message, p.error);
    if (p.status == protocol::parse_status::error) {
        require(!p.error.exception_type.empty() && !p.error.message.empty());
    }
    return p;
}

// The body of the one framed message in `framed`.
std::string unframe(const std::string& framed) {
    signalrpp::protocol::length_prefixed_reader frames;
    frames.append(framed);
    std::string_view body;
    require(frames.next(body) == signalrpp::protocol::length_prefixed_reader::status::message);
    require(frames.buffered() == 0);
    return std::string(body);
}

// `m` written with the protocol's writers (one framed message).
std::string write(const protocol::hub_message& m, std::string_view body) {
    std::string out;
    std::vector<protocol::header> headers;
    std::vector<std::string_view> stream_ids;
    std::vector<raw_msgpack> values;
    std::vector<protocol::value_ref> refs;
    const auto call = [&](const auto& msg) {
        msg.headers.for_each([&](std::string_view n, std::string_view v) { headers.push_back({n, v}); });
        msg.stream_ids.for_each([&](std::string_view id) { stream_ids.push_back(id); });
        auto cursor = msg.arguments.values();
        for (std::size_t i = 0; i < msg.arguments.size(); ++i) {
            values.push_back(value_of(cursor.next(), body));
        }
        refs.assign(values.begin(), values.end());
        return protocol::invocation_header{msg.invocation_id, msg.target, stream_ids, headers};
    };
    std::visit(
        [&](const auto& msg) {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (std::is_same_v<T, protocol::invocation_message>) {
                const auto h = call(msg); // (before `refs` is read: arguments are evaluated in any order)
                mp().write_invocation(out, h, refs);
            } else if constexpr (std::is_same_v<T, protocol::stream_invocation_message>) {
                const auto h = call(msg);
                mp().write_stream_invocation(out, h, refs);
            } else if constexpr (std::is_same_v<T, protocol::stream_item_message>) {
                mp().write_stream_item(out, msg.invocation_id, value_of(msg.item, body));
            } else if constexpr (std::is_same_v<T, protocol::completion_message>) {
                if (msg.error) {
                    mp().write_completion_error(out, msg.invocation_id, *msg.error);
                } else if (msg.result.present()) {
                    mp().write_completion_result(out, msg.invocation_id, value_of(msg.result, body));
                } else {
                    mp().write_completion_empty(out, msg.invocation_id);
                }
            } else if constexpr (std::is_same_v<T, protocol::cancel_invocation_message>) {
                mp().write_cancel_invocation(out, msg.invocation_id);
            } else if constexpr (std::is_same_v<T, protocol::ping_message>) {
                mp().write_ping(out);
            } else if constexpr (std::is_same_v<T, protocol::close_message>) {
                mp().write_close(out, msg.error, msg.allow_reconnect);
            } else if constexpr (std::is_same_v<T, protocol::ack_message>) {
                mp().write_ack(out, msg.sequence_id);
            } else {
                mp().write_sequence(out, msg.sequence_id);
            }
        },
        m);
    return out;
}

// Writers drop what the reference's writers drop: a StreamItem's, Completion's and CancelInvocation's
// headers (the seam writes none).
std::string without_headers(const protocol::hub_message& m, std::string_view body) {
    protocol::hub_message copy = m;
    std::visit(
        [](auto& msg) {
            if constexpr (requires { msg.headers; } && !requires { msg.target; }) {
                msg.headers = {};
            }
        },
        copy);
    return describe(copy, body);
}

void check_message(std::string_view body_view) {
    std::string body(body_view);
    const parsed p = parse(body);
    // Every shorter body is read without harm.
    if (body.size() <= 512) {
        for (std::size_t n = 0; n < body.size(); ++n) {
            std::string cut = body.substr(0, n);
            (void)parse(cut);
        }
    }
    if (p.status != protocol::parse_status::message) {
        return;
    }
    const std::string expected = without_headers(p.message, body);
    std::string again = unframe(write(p.message, body));
    const parsed q = parse(again);
    require(q.status == protocol::parse_status::message);
    require(describe(q.message, again) == expected);

    if (const auto* inv = std::get_if<protocol::invocation_message>(&p.message); inv && inv->invocation_id.empty()) {
        std::string framed = write(p.message, body);
        mp().set_invocation_id(framed, "fuzz-id");
        std::string with_id = unframe(framed);
        const parsed r = parse(with_id);
        require(r.status == protocol::parse_status::message);
        const auto& m = std::get<protocol::invocation_message>(r.message);
        require(m.invocation_id == "fuzz-id");
        protocol::invocation_message cleared = m;
        cleared.invocation_id = {};
        require(describe(cleared, with_id) == describe(p.message, body));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const unsigned mode = data[0];
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((mode & 1) == 0) {
        check_message(input);
        return 0;
    }
    const std::size_t piece = mode / 4 + 1;
    const std::unique_ptr<protocol::message_framing> framing = mp().make_framing((mode & 2) != 0 ? 256 : 0);
    std::size_t handed_out = 0;
    for (std::size_t at = 0; at < input.size(); at += piece) {
        const std::string_view bytes = input.substr(at, piece);
        framing->append(bytes);
        for (;;) {
            char* message = nullptr;
            std::size_t length = 0;
            const auto s = framing->next(message, length);
            if (s == protocol::message_framing::status::message) {
                require(length <= input.size());
                handed_out += length;
                check_message(std::string_view(message, length));
                continue;
            }
            if (s == protocol::message_framing::status::malformed) {
                require(framing->malformed_error().message == protocol::oversized_length_prefix_error);
                return 0;
            }
            if (s == protocol::message_framing::status::too_large) {
                require(framing->max_message_size() == 256);
                return 0;
            }
            break;
        }
        require(framing->buffered() <= input.size() - handed_out);
    }
    const std::size_t left = framing->buffered();
    require(framing->take_buffered().size() == left && framing->buffered() == 0);
    framing->release_memory();
    return 0;
}
