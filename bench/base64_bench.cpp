// Base64 encode and decode throughput, in MB/s of binary data, for the payload sizes hub messages
// carry as byte arrays. Usage: base64-bench [seconds-per-case]
#include <signalrpp/core/base64.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

template <class F>
double megabytes_per_second(std::size_t bytes_per_call, double seconds, F call) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::size_t calls = 0;
    while (std::chrono::duration<double>(clock::now() - start).count() < seconds) {
        for (int i = 0; i < 64; ++i) {
            call();
        }
        calls += 64;
    }
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    return static_cast<double>(calls * bytes_per_call) / elapsed / 1e6;
}

} // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
    std::printf("%-10s %14s %14s\n", "bytes", "encode MB/s", "decode MB/s");
    for (const std::size_t size : {16, 256, 4096, 65536}) {
        std::vector<std::byte> data(size);
        for (std::size_t i = 0; i < size; ++i) {
            data[i] = static_cast<std::byte>(i * 131 + 7);
        }
        std::string text;
        const double encode = megabytes_per_second(size, seconds, [&] {
            text.clear();
            signalrpp::base64::encode(data, text);
        });
        std::vector<std::byte> back;
        const double decode = megabytes_per_second(size, seconds, [&] {
            back.clear();
            if (signalrpp::base64::decode(text, back)) {
                std::abort();
            }
        });
        if (back != data) {
            std::fprintf(stderr, "base64-bench: round trip failed at %zu bytes\n", size);
            return 1;
        }
        std::printf("%-10zu %14.0f %14.0f\n", size, encode, decode);
    }
    return 0;
}
