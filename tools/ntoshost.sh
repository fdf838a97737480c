#!/usr/bin/env bash
# Driver host front-end: tools/ntoshost.sh [options] DRIVER.sys
# Reads the image's machine field, picks the i386 or x86_64 host (build/pe-<arch>/bin/ntoshost.exe
# next to the project's ntoskrnl.exe) and runs it under that Wine, in $WINEPREFIX or in the
# build's workstation prefix (created on first use). Options are ntoshost's (--help lists them);
# the exit status is ntoshost's (README: "Driver host").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/cmake/wine-env.sh"

# Unix paths to Wine's Z: drive (the default prefix maps Z: to /).
winpath() { local p; p=$(realpath -m "$1"); printf 'Z:%s' "${p//\//\\}"; }
driver="" args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --json) [ $# -ge 2 ] || { echo "ntoshost: --json needs a file" >&2; exit 2; }
                args+=("$1" "$(winpath "$2")"); shift 2 ;;
        --keep|--seed|--base|--param|--debug-filter)
                [ $# -ge 2 ] || { echo "ntoshost: $1 needs a value" >&2; exit 2; }
                args+=("$1" "$2"); shift 2 ;;
        -*) args+=("$1"); shift ;;
        *) [ -z "$driver" ] || { echo "ntoshost: more than one driver given" >&2; exit 2; }
           driver=$1; shift ;;
    esac
done
if [ -z "$driver" ]; then
    echo "usage: $(basename "$0") [options] DRIVER.sys   (--help for the options)" >&2
    [ "${#args[@]}" -gt 0 ] && [ "${args[0]}" != -h ] && [ "${args[0]}" != --help ] && exit 2
    arch=x86_64
else
    # e_lfanew at 0x3C, then "PE\0\0" and the COFF machine field.
    lfanew=$(od -An -t u4 -j 60 -N 4 "$driver" 2>/dev/null | tr -d ' ' || true)
    machine=$( [ -n "$lfanew" ] && od -An -t x2 -j $((lfanew + 4)) -N 2 "$driver" 2>/dev/null | tr -d ' ' || true)
    case "$machine" in
        014c) arch=i386 ;;
        8664) arch=x86_64 ;;
        *) arch=x86_64 ;;   # not a PE the host runs: the x86_64 host reports why
    esac
fi

bin=${NTOSHOST_BIN_DIR:-$root/build/pe-$arch/bin}
[ -n "${NTOSHOST_BIN_DIR:-}" ] && bin=${NTOSHOST_BIN_DIR//\{arch\}/$arch}
if [ ! -f "$bin/ntoshost.exe" ] || [ ! -f "$bin/ntoskrnl.exe" ]; then
    echo "ntoshost: $bin/ntoshost.exe not built (cmake --preset default && cmake --build --preset default)" >&2
    exit 117
fi
if [ -z "${WINEPREFIX:-}" ]; then
    export WINEPREFIX=$root/build/pe-$arch/wineprefix/workstation
    "$root/cmake/wine-prefix.sh" "$arch" "$WINEPREFIX" >/dev/null
fi
wine_select "$arch"
export WINEPREFIX

[ -n "$driver" ] && [ ! -f "$driver" ] && { echo "ntoshost: $driver: no such file" >&2; exit 112; }
[ -n "$driver" ] && args+=("$(winpath "$driver")")
"$WINE_LOADER" "$bin/ntoshost.exe" "${args[@]}"
exit $?
