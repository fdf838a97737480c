#!/usr/bin/env bash
# wine_services.sh ARCH DIR: in the drop-in prefix, Wine's own kernel services reach RUNNING as
# with Wine's builtin, mountmgr answers (vol prints the serial number), nsiproxy answers (ipconfig
# lists the loopback interface), and every winedevice.exe runs the project's module.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
dropin_env "$1" "$2"
for s in MountMgr nsiproxy winebus wineusb winehid NDIS; do
    wait_state "$s" RUNNING 30
    check "$s is RUNNING" '[ "$(service_state $s)" = RUNNING ]'
done
vol=$(wine_ cmd /c vol c: 2>&1 | tr -d '\r')
check "vol c: prints the volume serial number" 'grep -q "Volume Serial Number" <<<"$vol"'
ip=$(wine_ ipconfig 2>&1 | tr -d '\r')
check "ipconfig lists the loopback interface" 'grep -q "127.0.0.1" <<<"$ip"'
status=$("$root/tools/dropin.sh" status "$2")
echo "$status"
check "winedevice.exe gets the project's ntoskrnl.exe" 'grep -q "winedevice.exe gets: the project" <<<"$status"'
check "every running winedevice.exe mapped the project's module and wine_ntoskrnl.dll" \
    '! grep "winedevice.exe pid" <<<"$status" | grep -qv "system32/ntoskrnl.exe .*system32/wine_ntoskrnl.dll" && grep -q "winedevice.exe pid" <<<"$status"'
check "no service called an unimplemented function or crashed ($(wc -l <"$WINEPREFIX.services.log") lines of Wine errors read)" 'services_log_clean "$WINEPREFIX"'
exit $fail
