#!/usr/bin/env python3
"""Compile time of a translation unit defining a hub with 1, 8, 32 and 64 methods (issue 3's figure:
at most 50 ms of marginal cost per method with g++ -O2, growing linearly). The unit is what a program's
hub file holds: the hub, and a function mapping it on a server (map_hub), so every method's invoker is
compiled, with both hub protocols: a call's protocol is chosen at run time (the connection's), so each
parameter type is read, and each result type written, in JSON and in MessagePack. The unit asserts that
every type it uses has both mappings, so that neither format's code can silently drop out of the
figure. Prints the median compiler CPU time of 5 compiles per size and the largest peak compiler memory.

    python3 bench/hub_compile_time.py [--cxx g++] [--runs 5] [--sizes 1,8,32,64]
                                      [--signatures repeating|distinct|types] [--distinct]
                                      [--header-only]

The unit is compiled in separate-compilation mode (SIGNALRPP_SEPARATE_COMPILATION, the mode for fast
builds), or with --header-only without it. Why the unit maps the hub rather than only calling
reflect::dispatch (as it did until 2026-12): in a unit with nothing else, the first std::shared_ptr that
a method's code releases (an asynchronous method's invoker keeps the connection's sink alive) costs
about 5 s with g++ 12 -O2, because -fdevirtualize then analyses every destructor that the release could
reach, all of the server's inline code included. Any unit that starts or maps a server pays that once
already, so charging it to the first asynchronous method measured no real program.

The methods' signatures (--signatures):
- repeating (the default): the methods cycle through 8 signatures (strings, numbers, a struct, vectors,
  optional, an awaitable, a map, bytes), so most methods repeat a signature: past 8 methods each adds
  only its own call thunk, the signature's code being compiled once (reflect/method_invoker.hpp);
- distinct (or --distinct): every method has a signature of its own, 1 to 3 parameters drawn from int,
  std::string, double, bool and std::int64_t, returning its first parameter: each adds its signature's
  binding code, the types' readers and writers being shared;
- types: every method takes and returns a described struct of its own (SIGNALRPP_DEFINE_TYPE, three
  fields), so each adds its signature and its type's readers and writers in both formats -- the most a
  method can cost, and the share the second protocol grows.
"""

import argparse
import itertools
import pathlib
import statistics
import tempfile

from compile_usage import compile_usage

SIGNATURES = [
    ('std::string', 'std::string a, int b', 'return a + std::to_string(b + {i});'),
    ('int', 'int a, int b', 'return a * b + {i};'),
    ('void', 'std::string s', 'last = s;'),
    ('std::optional<double>', 'std::vector<double> v', 'if (v.empty()) return std::nullopt; return v[0] + {i};'),
    ('record', 'record r, bool flag', 'if (flag) r.count += {i}; return r;'),
    ('asio::awaitable<int>', 'int x', 'co_return x + {i};'),
    ('std::vector<std::string>', 'std::map<std::string, int> m', 'std::vector<std::string> k; for (auto& [n, _] : m) k.push_back(n); return k;'),
    ('signalrpp::bytes', 'signalrpp::bytes b, std::int64_t n', 'b.resize(static_cast<std::size_t>(n % 7)); return b;'),
]

# Every parameter and result type the signatures above use: the unit asserts each has both mappings.
SIGNATURE_TYPES = ['std::string', 'int', 'bool', 'double', 'std::int64_t', 'std::optional<double>',
                   'std::vector<double>', 'record', 'std::vector<std::string>', 'std::map<std::string, int>',
                   'signalrpp::bytes']

DISTINCT_TYPES = ['int', 'std::string', 'double', 'bool', 'std::int64_t']

KINDS = ('repeating', 'distinct', 'types')


def distinct_signatures():
    """Every tuple of 1, 2, then 3 parameter types, in order."""
    for count in (1, 2, 3):
        for types in itertools.product(DISTINCT_TYPES, repeat=count):
            params = ', '.join('%s p%d' % (t, k) for k, t in enumerate(types))
            yield types[0], params, 'return p0;'


def unit(methods, kind='repeating'):
    """The translation unit: a hub of `methods` methods whose signatures are of `kind` (KINDS)."""
    lines = [
        '#include <signalrpp/server/server.hpp>',
        '#include <map>',
        '#include <optional>',
        'struct record { std::string name; int count = 0; std::vector<int> values; };',
        'SIGNALRPP_DEFINE_TYPE(record, name, count, values);',
    ]
    types = list(SIGNATURE_TYPES)
    if kind == 'types':
        for i in range(methods):
            lines.append('struct type%d { std::string name; int count = 0; std::vector<double> values; };' % i)
            lines.append('SIGNALRPP_DEFINE_TYPE(type%d, name, count, values);' % i)
            types.append('type%d' % i)
    # Both protocols, or the figure would leave one out (wire_value reads a type only in the formats it
    # has a mapping for).
    lines.append('template <class T> constexpr bool both_formats = '
                 'signalrpp::json::mapped<T> && signalrpp::msgpack::mapped<T>;')
    for t in types:
        lines.append('static_assert(both_formats<%s>, "%s: not mapped in both hub protocols");' % (t, t))
    lines += ['struct bench_hub {', '    std::string last;']
    names = []
    signatures = list(distinct_signatures()) if kind == 'distinct' else None
    if signatures is not None and methods > len(signatures):
        raise SystemExit('at most %d methods with distinct signatures' % len(signatures))
    for i in range(methods):
        if kind == 'types':
            result, params, body = 'type%d' % i, 'type%d v, int n' % i, 'v.count += n + {i}; return v;'
        elif kind == 'distinct':
            result, params, body = signatures[i]
        else:
            result, params, body = SIGNATURES[i % len(SIGNATURES)]
        lines.append('    %s method%d(%s) { %s }' % (result, i, params, body.format(i=i)))
        names.append('method%d' % i)
    lines.append('};')
    lines.append('SIGNALRPP_HUB(bench_hub, %s);' % ', '.join(names))
    lines.append('void map(signalrpp::server& server) { server.map_hub<bench_hub>("/bench"); }')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--cxx', default='g++')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--sizes', default='1,8,32,64')
    parser.add_argument('--signatures', choices=KINDS, default='repeating', help='the methods\' signatures (see above)')
    parser.add_argument('--distinct', action='store_true', help='the same as --signatures distinct')
    parser.add_argument('--header-only', action='store_true', help='without SIGNALRPP_SEPARATE_COMPILATION')
    args = parser.parse_args()
    kind = 'distinct' if args.distinct else args.signatures
    sizes = [int(s) for s in args.sizes.split(',')]
    if len(sizes) < 2 or sizes != sorted(set(sizes)) or sizes[0] < 1:
        parser.error('--sizes takes two or more method counts, growing, from 1 up')
    flags = [] if args.header_only else ['-DSIGNALRPP_SEPARATE_COMPILATION']
    mode = 'header-only' if args.header_only else 'separate compilation'
    print('hub methods with %s signatures, both hub protocols (JSON, MessagePack), %s, %s -O2, median CPU time of %d, '
          'largest peak memory' % (kind, mode, args.cxx, args.runs))
    times = {}
    with tempfile.TemporaryDirectory() as workdir:
        sources = {}
        for n in sizes:
            sources[n] = pathlib.Path(workdir) / ('hub%d.cpp' % n)
            sources[n].write_text(unit(n, kind))
        # The sizes take turns, run after run: a slow spell of a shared machine then lands on every size
        # alike instead of on one size's runs.
        usages = {n: [] for n in sizes}
        for _ in range(args.runs):
            for n in sizes:
                usages[n].append(compile_usage(args.cxx, sources[n], pathlib.Path(workdir) / 'unit.o', *flags))
        for n in sizes:
            times[n] = statistics.median(u[0] for u in usages[n])
            print('%3d methods: %6.2f s  %5.0f MB  (runs: %s)' % (n, times[n], max(u[1] for u in usages[n]),
                                                               ' '.join('%.2f' % u[0] for u in usages[n])))
    first = sizes[0]
    print('marginal cost per method, from %d method%s:' % (first, '' if first == 1 else 's'))
    for n in sizes[1:]:
        print('  to %3d: %5.1f ms/method' % (n, 1000 * (times[n] - times[first]) / (n - first)))
    print('between successive sizes (linear growth keeps these alike):')
    for a, b in zip(sizes, sizes[1:]):
        print('  %3d -> %3d: %5.1f ms/method' % (a, b, 1000 * (times[b] - times[a]) / (b - a)))
    last = sizes[-1]
    print('marginal cost per method, %d to %d methods: %.1f ms (goal: at most 50 ms per method with g++ -O2)'
          % (first, last, 1000 * (times[last] - times[first]) / (last - first)))


if __name__ == '__main__':
    main()
