#!/usr/bin/env bash
# run_zone_service.sh ARCH DRIVER.sys CLIENT.exe [client options...]
# Installs DRIVER as the kernel service ZoneService in $WINEPREFIX (made with wineboot if it does
# not exist; WINEARCH=win32 for i386), starts it, runs the client against it, stops the service
# and deletes it. The exit status is the client's (2: the device could not be opened), or 10 if
# the service did not reach RUNNING, 11 if it did not stop.
# With Wine's builtin ntoskrnl.exe only zone_service_nozone.sys starts (the builtin's
# ExInitializeZone fails); zone_service.sys needs the project's module installed in the prefix.
set -uo pipefail
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

[ -d "$WINEPREFIX/drive_c/windows" ] || "$wine" wineboot -i >/dev/null 2>&1
cp "$driver" "$WINEPREFIX/drive_c/windows/system32/drivers/zone_service.sys" || exit 3
# A user process keeps the wineserver, and with it the service's winedevice.exe, alive.
"$wine" cmd /c "ping -n 600 127.0.0.1 >nul" >/dev/null 2>&1 &
keepalive=$!
# A first process run to its end on /dev/null: the wineserver and the services it starts must not
# inherit the pipes of the sc calls below (a reader of their output would wait for them forever).
"$wine" cmd /c exit </dev/null >/dev/null 2>&1 || true
trap 'kill "$keepalive" 2>/dev/null' EXIT

sc stop "$service" >/dev/null
wait_state STOPPED 10 >/dev/null
sc delete "$service" >/dev/null
sc create "$service" type= kernel start= demand 'binPath=' 'C:\windows\system32\drivers\zone_service.sys' >/dev/null
sc start "$service" >/dev/null
# RUNNING, or give up once it has gone back to STOPPED (a failed DriverEntry) or after 60 s.
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
