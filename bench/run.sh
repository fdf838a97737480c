#!/usr/bin/env bash
# bench/run.sh [i386|x86_64|all]   (default: all)
#
# For each architecture, runs pool_bench.exe twice in this one invocation, under that
# architecture's Wine and in the same prefix: once bound to the project's ntoskrnl.exe (next to
# the program in build/pe-<arch>/bin, WINEDLLOVERRIDES ntoskrnl.exe=n as cmake/wine-run.sh sets
# it), once bound to Wine's builtin ntoskrnl.exe and hal.dll (ntoskrnl.exe,hal.dll=b). Each run states which module
# it was bound to; a run bound to the wrong one is an error. Then prints the comparison table.
# A benchmark: the exit status says whether it could measure, not whether targets were met.
#
# Environment (all optional):
#   BENCH_BUILD_DIR        host build directory holding pe-<arch>/ (default: <repo>/build)
#   BENCH_PREFIX_i386, BENCH_PREFIX_x86_64
#                          Wine prefix per architecture (default: <build>/pe-<arch>/wineprefix/workstation,
#                          created with cmake/wine-prefix.sh if missing)
#   BENCH_TIME             seconds measured per workload, both architectures
#   BENCH_TIME_i386, BENCH_TIME_x86_64
#                          per architecture (defaults 0.3 and 0.5: i386 Wine runs under qemu here)
#   BENCH_ONLY             workload name prefixes, comma-separated (pool_bench --only)
#   BENCH_OUT_DIR          where the raw outputs go (default: <build>/bench-results)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BENCH_BUILD_DIR:-$repo/build}")
out_root=$(realpath -m "${BENCH_OUT_DIR:-$build/bench-results}")
case "${1:-all}" in
    all) archs="i386 x86_64" ;;
    i386|x86_64) archs=$1 ;;
    *) echo "usage: $0 [i386|x86_64|all]" >&2; exit 2 ;;
esac

# run_one ARCH PREFIX EXE TIME OUTFILE [extra WINEDLLOVERRIDES]
run_one() {
    local arch=$1 prefix=$2 exe=$3 time=$4 outfile=$5 overrides=${6:-} rc=0
    local args=(--time "$time")
    [ -n "${BENCH_ONLY:-}" ] && args+=(--only "$BENCH_ONLY")
    WINEPREFIX=$prefix WINEDLLOVERRIDES=$overrides \
        bash "$repo/cmake/wine-run.sh" "$arch" "$exe" "${args[@]}" >"$outfile" 2>"$outfile.stderr" || rc=$?
    grep -v '^RESULT \|^ENV \|^MODULE \|^MEM ' "$outfile" | sed 's/\r$//' || true
    return $rc
}

# module_kind OUTFILE -> wine-builtin | native | (empty)
module_kind() { awk '/^MODULE /{print $2; exit}' "$1" | tr -d '\r'; }

# table ARCH OURS_FILE WINE_FILE (OURS_FILE may be empty: no measurement of ours)
table() {
    local arch=$1 ours=$2 wine=$3
    awk -v arch="$arch" -v load="$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)" -v have_ours="$([ -n "$ours" ] && echo 1 || echo 0)" '
    function field(rest, key,    n, i, kv, parts) {
        n = split(rest, parts, " ")
        for (i = 1; i <= n; i++) { split(parts[i], kv, "="); if (kv[1] == key) return kv[2] }
        return ""
    }
    function fmt(x) { return x == "" ? "-" : sprintf("%.1f", x) }
    function speedup(o, w) { return (o == "" || w == "" || o <= 0) ? "-" : sprintf("%.2fx", w / o) }
    function verdict(o, w, t) {
        if (t == "") return ""
        if (o == "" || w == "" || o <= 0) return sprintf(">= %dx", t)
        return sprintf(">= %dx %s", t, (w / o >= t) ? "met" : "NOT met")
    }
    BEGIN {
        target["pair_nonpaged_64"] = 10; target["churn_4096"] = 10
        target["churn_65536"] = 100; target["threads2_pair_64"] = 100
    }
    { sub(/\r$/, "") }
    FNR == 1 { side = (have_ours && FILENAME == ARGV[1]) ? "ours" : "wine" }
    /^ENV / { env[side] = $0 }
    /^MEM first_use / { first[side] = $0 }
    /^RESULT / {
        name = $2
        if (!(name in seen)) { seen[name] = 1; order[++count] = name }
        ns[side, name] = $3
        rest = $0
        extra[side, name] = rest
    }
    END {
        wine_ver = field(env["wine"], "wine"); t = field(env["wine"], "time")
        printf "\n== %s: pool_bench, Wine %s, %s s per workload; load average after the runs: %s ==\n\n", arch, wine_ver, t, load
        printf "%-28s %14s %14s %10s   %s\n", "workload", "ours ns/op", "Wine ns/op", "speed-up", "target (Wine/ours)"
        printf "%-28s %14s %14s %10s   %s\n", "--------", "----------", "----------", "--------", "------------------"
        for (i = 1; i <= count; i++) {
            n = order[i]
            printf "%-28s %14s %14s %10s   %s\n", n, fmt(ns["ours", n]), fmt(ns["wine", n]),
                   speedup(ns["ours", n], ns["wine", n]), verdict(ns["ours", n], ns["wine", n], target[n])
        }
        printf "\nMemory: bytes per live requested byte after filling the live set (delta / live bytes)\n"
        printf "%-28s %14s %14s %14s %14s\n", "", "ours addr.sp.", "Wine addr.sp.", "ours commit", "Wine commit"
        for (i = 1; i <= count; i++) {
            n = order[i]
            if (n !~ /^churn_/) continue
            printf "%-28s %14s %14s %14s %14s\n", n,
                   field(extra["ours", n], "overhead") == "" ? "-" : field(extra["ours", n], "overhead"),
                   field(extra["wine", n], "overhead") == "" ? "-" : field(extra["wine", n], "overhead"),
                   field(extra["ours", n], "commit_overhead") == "" ? "-" : field(extra["ours", n], "commit_overhead"),
                   field(extra["wine", n], "commit_overhead") == "" ? "-" : field(extra["wine", n], "commit_overhead")
            printf "%-28s %14s %14s\n", "  (after churn, addr.sp.)",
                   field(extra["ours", n], "overhead_after_churn") == "" ? "-" : field(extra["ours", n], "overhead_after_churn"),
                   field(extra["wine", n], "overhead_after_churn") == "" ? "-" : field(extra["wine", n], "overhead_after_churn")
        }
        for (s = 1; s <= 2; s++) {
            side = s == 1 ? "ours" : "wine"
            if (first[side] == "") continue
            printf "%-28s %s: %.1f MiB address space, %.1f MiB committed, %.0f us\n",
                   (s == 1 ? "first pool use" : ""), (s == 1 ? "ours" : "Wine"),
                   field(first[side], "as_delta") / 1048576, field(first[side], "commit_delta") / 1048576,
                   field(first[side], "us")
        }
        so = field(extra["ours", "threads2_pair_64"], "scaling"); sw = field(extra["wine", "threads2_pair_64"], "scaling")
        if (so != "" || sw != "") {
            printf "\nTwo threads: total throughput / one-thread throughput (target >= 1.7)\n"
            printf "%-28s %14s %14s   %s\n", "scaling 2 threads / 1", so == "" ? "-" : so "x", sw == "" ? "-" : sw "x",
                   so == "" ? "" : (so >= 1.7 ? "met" : "NOT met")
        }
    }' ${ours:+"$ours"} "$wine"
}

status=0
for arch in $archs; do
    bin=$build/pe-$arch/bin
    exe=$bin/pool_bench.exe
    if [ ! -f "$exe" ]; then
        echo "ERROR: $exe is missing: build first (cmake --build --preset default), with add_subdirectory(bench)" >&2
        echo "       in the top-level CMakeLists.txt and the pool routines in spec/ntoskrnl.exe.spec" >&2
        status=1; continue
    fi
    prefix_var=BENCH_PREFIX_$arch
    prefix=$(realpath -m "${!prefix_var:-$build/pe-$arch/wineprefix/workstation}")
    time_var=BENCH_TIME_$arch
    default_time=0.5; [ "$arch" = i386 ] && default_time=0.3
    time=${!time_var:-${BENCH_TIME:-$default_time}}
    out=$out_root/$arch
    mkdir -p "$out"
    bash "$repo/cmake/wine-prefix.sh" "$arch" "$prefix" >/dev/null

    # Two cores: anything else running skews the numbers, the two-thread ones most (a contended
    # allocator looks fine when its two threads never actually run at the same time).
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
    if awk -v l="$load" 'BEGIN { exit !(l > 0.7) }'; then
        echo "WARNING: load average $load before the $arch runs: other processes are busy; the numbers will be skewed" >&2
    fi

    echo "### $arch: the project's ntoskrnl.exe ($bin)"
    ours=$out/ours.txt
    if run_one "$arch" "$prefix" "$exe" "$time" "$ours" && [ "$(module_kind "$ours")" = native ]; then
        :
    else
        if [ "$(module_kind "$ours")" != native ]; then
            echo "ERROR: $arch: the run meant for the project's module was bound to: $(module_kind "$ours")" >&2
        else
            echo "ERROR: $arch: pool_bench against the project's module failed (see $ours, $ours.stderr)" >&2
        fi
        ours=""; status=1
    fi

    echo "### $arch: Wine's builtin ntoskrnl.exe"
    wine=$out/wine.txt
    if run_one "$arch" "$prefix" "$exe" "$time" "$wine" "ntoskrnl.exe,hal.dll=b" && [ "$(module_kind "$wine")" = wine-builtin ]; then
        table "$arch" "$ours" "$wine" | tee "$out/table.txt"
    else
        echo "ERROR: $arch: the run against Wine's builtin failed or was bound to: $(module_kind "$wine") (see $wine)" >&2
        status=1
    fi
done
exit $status
