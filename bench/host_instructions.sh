#!/bin/bash
# Instructions per allocate/free pair of the pool core, counted by callgrind on the host build
# (bench/host/pool_pair.cpp), excluding the host's thread-local lookups (pthread_getspecific:
# the PE module reads its TLS slots from the TEB inline instead). Deterministic, so usable on a
# busy machine where timings are not; the PE module's count differs somewhat (the host libraries
# are position-independent, and the Win64 calling convention saves more registers).
#   bash bench/host_instructions.sh [SIZE...]     (default: 16 64 1000 8192 65536)
# Needs valgrind (apt-get install valgrind) and a host build (cmake --build --preset default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build}
program=$build/bench/host/pool_pair_host
command -v valgrind >/dev/null || { echo "host_instructions.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[ -x "$program" ] || cmake --build "$build" --target pool_pair_host >/dev/null
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(16 64 1000 8192 65536)
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# Two runs per size: the difference between N and 2N pairs cancels start-up and exit.
n=100000
printf '%-8s %s\n' "bytes" "instructions per pair (excluding TLS lookups)"
for size in "${sizes[@]}"; do
    for k in 1 2; do
        valgrind --tool=callgrind --callgrind-out-file="$out/cg.$k" "$program" $((k * n)) "$size" >/dev/null 2>&1
        callgrind_annotate --auto=no "$out/cg.$k" 2>/dev/null |
            awk '/PROGRAM TOTALS/ {gsub(",", "", $1); t = $1}
                 /pthread_getspecific@@|platform::tls_get_slow\(int\) \[/ {gsub(",", "", $1); x += $1}
                 END {print t - x}' > "$out/n.$k"
    done
    awk -v a="$(cat "$out/n.1")" -v b="$(cat "$out/n.2")" -v n=$n -v s="$size" 'BEGIN {printf "%-8s %.1f\n", s, (b - a) / n}'
done
