#!/usr/bin/env python3
"""Shows that the source-tree checks fail on the mistakes they exist for, on a scratch copy of include/:
- tools/amalgamate --check fails when a header changed and single_include/ was not regenerated;
- tools/amalgamate fails when a header is not reachable from the umbrella header, when an include of
  a signalrpp header has a form it cannot inline, and when a header it inlined under an `#if` is
  included again where that condition may not hold (and takes one included twice under the same one);
- tools/check-headers fails, naming the header, when a header does not compile on its own;
- tools/check-format-neutral fails, naming the line, when reflect/ or hub/ names a wire format.

    checks_catch_mistakes.py -- COMPILER [FLAGS...]
"""

import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
failures = []


def tool(name, *args):
    result = subprocess.run([sys.executable, str(ROOT / 'tools' / name), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return result.returncode, result.stdout


def expect(what, condition, output=''):
    print('%s: %s' % ('ok' if condition else 'FAILED', what))
    if not condition:
        failures.append(what)
        print(output)


def main():
    compiler = sys.argv[sys.argv.index('--') + 1:]
    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        shutil.copytree(ROOT / 'include', root / 'include')
        shutil.copytree(ROOT / 'single_include', root / 'single_include')
        include = root / 'include' / 'signalrpp'

        code, out = tool('amalgamate', '--check', '--root', root)
        expect('an untouched copy passes the single-header check', code == 0, out)

        with open(include / 'version.hpp', 'a') as header:
            header.write('// an edit nobody regenerated\n')
        code, out = tool('amalgamate', '--check', '--root', root)
        expect('an edited header without regeneration fails the single-header check',
               code == 1 and 'out of date' in out, out)

        (include / 'core' / 'stray.hpp').write_text('#pragma once\nnamespace signalrpp { struct stray {}; }\n')
        code, out = tool('amalgamate', '--root', root)
        expect('a header the umbrella does not reach fails the amalgamation',
               code != 0 and 'signalrpp/core/stray.hpp' in out, out)

        version = (include / 'version.hpp').read_text()
        (include / 'version.hpp').write_text(version + '#include <signalrpp/core/ascii.hpp> // a comment\n')
        code, out = tool('amalgamate', '--root', root)
        expect('an include the amalgamation cannot inline fails it, by file',
               code != 0 and 'signalrpp/version.hpp' in out and 'cannot inline' in out, out)
        (include / 'version.hpp').write_text(version)

        umbrella = (include / 'signalrpp.hpp').read_text()
        conditional = '#if defined(SIGNALRPP_SOME_OPTION)\n#include <signalrpp/core/stray.hpp>\n#endif\n'
        (include / 'version.hpp').write_text(version + conditional)
        (include / 'signalrpp.hpp').write_text(umbrella + '#include <signalrpp/core/stray.hpp>\n')
        code, out = tool('amalgamate', '--root', root)
        expect('a header inlined under #if and included again unconditionally fails the amalgamation, naming both',
               code != 0 and 'includes <signalrpp/core/stray.hpp> under no condition' in out
               and 'SIGNALRPP_SOME_OPTION' in out and 'signalrpp/version.hpp' in out, out)
        (include / 'signalrpp.hpp').write_text(umbrella + conditional.replace('SOME_OPTION', 'OTHER_OPTION'))
        code, out = tool('amalgamate', '--root', root)
        expect('a header included under two different conditions fails the amalgamation',
               code != 0 and 'SIGNALRPP_OTHER_OPTION' in out and 'may not hold' in out, out)
        (include / 'signalrpp.hpp').write_text(umbrella + conditional)
        code, out = tool('amalgamate', '--root', root)
        expect('a header included twice under the same condition passes that rule',
               'may not hold' not in out and 'signalrpp/core/stray.hpp' not in out, out)
        (include / 'version.hpp').write_text(version)
        (include / 'signalrpp.hpp').write_text(umbrella)

        (include / 'core' / 'stray.hpp').write_text(
            '#pragma once\nnamespace signalrpp { inline std::string stray() { return {}; } }\n')
        code, out = tool('check-headers', '--include', root / 'include', '--', *compiler)
        expect('a header missing an include of its own fails the header check, by name',
               code == 1 and 'FAIL signalrpp/core/stray.hpp' in out and 'do not: signalrpp/core/stray.hpp' in out, out)

        code, out = tool('check-format-neutral', '--include', root / 'include')
        expect('untouched layers pass the format-neutral check', code == 0, out)
        with open(include / 'hub' / 'hub.hpp', 'a') as header:
            header.write('// reads json::value directly\n')
        code, out = tool('check-format-neutral', '--include', root / 'include')
        expect('a hub header naming json:: fails the format-neutral check, by line',
               code == 1 and 'signalrpp/hub/hub.hpp:' in out, out)

    print('checks_catch_mistakes: %d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
