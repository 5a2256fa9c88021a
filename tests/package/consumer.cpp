// The program every packaging test builds: it proves the library's headers were found and work,
// whichever way the consumer project got them. Usage: consumer EXPECTED_VERSION
#include <signalrpp/signalrpp.hpp>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: consumer EXPECTED_VERSION\n");
        return 2;
    }
    if (std::strcmp(signalrpp::version_string(), argv[1]) != 0) {
        std::fprintf(stderr, "consumer: headers say version %s, expected %s\n", signalrpp::version_string(), argv[1]);
        return 1;
    }
    const std::string text = "signalrpp";
    std::vector<std::byte> bytes;
    for (const char c : text) {
        bytes.push_back(static_cast<std::byte>(c));
    }
    const std::string encoded = signalrpp::base64::encode(bytes);
    std::vector<std::byte> decoded;
    if (encoded != "c2lnbmFscnBw" || signalrpp::base64::decode(encoded, decoded) || decoded != bytes) {
        std::fprintf(stderr, "consumer: base64 round trip failed (%s)\n", encoded.c_str());
        return 1;
    }
    std::printf("consumer: signalrpp %s works\n", signalrpp::version_string());
    return 0;
}
