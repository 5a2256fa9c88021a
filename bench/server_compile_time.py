#!/usr/bin/env python3
"""Compile time and peak compiler memory of a minimal hub server translation unit (issue 5's figure:
at most 8 s and 600 MB with g++ 12 -O2): a 3-method hub, map_hub, listen, run. Measured header-only
and in separate-compilation mode (SIGNALRPP_SEPARATE_COMPILATION, where the unit includes
<signalrpp/server/server.hpp>), plus the one-time cost of the mode's source file (<signalrpp/src.hpp>).
The separate build is also linked and started, to show that the objects make a working server.
Prints the median CPU time and the largest peak memory of --runs compiles each.

    python3 bench/server_compile_time.py [--cxx g++] [--runs 3]
"""

import argparse
import pathlib
import statistics
import subprocess
import tempfile

from compile_usage import compile_usage

MINIMAL_SERVER = '''\
#include <signalrpp/server/server.hpp>

#include <cstdio>
#include <string>

struct greeter {
    std::string Echo(std::string text) { return text; }
    int Add(int a, int b) { return a + b; }
    void Ping() {}
};
SIGNALRPP_HUB(greeter, Echo, Add, Ping);

int main(int argc, char**) {
    asio::io_context io(1);
    signalrpp::server server(io);
    server.map_hub<greeter>("/greeter");
    const auto bound = server.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::printf("listening on http://127.0.0.1:%u\\n", static_cast<unsigned>(bound.port()));
    if (argc > 1) {
        server.stop(); // (the benchmark only checks that the program starts)
    }
    io.run();
}
'''

SEPARATE = '-DSIGNALRPP_SEPARATE_COMPILATION'


def measure(cxx, runs, source, output, *flags):
    results = [compile_usage(cxx, source, output, *flags) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--cxx', default='g++')
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    print('minimal hub server unit, %s -O2, median CPU time of %d compiles, largest peak memory' % (args.cxx, args.runs))
    with tempfile.TemporaryDirectory() as workdir:
        work = pathlib.Path(workdir)
        unit = work / 'server.cpp'
        unit.write_text(MINIMAL_SERVER)
        library = work / 'signalrpp.cpp'
        library.write_text('#include <signalrpp/src.hpp>\n')
        rows = [
            ('header-only', measure(args.cxx, args.runs, unit, work / 'header_only.o')),
            ('separate compilation', measure(args.cxx, args.runs, unit, work / 'server.o', SEPARATE)),
            ('  + src.hpp, once per program', measure(args.cxx, 1, library, work / 'signalrpp.o', SEPARATE)),
        ]
        for name, (seconds, megabytes) in rows:
            print('%-32s %6.2f s  %5.0f MB' % (name, seconds, megabytes), flush=True)
        program = work / 'server'
        subprocess.run([args.cxx, str(work / 'server.o'), str(work / 'signalrpp.o'), '-o', str(program), '-pthread'],
                       check=True)
        started = subprocess.run([str(program), 'stop'], stdout=subprocess.PIPE, text=True, timeout=30, check=True)
        print('the separately compiled server started: %s' % started.stdout.strip())
    print('(goal: the minimal unit at most 8 s and 600 MB with g++ 12 -O2)')


if __name__ == '__main__':
    main()
