#pragma once
// The command line every echo server of the benchmark takes, as bench/echo/compare.py starts them:
// `--port N` (0: any free port). Anything else prints the usage and exits with status 2.

#include <cstdio>
#include <cstdlib>
#include <cstring>

inline unsigned short parse_echo_server_port(int argc, char** argv, const char* program) {
    if (argc == 3 && std::strcmp(argv[1], "--port") == 0) {
        char* end = nullptr;
        const long port = std::strtol(argv[2], &end, 10);
        if (end != argv[2] && *end == '\0' && port >= 0 && port <= 65535) {
            return static_cast<unsigned short>(port);
        }
    }
    std::fprintf(stderr, "usage: %s --port N   (0: any free port)\n", program);
    std::exit(2);
}
