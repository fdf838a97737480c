#!/usr/bin/env bash
# run_pe_test.sh ARCH DIR PROGRAM.exe [ARGS...]: runs a PE conformance test in the drop-in prefix
# from a directory that holds no ntoskrnl.exe, so its imports bind by name, through the prefix's
# DLL override, to the module tools/dropin.sh installed in system32 (and on i386 its hal.dll).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
arch=$1 dir=$2 program=$3; shift 3
dropin_env "$arch" "$dir"
export NTOSKRNL_DROPIN=1   # tests that check where the module came from expect system32
tests_dir=$dir/drive_c/dropin-tests
mkdir -p "$tests_dir"
cp "$program" "$tests_dir/"
exec "$WINE_LOADER" "C:\\dropin-tests\\$(basename "$program")" "$@"
