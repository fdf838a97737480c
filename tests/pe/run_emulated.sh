#!/usr/bin/env bash
# run_emulated.sh ARCH BIN_DIR PROGRAM.exe [ARGS...]: runs a PE test with the project's module but
# without wine_ntoskrnl.dll (Wine's builtin, which the module joins when it lies next to it): the
# module's own objects (its emulated process, whose OBJECT_HEADER has Windows' layout) are what
# drivers get. The module, the i386 hal.dll and the program are copied to BIN_DIR/../emulated.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch=$1 bin=$2 program=$3; shift 3
dir=$bin/../emulated
mkdir -p "$dir"
cp "$bin/ntoskrnl.exe" "$program" "$dir/"
if [ -f "$bin/hal.dll" ]; then cp "$bin/hal.dll" "$dir/"; fi
rm -f "$dir/wine_ntoskrnl.dll" "$dir/wine_hal.dll"
exec "$here/../../cmake/wine-run.sh" "$arch" "$dir/$(basename "$program")" "$@"
