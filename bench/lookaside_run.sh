#!/bin/bash
# Runs lookaside_bench.exe against the project's ntoskrnl.exe and Wine's builtin, per architecture,
# and prints the hit-path rows and the burst miss-ratio curves side by side (bench/README.md).
#   bash bench/lookaside_run.sh [i386|x86_64|all]     (BENCH_TIME, BENCH_SECONDS, BENCH_BUILD_DIR)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BENCH_BUILD_DIR:-$repo/build}")
case "${1:-all}" in
    all) archs="i386 x86_64" ;;
    i386|x86_64) archs=$1 ;;
    *) echo "usage: $0 [i386|x86_64|all]" >&2; exit 2 ;;
esac
for arch in $archs; do
    exe=$build/pe-$arch/bin/lookaside_bench.exe
    [ -f "$exe" ] || { echo "ERROR: $exe missing: build first" >&2; exit 1; }
    prefix=$build/pe-$arch/wineprefix/workstation
    bash "$repo/cmake/wine-prefix.sh" "$arch" "$prefix" >/dev/null
    out=$build/bench-results/$arch
    mkdir -p "$out"
    args=(--time "${BENCH_TIME:-0.5}" --seconds "${BENCH_SECONDS:-6}")
    WINEPREFIX=$prefix bash "$repo/cmake/wine-run.sh" "$arch" "$exe" "${args[@]}" >"$out/lookaside_ours.txt" 2>/dev/null
    WINEPREFIX=$prefix WINEDLLOVERRIDES=ntoskrnl.exe,hal.dll=b \
        bash "$repo/cmake/wine-run.sh" "$arch" "$exe" "${args[@]}" >"$out/lookaside_wine.txt" 2>/dev/null
    grep -q '^MODULE native' "$out/lookaside_ours.txt" || { echo "ERROR: $arch run not bound to the project's module" >&2; exit 1; }
    grep -q '^MODULE wine-builtin' "$out/lookaside_wine.txt" || { echo "ERROR: $arch run not bound to Wine's builtin" >&2; exit 1; }
    awk -v arch="$arch" '
        { sub(/\r$/, "") }
        FNR == 1 { side = FILENAME ~ /ours/ ? "ours" : "wine" }
        /^RESULT / { ns[side, $2] = $3 }
        /^CURVE / { miss[side, $2] = $3; depth[side, $2] = $4; if ($2 > n) n = $2 }
        END {
            printf "\n== %s: lookaside_bench ==\n", arch
            printf "%-22s %12s %12s\n", "workload (ns)", "ours", "Wine"
            printf "%-22s %12s %12s\n", "lookaside_hit_pair", ns["ours", "lookaside_hit_pair"], ns["wine", "lookaside_hit_pair"]
            printf "%-22s %12s %12s\n", "cas2_baseline", ns["ours", "cas2_baseline"], ns["wine", "cas2_baseline"]
            if (ns["ours", "cas2_baseline"] > 0)
                printf "hit pair / two CAS: ours %.2fx (target <= 1.3x), Wine %.2fx\n",
                       ns["ours", "lookaside_hit_pair"] / ns["ours", "cas2_baseline"],
                       ns["wine", "lookaside_hit_pair"] / ns["wine", "cas2_baseline"]
            printf "\nburst (64 alloc, 64 free) miss ratio per second, %% (Depth)\n"
            printf "%-8s %16s %16s\n", "second", "ours", "Wine"
            for (s = 1; s <= n; s++)
                printf "%-8s %10s (%3s) %10s (%3s)\n", s, miss["ours", s], depth["ours", s], miss["wine", s], depth["wine", s]
        }' "$out/lookaside_ours.txt" "$out/lookaside_wine.txt"
done
