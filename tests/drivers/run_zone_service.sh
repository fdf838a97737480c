#!/usr/bin/env bash
# run_zone_service.sh [--shutdown] ARCH DRIVER.sys CLIENT.exe [client options...]
# Installs DRIVER as the kernel service ZoneService in $WINEPREFIX (made with wineboot if it does
# not exist; WINEARCH=win32 for i386), starts it, runs the client against it, stops the service
# and deletes it; with --shutdown it then stops the prefix's wineserver. The exit status is the
# client's (2: the device could not be opened), or 10 if the service did not reach RUNNING, 11 if
# it did not stop. WINEDLLOVERRIDES is the caller's if set (e.g. to load the project's module).
# With Wine's builtin ntoskrnl.exe only zone_service_nozone.sys starts (the builtin's
# ExInitializeZone fails); zone_service.sys needs the project's module installed in the prefix.
set -uo pipefail
shutdown=0
[ "${1:-}" = --shutdown ] && { shutdown=1; shift; }
[ $# -ge 3 ] || { echo "usage: $0 i386|x86_64 DRIVER.sys CLIENT.exe [client options...]" >&2; exit 3; }
arch=$1 driver=$2 client=$3
shift 3
: "${WINEPREFIX:?set WINEPREFIX}"
export WINEPREFIX WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
case "$arch" in
    i386) wine=/usr/lib/wine/wine; export WINEARCH=win32 ;;
    x86_64) wine=/usr/lib/wine/wine64 ;;
    *) echo "$0: unknown architecture $arch" >&2; exit 3 ;;
esac
service=ZoneService
sc() { "$wine" sc "$@" 2>&1 | tr -d '\r'; }  # (32-bit sc writes to stderr)
state() { sc query "$service" | awk '/STATE/ {print $4}'; }
wait_state() { # wait_state STATE SECONDS
    local i
    for ((i = 0; i < $2 * 2; i++)); do
        [ "$(state)" = "$1" ] && return 0
        sleep 0.5
    done
    return 1
}

wineserver=${WINESERVER:-/usr/lib/wine/wineserver64}
# A new prefix: let wineboot's wineserver (and the services.exe it started) exit before the
# service is installed; a second services.exe started while the first is still up makes every
# service start time out (seen with Wine 8.0 on fresh prefixes).
if [ ! -d "$WINEPREFIX/drive_c/windows" ]; then
    "$wine" wineboot -i </dev/null >/dev/null 2>&1
    "$wineserver" -w
fi
cp "$driver" "$WINEPREFIX/drive_c/windows/system32/drivers/zone_service.sys" || exit 3
# A user process keeps the wineserver, and with it the service's winedevice.exe, alive. The
# wineserver and services.exe (which starts winedevice.exe) must start from a process whose
# output is /dev/null: they keep the output of the process that started them open, and a pipe
# they hold (sc's output below, or a test's) would never close. The second command waits until
# the server is up, whichever of the two started it.
"$wine" cmd /c "ping -n 600 127.0.0.1 >nul" </dev/null >/dev/null 2>&1 &
keepalive=$!
"$wine" cmd /c exit </dev/null >/dev/null 2>&1
finish() {
    kill "$keepalive" 2>/dev/null
    if [ "$shutdown" = 1 ]; then
        "$wineserver" -k 2>/dev/null || true
    fi
}
trap finish EXIT

sc stop "$service" >/dev/null
wait_state STOPPED 10 >/dev/null
sc delete "$service" >/dev/null
sc create "$service" type= kernel start= demand 'binPath=' 'C:\windows\system32\drivers\zone_service.sys' >/dev/null
sc start "$service" >/dev/null
# RUNNING, or give up once it is back to STOPPED (a failed DriverEntry) or after 60 s.
started() {
    local i st
    for ((i = 0; i < 120; i++)); do
        st=$(state)
        [ "$st" = RUNNING ] && return 0
        [ "$st" = STOPPED ] && [ "$i" -ge 4 ] && return 1
        sleep 0.5
    done
    return 1
}
if ! started; then
    echo "$0: $service did not start (state: $(state))" >&2
    sc delete "$service" >/dev/null
    exit 10
fi
"$wine" "$client" "$@"
status=$?
sc stop "$service" >/dev/null
if ! wait_state STOPPED 30; then
    echo "$0: $service did not stop (state: $(state))" >&2
    status=11
fi
sc delete "$service" >/dev/null
exit $status
