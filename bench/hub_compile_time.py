#!/usr/bin/env python3
"""Compile time of a translation unit defining a hub with 1, 8, 32 and 64 methods (issue 3's figure:
at most 50 ms of marginal cost per method with g++ -O2, growing linearly). Each method has its own
signature mix (strings, numbers, a struct, vectors, optional, an awaitable), and the unit instantiates
dispatch, so every method's invoker is compiled. Prints the median compiler CPU time of 5 compiles per size.

    python3 bench/hub_compile_time.py [--cxx g++] [--runs 5] [--sizes 1,8,32,64] [--distinct]

By default the methods cycle through 8 signatures (so most methods repeat a signature); with --distinct
every method has a signature of its own: 1 to 3 parameters drawn from int, std::string, double, bool
and std::int64_t, returning its first parameter.
"""

import argparse
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


DISTINCT_TYPES = ['int', 'std::string', 'double', 'bool', 'std::int64_t']


def distinct_signatures():
    """Every tuple of 1, 2, then 3 parameter types, in order."""
    import itertools
    for count in (1, 2, 3):
        for types in itertools.product(DISTINCT_TYPES, repeat=count):
            params = ', '.join('%s p%d' % (t, k) for k, t in enumerate(types))
            yield types[0], params, 'return p0;'


def unit(methods, distinct=False):
    lines = [
        '#include <signalrpp/signalrpp.hpp>',
        '#include <map>',
        '#include <optional>',
        'struct record { std::string name; int count = 0; std::vector<int> values; };',
        'SIGNALRPP_DEFINE_TYPE(record, name, count, values);',
        'struct bench_hub {',
        '    std::string last;',
    ]
    names = []
    signatures = list(distinct_signatures()) if distinct else None
    for i in range(methods):
        result, params, body = signatures[i] if distinct else SIGNATURES[i % len(SIGNATURES)]
        lines.append('    %s method%d(%s) { %s }' % (result, i, params, body.format(i=i)))
        names.append('method%d' % i)
    lines.append('};')
    lines.append('SIGNALRPP_HUB(bench_hub, %s);' % ', '.join(names))
    lines.append('signalrpp::reflect::dispatch_result run(bench_hub& hub, const signalrpp::reflect::invocation& call, '
                 'std::string& out, const std::shared_ptr<signalrpp::reflect::invocation_sink>& sink) {')
    lines.append('    return signalrpp::reflect::dispatch(hub, call, out, sink);')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--cxx', default='g++')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--sizes', default='1,8,32,64')
    parser.add_argument('--distinct', action='store_true', help='a signature of its own for every method')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',')]
    print('hub methods with %s signatures, %s -O2, median of %d' % ('distinct' if args.distinct else 'repeating',
                                                                   args.cxx, args.runs))
    times = {}
    with tempfile.TemporaryDirectory() as workdir:
        for n in sizes:
            source = pathlib.Path(workdir) / ('hub%d.cpp' % n)
            source.write_text(unit(n, args.distinct))
            times[n] = statistics.median(compile_usage(args.cxx, source, pathlib.Path(workdir) / 'unit.o')[0]
                                         for _ in range(args.runs))
            print('%3d methods: %6.2f s' % (n, times[n]), flush=True)
    first = sizes[0]
    print('marginal cost per method, from %d methods:' % first)
    for n in sizes[1:]:
        print('  to %3d: %5.1f ms/method' % (n, 1000 * (times[n] - times[first]) / (n - first)))
    print('between successive sizes (linear growth keeps these alike):')
    for a, b in zip(sizes, sizes[1:]):
        print('  %3d -> %3d: %5.1f ms/method' % (a, b, 1000 * (times[b] - times[a]) / (b - a)))
    print('(goal: at most 50 ms per method with g++ -O2)')


if __name__ == '__main__':
    main()
