#!/usr/bin/env bash
# README's test command: sets up this machine (Debian 12, root), builds everything and runs every
# test: one ctest invocation for the host unit tests, the ABI tests and the PE tests under 32-bit
# and 64-bit Wine; then the host unit tests again under ASan+UBSan and under TSan; then a short
# run of each libFuzzer target (clang, ASan+UBSan; FUZZ_SECONDS each, 30 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-debian.sh
cmake --preset default
cmake --build --preset default
ctest --preset default
# The kernel-mode conformance driver, drop-in against Wine's builtin (and the host): the
# differences and per-group summaries (full tables: build/pe-<arch>/conformance/compare.txt).
for arch in i386 x86_64; do
    d=build/pe-$arch/conformance
    [ -f "$d/dropin.json" ] && [ -f "$d/builtin.json" ] && { echo "== conformance, $arch =="; python3 tools/compare "$d"/dropin.json "$d"/builtin.json "$d"/host.json | sed -n '/^Per group/,$p'; }
done
for sanitizer in host-asan host-tsan; do
    cmake --preset "$sanitizer" >/dev/null
    cmake --build --preset "$sanitizer"
    ctest --preset "$sanitizer"
done
# The fuzz targets from an empty corpus; a crash prints its input and fails the run.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
fuzz_dir=$(mktemp -d)
trap 'rm -rf "$fuzz_dir"' EXIT
for fuzzer in build-fuzz/tests/fuzz/pool_fuzzer build-fuzz/tools/pe/pe_loader_fuzzer; do
    name=$(basename "$fuzzer")
    mkdir -p "$fuzz_dir/$name"
    if "$fuzzer" -max_total_time="${FUZZ_SECONDS:-30}" -artifact_prefix="build-fuzz/$name-" "$fuzz_dir/$name" >"$fuzz_dir/$name.log" 2>&1; then
        echo "fuzz $name: $(grep -Eo '^Done [0-9]+ runs in [0-9]+ second' "$fuzz_dir/$name.log" | tail -1)s, no failure"
    else
        tail -40 "$fuzz_dir/$name.log"
        echo "fuzz $name: FAILED" >&2
        exit 1
    fi
done
