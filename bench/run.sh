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
#   BENCH_REPEAT           runs of each contender, alternating ours and Wine's (default 1); each
#                          workload's row is then the run with the median ns (the machines are
#                          shared: one run's figures can be off by 20-30 %)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BENCH_BUILD_DIR:-$repo/build}")
out_root=$(realpath -m "${BENCH_OUT_DIR:-$build/bench-results}")
case "${1:-all}" in
    all) archs="x86_64 i386" ;;   # x86_64 first: i386's targets are ratios to its Wine figures
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

# median_runs OUTFILE RUN... : OUTFILE gets the first run's lines, each RESULT replaced by the
# run whose ns for that workload is the median (its min/max/memory fields come with it).
median_runs() {
    local outfile=$1; shift
    python3 - "$outfile" "$@" <<'PY'
import sys
out, runs = sys.argv[1], sys.argv[2:]
results = {}
for run in runs:
    for line in open(run, errors="replace"):
        f = line.split()
        if len(f) > 2 and f[0] == "RESULT":
            results.setdefault(f[1], []).append((float(f[2]), line))
with open(out, "w") as o:
    for line in open(runs[0], errors="replace"):
        f = line.split()
        if len(f) > 2 and f[0] == "RESULT" and f[1] in results:
            rows = sorted(results[f[1]], key=lambda r: r[0])
            line = rows[(len(rows) - 1) // 2][1]
        o.write(line)
PY
}

# module_kind OUTFILE -> wine-builtin | native | (empty)
module_kind() { awk '/^MODULE /{print $2; exit}' "$1" | tr -d '\r'; }

# table ARCH OURS_FILE WINE_FILE [WINE64_FILE] (OURS_FILE may be empty: no measurement of ours).
# Targets are issue 14's, on x86_64 in ns; on i386 a row's target is the same ratio to Wine as
# x86_64's (Wine's x86_64 ns / the target ns, from WINE64_FILE when x86_64 was measured too).
table() {
    local arch=$1 ours=$2 wine=$3 wine64=${4:-}
    awk -v arch="$arch" -v load="$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)" \
        -v have_ours="$([ -n "$ours" ] && echo 1 || echo 0)" -v ours_file="$ours" -v wine64_file="$wine64" '
    function field(rest, key,    n, i, kv, parts) {
        n = split(rest, parts, " ")
        for (i = 1; i <= n; i++) { split(parts[i], kv, "="); if (kv[1] == key) return kv[2] }
        return ""
    }
    function fmt(x) { return x == "" ? "-" : sprintf("%.1f", x) }
    function ratio(a, b) { return (a == "" || b == "" || b <= 0) ? "-" : sprintf("%.2fx", a / b) }
    # The floor a workload is compared with: one cache-missing access per step for the big churn,
    # the imported static-block pair for every other pool workload.
    function floor_of(n) {
        if (n ~ /^floor_/) return ""
        return n == "churn_65536" ? "floor_miss_65536" : "floor_static_pair"
    }
    function verdict(n,    o, w, f, want, t1) {
        o = ns["ours", n]; w = ns["wine", n]
        if (o == "") return ""
        if (n in target_ns) {
            if (arch == "x86_64") return sprintf("<= %g ns %s", target_ns[n], o <= target_ns[n] ? "met" : "NOT met")
            if (!((n) in wine64) || w == "") return sprintf("<= %g ns on x86_64", target_ns[n])
            want = wine64[n] / target_ns[n]
            return sprintf(">= %.1fx Wine %s", want, w / o >= want ? "met" : "NOT met")
        }
        if (n == "churn_65536" && ns["ours", "floor_miss_65536"] != "")
            return sprintf("<= 1.3x miss %s", o <= 1.3 * ns["ours", "floor_miss_65536"] ? "met" : "NOT met")
        if (n == "threads2_pair_64" && (t1 = ns["ours", "threads1_pair_64"]) != "")
            return sprintf("<= 1.1x 1 thread %s (%.2fx)", o <= 1.1 * t1 ? "met" : "NOT met", o / t1)
        if (n == "prodcons_64" && w != "") return sprintf(">= 4x Wine %s", w / o >= 4 ? "met" : "NOT met")
        return ""
    }
    BEGIN {
        target_ns["pair_nonpaged_64"] = 8; target_ns["pair_paged_64"] = 8
        target_ns["pair_nonpaged_16"] = 8; target_ns["pair_paged_16"] = 8
        target_ns["pair_nonpaged_1000"] = 10; target_ns["pair_paged_1000"] = 10
        target_ns["churn_4096"] = 25
    }
    { sub(/\r$/, "") }
    FNR == 1 {
        if (FILENAME == wine64_file) side = "wine64"
        else side = (have_ours && FILENAME == ours_file) ? "ours" : "wine"
    }
    side == "wine64" { if ($1 == "RESULT") wine64[$2] = $3; next }
    /^ENV / { env[side] = $0 }
    /^MEM first_use / { first[side] = $0 }
    /^RESULT / {
        name = $2
        if (!(name in seen)) { seen[name] = 1; order[++count] = name }
        ns[side, name] = $3
        extra[side, name] = $0
    }
    END {
        wine_ver = field(env["wine"], "wine"); t = field(env["wine"], "time")
        printf "\n== %s: pool_bench, Wine %s, %s s per workload; load average after the runs: %s ==\n\n", arch, wine_ver, t, load
        printf "%-26s %9s %9s %9s %9s %9s %9s   %s\n", "workload", "ours ns", "Wine ns", "Wine/ours", "floor ns", "ours/flr", "ours/cas2", "target (issue 14)"
        printf "%-26s %9s %9s %9s %9s %9s %9s   %s\n", "--------", "-------", "-------", "---------", "--------", "--------", "---------", "-----------------"
        cas2 = ns["ours", "floor_cas2"]
        for (i = 1; i <= count; i++) {
            n = order[i]; f = floor_of(n)
            fv = f == "" ? "" : ns["ours", f]
            printf "%-26s %9s %9s %9s %9s %9s %9s   %s\n", n, fmt(ns["ours", n]), fmt(ns["wine", n]),
                   n ~ /^floor_/ ? "" : ratio(ns["wine", n], ns["ours", n]), fmt(fv), ratio(ns["ours", n], fv),
                   n ~ /^floor_/ ? "" : ratio(ns["ours", n], cas2), verdict(n)
        }
        printf "\n(floor rows: ours = measured in the run against the project'"'"'s module, Wine = in the run against\n"
        printf " Wine'"'"'s; floor ns and the ratios use the former. floor = floor_miss_65536 for churn_65536, else\n"
        printf " floor_static_pair. ours/cas2 = ours / floor_cas2.)\n"
        printf "\nMemory: bytes per live requested byte after filling the live set (delta / live bytes)\n"
        printf "%-28s %14s %14s %14s %14s   %s\n", "", "ours addr.sp.", "Wine addr.sp.", "ours commit", "Wine commit", "target: commit <= Wine"
        for (i = 1; i <= count; i++) {
            n = order[i]
            if (n !~ /^churn_/) continue
            oc = field(extra["ours", n], "commit_overhead"); wc = field(extra["wine", n], "commit_overhead")
            printf "%-28s %14s %14s %14s %14s   %s\n", n,
                   field(extra["ours", n], "overhead") == "" ? "-" : field(extra["ours", n], "overhead"),
                   field(extra["wine", n], "overhead") == "" ? "-" : field(extra["wine", n], "overhead"),
                   oc == "" ? "-" : oc, wc == "" ? "-" : wc,
                   (oc == "" || wc == "") ? "" : (oc + 0 <= wc + 0 ? "met" : "NOT met")
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
            printf "\nTwo threads: total throughput / one-thread throughput (2.0 is perfect)\n"
            printf "%-28s %14s %14s\n", "scaling 2 threads / 1", so == "" ? "-" : so "x", sw == "" ? "-" : sw "x"
        }
    }' ${wine64:+"$wine64"} ${ours:+"$ours"} "$wine"
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

    repeat=${BENCH_REPEAT:-1}
    ours=$out/ours.txt wine=$out/wine.txt ours_runs=() wine_runs=()
    for ((r = 1; r <= repeat; r++)); do
        run_out=/dev/stdout; [ "$r" -gt 1 ] && run_out=/dev/null   # the text of the first run only
        [ "$repeat" -gt 1 ] && echo "### $arch: run $r of $repeat"
        echo "### $arch: the project's ntoskrnl.exe ($bin)"
        run=$out/ours.run$r.txt
        if run_one "$arch" "$prefix" "$exe" "$time" "$run" >"$run_out" && [ "$(module_kind "$run")" = native ]; then
            ours_runs+=("$run")
        elif [ "$(module_kind "$run")" != native ]; then
            echo "ERROR: $arch: the run meant for the project's module was bound to: $(module_kind "$run")" >&2
        else
            echo "ERROR: $arch: pool_bench against the project's module failed (see $run, $run.stderr)" >&2
        fi
        echo "### $arch: Wine's builtin ntoskrnl.exe"
        run=$out/wine.run$r.txt
        if run_one "$arch" "$prefix" "$exe" "$time" "$run" "ntoskrnl.exe,hal.dll=b" >"$run_out" &&
            [ "$(module_kind "$run")" = wine-builtin ]; then
            wine_runs+=("$run")
        else
            echo "ERROR: $arch: the run against Wine's builtin failed or was bound to: $(module_kind "$run") (see $run)" >&2
        fi
    done
    if [ ${#ours_runs[@]} -ne "$repeat" ]; then
        ours=""; status=1
    else
        median_runs "$ours" "${ours_runs[@]}"
    fi
    if [ ${#wine_runs[@]} -eq "$repeat" ]; then
        median_runs "$wine" "${wine_runs[@]}"
        wine64=""
        [ "$arch" = i386 ] && [ -f "$out_root/x86_64/wine.txt" ] && wine64=$out_root/x86_64/wine.txt
        [ "$repeat" -gt 1 ] && echo "(each row: the median of $repeat runs of each contender, alternating)"
        table "$arch" "$ours" "$wine" "$wine64" | tee "$out/table.txt"
    else
        status=1
    fi
done
exit $status
