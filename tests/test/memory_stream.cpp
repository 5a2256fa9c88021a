#include <signalrpp/test/memory_stream.hpp>

#include <catch2/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using signalrpp::test::make_memory_stream_pair;
using signalrpp::test::memory_stream;

namespace {

/// What a completion handler received, and whether it ran at all.
struct outcome {
    bool done = false;
    std::error_code ec;
    std::size_t n = 0;
};

auto record(outcome& out) {
    return [&out](std::error_code ec, std::size_t n) {
        CHECK_FALSE(out.done); // each handler runs once
        out.done = true;
        out.ec = ec;
        out.n = n;
    };
}

/// Reads what is waiting at `s` (running the context), as a string.
std::string read_all_now(asio::io_context& io, memory_stream& s) {
    std::string got;
    while (s.bytes_available() > 0) {
        std::array<char, 64> buffer{};
        outcome r;
        s.async_read_some(asio::buffer(buffer), record(r));
        io.restart();
        io.run();
        REQUIRE(r.done);
        REQUIRE_FALSE(r.ec);
        got.append(buffer.data(), r.n);
    }
    return got;
}

void rethrow_if(const std::exception_ptr& e) {
    if (e) {
        std::rethrow_exception(e);
    }
}

} // namespace

TEST_CASE("bytes written at one end are read at the other, both ways") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    CHECK(a.is_open());
    CHECK(b.is_open());

    const std::string hello = "hello";
    const std::string world = "world!";
    outcome wa, wb;
    a.async_write_some(asio::buffer(hello), record(wa));
    b.async_write_some(asio::buffer(world), record(wb));
    io.run();
    CHECK((wa.done && !wa.ec && wa.n == 5));
    CHECK((wb.done && !wb.ec && wb.n == 6));
    CHECK(b.bytes_available() == 5);
    CHECK(a.bytes_available() == 6);

    CHECK(read_all_now(io, b) == "hello");
    CHECK(read_all_now(io, a) == "world!");
    CHECK(a.bytes_available() == 0);
    CHECK(a.nwrite() == 1);
    CHECK(a.nread() == 1);
}

TEST_CASE("a read takes at most the buffer's size and leaves the rest waiting") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "abcdefgh";
    a.write_some(asio::buffer(text));

    std::array<char, 3> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.run();
    CHECK((r.done && !r.ec && r.n == 3));
    CHECK(std::string(buffer.data(), r.n) == "abc");
    CHECK(b.bytes_available() == 5);
}

TEST_CASE("completion handlers never run inside the call that starts the operation") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "x";
    outcome w, r;
    a.async_write_some(asio::buffer(text), record(w));
    CHECK_FALSE(w.done);
    char c = 0;
    b.async_read_some(asio::buffer(&c, 1), record(r)); // a byte is already waiting
    CHECK_FALSE(r.done);
    std::array<char, 0> none{};
    outcome z;
    b.async_read_some(asio::buffer(none), record(z));
    CHECK_FALSE(z.done);
    io.run();
    CHECK((w.done && r.done && z.done));
    CHECK(c == 'x');
}

TEST_CASE("a completion runs on the handler's associated executor") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    auto strand = asio::make_strand(io);
    const std::string text = "hi";
    std::array<char, 8> buffer{};
    bool read_on_strand = false;
    bool write_on_strand = false;
    b.async_read_some(asio::buffer(buffer), asio::bind_executor(strand, [&](std::error_code, std::size_t) {
                          read_on_strand = strand.running_in_this_thread();
                      }));
    a.async_write_some(asio::buffer(text), asio::bind_executor(strand, [&](std::error_code, std::size_t) {
                           write_on_strand = strand.running_in_this_thread();
                       }));
    io.run();
    CHECK(read_on_strand);
    CHECK(write_on_strand);
}

TEST_CASE("a read waits for bytes, and run() does not return while it waits") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 16> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.poll();
    CHECK_FALSE(r.done);
    CHECK_FALSE(io.stopped()); // the waiting read is outstanding work

    const std::string text = "late";
    a.write_some(asio::buffer(text));
    CHECK(b.bytes_available() == 0); // handed straight to the waiting read
    io.run();
    CHECK((r.done && !r.ec && r.n == 4));
    CHECK(std::string(buffer.data(), r.n) == "late");
    CHECK(io.stopped());
}

TEST_CASE("a zero-size read completes at once with 0 bytes, even with nothing to read") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    outcome r;
    b.async_read_some(asio::mutable_buffer(), record(r));
    io.run();
    CHECK((r.done && !r.ec && r.n == 0));
}

TEST_CASE("set_read_size trickles reads, byte by byte at 1") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    b.set_read_size(1);
    const std::string text = "hello";
    a.write_some(asio::buffer(text));

    std::string got;
    while (got.size() < text.size()) {
        std::array<char, 16> buffer{};
        outcome r;
        b.async_read_some(asio::buffer(buffer), record(r));
        io.restart();
        io.run();
        REQUIRE((r.done && !r.ec));
        CHECK(r.n == 1);
        got.append(buffer.data(), r.n);
    }
    CHECK(got == "hello");
    CHECK(b.nread() == 5);

    // A waiting read woken by a write takes no more than the limit either.
    b.set_read_size(2);
    std::array<char, 16> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    a.write_some(asio::buffer(text));
    io.restart();
    io.run();
    CHECK((r.done && r.n == 2));
    CHECK(b.bytes_available() == 3);
}

TEST_CASE("set_write_size limits the bytes a write accepts") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    a.set_write_size(3);
    const std::string first = "he";
    const std::string second = "llo";
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(first), asio::buffer(second)};
    outcome w;
    a.async_write_some(buffers, record(w));
    io.run();
    CHECK((w.done && !w.ec && w.n == 3));
    CHECK(read_all_now(io, b) == "hel");
}

TEST_CASE("set_capacity: writes wait while the peer holds that many unread bytes, and take the room reads open") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    b.set_capacity(4);
    const std::string text = "abcdefghij";

    outcome w1;
    a.async_write_some(asio::buffer(text), record(w1));
    io.run();
    CHECK((w1.done && !w1.ec && w1.n == 4)); // what fits
    CHECK(b.bytes_available() == 4);

    // Full: a write waits (run() does not return for it: it counts as work) and a synchronous one would block.
    std::error_code ec;
    CHECK(a.write_some(asio::buffer(text), ec) == 0);
    CHECK(ec == asio::error::would_block);
    outcome w2;
    a.async_write_some(asio::buffer(text.data() + 4, 6), record(w2));
    io.restart();
    io.poll();
    CHECK_FALSE(w2.done);
    CHECK(a.write_waiting());
    CHECK_FALSE(b.read_waiting());

    // Reading three bytes makes room for three.
    std::array<char, 3> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.restart();
    io.poll();
    CHECK((r.done && r.n == 3));
    CHECK((w2.done && !w2.ec && w2.n == 3));
    CHECK_FALSE(a.write_waiting());
    CHECK(read_all_now(io, b) == "defg");

    // A waiting write fails with broken_pipe when the peer closes, and is aborted by its own end's cancel().
    outcome w3;
    b.write_some(asio::buffer(text)); // (the other way is unbounded)
    a.set_capacity(1);
    CHECK(a.bytes_available() == 10);
    outcome w4;
    b.async_write_some(asio::buffer(text), record(w4));
    io.restart();
    io.poll();
    CHECK(b.write_waiting());
    b.cancel();
    io.restart();
    io.poll();
    CHECK((w4.done && w4.ec == asio::error::operation_aborted));
    a.async_write_some(asio::buffer(text), record(w3)); // b has room: completes
    b.set_capacity(1);
    outcome w5;
    a.async_write_some(asio::buffer(text), record(w5));
    io.restart();
    io.poll();
    CHECK(a.write_waiting());
    b.close();
    io.restart();
    io.run();
    CHECK((w5.done && w5.ec == asio::error::broken_pipe));
}

TEST_CASE("asio::async_read and asio::async_write complete over short reads and writes") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    a.set_write_size(7);
    b.set_read_size(5);
    std::string sent(1000, '\0');
    for (std::size_t i = 0; i < sent.size(); ++i) {
        sent[i] = static_cast<char>('a' + i % 26);
    }
    std::string received(1000, '\0');
    outcome w, r;
    asio::async_read(b, asio::buffer(received), record(r));
    asio::async_write(a, asio::buffer(sent), record(w));
    io.run();
    CHECK((w.done && !w.ec && w.n == 1000));
    CHECK((r.done && !r.ec && r.n == 1000));
    CHECK(received == sent);
    CHECK(a.nwrite() == 143); // ceil(1000 / 7)
    CHECK(b.nread() >= 200); // at most 5 bytes each; fewer when a read takes what is left of a write
}

TEST_CASE("close aborts the end's own waiting read; later operations on it fail with bad_descriptor") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome r;
    a.async_read_some(asio::buffer(buffer), record(r));
    io.poll();
    a.close();
    CHECK_FALSE(r.done);
    CHECK_FALSE(a.is_open());
    io.run();
    CHECK((r.done && r.ec == asio::error::operation_aborted && r.n == 0));

    outcome r2, w2;
    const std::string text = "x";
    a.async_read_some(asio::buffer(buffer), record(r2));
    a.async_write_some(asio::buffer(text), record(w2));
    io.restart();
    io.run();
    CHECK(r2.ec == asio::error::bad_descriptor);
    CHECK(w2.ec == asio::error::bad_descriptor);
    a.close(); // again: nothing happens
}

TEST_CASE("after the peer closes, an end reads what was written, then eof; its writes fail with broken_pipe") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "bye";
    a.write_some(asio::buffer(text));
    a.close();
    CHECK(b.is_open());

    std::array<char, 8> buffer{};
    outcome r1;
    b.async_read_some(asio::buffer(buffer), record(r1));
    io.run();
    CHECK((r1.done && !r1.ec && r1.n == 3));
    outcome r2;
    b.async_read_some(asio::buffer(buffer), record(r2));
    io.restart();
    io.run();
    CHECK((r2.done && r2.ec == asio::error::eof && r2.n == 0));

    outcome w;
    b.async_write_some(asio::buffer(text), record(w));
    io.restart();
    io.run();
    CHECK((w.done && w.ec == asio::error::broken_pipe && w.n == 0));
}

TEST_CASE("a read waiting when the peer closes gets eof") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.poll();
    REQUIRE_FALSE(r.done);
    a.close();
    io.run();
    CHECK((r.done && r.ec == asio::error::eof));
}

TEST_CASE("shutdown_send: the peer reads what was written, then eof (a waiting read too); writes fail") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome waiting;
    a.async_read_some(asio::buffer(buffer), record(waiting));
    io.poll();
    REQUIRE_FALSE(waiting.done);
    b.shutdown(asio::socket_base::shutdown_send);
    io.run();
    CHECK((waiting.done && waiting.ec == asio::error::eof));

    const std::string text = "still";
    a.write_some(asio::buffer(text)); // the other direction still works
    CHECK(read_all_now(io, b) == "still");
    std::error_code ec;
    CHECK(b.write_some(asio::buffer(text), ec) == 0);
    CHECK(ec == asio::error::broken_pipe);
    CHECK(b.is_open());

    auto [c, d] = make_memory_stream_pair(io.get_executor());
    d.write_some(asio::buffer(text));
    d.shutdown(asio::socket_base::shutdown_send);
    CHECK(read_all_now(io, c) == "still");
    outcome after;
    c.async_read_some(asio::buffer(buffer), record(after));
    io.restart();
    io.run();
    CHECK((after.done && after.ec == asio::error::eof && after.n == 0));
}

TEST_CASE("shutdown_receive: this end reads eof and drops what arrives; closed ends report bad_descriptor") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome waiting;
    a.async_read_some(asio::buffer(buffer), record(waiting));
    io.poll();
    a.shutdown(asio::socket_base::shutdown_receive);
    io.run();
    CHECK((waiting.done && waiting.ec == asio::error::eof));
    const std::string text = "dropped";
    CHECK(b.write_some(asio::buffer(text)) == text.size());
    CHECK(a.bytes_available() == 0);
    a.write_some(asio::buffer(text)); // sending still works
    CHECK(read_all_now(io, b) == "dropped");

    b.shutdown(asio::socket_base::shutdown_both);
    std::error_code ec;
    CHECK(b.write_some(asio::buffer(text), ec) == 0);
    CHECK(ec == asio::error::broken_pipe);
    CHECK(b.read_some(asio::buffer(buffer), ec) == 0);
    CHECK(ec == asio::error::eof);
    b.close();
    b.shutdown(asio::socket_base::shutdown_both, ec);
    CHECK(ec == asio::error::bad_descriptor);
}

TEST_CASE("destroying an end closes it: its waiting read is aborted, the peer's gets eof") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer_a{}, buffer_b{};
    outcome ra, rb;
    {
        memory_stream doomed = std::move(a);
        CHECK_FALSE(a.is_open()); // moved from
        doomed.async_read_some(asio::buffer(buffer_a), record(ra));
        b.async_read_some(asio::buffer(buffer_b), record(rb));
        io.poll();
        REQUIRE_FALSE(ra.done);
    }
    io.run();
    CHECK(ra.ec == asio::error::operation_aborted);
    CHECK(rb.ec == asio::error::eof);
}

TEST_CASE("a read waiting when the stream is moved completes through the new owner") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    memory_stream moved(std::move(b));
    const std::string text = "ok";
    a.write_some(asio::buffer(text));
    io.run();
    CHECK((r.done && !r.ec && r.n == 2));
    CHECK(moved.nread() == 1);
}

TEST_CASE("cancel completes a waiting read with operation_aborted and leaves the stream usable") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.poll();
    b.cancel();
    io.run();
    CHECK((r.done && r.ec == asio::error::operation_aborted && r.n == 0));
    CHECK(b.is_open());

    const std::string text = "still";
    a.write_some(asio::buffer(text));
    CHECK(read_all_now(io, b) == "still");
}

TEST_CASE("a waiting read is cancelled through its handler's cancellation slot") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    asio::cancellation_signal signal;
    std::array<char, 8> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), asio::bind_cancellation_slot(signal.slot(), record(r)));
    io.poll();
    REQUIRE_FALSE(r.done);
    signal.emit(asio::cancellation_type::terminal);
    io.run();
    CHECK((r.done && r.ec == asio::error::operation_aborted));

    // A later emission finds no read of its own to cancel; the next read is not affected.
    outcome r2;
    b.async_read_some(asio::buffer(buffer), record(r2));
    signal.emit(asio::cancellation_type::terminal);
    const std::string text = "z";
    a.write_some(asio::buffer(text));
    io.restart();
    io.run();
    CHECK((r2.done && !r2.ec && r2.n == 1));
}

TEST_CASE("fail_after(n) fails exactly the (n+1)-th operation, reads and writes counted together") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "data";
    std::array<char, 8> buffer{};
    b.write_some(asio::buffer(text)); // something for a to read

    a.fail_after(2);
    outcome w1, r1, w2, w3;
    a.async_write_some(asio::buffer(text), record(w1));
    a.async_read_some(asio::buffer(buffer), record(r1));
    a.async_write_some(asio::buffer(text), record(w2));
    a.async_write_some(asio::buffer(text), record(w3));
    io.run();
    CHECK((!w1.ec && w1.n == 4));
    CHECK((!r1.ec && r1.n == 4));
    CHECK((w2.ec == asio::error::connection_reset && w2.n == 0));
    CHECK((!w3.ec && w3.n == 4));
    CHECK(read_all_now(io, b) == "datadata"); // the failed write transferred nothing
    CHECK(a.is_open());
    CHECK(a.nwrite() == 3);
    CHECK(a.nread() == 1);
}

TEST_CASE("fail_after(0) fails the next operation, with the error given, and transfers nothing") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "kept";
    a.write_some(asio::buffer(text));

    b.fail_after(0, asio::error::timed_out);
    std::array<char, 8> buffer{};
    outcome r;
    b.async_read_some(asio::buffer(buffer), record(r));
    io.run();
    CHECK((r.done && r.ec == asio::error::timed_out && r.n == 0));
    CHECK(b.bytes_available() == 4);

    std::error_code ec;
    b.fail_after(0);
    CHECK(b.write_some(asio::buffer(text), ec) == 0);
    CHECK(ec == asio::error::connection_reset);
    CHECK(a.bytes_available() == 0);
}

TEST_CASE("synchronous read_some and write_some do not block") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    std::array<char, 8> buffer{};
    std::error_code ec;
    CHECK(b.read_some(asio::buffer(buffer), ec) == 0);
    CHECK(ec == asio::error::would_block);

    const std::string text = "sync";
    CHECK(a.write_some(asio::buffer(text), ec) == 4);
    CHECK_FALSE(ec);
    CHECK(b.read_some(asio::buffer(buffer), ec) == 4);
    CHECK_FALSE(ec);
    CHECK(std::string(buffer.data(), 4) == "sync");

    a.close();
    CHECK(b.read_some(asio::buffer(buffer), ec) == 0);
    CHECK(ec == asio::error::eof);
    CHECK_THROWS_AS(b.write_some(asio::buffer(text)), std::system_error);
}

TEST_CASE("an end made alone reads what append_input gives it; its writes fail with not_connected") {
    asio::io_context io;
    memory_stream s(io.get_executor());
    std::array<char, 16> buffer{};
    outcome r;
    s.async_read_some(asio::buffer(buffer), record(r));
    io.poll();
    CHECK_FALSE(r.done);
    s.append_input("injected");
    io.run();
    CHECK((r.done && !r.ec && r.n == 8));
    CHECK(std::string(buffer.data(), r.n) == "injected");

    const std::string text = "x";
    outcome w;
    s.async_write_some(asio::buffer(text), record(w));
    io.restart();
    io.run();
    CHECK(w.ec == asio::error::not_connected);

    s.append_input("more");
    CHECK(s.bytes_available() == 4);
}

TEST_CASE("the stream works with asio::use_awaitable in a coroutine") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    b.set_read_size(2);
    std::string echoed;
    std::error_code final_error;
    std::exception_ptr failure;

    auto echo = [](memory_stream& s) -> asio::awaitable<void> {
        std::array<char, 16> buffer{};
        for (;;) {
            const std::size_t n = co_await s.async_read_some(asio::buffer(buffer), asio::use_awaitable);
            co_await asio::async_write(s, asio::buffer(buffer.data(), n), asio::use_awaitable);
        }
    };
    auto client = [&](memory_stream& s) -> asio::awaitable<void> {
        const std::string text = "ping pong";
        co_await asio::async_write(s, asio::buffer(text), asio::use_awaitable);
        echoed.resize(text.size());
        co_await asio::async_read(s, asio::buffer(echoed), asio::use_awaitable);
        s.close();
    };
    asio::co_spawn(io, echo(b), [&](std::exception_ptr e) {
        try {
            rethrow_if(e);
        } catch (const std::system_error& error) {
            final_error = error.code();
        }
    });
    asio::co_spawn(io, client(a), [&](std::exception_ptr e) { failure = e; });
    io.run();
    rethrow_if(failure);
    CHECK(echoed == "ping pong");
    CHECK(final_error == asio::error::eof); // the echo loop ends when the client closes
}

TEST_CASE("the stream works with deferred operations, started only when invoked") {
    asio::io_context io;
    auto [a, b] = make_memory_stream_pair(io.get_executor());
    const std::string text = "later";
    auto write = a.async_write_some(asio::buffer(text), asio::experimental::deferred);
    io.poll();
    CHECK(a.nwrite() == 0);
    CHECK(b.bytes_available() == 0);
    outcome w;
    std::move(write)(record(w));
    io.restart();
    io.run();
    CHECK((w.done && !w.ec && w.n == 5));
    CHECK(b.bytes_available() == 5);
}

TEST_CASE("shutting the context down destroys a waiting read's handler instead of leaking it") {
    auto destroyed = std::make_shared<bool>(false);
    {
        asio::io_context io;
        struct flag_on_destroy {
            std::shared_ptr<bool> flag;
            ~flag_on_destroy() { *flag = true; }
        };
        auto wait_forever = [](memory_stream a, memory_stream b,
                               std::shared_ptr<bool> flag) -> asio::awaitable<void> {
            flag_on_destroy guard{std::move(flag)};
            std::array<char, 8> buffer{};
            co_await b.async_read_some(asio::buffer(buffer), asio::use_awaitable);
            a.close();
        };
        auto [a, b] = make_memory_stream_pair(io.get_executor());
        asio::co_spawn(io, wait_forever(std::move(a), std::move(b), destroyed), [](std::exception_ptr) {});
        io.poll();
        CHECK_FALSE(*destroyed); // the coroutine waits in its read
    }
    CHECK(*destroyed);
}

namespace {

asio::awaitable<void> pinger(memory_stream& s, std::uint32_t count, std::uint32_t& exchanged,
                             std::uint32_t& mismatches) {
    for (std::uint32_t i = 0; i < count; ++i) {
        std::array<char, 4> out{};
        std::memcpy(out.data(), &i, 4);
        co_await asio::async_write(s, asio::buffer(out), asio::use_awaitable);
        std::array<char, 4> in{};
        co_await asio::async_read(s, asio::buffer(in), asio::use_awaitable);
        std::uint32_t reply = 0;
        std::memcpy(&reply, in.data(), 4);
        if (reply != i + 1) {
            ++mismatches;
        }
        ++exchanged;
    }
    s.close();
}

asio::awaitable<void> ponger(memory_stream& s, std::uint32_t& answered, std::error_code& ended) {
    for (;;) {
        std::array<char, 4> in{};
        std::error_code ec;
        co_await asio::async_read(s, asio::buffer(in), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            ended = ec;
            co_return;
        }
        std::uint32_t value = 0;
        std::memcpy(&value, in.data(), 4);
        ++value;
        std::memcpy(in.data(), &value, 4);
        co_await asio::async_write(s, asio::buffer(in), asio::use_awaitable);
        ++answered;
    }
}

} // namespace

TEST_CASE("two threads ping-pong 10000 messages, each end on its own strand") {
    constexpr std::uint32_t count = 10000;
    asio::io_context io(2);
    auto strand_a = asio::make_strand(io);
    auto strand_b = asio::make_strand(io);
    auto [a, b] = make_memory_stream_pair(strand_a, strand_b);
    a.set_read_size(3); // replies arrive in pieces
    b.set_write_size(3);

    std::uint32_t exchanged = 0, mismatches = 0, answered = 0;
    std::error_code ended;
    std::exception_ptr failure_a, failure_b;
    asio::co_spawn(strand_a, pinger(a, count, exchanged, mismatches), [&](std::exception_ptr e) { failure_a = e; });
    asio::co_spawn(strand_b, ponger(b, answered, ended), [&](std::exception_ptr e) { failure_b = e; });

    std::thread other([&] { io.run(); });
    io.run();
    other.join();
    rethrow_if(failure_a);
    rethrow_if(failure_b);
    CHECK(exchanged == count);
    CHECK(mismatches == 0);
    CHECK(answered == count);
    CHECK(ended == asio::error::eof);
    CHECK(a.nwrite() == count);
    CHECK(b.nread() >= count);
}

namespace {

/// Where gated_executor holds a posting thread.
struct gate {
    std::promise<void> entered; // set when a thread is held
    std::shared_future<void> released;
};

/// An executor that runs work on `inner`, but first holds the posting thread at `at` until it is released.
struct gated_executor {
    asio::io_context::executor_type inner;
    std::shared_ptr<gate> at;

    asio::execution_context& query(asio::execution::context_t) const noexcept { return inner.context(); }
    static constexpr asio::execution::blocking_t query(asio::execution::blocking_t) noexcept {
        return asio::execution::blocking.never;
    }
    gated_executor require(asio::execution::blocking_t::never_t) const { return *this; }

    template <class Function>
    void execute(Function f) const {
        at->entered.set_value();
        at->released.wait();
        asio::post(inner, std::move(f));
    }

    bool operator==(const gated_executor& other) const noexcept { return inner == other.inner; }
    bool operator!=(const gated_executor& other) const noexcept { return !(*this == other); }
};

} // namespace

TEST_CASE("close() returns only once another thread has posted the end's completion it had taken") {
    asio::io_context io;
    auto ends = make_memory_stream_pair(io.get_executor());
    auto& a = ends.first;
    auto& b = ends.second;
    std::promise<void> release;
    auto held = std::make_shared<gate>();
    held->released = release.get_future().share();
    auto inside_post = held->entered.get_future();
    char byte = 0;
    outcome r;
    b.async_read_some(asio::buffer(&byte, 1),
                      asio::bind_executor(gated_executor{io.get_executor(), held}, record(r)));

    // The writer's thread completes b's read, and stays inside the post of its handler.
    std::thread writer([&a] { a.write_some(asio::buffer("x", 1)); });
    inside_post.wait();
    auto closed = std::async(std::launch::async, [&b] { b.close(); });
    // (A short wait: it can only let a close() that returns too early pass.)
    CHECK(closed.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    release.set_value();
    closed.get();
    writer.join();
    io.run();
    CHECK((r.done && !r.ec && r.n == 1 && byte == 'x'));
}
