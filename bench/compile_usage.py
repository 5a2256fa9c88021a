"""What one compiler run costs: CPU seconds (user + system, steadier than wall time on a shared
machine) and peak memory. Shared by the compile-time benchmarks in this folder."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def compile_usage(cxx, source, output, *flags):
    """Compiles `source` to the object `output` with g++-style flags (C++20, -O2, the repository's
    include folder); returns (cpu_seconds, peak_megabytes). Exits if the compiler fails."""
    command = [cxx, '-std=c++20', '-O2', '-DASIO_NO_DEPRECATED', *flags, '-I', str(ROOT / 'include'), '-c',
               str(source), '-o', str(output)]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit('the compiler failed on %s' % source)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
