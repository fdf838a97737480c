#!/usr/bin/env bash
# README's test command: sets up this machine (Debian 12, root), builds everything and runs every
# test: one ctest invocation for the host unit tests, the ABI tests and the PE tests under 32-bit
# and 64-bit Wine; then the host unit tests again under ASan+UBSan and under TSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-debian.sh
cmake --preset default
cmake --build --preset default
ctest --preset default
for sanitizer in host-asan host-tsan; do
    cmake --preset "$sanitizer" >/dev/null
    cmake --build --preset "$sanitizer"
    ctest --preset "$sanitizer"
done
