#!/usr/bin/env python3
"""The hub server's long-haul figures: hub-echo-server (on CPU 0) under long-haul-load (on CPU 1), each
figure on a fresh server.

  hold   19,500 idle hub connections for 10 minutes, keep-alive Pings both ways: how many dropped, the
         server's RSS per connection, its CPU time per second while they idle.
  soak   10,000 connections, each one Echo of 2 KB a second, for 10 minutes (Azure SignalR's Unit10 echo
         load): the share of echoes slower than 1 s (goal < 1 %), connect failures (goal 0), the server's
         RSS before, at its peak and after the clients left (goal: back within 5 % of before).
  churn  1,000 connections a second (negotiate, upgrade, handshake, close) for 2 minutes: the server's
         descriptors and RSS before and after (goal: back where they were).

"After" is read once the server holds no more descriptors than before the load (waited for, at most
60 s) and a second has passed; then again after hub-echo-server's SIGUSR1 (malloc_trim: the heap's free
pages back to the system; it answers with the bytes its heap has in use and free), which tells what the
server still holds from what the allocator keeps. It reuses bench/echo/compare.py's helpers; figures want an otherwise
idle machine. Stdlib only.

Usage: bench/hub/long_haul.py [hold] [soak] [churn] [--build-dir build] [--hold-connections 19500]
       [--soak-connections 10000] [--churn-rate 1000] [--hold-seconds 600] [--soak-seconds 600]
       [--churn-seconds 120] [--waves 1] [--preload LIBRARY]
"""

import argparse
import os
import re
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "echo"))
import compare  # noqa: E402  (bench/echo/compare.py)

SAMPLE_EVERY = 5  # seconds between RSS samples while the load runs


def anonymous_rss_bytes(pid):
    """RssAnon: the resident memory the process allocated (heap, stacks), without the pages of its code
    and libraries that a new code path brings in (RssFile), which are no growth of what it holds."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise compare.BenchError(f"no RssAnon for process {pid}")


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def mib(n):
    return f"{n / (1024 * 1024):.1f} MiB"


def kib(n):
    return f"{n / 1024:,.0f} KiB"


def start_server(build_dir, preload):
    """hub-echo-server, with `preload` (a shared library: another malloc) in its LD_PRELOAD if given."""
    saved = os.environ.get("LD_PRELOAD")
    if preload:
        os.environ["LD_PRELOAD"] = preload
    try:
        return compare.Server("hub-echo-server", compare.find_program(build_dir, "hub-echo-server"), keep_output=True)
    finally:
        if saved is None:
            os.environ.pop("LD_PRELOAD", None)
        else:
            os.environ["LD_PRELOAD"] = saved


class Run:
    """One figure: a fresh server, long-haul-load with `arguments`, and the server's RSS, descriptors and
    CPU time read at the load's lines."""

    def __init__(self, build_dir, name, arguments, seconds, waves=1, preload=None):
        self.name = name
        self.server = start_server(build_dir, preload)
        self.waves = []  # (rss after the clients left, after malloc_trim) of each wave after the first
        try:
            time.sleep(0.5)
            self.server.process.send_signal(signal.SIGUSR1)
            self.heap_before = self.server.output.next(time.monotonic() + 10, "hub-echo-server (heap figures)")
            self.rss_before = compare.rss_bytes(self.server.pid)
            self.anon_before = anonymous_rss_bytes(self.server.pid)
            self.fds_before = descriptors(self.server.pid)
            for wave in range(waves):
                self.run_load(build_dir, arguments, seconds)
                self.wait_for_descriptors()
                if wave == 0:
                    self.first = (self.start_line, self.figures, self.load_status, self.rss_open, self.rss_peak,
                                  self.cpu_per_second, self.fds_after, self.rss_after, self.rss_trimmed, self.heap,
                                  self.anon_trimmed)
                else:
                    self.waves.append((self.figures, self.rss_after, self.rss_trimmed, self.heap, self.anon_trimmed))
            (self.start_line, self.figures, self.load_status, self.rss_open, self.rss_peak, self.cpu_per_second,
             self.fds_after, self.rss_after, self.rss_trimmed, self.heap, self.anon_trimmed) = self.first
            self.server.check_alive()
        finally:
            self.server.stop()

    def run_load(self, build_dir, arguments, seconds):
        load = compare.ws_load(compare.find_program(build_dir, "long-haul-load"), self.server.port, *arguments)
        output = compare.Lines(load)
        what = f"long-haul-load ({self.name})"
        try:
            self.start_line = output.next(time.monotonic() + 300, what)
            self.rss_open = compare.rss_bytes(self.server.pid)
            self.rss_peak = self.rss_open
            cpu_start, wall_start = compare.cpu_seconds(self.server.pid), time.monotonic()
            deadline = wall_start + seconds + 120
            while True:
                try:
                    line = output.next(min(deadline, time.monotonic() + SAMPLE_EVERY), what)
                except compare.BenchError:
                    if time.monotonic() >= deadline or load.poll() is not None:
                        raise
                    self.server.check_alive()
                    self.rss_peak = max(self.rss_peak, compare.rss_bytes(self.server.pid))
                    continue
                if line == "end":
                    break
            self.cpu_per_second = (compare.cpu_seconds(self.server.pid) - cpu_start) / (time.monotonic() - wall_start)
            self.rss_peak = max(self.rss_peak, compare.rss_bytes(self.server.pid))
            self.figures = output.next(time.monotonic() + 60, what)
            self.load_status = load.wait(timeout=120)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait()

    def wait_for_descriptors(self):
        deadline = time.monotonic() + 60
        while descriptors(self.server.pid) > self.fds_before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        self.fds_after = descriptors(self.server.pid)
        self.rss_after = compare.rss_bytes(self.server.pid)
        self.server.process.send_signal(signal.SIGUSR1)  # hub-echo-server: malloc_trim, then its heap's figures
        self.heap = self.server.output.next(time.monotonic() + 10, "hub-echo-server (heap figures)")
        self.rss_trimmed = compare.rss_bytes(self.server.pid)
        self.anon_trimmed = anonymous_rss_bytes(self.server.pid)

    def print_common(self):
        print(f"  load: {self.start_line} ... {self.figures} (exit status {self.load_status})")
        print(f"  server RSS: before {mib(self.rss_before)}, all open {mib(self.rss_open)}, peak {mib(self.rss_peak)}, "
              f"after the clients left {mib(self.rss_after)} ({100 * (self.rss_after / self.rss_before - 1):+.1f} %), "
              f"after malloc_trim {mib(self.rss_trimmed)} ({100 * (self.rss_trimmed / self.rss_before - 1):+.1f} %)")
        print(f"  server anonymous RSS (RssAnon, without code pages): before {kib(self.anon_before)}, after the clients "
              f"left and malloc_trim {kib(self.anon_trimmed)} ({100 * (self.anon_trimmed / self.anon_before - 1):+.1f} %)")
        print(f"  server heap (after malloc_trim): before: {self.heap_before}; after the clients left: {self.heap}")
        print(f"  server descriptors: before {self.fds_before}, after {self.fds_after}")
        for number, (figures, rss_after, rss_trimmed, heap, anon_trimmed) in enumerate(self.waves, start=2):
            print(f"  wave {number} on the same server: {figures}; RSS after it {mib(rss_after)}, "
                  f"after malloc_trim {mib(rss_trimmed)}, RssAnon {kib(anon_trimmed)} ({heap})")


def hold(args):
    run = Run(args.build_dir, "hold", ["hold", "--connections", args.hold_connections, "--seconds", args.hold_seconds],
              args.hold_seconds, preload=args.preload)
    opened = int(re.match(r"open (\d+)", run.start_line).group(1))
    print(f"hold: {args.hold_connections} connections for {args.hold_seconds} s")
    run.print_common()
    print(f"  per connection: {(run.rss_open - run.rss_before) / max(opened, 1):.0f} B of server RSS")
    print(f"  server CPU while they idle: {1000 * run.cpu_per_second:.1f} ms a second ({100 * run.cpu_per_second:.2f} % of a core)")


def soak(args):
    run = Run(args.build_dir, "soak", ["soak", "--connections", args.soak_connections, "--seconds", args.soak_seconds,
                                       "--size", 2048, "--rate", 1], args.soak_seconds, args.waves,
              args.preload)
    print(f"soak: {args.soak_connections} connections x 1 echo of 2 KB a second for {args.soak_seconds} s")
    run.print_common()
    print(f"  server CPU under load: {100 * run.cpu_per_second:.1f} % of a core")


def churn(args):
    run = Run(args.build_dir, "churn", ["churn", "--rate", args.churn_rate, "--seconds", args.churn_seconds],
              args.churn_seconds, args.waves, args.preload)
    print(f"churn: {args.churn_rate} connections a second for {args.churn_seconds} s")
    run.print_common()
    print(f"  server CPU under churn: {100 * run.cpu_per_second:.1f} % of a core")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("figures", nargs="*", help="hold, soak, churn (default: all three, in that order)")
    parser.add_argument("--build-dir", type=Path, default=compare.REPO / "build")
    parser.add_argument("--hold-connections", type=int, default=19500)
    parser.add_argument("--hold-seconds", type=float, default=600)
    parser.add_argument("--soak-connections", type=int, default=10000)
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--churn-rate", type=float, default=1000)
    parser.add_argument("--churn-seconds", type=float, default=120)
    parser.add_argument("--waves", type=int, default=1,
                        help="soak and churn: loads run one after the other on the same server (a leak grows "
                             "with each; memory the allocator keeps does not)")
    parser.add_argument("--preload", help="a malloc to run the server with (LD_PRELOAD), such as "
                                           "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2; the heap figures are then "
                                           "glibc's only, and say nothing")
    args = parser.parse_args()
    measures = {"hold": hold, "soak": soak, "churn": churn}
    if any(figure not in measures for figure in args.figures):
        parser.error("the figures are hold, soak and churn")
    compare.raise_file_limit()
    try:
        for figure in args.figures or list(measures):
            measures[figure](args)
            sys.stdout.flush()
    except compare.BenchError as e:
        print(f"long_haul: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
