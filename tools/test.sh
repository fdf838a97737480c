#!/usr/bin/env bash
# README's test command: sets up this machine (Debian 12, root), builds everything and runs every
# test in one ctest invocation: host unit tests, ABI tests, and the PE tests under 32-bit and
# 64-bit Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-debian.sh
cmake --preset default
cmake --build --preset default
ctest --preset default
