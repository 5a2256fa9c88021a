#!/usr/bin/env python3
"""Compile time and peak compiler memory of a minimal hub server translation unit (a 3-method hub,
map_hub, listen, run), side by side with a Boost.Beast WebSocket echo file (bench/echo/beast_echo_server.cpp,
the yardstick), with g++ -O2:
  - from include/, header-only and in separate-compilation mode (SIGNALRPP_SEPARATE_COMPILATION; the
    unit includes <signalrpp/server/server.hpp>), plus the one-time cost of <signalrpp/src.hpp>;
  - from the single header, header-only and in separate-compilation mode (the unit includes
    <signalrpp/signalrpp.hpp>), plus the one-time cost of the file that defines SIGNALRPP_IMPLEMENTATION.
Goals: the include/ separate unit at most 8 s and 600 MB (issue 5); the single-header separate unit at
most 0.25x the Beast file (issue 23). Both separate builds are also linked and started, to show that
the objects make a working server. Prints the median CPU time and the largest peak memory of --runs
compiles each, and each unit's ratio to the Beast file.

    python3 bench/server_compile_time.py [--cxx g++] [--runs 3]
"""

import argparse
import pathlib
import statistics
import subprocess
import tempfile

from compile_usage import ROOT, compile_usage

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
SINGLE_HEADER = ['-I', str(ROOT / 'single_include')]  # before include/, which compile_usage adds
BEAST_FILE = ROOT / 'bench' / 'echo' / 'beast_echo_server.cpp'


def measure(cxx, runs, source, output, *flags):
    results = [compile_usage(cxx, source, output, *flags) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def link_and_start(cxx, work, objects, name):
    program = work / name
    subprocess.run([cxx, *map(str, objects), '-o', str(program), '-pthread'], check=True)
    started = subprocess.run([str(program), 'stop'], stdout=subprocess.PIPE, text=True, timeout=30, check=True)
    print('the %s started: %s' % (name, started.stdout.strip()))


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
        single_unit = work / 'single_server.cpp'
        single_unit.write_text(MINIMAL_SERVER.replace('<signalrpp/server/server.hpp>', '<signalrpp/signalrpp.hpp>'))
        library = work / 'signalrpp.cpp'
        library.write_text('#include <signalrpp/src.hpp>\n')
        implementation = work / 'signalrpp_implementation.cpp'
        implementation.write_text('#define SIGNALRPP_IMPLEMENTATION\n#include <signalrpp/signalrpp.hpp>\n')
        beast = measure(args.cxx, args.runs, BEAST_FILE, work / 'beast.o', '-I', str(BEAST_FILE.parent))
        rows = [
            ('Boost.Beast WebSocket echo file', beast),
            ('include/, header-only', measure(args.cxx, args.runs, unit, work / 'header_only.o')),
            ('include/, separate compilation', measure(args.cxx, args.runs, unit, work / 'server.o', SEPARATE)),
            ('  + src.hpp, once per program', measure(args.cxx, 1, library, work / 'signalrpp.o', SEPARATE)),
            ('single header, header-only', measure(args.cxx, args.runs, single_unit, work / 'single_header_only.o',
                                                   *SINGLE_HEADER)),
            ('single header, separate', measure(args.cxx, args.runs, single_unit, work / 'single_server.o',
                                                *SINGLE_HEADER, SEPARATE)),
            ('  + IMPLEMENTATION file, once', measure(args.cxx, 1, implementation, work / 'implementation.o',
                                                     *SINGLE_HEADER, SEPARATE)),
        ]
        for name, (seconds, megabytes) in rows:
            print('%-34s %6.2f s  %5.0f MB  %5.2fx Beast' % (name, seconds, megabytes, seconds / beast[0]), flush=True)
        link_and_start(args.cxx, work, [work / 'server.o', work / 'signalrpp.o'], 'separately compiled server')
        link_and_start(args.cxx, work, [work / 'single_server.o', work / 'implementation.o'],
                       'separately compiled server from the single header')
    print('(goals: the include/ separate unit at most 8 s and 600 MB with g++ 12 -O2; '
          'the single-header separate unit at most 0.25x the Beast file)')


if __name__ == '__main__':
    main()
