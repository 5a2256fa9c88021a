#!/usr/bin/env python3
"""Compile time of MessagePack mappings: signalrpp's (SIGNALRPP_DEFINE_TYPE + msgpack::serializer) against
msgpack-c's C++ API (MSGPACK_DEFINE_MAP + pack/convert, Debian's libmsgpack-cxx-dev), for the choice
between the two (issue 22).

For each library it writes a translation unit that describes K structs (a string, an int, a vector of
doubles, an optional string; K = 1 and K = --types) and, for each, a function that writes one to bytes
and one that reads it back, compiles it with `g++ -std=c++20 -O2 -c` (--runs times, the median kept),
and prints the seconds and peak memory of the compiler at K = 1, at K = --types, and the marginal
seconds per struct. Without msgpack-c's headers its column is left out. Stdlib only.

Usage: bench/msgpack/compile_time.py [--types 20] [--runs 3] [--compiler g++]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

OURS_HEAD = """#include <signalrpp/core/define_type.hpp>
#include <signalrpp/msgpack/mappings.hpp>
#include <optional>
#include <string>
#include <vector>
"""
OURS_TYPE = """
struct t{i} {{ std::string name; int count = 0; std::vector<double> values; std::optional<std::string> note; }};
SIGNALRPP_DEFINE_TYPE(t{i}, (name, "Name"), (count, "Count"), (values, "Values"), (note, "Note"))
std::string write{i}(const t{i}& v) {{ return signalrpp::msgpack::to_bytes(v); }}
bool read{i}(std::string_view data, t{i}& v) {{ return signalrpp::msgpack::from_bytes(data, v); }}
"""
THEIRS_HEAD = """#include <msgpack.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
"""
THEIRS_TYPE = """
struct t{i} {{ std::string name; int count = 0; std::vector<double> values; std::optional<std::string> note;
    MSGPACK_DEFINE_MAP(MSGPACK_NVP("Name", name), MSGPACK_NVP("Count", count), MSGPACK_NVP("Values", values),
                       MSGPACK_NVP("Note", note)); }};
std::string write{i}(const t{i}& v) {{ msgpack::sbuffer b; msgpack::pack(b, v); return std::string(b.data(), b.size()); }}
bool read{i}(std::string_view data, t{i}& v) {{
    try {{ msgpack::unpack(data.data(), data.size()).get().convert(v); return true; }} catch (const std::exception&) {{ return false; }}
}}
"""


def compile_once(compiler, source):
    """Seconds and peak kilobytes of one compile of `source`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unit.cpp"
        path.write_text(source)
        start = time.monotonic()
        # A fresh child each time: RUSAGE_CHILDREN's peak is the largest child so far, so measure in a
        # process of its own and read its own peak.
        command = [sys.executable, "-c",
                   "import resource,subprocess,sys;"
                   "r=subprocess.run(sys.argv[1:]);"
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
                   "sys.exit(r.returncode)",
                   compiler, "-std=c++20", "-O2", "-c", f"-I{REPO / 'include'}", str(path), "-o", os.devnull]
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.monotonic() - start
        if result.returncode != 0:
            raise RuntimeError(f"compile failed:\n{result.stderr[-3000:]}")
        return seconds, int(result.stdout.strip().splitlines()[-1])


def measure(compiler, head, type_text, count, runs):
    source = head + "".join(type_text.format(i=i) for i in range(count))
    results = [compile_once(compiler, source) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--types", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compiler", default="g++")
    args = parser.parse_args()
    if args.types < 2 or args.runs < 1:
        parser.error("--types must be at least 2, --runs at least 1")
    libraries = [("signalrpp", OURS_HEAD, OURS_TYPE)]
    if Path("/usr/include/msgpack.hpp").exists():
        libraries.append(("msgpack-c (C++)", THEIRS_HEAD, THEIRS_TYPE))
    else:
        print("compile_time: no /usr/include/msgpack.hpp (libmsgpack-cxx-dev): msgpack-c left out", file=sys.stderr)
    print(f"{args.compiler} -std=c++20 -O2 -c, median of {args.runs} compile(s); peak memory of the compiler")
    print(f"  {'library':16} {'1 type s':>9} {'MB':>6} {f'{args.types} types s':>11} {'MB':>6} {'per type ms':>12}")
    for name, head, type_text in libraries:
        one_s, one_kb = measure(args.compiler, head, type_text, 1, args.runs)
        many_s, many_kb = measure(args.compiler, head, type_text, args.types, args.runs)
        per_type_ms = (many_s - one_s) / (args.types - 1) * 1000
        print(f"  {name:16} {one_s:9.2f} {one_kb / 1024:6.0f} {many_s:11.2f} {many_kb / 1024:6.0f} {per_type_ms:12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
