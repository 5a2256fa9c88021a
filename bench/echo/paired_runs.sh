#!/usr/bin/env bash
# Interleaved A/B runs of two echo servers at one load, for figures steadier than one compare.py run on a
# noisy machine: for each round, each server is started on CPU 0 and loaded by ws-load on CPU 1, and its
# echoes per server CPU-second (utime+stime from /proc, around the whole load) are printed, then the
# ratio of the first to the second. With --floor, floor-echo-server runs third in each round, and its ratio
# to the second is the most any server of system-call reads and writes can reach against it here.
#
#   bench/echo/paired_runs.sh [--rounds 5] [--size 20] [--inflight 1] [--seconds 4] [--build-dir build] [--floor]
#   (servers: build/bench/raw-echo-server against build/bench/echo/beast-echo-server)
set -euo pipefail
rounds=5 size=20 inflight=1 seconds=4 build=build floor=false
while [ $# -gt 0 ]; do
  case "$1" in
    --floor) floor=true; shift; continue ;;
    --rounds) rounds=$2 ;; --size) size=$2 ;; --inflight) inflight=$2 ;; --seconds) seconds=$2 ;;
    --build-dir) build=$2 ;;
    *) echo "usage: $0 [--rounds N] [--size B] [--inflight K] [--seconds T] [--build-dir D] [--floor]" >&2; exit 2 ;;
  esac
  shift 2
done
servers=("$build/bench/raw-echo-server" "$build/bench/echo/beast-echo-server")
if $floor; then servers+=("$build/bench/echo/floor-echo-server"); fi
load="$build/bench/echo/ws-load"

# Prints echoes per server CPU-second for one server.
run_one() {
  local out; out=$(mktemp)
  taskset -c 0 "$1" --port 0 > "$out" &
  local pid=$!
  for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
  local port; port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$out")
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  local echoes
  echoes=$(taskset -c 1 "$load" --port "$port" --connections 100 --size "$size" --inflight "$inflight" \
             --seconds "$seconds" --warmup 0 | sed -n 's/^echoes \([0-9]*\) .*/\1/p')
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$out"
  local ticks=$(( u1 - u0 + s1 - s0 ))
  echo $(( echoes * $(getconf CLK_TCK) / (ticks > 0 ? ticks : 1) ))
}

echo "size $size B, $inflight in flight, $seconds s per run; echoes per server CPU-second"
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
for r in $(seq "$rounds"); do
  a=$(run_one "${servers[0]}"); b=$(run_one "${servers[1]}")
  line="round $r: $(basename "${servers[0]}") $a  $(basename "${servers[1]}") $b  ratio $(ratio "$a" "$b")"
  if $floor; then
    f=$(run_one "${servers[2]}")
    line+="  $(basename "${servers[2]}") $f  floor ratio $(ratio "$f" "$b")"
  fi
  echo "$line"
done
