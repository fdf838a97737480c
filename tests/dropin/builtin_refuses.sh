#!/usr/bin/env bash
# builtin_refuses.sh ARCH PREFIX DRIVERS_DIR SAMPLE: in a prefix without the drop-in (Wine's builtin
# ntoskrnl.exe), the sample driver installs as a kernel service but does not start (its
# DriverEntry refuses Wine's DRIVER_OBJECT, whose Type is 0): what the drop-in corrects.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
dropin_env "$1" "$2"
name=builtin_$4
install_driver "$name" "$3/$4.sys"
wine_ sc start "$name" >/dev/null 2>&1
# Wine reports START_PENDING until DriverEntry has returned; then STOPPED (refused) or RUNNING.
for i in $(seq 1 60); do
    state=$(service_state "$name")
    [ "$state" = START_PENDING ] || break
    sleep 0.5
done
check "$4 does not start with Wine's builtin (state $state)" '[ "$state" = STOPPED ]'
wine_ sc stop "$name" >/dev/null 2>&1
wine_ sc delete "$name" >/dev/null 2>&1
rm -f "$WINEPREFIX/drive_c/windows/system32/drivers/$name.sys"
exit $fail
