#!/usr/bin/env python3
"""Compares WebSocket echo servers: signalrpp's raw-echo-server against Boost.Beast and websocketpp, and
against the floor under them all (floor-echo-server: an epoll echo with no library, one recv and one send
system call per batch, whose ratio to another server is the most any server of system-call reads and
writes can reach against it on this machine).

Each server is pinned to CPU 0, ws-load to CPU 1. For 100 connections x {20 B, 512 B} x {1, 8} messages
in flight it reports echoes per second of the server's CPU time (utime+stime from /proc/PID/stat, read
when ws-load prints "window start" and "window end", so connecting and warm-up are not counted), and
echoes per wall second. Then, on a fresh server, the RSS that 10,000 idle connections add, per connection.
Every figure wants an otherwise idle machine (CPU shared with a compiler changes how many messages each
wake-up finds, hence the CPU cost per echo): it prints the CPU other processes and the host (steal time)
took in each window, and warns above 10% of a CPU. Stdlib only.

Usage: bench/echo/compare.py [--servers raw,beast,websocketpp,floor] [--build-dir build] [--seconds 5]
"""

import argparse
import os
import re
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_NAMES = {"raw": "raw-echo-server", "beast": "beast-echo-server", "websocketpp": "websocketpp-echo-server",
                "floor": "floor-echo-server"}
CONFIGURATIONS = [(20, 1), (20, 8), (512, 1), (512, 8)]  # (message bytes, messages in flight)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 10  # seconds for a server's first line


class BenchError(Exception):
    pass


def raise_file_limit():
    """preexec_fn: a child may hold as many descriptors as the hard limit allows (10,000 idle connections)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of proc(5)


def machine_seconds():
    """CPU time of all CPUs: (busy, stolen), in seconds; stolen is time a virtual machine's host took."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchError(f"no VmRSS for process {pid}")


class Lines:
    """A child's standard output, line by line, with a deadline. Unbuffered by Python, so select() sees
    every line as soon as the child writes it (a line must be acted on the moment it comes: "window start")."""

    def __init__(self, process):
        self.process = process
        self.fd = process.stdout.fileno()
        self.buffer = b""

    def next(self, deadline, what):
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"{what}: timed out")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                data = os.read(self.fd, 65536)
                if not data:
                    self.process.wait()
                    raise BenchError(f"{what}: exited with status {self.process.returncode}")
                self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode(errors="replace")

    def drain(self):
        """Reads and drops the rest in the background, so the child never blocks on a full pipe."""
        def run():
            while os.read(self.fd, 65536):
                pass
        threading.Thread(target=run, daemon=True).start()


def find_program(build_dir, name):
    directories = (build_dir / "bench", build_dir / "bench" / "echo", build_dir / "bench" / "hub")
    for candidate in (d / name for d in directories):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BenchError(f"{name} not found in {', '.join(map(str, directories))}: build it first")


class Server:
    """An echo server on CPU 0, started with --port 0; its port read from its first line ("listening on
    ws://127.0.0.1:PORT", or http:// for the hub server)."""

    def __init__(self, name, path, keep_output=False, env=None):
        """keep_output: its later lines are left in self.output for the caller to read (otherwise dropped).
        env: variables to set for the server, beside this process's."""
        self.name = name
        self.process = subprocess.Popen(
            ["taskset", "-c", "0", str(path), "--port", "0"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0, preexec_fn=raise_file_limit,
            env={**os.environ, **env} if env else None)
        self.pid = self.process.pid  # taskset execs the server: same process
        output = Lines(self.process)
        try:
            line = output.next(time.monotonic() + START_TIMEOUT, f"{name}: start")
        except BenchError:
            self.stop()
            raise
        match = re.fullmatch(r"listening on (?:ws|http)://127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise BenchError(f"{name}: expected 'listening on ws://127.0.0.1:PORT' first, got {line!r}")
        self.port = int(match.group(1))
        self.output = output
        if not keep_output:
            output.drain()

    def check_alive(self):
        if self.process.poll() is not None:
            raise BenchError(f"{self.name}: exited with status {self.process.returncode}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise BenchError(f"{self.name}: did not exit on SIGTERM")
            if self.process.returncode != 0:
                print(f"compare: warning: {self.name} exited with status {self.process.returncode} on SIGTERM "
                      "(the contract says it exits cleanly)", file=sys.stderr)


def ws_load(ws_load_path, port, *arguments):
    return subprocess.Popen(
        ["taskset", "-c", "1", str(ws_load_path), "--port", str(port), *map(str, arguments)],
        stdout=subprocess.PIPE, stdin=subprocess.PIPE, bufsize=0, preexec_fn=raise_file_limit)


def measure_window(server, load, what, deadline, count_line, time_line):
    """Follows ws-load `load` to its end, reading the server's, ws-load's and the machine's CPU time at its
    "window start" and "window end" lines. `count_line` matches the line after "window end" (group 1 the
    count of messages, group 2 the seconds), `time_line` the next one (groups 1 and 2: p50 and p99 in
    microseconds). Returns the count, per server CPU-second and per wall second, both processes' CPU use in
    the window, and the p50 and p99."""
    output = Lines(load)
    try:
        while output.next(deadline, f"ws-load ({what})") != "window start":
            pass
        server_start, load_start, wall_start = cpu_seconds(server.pid), cpu_seconds(load.pid), time.monotonic()
        machine_start = machine_seconds()
        while output.next(deadline, f"ws-load ({what})") != "window end":
            pass
        server_end, load_end, wall_end = cpu_seconds(server.pid), cpu_seconds(load.pid), time.monotonic()
        machine_end = machine_seconds()
        figures = []
        for pattern in (count_line, time_line):
            line = output.next(deadline, f"ws-load ({what})")
            match = re.fullmatch(pattern, line)
            if not match:
                raise BenchError(f"ws-load ({what}): unexpected line {line!r}")
            figures.append(match)
        load.stdin.close()
        if load.wait(timeout=30) != 0:
            raise BenchError(f"ws-load ({what}): exited with status {load.returncode}")
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    server.check_alive()
    count, seconds = int(figures[0].group(1)), float(figures[0].group(2))
    server_cpu = server_end - server_start
    if count == 0 or server_cpu <= 0:
        raise BenchError(f"{what}: nothing measured (no messages, or no server CPU time in the window)")
    wall = wall_end - wall_start
    load_cpu = load_end - load_start
    return {
        "count": count,
        "per_cpu_second": count / server_cpu,
        "per_second": count / seconds,
        "server_busy": server_cpu / wall,
        "load_busy": load_cpu / wall,
        "others_busy": max(0.0, machine_end[0] - machine_start[0] - server_cpu - load_cpu) / wall,
        "stolen": (machine_end[1] - machine_start[1]) / wall,
        "p50_us": float(figures[1].group(1)),
        "p99_us": float(figures[1].group(2)),
    }


def load_mode(hub=False, protocol=None, binary=False):
    """ws-load's arguments for a kind of connection: raw text frames (the default), raw binary frames
    (binary), or a hub connection (hub) speaking `protocol` (json, messagepack, mixed; None: ws-load's
    default, JSON)."""
    if hub:
        return ["--hub"] + (["--protocol", protocol] if protocol else [])
    return ["--binary"] if binary else []


def measure_echo(server, ws_load_path, size, inflight, args, hub=False, protocol=None, binary=False):
    """Echoes per server CPU-second and per wall second, both processes' CPU use in the window, and the
    echoes' latency (p50, p99, microseconds). hub: ws-load --hub (Echo invocations on /hub) in `protocol`;
    binary: raw binary frames rather than text (see load_mode)."""
    load = ws_load(ws_load_path, server.port, *load_mode(hub, protocol, binary), "--connections", args.connections,
                   "--size", size, "--inflight", inflight, "--seconds", args.seconds, "--warmup", args.warmup)
    return measure_window(server, load, f"{server.name}, {size} B x {inflight}",
                          time.monotonic() + args.seconds + args.warmup + 60,
                          r"echoes (\d+) in ([0-9.]+) s: ([0-9.]+) echoes/s",
                          r"latency p50 ([0-9.]+) us p99 ([0-9.]+) us \(\d+ echoes\)")


def measure_idle(name, path, ws_load_path, connections, hub=False, env=None, protocol=None):
    """Bytes of RSS a fresh server adds per idle connection (hub: past the handshake and in a group,
    speaking `protocol`, see load_mode)."""
    server = Server(name, path, env=env)
    try:
        time.sleep(0.2)
        before = rss_bytes(server.pid)
        load = ws_load(ws_load_path, server.port, *load_mode(hub, protocol), "--idle", connections)
        output = Lines(load)
        try:
            deadline = time.monotonic() + 120
            expected = f"idle {connections} open"
            while output.next(deadline, f"ws-load ({name}, idle)") != expected:
                pass
            time.sleep(1)  # let the server finish what it does after the handshake (first reads, buffers)
            server.check_alive()
            after = rss_bytes(server.pid)
            load.stdin.close()
            if load.wait(timeout=30) != 0:
                raise BenchError(f"ws-load ({name}, idle): exited with status {load.returncode}")
        finally:
            if load.poll() is None:
                load.kill()
                load.wait()
        server.check_alive()
    finally:
        server.stop()
    return (after - before) / connections


def column_name(size, inflight):
    return f"{size}B x{inflight}"


def print_table(title, rows, columns, cell):
    names = [name for name, _ in rows]
    first_width = max(len("server"), *map(len, names))
    widths = [max(len(c), 10) for c in columns]
    print(title)
    print("  " + "server".ljust(first_width) + "".join("  " + c.rjust(w) for c, w in zip(columns, widths)))
    for name, result in rows:
        cells = [cell(result, c) for c in columns]
        print("  " + name.ljust(first_width) + "".join("  " + v.rjust(w) for v, w in zip(cells, widths)))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="raw,beast,websocketpp,floor",
                        help="comma-separated: raw, beast, websocketpp, floor (or program names); the first is compared "
                             "to the others, and the floor to each server")
    parser.add_argument("--build-dir", type=Path, default=REPO / "build")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per configuration")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--idle", type=int, default=10000, help="idle connections for the memory figure (0: skip)")
    args = parser.parse_args()

    raise_file_limit()
    try:
        ws_load_path = find_program(args.build_dir, "ws-load")
        servers = []
        for name in filter(None, (n.strip() for n in args.servers.split(","))):
            program = SERVER_NAMES.get(name, name)
            servers.append((program, find_program(args.build_dir, program)))

        rows = []
        for program, path in servers:
            result = {}
            server = Server(program, path)
            try:
                for size, inflight in CONFIGURATIONS:
                    figures = measure_echo(server, ws_load_path, size, inflight, args)
                    result[column_name(size, inflight)] = figures
                    print(f"{program:24} {size:4} B x{inflight}: {figures['per_cpu_second']:10.0f} echoes/server CPU-s, "
                          f"{figures['per_second']:10.0f} echoes/s, server CPU {figures['server_busy']:4.0%}, "
                          f"ws-load CPU {figures['load_busy']:4.0%}, others {figures['others_busy']:4.0%}, "
                          f"stolen {figures['stolen']:4.0%}, latency p50 {figures['p50_us']:.0f} us p99 {figures['p99_us']:.0f} us",
                          flush=True)
            finally:
                server.stop()
            if args.idle > 0:
                result["idle"] = measure_idle(program, path, ws_load_path, args.idle)
                print(f"{program:24} {args.idle} idle connections: {result['idle']:.0f} bytes each", flush=True)
            rows.append((program, result))
    except BenchError as e:
        print(f"compare: {e}", file=sys.stderr)
        return 1

    print()
    echo_columns = [column_name(s, k) for s, k in CONFIGURATIONS]
    columns = echo_columns + (["B/idle conn"] if args.idle > 0 else [])

    def per_cpu(result, column):
        return f"{result['idle']:.0f}" if column == "B/idle conn" else f"{result[column]['per_cpu_second']:.0f}"

    print_table(f"Echoes per server CPU-second ({args.connections} connections, message bytes x in flight), "
                f"and RSS bytes per idle connection ({args.idle}):", rows, columns, per_cpu)
    print_table("Echoes per wall second (server on CPU 0, ws-load on CPU 1; comparable only on an otherwise idle "
                "machine, see the CPU shares above):", rows, echo_columns, lambda r, c: f"{r[c]['per_second']:.0f}")

    busiest = max(r[c]["others_busy"] + r[c]["stolen"] for _, r in rows for c in echo_columns)
    if busiest > 0.1:
        print(f"warning: other processes, or the virtual machine's host (steal time), took up to {busiest:.0%} of a "
              "CPU during the measurements: the figures are noisy, run again on an idle machine\n")

    if len(rows) > 1:
        first_name, first = rows[0]
        print_table(f"{first_name} / each other server (echoes per CPU-second: above 1 means {first_name} does more "
                    f"per CPU-second; bytes per idle connection: above 1 means {first_name} uses more):",
                    rows[1:], columns, ratio_of(first))
    floor = dict(rows).get(SERVER_NAMES["floor"])
    if floor is not None and len(rows) > 1:
        print_table(f"{SERVER_NAMES['floor']} / each server (echoes per CPU-second): the most that any server which "
                    "reads and writes with system calls can reach against that server on this machine:",
                    [(name, result) for name, result in rows if result is not floor], echo_columns, ratio_of(floor))
    return 0


def ratio_of(numerator):
    """A print_table cell: numerator's figure over a row's (echoes per CPU-second, or bytes per idle
    connection)."""
    def ratio(result, column):
        if column == "B/idle conn":
            return f"{numerator['idle'] / result['idle']:.2f}" if result["idle"] > 0 else "-"
        return f"{numerator[column]['per_cpu_second'] / result[column]['per_cpu_second']:.2f}"
    return ratio


if __name__ == "__main__":
    sys.exit(main())
