#!/usr/bin/env bash
# Test fixture: wine-prefix.sh ARCH DIR [PRODUCT_TYPE [BASE_DIR]]
# Creates (once) an isolated Wine prefix for ARCH in DIR. With PRODUCT_TYPE, the prefix's
# HKLM\System\CurrentControlSet\Control\ProductOptions\ProductType is set to it (e.g. LanmanNt
# for a server); with BASE_DIR, DIR starts as a hard-linked copy of that prefix instead of a new
# wineboot (a prefix is over 1 GB, and the registry files are the only ones that differ).
#        wine-prefix.sh --shutdown ARCH   (with WINEPREFIX set) stops that prefix's wineserver.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/wine-env.sh"
if [ "${1:-}" = --shutdown ]; then
    wine_select "$2"
    [ -d "${WINEPREFIX:?}" ] && "$WINESERVER" -k 2>/dev/null || true
    exit 0
fi
arch=$1 product=${3:-}
dir=$(realpath -m "$2")                          # Wine insists on an absolute WINEPREFIX
base=${4:+$(realpath -m "$4")}
wine_select "$arch"
export WINEPREFIX=$dir
stamp="$dir/.ntoskrnl-prefix"
want="arch=$arch product=${product:-default} services_pipe_timeout=600000 wine=$("$WINE_LOADER" --version 2>/dev/null || echo unknown)"

# With NTOSKRNL_KEEPALIVE (the fixtures set it to tests/pe's wine_keepalive.exe), a process that
# keeps the prefix's wineserver up until `--shutdown`: an idle wineserver exits after 3 s, and a
# test starting at that moment loses its connection (seen in CI). Its output goes to /dev/null,
# so neither it nor the service processes Wine starts with it hold a test's output open.
keep_server_up() {
    [ -n "${NTOSKRNL_KEEPALIVE:-}" ] || return 0
    "$WINE_LOADER" "$NTOSKRNL_KEEPALIVE" </dev/null >/dev/null 2>&1 &
    # A first process run to its end, also on /dev/null: when it returns, the server and the
    # service processes Wine starts with it are up, so no test starts them (with its output).
    "$WINE_LOADER" cmd /c exit </dev/null >/dev/null 2>&1 || true
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    keep_server_up
    echo "prefix $dir is ready ($want)"
    exit 0
fi

if [ "$arch" = i386 ] && ! env -u WINEPREFIX "$WINE_LOADER" --version >/dev/null 2>&1; then
    echo "ERROR: 32-bit Wine is installed but this kernel cannot execute it ($WINE_LOADER)." >&2
    echo "       See tools/setup-debian.sh: without IA-32 emulation it needs qemu-user (binfmt)." >&2
    exit 1
fi

rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
if [ -n "$base" ]; then
    [ -f "$base/.ntoskrnl-prefix" ] || { echo "ERROR: base prefix $base is not ready" >&2; exit 1; }
    cp -al "$base" "$dir"
    rm -f "$dir/.ntoskrnl-prefix"
    # Wine rewrites these: give the copy its own files instead of links to the base's.
    for f in system.reg user.reg userdef.reg; do cp --remove-destination "$base/$f" "$dir/$f"; done
else
    echo "creating $arch Wine prefix in $dir"
    "$WINE_LOADER" wineboot -i >"$dir.wineboot.log" 2>&1 || { cat "$dir.wineboot.log" >&2; exit 1; }
    # services.exe waits 10 s by default for a service to answer its start (then 1053); a kernel
    # service's start lasts as long as its DriverEntry, and the conformance driver's runs every
    # group (tools/conformance.sh). Wine 8.0 reads the wait as a REG_SZ when services.exe starts
    # (programs/services/services.c, load_registry_parameters; Windows: a REG_DWORD), so it is
    # written now, before any keepalive starts services.exe in this prefix or its copies.
    "$WINE_LOADER" reg add 'HKLM\System\CurrentControlSet\Control' /v ServicesPipeTimeout /t REG_SZ /d 600000 /f >/dev/null
fi
if [ -n "$product" ]; then
    "$WINE_LOADER" reg add 'HKLM\System\CurrentControlSet\Control\ProductOptions' \
        /v ProductType /t REG_SZ /d "$product" /f >/dev/null
fi
# Let wineserver write the registry out before anyone copies or uses the prefix.
"$WINESERVER" -w
echo "$want" >"$stamp"
keep_server_up
echo "prefix $dir is ready ($want)"
