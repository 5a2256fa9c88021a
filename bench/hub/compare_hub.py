#!/usr/bin/env python3
"""Compares the hub with the raw WebSocket transport under it, in both hub protocols: hub-echo-server
(Echo(string) invocations, ws-load --hub) in JSON and in MessagePack, each beside raw-echo-server (plain
WebSocket echo of frames of the same kind and size as that protocol's Invocation: text frames for JSON,
binary frames for MessagePack), in the same run.

Both servers run on CPU 0, ws-load on CPU 1. For 100 connections x {20 B, 512 B} x {1, 8} messages in
flight it reports echoes per second of the server's CPU time (utime+stime from /proc/PID/stat around
ws-load's measured window), each protocol's ratio to its raw echo (goal: >= 0.8), MessagePack's to
JSON's (goal at 512 B: >= 1), and the echoes' latency (p50, p99). Rounds interleave the runs (raw text,
JSON, raw binary, MessagePack, and ASP.NET Core's); every figure printed at the end is the median of
the rounds. Then, on fresh servers, the RSS that 10,000 idle connections add, per connection (hub
connections past the handshake and in a group, in each protocol; goal: <= 3 KiB). It reuses
bench/echo/compare.py's measurement helpers; figures want an otherwise idle machine (see compare.py).
Stdlib only.

With the ASP.NET Core reference built (build/tests/reference/reference-server, by the test command when
the .NET SDK is there), ASP.NET Core 10 gives more columns: its `/hub` serves the same Echo and
JoinGroup in both protocols (AddMessagePackProtocol), loaded by the same ws-load runs, with Kestrel held
to one core as our servers are (taskset on CPU 0, DOTNET_PROCESSOR_COUNT=1, workstation GC:
DOTNET_gcServer=0) and a longer warm-up (JIT).

Usage: bench/hub/compare_hub.py [--rounds 3] [--seconds 5] [--idle 10000] [--build-dir build]
                                [--protocols json,messagepack] [--reference PATH | --no-reference]
                                [--reference-warmup 5]
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "echo"))
import compare  # noqa: E402  (bench/echo/compare.py)

CONFIGURATIONS = compare.CONFIGURATIONS
TYPICAL_INVOCATION_ID = "1234"  # ws-load's ids grow from 1; a few thousand per connection in a run
# ASP.NET Core on one core, as our single-threaded servers: one processor seen, workstation GC.
REFERENCE_ENV = {"DOTNET_PROCESSOR_COUNT": "1", "DOTNET_gcServer": "0", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
PROTOCOLS = ("json", "messagepack")
LABELS = {"json": "JSON", "messagepack": "MessagePack"}
SHORT = {"json": "JSON", "messagepack": "MP"}  # in table headings


def msgpack_string_bytes(length):
    """Bytes of a MessagePack string of `length` bytes (fixstr, str 8, str 16, str 32 header and the bytes)."""
    return length + (1 if length < 32 else 2 if length < 1 << 8 else 3 if length < 1 << 16 else 5)


def varint_bytes(length):
    """Bytes of the VarInt length prefix of a MessagePack hub message of `length` bytes."""
    count = 1
    while length >= 0x80:
        length >>= 7
        count += 1
    return count


def hub_invocation_bytes(size, protocol="json"):
    """The length of the hub message ws-load --hub sends for an argument of `size` bytes in `protocol`,
    framing included: what the raw server gets as payload, so that both servers move frames of the same
    size."""
    if protocol == "messagepack":
        # [1, {}, "1234", "Echo", ["x..."], []]: array, type, empty map, id, target, 1 argument, no stream ids
        body = 1 + 1 + 1 + msgpack_string_bytes(len(TYPICAL_INVOCATION_ID)) + msgpack_string_bytes(len("Echo")) \
            + 1 + msgpack_string_bytes(size) + 1
        return varint_bytes(body) + body
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


def series_of(protocols, aspnet):
    """The runs of one configuration, in the order a round makes them: (key, server, ws-load mode, the
    protocol whose Invocation size the frames have). Each protocol's raw echo comes just before it."""
    series = []
    for protocol in protocols:
        series.append((f"raw-{protocol}", "raw", {"binary": protocol == "messagepack"}, protocol))
        series.append((protocol, "hub", {"hub": True, "protocol": protocol}, protocol))
    if aspnet:
        for protocol in protocols:
            series.append((f"aspnet-{protocol}", "aspnet", {"hub": True, "protocol": protocol}, protocol))
    return series


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=compare.REPO / "build")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each kind per configuration (medians reported; 0: the idle figures only)")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--idle", type=int, default=10000, help="idle connections for the memory figure (0: skip)")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS),
                        help="comma-separated hub protocols to measure: json, messagepack")
    reference_arguments(parser)
    parser.add_argument("--reference-warmup", type=float, default=5,
                        help="seconds of load before each ASP.NET Core measurement (its JIT warms up)")
    args = parser.parse_args()
    protocols = [p for p in PROTOCOLS if p in {q.strip() for q in args.protocols.split(",")}]
    if not protocols or len(protocols) != len([q for q in args.protocols.split(",") if q.strip()]):
        parser.error(f"--protocols takes {' and '.join(PROTOCOLS)}")
    if args.rounds < 0 or (args.rounds == 0 and args.idle <= 0):
        parser.error("--rounds is not negative, and 0 only with --idle")
    reference_path = reference_server_path(parser, args, "compare_hub")
    reference_args = argparse.Namespace(**{**vars(args), "warmup": max(args.warmup, args.reference_warmup)})
    aspnet = reference_path is not None
    series = series_of(protocols, aspnet)

    compare.raise_file_limit()
    try:
        ws_load_path = compare.find_program(args.build_dir, "ws-load")
        raw_path = compare.find_program(args.build_dir, "raw-echo-server")
        hub_path = compare.find_program(args.build_dir, "hub-echo-server")

        results = {}  # (size, inflight) -> {series key: [figures of each round]}
        servers = {"raw": compare.Server("raw-echo-server", raw_path)}
        try:
            servers["hub"] = compare.Server("hub-echo-server", hub_path)
            if aspnet:
                servers["aspnet"] = compare.Server("reference-server", reference_path, env=REFERENCE_ENV)
            for round_number in range(1, args.rounds + 1):
                for size, inflight in CONFIGURATIONS:
                    runs = results.setdefault((size, inflight), {key: [] for key, *_ in series})
                    for key, server_name, mode, protocol in series:
                        server = servers[server_name]
                        load_size = size if mode.get("hub") else hub_invocation_bytes(size, protocol)
                        figures = compare.measure_echo(server, ws_load_path, load_size, inflight,
                                                       reference_args if server_name == "aspnet" else args, **mode)
                        runs[key].append(figures)
                        frames = ("binary" if protocol == "messagepack" else "text") + " frames"
                        print(f"round {round_number}: {key:18} {size:4} B x{inflight} ({frames}, payload "
                              f"{load_size} B): {figures['per_cpu_second']:8.0f} echoes/server CPU-s, server CPU "
                              f"{figures['server_busy']:4.0%}, ws-load {figures['load_busy']:4.0%}, others "
                              f"{figures['others_busy']:4.0%}, stolen {figures['stolen']:4.0%}, latency p50 "
                              f"{figures['p50_us']:.0f} us p99 {figures['p99_us']:.0f} us", flush=True)
        finally:
            for server in reversed(list(servers.values())):
                server.stop()

        idle = {}
        if args.idle > 0:
            idle["raw"] = compare.measure_idle("raw-echo-server", raw_path, ws_load_path, args.idle)
            print(f"raw-echo-server: {args.idle} idle WebSocket connections: {idle['raw']:.0f} bytes each", flush=True)
            for protocol in protocols:
                idle[protocol] = compare.measure_idle("hub-echo-server", hub_path, ws_load_path, args.idle, hub=True,
                                                      protocol=protocol)
                print(f"hub-echo-server: {args.idle} idle {LABELS[protocol]} hub connections (in a group): "
                      f"{idle[protocol]:.0f} bytes each", flush=True)
            if aspnet:
                for protocol in protocols:
                    idle[f"aspnet-{protocol}"] = compare.measure_idle(
                        "reference-server", reference_path, ws_load_path, args.idle, hub=True, env=REFERENCE_ENV,
                        protocol=protocol)
                    print(f"ASP.NET Core: {args.idle} idle {LABELS[protocol]} hub connections (in a group): "
                          f"{idle[f'aspnet-{protocol}']:.0f} bytes each", flush=True)
    except compare.BenchError as e:
        print(f"compare_hub: {e}", file=sys.stderr)
        return 1

    goals = []  # (what, figure, goal met, goal)
    if results:
        print_echo_tables(args, results, series, protocols, aspnet, goals)
    if idle:
        print(f"\nRSS per idle connection ({args.idle} connections): raw WebSocket {idle['raw']:.0f} B")
        for protocol in protocols:
            print(f"  {LABELS[protocol]:11} hub {idle[protocol]:6.0f} B ({idle[protocol] / 1024:.2f} KiB), "
                  f"hub/raw {idle[protocol] / idle['raw']:.2f}"
                  + (f"; ASP.NET Core {idle[f'aspnet-{protocol}']:.0f} B, ours/ASP.NET Core "
                     f"{idle[protocol] / idle[f'aspnet-{protocol}']:.2f}" if f"aspnet-{protocol}" in idle else ""))
            goals.append((f"idle {LABELS[protocol]} hub connection, bytes", idle[protocol], idle[protocol] <= 3072,
                          "<= 3072"))

    print("\nGoals:")
    for what, figure, met, goal in goals:
        shown = f"{figure:.0f}" if figure > 100 else f"{figure:.2f}"
        print(f"  {what:40} {shown:>8}  (goal {goal}: {'met' if met else 'NOT MET'})")

    busiest = max([0.0] + [f["others_busy"] + f["stolen"] for runs in results.values() for name in runs
                           for f in runs[name]])
    if busiest > 0.1:
        print(f"\nwarning: other processes, or the virtual machine's host (steal time), took up to {busiest:.0%} of a "
              "CPU during the measurements: the figures are noisy, run again on an idle machine")
    return 0


def print_echo_tables(args, results, series, protocols, aspnet, goals):
    """The echo figures: rates and ratios, latencies, ASP.NET Core's; each ratio's goal added to `goals`."""
    def median(runs, key):
        return statistics.median(f[key] for f in runs)

    def ratio_cell(runs, numerator, denominator):
        """The ratio of the medians, and the range of the rounds' own ratios."""
        rate = median(runs[numerator], "per_cpu_second") / median(runs[denominator], "per_cpu_second")
        ratios = [n["per_cpu_second"] / d["per_cpu_second"] for n, d in zip(runs[numerator], runs[denominator])]
        return f"{rate:.2f} ({min(ratios):.2f}-{max(ratios):.2f})", rate

    def print_table(title, columns, cells):
        """One line per configuration; `cells(runs)` gives the cells under `columns`."""
        widths = [max(len(c), 8) for c in columns]
        print(title)
        print(f"  {'configuration':13}" + "".join(f" {c:>{w}}" for c, w in zip(columns, widths)))
        for (size, inflight), runs in results.items():
            print(f"  {f'{size} B x{inflight}':13}" + "".join(f" {v:>{w}}" for v, w in zip(cells(runs), widths)))

    def short(key):
        kind, _, protocol = key.rpartition("-")
        return {"": "", "raw": "raw", "aspnet": "asp"}[kind] + SHORT[protocol]

    print(f"\nMedians of {args.rounds} round(s), {args.connections} connections; raw frames as large as each "
          "protocol's Invocation (text for JSON, binary for MessagePack).")
    columns = []
    for protocol in protocols:
        label = SHORT[protocol]
        columns += [f"raw{label}/CPU-s", f"{label}/CPU-s", f"{label}/raw (rounds)"]
    both = len(protocols) == 2
    if both:
        columns.append("MP/JSON (rounds)")

    def rate_cells(runs):
        cells = []
        for protocol in protocols:
            cells += [f"{median(runs[f'raw-{protocol}'], 'per_cpu_second'):.0f}",
                      f"{median(runs[protocol], 'per_cpu_second'):.0f}",
                      ratio_cell(runs, protocol, f"raw-{protocol}")[0]]
        if both:
            cells.append(ratio_cell(runs, "messagepack", "json")[0])
        return cells

    print_table("Echoes per server CPU-second (ratios: of the medians, and the rounds' range):", columns, rate_cells)
    for (size, inflight), runs in results.items():
        for protocol in protocols:
            rate = ratio_cell(runs, protocol, f"raw-{protocol}")[1]
            goals.append((f"{LABELS[protocol]}/raw, {size} B x{inflight}", rate, rate >= 0.8, ">= 0.80"))
        if both and size == 512:
            rate = ratio_cell(runs, "messagepack", "json")[1]
            goals.append((f"MessagePack/JSON, {size} B x{inflight}", rate, rate >= 1.0, ">= 1.00"))

    latency_columns = []
    for key, *_ in series:
        latency_columns += [f"{short(key)} p50", f"{short(key)} p99"]
    print_table("\nLatency, microseconds (send to echo, as ws-load sees it):", latency_columns,
                lambda runs: [f"{median(runs[key], p):.0f}" for key, *_ in series for p in ("p50_us", "p99_us")])

    if aspnet:
        aspnet_columns = []
        for protocol in protocols:
            label = SHORT[protocol]
            aspnet_columns += [f"asp{label}/CPU-s", f"{label}/asp{label} (rounds)"]
        print_table("\nBeside ASP.NET Core 10 (echoes per server CPU-second; above 1: ours does more):", aspnet_columns,
                    lambda runs: [cell for protocol in protocols for cell in (
                        f"{median(runs[f'aspnet-{protocol}'], 'per_cpu_second'):.0f}",
                        ratio_cell(runs, protocol, f"aspnet-{protocol}")[0])])


if __name__ == "__main__":
    sys.exit(main())
