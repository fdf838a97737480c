#!/usr/bin/env bash
# Fixture: dropin_prefix.sh ARCH DIR BASE: DIR becomes a copy of the ready prefix BASE (hard links,
# as cmake/wine-prefix.sh makes them) with the drop-in installed by tools/dropin.sh; then, as the
# other fixtures do, a process keeps its wineserver (and the services) up until the cleanup test.
set -euo pipefail
arch=$1 dir=$2 base=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
"$root/cmake/wine-prefix.sh" "$arch" "$dir" WinNt "$base"
dropin_env "$arch" "$dir"
"$WINESERVER" -k 2>/dev/null || true
"$root/tools/dropin.sh" install "$dir"
if [ -n "${NTOSKRNL_KEEPALIVE:-}" ]; then
    # services.exe and every winedevice.exe inherit the stderr of the prefix's first process; both
    # processes that may be first write it to DIR.services.log, so Wine's errors from the services
    # (an "unimplemented function" abort among them) are kept for the tests (dropin_lib.sh).
    : >"$dir.services.log"
    WINEDEBUG=err+all "$WINE_LOADER" "$NTOSKRNL_KEEPALIVE" </dev/null >/dev/null 2>>"$dir.services.log" &
    WINEDEBUG=err+all "$WINE_LOADER" cmd /c exit </dev/null >/dev/null 2>>"$dir.services.log" || true
fi
"$root/tools/dropin.sh" status "$dir"
