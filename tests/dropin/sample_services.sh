#!/usr/bin/env bash
# sample_services.sh ARCH DIR DRIVERS_DIR SAMPLE...: each sample driver that the driver host runs
# cleanly installs as a kernel service (sc create type= kernel), starts in winedevice.exe against
# the drop-in (RUNNING) and stops again (its unload routine runs: STOPPED).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
dropin_env "$1" "$2"
drivers=$3; shift 3
for sample in "$@"; do
    name=dropin_$sample
    install_driver "$name" "$drivers/$sample.sys"
    wine_ sc start "$name" >/dev/null 2>&1
    wait_state "$name" RUNNING 30
    check "$sample starts as a service" '[ "$(service_state $name)" = RUNNING ]'
    wine_ sc stop "$name" >/dev/null 2>&1
    wait_state "$name" STOPPED 30
    check "$sample stops (DriverUnload ran)" '[ "$(service_state $name)" = STOPPED ]'
    wine_ sc delete "$name" >/dev/null 2>&1
done
check "no service called an unimplemented function or crashed ($(wc -l <"$WINEPREFIX.services.log") lines of Wine errors read)" 'services_log_clean "$WINEPREFIX"'
exit $fail
