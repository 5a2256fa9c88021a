#include <signalrpp/core/spare_buffer.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using signalrpp::detail::spare_buffer;
using signalrpp::detail::spare_strings;

namespace {
struct test_use {};
struct other_use {};
const std::size_t no_storage = std::string().capacity(); // the string's inline room only

// Empties the thread's spare for test_use, whatever earlier tests left there.
void drain() {
    std::string taken;
    spare_buffer<test_use>::take(taken);
}
} // namespace

TEST_CASE("a buffer given back leaves its string without storage and is taken by the next one") {
    drain();
    std::string first(1000, 'x');
    const char* storage = first.data();
    spare_buffer<test_use>::give(first);
    CHECK(first.empty());
    CHECK(first.capacity() == no_storage);

    std::string other;
    spare_buffer<other_use>::take(other); // another use has its own spare: none here
    CHECK(other.capacity() == no_storage);

    std::string next;
    spare_buffer<test_use>::take(next);
    CHECK(next.data() == storage);
    CHECK(next.capacity() >= 1000);
    CHECK(next.empty());

    std::string after;
    spare_buffer<test_use>::take(after); // the spare was taken
    CHECK(after.capacity() == no_storage);
    spare_buffer<test_use>::give(next);
}

TEST_CASE("a string that holds data or storage of its own is not given the spare") {
    drain();
    std::string spare(500, 's');
    spare_buffer<test_use>::give(spare);
    std::string busy = "holds data";
    spare_buffer<test_use>::take(busy);
    CHECK(busy == "holds data");
    std::string big;
    big.reserve(2000);
    spare_buffer<test_use>::take(big);
    CHECK(big.capacity() >= 2000);
    std::string empty;
    spare_buffer<test_use>::take(empty);
    CHECK(empty.capacity() >= 500);
    spare_buffer<test_use>::give(empty);
}

TEST_CASE("only the larger buffer is kept, and none larger than max_kept") {
    drain();
    std::string small(100, 'a');
    spare_buffer<test_use>::give(small);
    std::string large(4000, 'b');
    const char* large_storage = large.data();
    spare_buffer<test_use>::give(large); // replaces the smaller spare
    std::string huge(spare_buffer<test_use>::max_kept + 1, 'c');
    spare_buffer<test_use>::give(huge); // freed, not kept
    CHECK(huge.capacity() == no_storage);
    std::string taken;
    spare_buffer<test_use>::take(taken);
    CHECK(taken.data() == large_storage);
}

TEST_CASE("release_storage empties a string and frees its heap storage") {
    std::string large(100, 'x');
    CHECK(signalrpp::detail::has_storage(large));
    signalrpp::detail::release_storage(large);
    CHECK(large.empty());
    CHECK(large.capacity() == no_storage);
    CHECK_FALSE(signalrpp::detail::has_storage(large));

    std::string small = "abc"; // in the string's own room
    CHECK_FALSE(signalrpp::detail::has_storage(small));
    signalrpp::detail::release_storage(small);
    CHECK(small.empty());
}

TEST_CASE("spare strings: several kept per thread, taken back last given first, the large ones not kept") {
    struct many_use {};
    using spares = spare_strings<many_use>;
    std::vector<std::string> given;
    std::vector<const char*> storage;
    for (std::size_t i = 0; i < spares::max_count + 2; ++i) {
        given.emplace_back(100, 'x');
        storage.push_back(given.back().data());
    }
    for (auto& s : given) {
        spares::give(s);
        CHECK(s.empty());
    }
    // The first max_count were kept: their strings lost their storage; the two past the room kept theirs.
    CHECK(given[0].capacity() == no_storage);
    CHECK(given[spares::max_count].capacity() >= 100);
    for (std::size_t i = spares::max_count; i-- > 0;) {
        std::string taken;
        if (i % 2 == 0) {
            taken = spares::take();
        } else {
            spares::take(taken); // (the same, into a string of the caller's)
        }
        CHECK(taken.empty());
        CHECK(taken.data() == storage[i]);
    }
    CHECK(spares::take().capacity() == no_storage); // none left
    std::string none;
    spares::take(none);
    CHECK(none.capacity() == no_storage);

    std::string large(spares::max_kept + 1, 'x');
    spares::give(large);
    CHECK(large.empty());
    CHECK(spares::take().capacity() == no_storage);
    std::string small = "inline";
    spares::give(small); // nothing to keep: no storage of its own
    CHECK(spares::take().capacity() == no_storage);
}

TEST_CASE("a spare vector: storage given back is taken by the next empty vector, the larger kept") {
    using signalrpp::detail::spare_vector;
    struct element {
        int value = 0;
    };
    std::vector<element> drained; // whatever earlier uses left
    spare_vector<element>::take(drained);

    std::vector<element> queue(10);
    const element* storage = queue.data();
    spare_vector<element>::give(queue);
    CHECK(queue.empty());
    CHECK(queue.capacity() == 0); // an idle queue holds no storage

    std::vector<element> holding(2);
    spare_vector<element>::take(holding); // it has storage of its own: keeps it
    CHECK(holding.size() == 2);

    std::vector<element> next;
    spare_vector<element>::take(next);
    CHECK(next.data() == storage);
    CHECK(next.capacity() >= 10);
    CHECK(next.empty());

    std::vector<element> small(3);
    spare_vector<element>::give(next);  // kept
    spare_vector<element>::give(small); // smaller than the spare: freed
    CHECK(small.capacity() == 0);
    std::vector<element> huge(spare_vector<element>::max_kept + 1);
    spare_vector<element>::give(huge); // over max_kept: freed
    CHECK(huge.capacity() == 0);
    std::vector<element> again;
    spare_vector<element>::take(again);
    CHECK(again.data() == storage);
}

TEST_CASE("a scratch string is the thread's, cleared for each use; a nested use gets its own") {
    using signalrpp::detail::scratch_string;
    const char* storage = nullptr;
    {
        scratch_string<test_use> outer;
        outer.get().assign(500, 'a');
        storage = outer.get().data();
        {
            scratch_string<test_use> inner; // while outer is in use
            CHECK(inner.get().empty());
            inner.get().assign(500, 'b');
            CHECK(inner.get().data() != storage);
        }
        CHECK(outer.get() == std::string(500, 'a'));
    }
    {
        scratch_string<test_use> again;
        CHECK(again.get().empty());
        CHECK(again.get().capacity() >= 500);
        CHECK(again.get().data() == storage);
        again.get().assign(scratch_string<test_use>::max_kept + 1, 'c'); // too large to keep
    }
    scratch_string<test_use> after;
    CHECK(after.get().capacity() == no_storage);
}
