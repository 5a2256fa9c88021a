#!/usr/bin/env python3
"""Broadcast to many connections across processes: hub-echo-server against ASP.NET Core 10 (the reference
server's /hub, EchoHub), both loaded by the same ws-load --broadcast runs.

Each server runs on CPU 0 for the whole comparison, ws-load on CPU 1. A run opens 10,000 hub connections
(each in a group: JoinGroup's answer proves the server counts it among all clients), then runs rounds one
after the other: the first connection calls Broadcast with a 32-byte string, which sends `tick` with it to
every connection, and the round ends when each connection has received that record (checked byte for
byte in the connection's hub protocol: --protocol json, messagepack, or mixed, where every other
connection speaks MessagePack and the others JSON, so the server writes each tick in both). After warm-up rounds
ws-load measures R rounds; the server's CPU time (utime+stime from /proc/PID/stat) is read at ws-load's
"window start" and "window end". It reports deliveries (ticks received) per second of the server's CPU
time, the time per round (first send to last delivery, p50 and p99), and the ratio of our deliveries per
CPU-second to ASP.NET Core's. Runs alternate between the servers; every figure printed at the end is the
median of the runs. Before each run the server is given time to let the previous run's connections go
(its descriptors back to about their count before any run). It reuses bench/echo/compare.py's and
bench/hub/compare_hub.py's helpers; figures want an otherwise idle machine (see compare.py). Stdlib only.

ASP.NET Core is held to one core as our server is (taskset on CPU 0, DOTNET_PROCESSOR_COUNT=1,
workstation GC: DOTNET_gcServer=0) and gets more warm-up rounds (JIT). It is left out when its build is
not found (default BUILD_DIR/tests/reference/reference-server) or with --no-reference.

The hub against a raw broadcast of pre-built frames (the goal of 0.9x, with half the connections in
each protocol) is build/bench/hub/broadcast-bench --protocol mixed, in one process.

Usage: bench/hub/broadcast_compare.py [--connections 10000] [--size 32] [--rounds 50] [--runs 3]
                                      [--protocol json|messagepack|mixed] [--warmup-rounds 5]
                                      [--build-dir build] [--reference PATH | --no-reference]
                                      [--reference-warmup-rounds 25]
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "echo"))
import compare  # noqa: E402  (bench/echo/compare.py)
import compare_hub  # noqa: E402  (bench/hub/compare_hub.py: REFERENCE_ENV, the reference arguments)
import long_haul  # noqa: E402  (bench/hub/long_haul.py: descriptors)

SETTLE_TIMEOUT = 60  # seconds a server may take to let a run's connections go
# Descriptors a server may keep open for itself once it has served a run (ASP.NET Core keeps 18 more here).
SETTLE_SLACK = 64


def wait_for_descriptors(server, count):
    """Waits until the server holds no more than `count` descriptors (and SETTLE_SLACK): the previous run's
    connections are gone, and their teardown does not fall into the next run's window."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while long_haul.descriptors(server.pid) > count + SETTLE_SLACK:
        if time.monotonic() > deadline:
            raise compare.BenchError(f"{server.name}: still {long_haul.descriptors(server.pid)} descriptors "
                                     f"{SETTLE_TIMEOUT} s after a run (had {count} before)")
        server.check_alive()
        time.sleep(0.2)


def measure_broadcast(server, ws_load_path, args, warmup_rounds):
    """Deliveries per server CPU-second and per wall second, both processes' CPU use in the window, and
    the time per round (p50, p99, microseconds)."""
    what = f"{server.name}, broadcast to {args.connections} ({args.protocol})"
    load = compare.ws_load(ws_load_path, server.port, "--hub", "--protocol", args.protocol, "--broadcast",
                           args.connections, "--size", args.size, "--rounds", args.rounds, "--warmup-rounds",
                           warmup_rounds)
    # A backstop only: ws-load gives up by itself on connections not open in 60 s or a round not done in 60 s.
    figures = compare.measure_window(server, load, what, time.monotonic() + 60 * (2 + warmup_rounds + args.rounds),
                                     r"deliveries (\d+) in ([0-9.]+) s: ([0-9.]+) deliveries/s",
                                     r"round p50 ([0-9.]+) us p99 ([0-9.]+) us \(\d+ rounds\)")
    if figures["count"] != args.connections * args.rounds:
        raise compare.BenchError(f"{what}: {figures['count']} deliveries, expected {args.connections} x {args.rounds}")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=compare.REPO / "build")
    parser.add_argument("--connections", type=int, default=10000, help="connections every broadcast goes to")
    parser.add_argument("--size", type=int, default=32, help="bytes of the string broadcast")
    parser.add_argument("--rounds", type=int, default=50, help="measured broadcast rounds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per server, alternating (medians reported)")
    parser.add_argument("--warmup-rounds", type=int, default=5, help="rounds before each measurement")
    parser.add_argument("--protocol", choices=["json", "messagepack", "mixed"], default="json",
                        help="the connections' hub protocol (mixed: every other one MessagePack, the others JSON)")
    compare_hub.reference_arguments(parser)
    parser.add_argument("--reference-warmup-rounds", type=int, default=25,
                        help="rounds before each ASP.NET Core measurement (its JIT warms up)")
    args = parser.parse_args()
    if min(args.connections, args.rounds, args.runs) < 1 or min(args.size, args.warmup_rounds) < 0:
        parser.error("--connections, --rounds and --runs must be positive, --size and --warmup-rounds not negative")
    reference_path = compare_hub.reference_server_path(parser, args, "broadcast_compare")

    compare.raise_file_limit()
    hard_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard_limit != resource.RLIM_INFINITY and hard_limit < args.connections + 100:
        print(f"broadcast_compare: the descriptor limit ({hard_limit}, ulimit -Hn) is too low for "
              f"{args.connections} connections in one process", file=sys.stderr)
        return 1
    try:
        ws_load_path = compare.find_program(args.build_dir, "ws-load")
        hub_path = compare.find_program(args.build_dir, "hub-echo-server")
        servers = []  # (name, server, warm-up rounds, descriptors before any run)
        results = {}  # name -> [figures of each run]
        try:
            servers.append(("hub", compare.Server("hub-echo-server", hub_path), args.warmup_rounds))
            if reference_path:
                servers.append(("aspnet", compare.Server("reference-server", reference_path,
                                                         env=compare_hub.REFERENCE_ENV),
                                max(args.warmup_rounds, args.reference_warmup_rounds)))
            time.sleep(1)  # ASP.NET Core opens a few descriptors of its own after its first line
            servers = [(name, server, warmup, long_haul.descriptors(server.pid)) for name, server, warmup in servers]
            for run_number in range(1, args.runs + 1):
                for name, server, warmup, descriptors in servers:
                    wait_for_descriptors(server, descriptors)
                    figures = measure_broadcast(server, ws_load_path, args, warmup)
                    results.setdefault(name, []).append(figures)
                    print(f"run {run_number}: {server.name:16} {figures['per_cpu_second']:9.0f} deliveries/server "
                          f"CPU-s, {figures['per_second']:9.0f} deliveries/s, server CPU {figures['server_busy']:4.0%}, "
                          f"ws-load {figures['load_busy']:4.0%}, others {figures['others_busy']:4.0%}, stolen "
                          f"{figures['stolen']:4.0%}, round p50 {figures['p50_us']:.0f} us p99 "
                          f"{figures['p99_us']:.0f} us", flush=True)
        finally:
            for _, server, *_ in reversed(servers):
                server.stop()
    except compare.BenchError as e:
        print(f"broadcast_compare: {e}", file=sys.stderr)
        return 1

    def median(name, key):
        return statistics.median(f[key] for f in results[name])

    labels = {"hub": "hub-echo-server", "aspnet": "ASP.NET Core 10"}
    protocols = {"json": "JSON", "messagepack": "MessagePack", "mixed": "half JSON, half MessagePack"}
    print(f"\nBroadcast to {args.connections} connections ({protocols[args.protocol]}), {args.size}-byte string; "
          f"medians of {args.runs} run(s) of {args.rounds} rounds:")
    print(f"  {'server':16} {'deliveries/CPU-s':>16} {'deliveries/s':>12} {'round p50 us':>12} {'round p99 us':>12}")
    for name in results:
        print(f"  {labels[name]:16} {median(name, 'per_cpu_second'):16.0f} {median(name, 'per_second'):12.0f}"
              f" {median(name, 'p50_us'):12.0f} {median(name, 'p99_us'):12.0f}")
    if "aspnet" in results:
        ratios = [h["per_cpu_second"] / a["per_cpu_second"] for h, a in zip(results["hub"], results["aspnet"])]
        print(f"  ours / ASP.NET Core, deliveries per CPU-second: "
              f"{median('hub', 'per_cpu_second') / median('aspnet', 'per_cpu_second'):.2f} "
              f"(runs {min(ratios):.2f}-{max(ratios):.2f}); round p50 ours / ASP.NET Core: "
              f"{median('hub', 'p50_us') / median('aspnet', 'p50_us'):.2f} (below 1: ours is quicker)")
    busiest = max(f["others_busy"] + f["stolen"] for runs in results.values() for f in runs)
    if busiest > 0.1:
        print(f"\nwarning: other processes, or the virtual machine's host (steal time), took up to {busiest:.0%} of a "
              "CPU during the measurements: the figures are noisy, run again on an idle machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
