// outbound_message: records joined into one message, and the storage they are joined in: grown once, to
// the most a joined message holds, so that it stays small enough to be recycled for the next message.
#include <signalrpp/transport/outbound_message.hpp>

#include <catch2/catch.hpp>

#include <string>

using signalrpp::transport::outbound_message;

TEST_CASE("records join up to max_joined bytes, in storage that grows once and is recycled") {
    const std::string record = std::string(500, 'r') + "\x1e";
    auto message = outbound_message::records(record);
    std::string expected = record;
    const char* grown_storage = nullptr;
    while (message.joins(record.size(), false)) {
        message.append(record);
        expected += record;
        if (grown_storage == nullptr && message.bytes().size() > record.size()) {
            grown_storage = message.bytes().data();
        }
        CHECK(message.bytes().data() == grown_storage); // grown at the first append, never again
    }
    CHECK(message.bytes() == expected);
    CHECK(expected.size() + record.size() > outbound_message::max_joined);
    CHECK_FALSE(message.joins(record.size(), true)); // binary records never join text ones

    // Recycled, the storage comes back (this thread's spare strings keep it) with room for a whole
    // joined message.
    message.recycle();
    CHECK(message.bytes().empty());
    std::string reused = outbound_message::new_buffer();
    CHECK(reused.data() == grown_storage);
    CHECK(reused.capacity() == outbound_message::max_joined);
}

TEST_CASE("raw messages and shared messages join nothing") {
    outbound_message raw(std::string("raw"));
    CHECK_FALSE(raw.joins(1, false));
    outbound_message shared(std::make_shared<const std::string>("{}\x1e"));
    CHECK_FALSE(shared.joins(1, false));
    CHECK_FALSE(outbound_message::records("{}\x1e").joins(shared));
}
