#!/usr/bin/env bash
# CTest's cross-compiling emulator for the PE tests: wine-run.sh ARCH PROGRAM.exe [ARGS...]
# Runs PROGRAM under the Wine of ARCH (i386: 32-bit Wine, x86_64: 64-bit Wine) in $WINEPREFIX,
# with the project's ntoskrnl.exe (next to the program) preferred over Wine's builtin one.
set -euo pipefail
arch=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"
wine_select "$arch"
: "${WINEPREFIX:?wine-run.sh: set WINEPREFIX (each test fixture creates one per architecture)}"
export WINEPREFIX
exec "$WINE_LOADER" "$@"
