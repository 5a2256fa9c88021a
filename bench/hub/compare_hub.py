#!/usr/bin/env python3
"""Compares the hub with the raw WebSocket transport under it: hub-echo-server (Echo(string) invocations
over the JSON hub protocol, ws-load --hub) against raw-echo-server (plain WebSocket echo of a frame as
large as the hub's Invocation frame), in the same run.

Both servers run on CPU 0, ws-load on CPU 1. For 100 connections x {20 B, 512 B} x {1, 8} messages in
flight it reports echoes per second of the server's CPU time (utime+stime from /proc/PID/stat around
ws-load's measured window), their ratio (goal: hub >= 0.8 x raw), and the echoes' latency (p50, p99).
Rounds interleave raw and hub runs; every figure printed at the end is the median of the rounds. Then,
on fresh servers, the RSS that 10,000 idle connections add, per connection (hub connections past the
handshake and in a group; goal: <= 3 KiB). It reuses bench/echo/compare.py's measurement helpers;
figures want an otherwise idle machine (see compare.py). Stdlib only.

With the ASP.NET Core reference built (build/tests/reference/reference-server, by the test command when
the .NET SDK is there), ASP.NET Core 10 is a third column: its `/hub` serves the same Echo and
JoinGroup, loaded by the same ws-load runs, with Kestrel held to one core as our servers are (taskset
on CPU 0, DOTNET_PROCESSOR_COUNT=1, workstation GC: DOTNET_gcServer=0) and a longer warm-up (JIT).

Usage: bench/hub/compare_hub.py [--rounds 3] [--seconds 5] [--idle 10000] [--build-dir build]
                                [--reference PATH | --no-reference] [--reference-warmup 5]
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "echo"))
import compare  # noqa: E402  (bench/echo/compare.py)

CONFIGURATIONS = compare.CONFIGURATIONS
TYPICAL_INVOCATION_ID = "1234"
# ASP.NET Core on one core, as our single-threaded servers: one processor seen, workstation GC.
REFERENCE_ENV = {"DOTNET_PROCESSOR_COUNT": "1", "DOTNET_gcServer": "0", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}  # ws-load's ids grow from 1; a few thousand per connection in a run


def hub_invocation_bytes(size):
    """The length of the hub message ws-load --hub sends for an argument of `size` bytes: what the raw
    server gets as payload, so that both servers move frames of the same size."""
    return len('{"type":1,"invocationId":"' + TYPICAL_INVOCATION_ID + '","target":"Echo","arguments":["'
               + "x" * size + '"]}\x1e')


def reference_arguments(parser):
    """--reference PATH and --no-reference, which reference_server_path() reads."""
    parser.add_argument("--reference", type=Path, help="the ASP.NET Core reference server "
                        "(default: BUILD_DIR/tests/reference/reference-server, when it exists)")
    parser.add_argument("--no-reference", action="store_true", help="leave ASP.NET Core out")


def reference_server_path(parser, args, program):
    """The ASP.NET Core reference server to measure (--reference, or the build's when it is there), or None:
    --no-reference, or not built (said on standard error)."""
    if args.no_reference:
        return None
    path = args.reference or args.build_dir / "tests" / "reference" / "reference-server"
    if path.is_file():
        return path
    if args.reference:
        parser.error(f"{path} is not there")
    print(f"{program}: no {path} (build it with the .NET SDK): ASP.NET Core left out", file=sys.stderr)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=compare.REPO / "build")
    parser.add_argument("--rounds", type=int, default=3, help="raw/hub pairs per configuration (medians reported)")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--idle", type=int, default=10000, help="idle connections for the memory figure (0: skip)")
    reference_arguments(parser)
    parser.add_argument("--reference-warmup", type=float, default=5,
                        help="seconds of load before each ASP.NET Core measurement (its JIT warms up)")
    args = parser.parse_args()
    reference_path = reference_server_path(parser, args, "compare_hub")
    reference_args = argparse.Namespace(**{**vars(args), "warmup": max(args.warmup, args.reference_warmup)})

    compare.raise_file_limit()
    try:
        ws_load_path = compare.find_program(args.build_dir, "ws-load")
        raw_path = compare.find_program(args.build_dir, "raw-echo-server")
        hub_path = compare.find_program(args.build_dir, "hub-echo-server")

        results = {}  # (size, inflight) -> {"raw": [figures...], "hub": [figures...], "aspnet": [...]}
        servers = [("raw", compare.Server("raw-echo-server", raw_path))]
        try:
            servers.append(("hub", compare.Server("hub-echo-server", hub_path)))
            if reference_path:
                servers.append(("aspnet", compare.Server("reference-server", reference_path, env=REFERENCE_ENV)))
            for round_number in range(1, args.rounds + 1):
                for size, inflight in CONFIGURATIONS:
                    runs = results.setdefault((size, inflight), {name: [] for name, _ in servers})
                    for name, server in servers:
                        hub_mode = name != "raw"
                        load_size = size if hub_mode else hub_invocation_bytes(size)
                        figures = compare.measure_echo(server, ws_load_path, load_size, inflight,
                                                       reference_args if name == "aspnet" else args, hub=hub_mode)
                        runs[name].append(figures)
                        print(f"round {round_number}: {name} {size:4} B x{inflight} (frame payload {load_size} B): "
                              f"{figures['per_cpu_second']:8.0f} echoes/server CPU-s, server CPU "
                              f"{figures['server_busy']:4.0%}, ws-load {figures['load_busy']:4.0%}, others "
                              f"{figures['others_busy']:4.0%}, stolen {figures['stolen']:4.0%}, latency p50 "
                              f"{figures['p50_us']:.0f} us p99 {figures['p99_us']:.0f} us", flush=True)
        finally:
            for _, server in reversed(servers):
                server.stop()

        idle = {}
        if args.idle > 0:
            idle["raw"] = compare.measure_idle("raw-echo-server", raw_path, ws_load_path, args.idle)
            print(f"raw-echo-server: {args.idle} idle WebSocket connections: {idle['raw']:.0f} bytes each", flush=True)
            idle["hub"] = compare.measure_idle("hub-echo-server", hub_path, ws_load_path, args.idle, hub=True)
            print(f"hub-echo-server: {args.idle} idle hub connections (in a group): {idle['hub']:.0f} bytes each",
                  flush=True)
            if reference_path:
                idle["aspnet"] = compare.measure_idle("reference-server", reference_path, ws_load_path, args.idle,
                                                      hub=True, env=REFERENCE_ENV)
                print(f"ASP.NET Core: {args.idle} idle hub connections (in a group): {idle['aspnet']:.0f} bytes each",
                      flush=True)
    except compare.BenchError as e:
        print(f"compare_hub: {e}", file=sys.stderr)
        return 1

    def median(runs, key):
        return statistics.median(f[key] for f in runs)

    print(f"\nMedians of {args.rounds} round(s), {args.connections} connections; echoes per server CPU-second, "
          "latency in microseconds:")
    aspnet = reference_path is not None
    header = (f"  {'configuration':14} {'raw/CPU-s':>10} {'hub/CPU-s':>10} {'hub/raw':>8} {'(min-max)':>11}"
              f" {'raw p50':>8} {'raw p99':>8} {'hub p50':>8} {'hub p99':>8}")
    if aspnet:
        header += f" {'aspnet/CPU-s':>12} {'hub/aspnet':>10} {'asp p50':>8} {'asp p99':>8}"
    print(header)
    busiest = 0.0
    for (size, inflight), runs in results.items():
        raw_rate, hub_rate = median(runs["raw"], "per_cpu_second"), median(runs["hub"], "per_cpu_second")
        ratios = [h["per_cpu_second"] / r["per_cpu_second"] for r, h in zip(runs["raw"], runs["hub"])]
        busiest = max([busiest] + [f["others_busy"] + f["stolen"] for name in runs for f in runs[name]])
        line = (f"  {f'{size} B x{inflight}':14} {raw_rate:10.0f} {hub_rate:10.0f} {hub_rate / raw_rate:8.2f}"
                f" {f'{min(ratios):.2f}-{max(ratios):.2f}':>11}"
                f" {median(runs['raw'], 'p50_us'):8.0f} {median(runs['raw'], 'p99_us'):8.0f}"
                f" {median(runs['hub'], 'p50_us'):8.0f} {median(runs['hub'], 'p99_us'):8.0f}")
        if aspnet:
            aspnet_rate = median(runs["aspnet"], "per_cpu_second")
            line += (f" {aspnet_rate:12.0f} {hub_rate / aspnet_rate:10.2f}"
                     f" {median(runs['aspnet'], 'p50_us'):8.0f} {median(runs['aspnet'], 'p99_us'):8.0f}")
        print(line)
    print("  (goal: hub/raw >= 0.80)")
    if idle:
        print(f"\nRSS per idle connection ({args.idle} connections): raw {idle['raw']:.0f} B, hub {idle['hub']:.0f} B "
              f"({idle['hub'] / 1024:.2f} KiB; goal <= 3 KiB), hub/raw {idle['hub'] / idle['raw']:.2f}")
        if "aspnet" in idle:
            print(f"  ASP.NET Core {idle['aspnet']:.0f} B per idle hub connection; hub/ASP.NET Core "
                  f"{idle['hub'] / idle['aspnet']:.2f}")
    if busiest > 0.1:
        print(f"\nwarning: other processes, or the virtual machine's host (steal time), took up to {busiest:.0%} of a "
              "CPU during the measurements: the figures are noisy, run again on an idle machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
