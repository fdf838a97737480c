#!/usr/bin/env bash
# verifier_services.sh ARCH DIR DRIVERS_DIR EVENTLOG: Windows' diagnostics in the drop-in prefix
# DIR, with the sample drivers as kernel services:
#  - leaky.sys without Verifier settings stops cleanly; with `verifier /flags 0x9 /driver ...`
#    stopping it is DRIVER_VERIFIER_DETECTED_VIOLATION 0xC4 / 0x62 with the driver's name and
#    leak count (4), in a Minidump report, in the System event log (BugCheck 1001, read back with
#    EVENTLOG) and in `tools/dropin.sh status`;
#  - double_free.sys is BAD_POOL_CALLER 0xC2 / 0x07 with the driver at fault in the report;
#  - overrun.sys under special pool (`/flags 0x1`) stops at the faulting write: 0xD6;
#  - irql_free_build.sys with Force IRQL checking (`/flags 0x2`, x86_64) is 0xC4 / 0x42;
#  - verifier /querysettings shows what /flags wrote, /reset removes it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
dropin_env "$1" "$2"
drivers=$3 eventlog=$4
minidump=$WINEPREFIX/drive_c/windows/Minidump
evt=$WINEPREFIX/drive_c/windows/system32/config/SysEvent.Evt
verifier() { wine_ verifier "$@" 2>&1 | tr -d '\r'; }
trap 'verifier /reset >/dev/null' EXIT
newest_report() { ls -t "$minidump"/*.txt 2>/dev/null | head -1; }
reports() { ls "$minidump"/*.txt 2>/dev/null | wc -l; }
# run_service SAMPLE: installs it as dropin_SAMPLE, starts it, stops it if it runs (the service
# stays, so that dropin.sh status can name it; remove_service deletes it).
run_service() {
    local name=dropin_$1
    install_driver "$name" "$drivers/$1.sys"
    wine_ sc start "$name" >/dev/null 2>&1
    local i s
    for i in $(seq 1 60); do s=$(service_state "$name"); [ "$s" = START_PENDING ] || break; sleep 0.5; done
    if [ "$s" = RUNNING ]; then
        wine_ sc stop "$name" >/dev/null 2>&1
        wait_state "$name" STOPPED 30
    fi
    # The report is written before the process ends; the services notice the end after it.
    sleep 1
}
remove_service() { wine_ sc delete "dropin_$1" >/dev/null 2>&1; }
# bug_check_run SAMPLE: runs a sample that is to stop the system, checks that it wrote a Minidump
# report and sets `report` to it (empty when it wrote none).
bug_check_run() {
    local before
    before=$(reports)
    run_service "$1"
    remove_service "$1"
    report=
    [ "$(reports)" -gt "$before" ] && report=$(newest_report)
    check "$1.sys wrote a Minidump report" '[ -n "$report" ]'
}
report_has() { tr -d '\r' <"$1" | grep -qE "$2"; }

verifier /reset >/dev/null
before=$(reports)
run_service leaky
check "leaky.sys without Verifier settings stops without a bug check" '[ "$(reports)" = "$before" ]'

out=$(verifier /flags 0x9 /driver dropin_leaky.sys)
check "verifier /flags 0x9 /driver writes the settings" 'grep -q "\[X\] 0x00000001 Special pool" <<<"$out" && grep -q "\[X\] 0x00000008 Pool tracking" <<<"$out"'
q=$(verifier /querysettings)
check "verifier /querysettings reads them back" 'grep -q "Verifier Flags: 0x00000009" <<<"$q" && grep -q "dropin_leaky.sys" <<<"$q"'
before=$(reports)
run_service leaky
report=$(newest_report)
check "stopping the verified leaky.sys wrote a Minidump report" '[ "$(reports)" -gt "$before" ]'
if [ -n "$report" ]; then
    echo "--- $(basename "$report")"; tr -d '\r' <"$report" | sed -n 1,12p
    check "the report is 0xC4 / 0x62" 'report_has "$report" "^BugCheck: +0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION" && report_has "$report" "^Parameter 1: 0x0*62$"'
    check "the report names the driver and its 4 leaked allocations (P4)" 'report_has "$report" "^Driver: +dropin_leaky.sys" && report_has "$report" "^Parameter 4: 0x0*4$" && report_has "$report" "4 allocations not freed"'
    check "the report has the driver's pool tags" 'report_has "$report" "^ Leak Nonp +3 +0 +3 +300"'
fi
log=$("$eventlog" "$evt" 2>&1)
check "the System event log has BugCheck 1001 for it" 'tail -1 <<<"$log" | grep -qE "Error BugCheck 1001: The computer has rebooted from a bugcheck.  The bugcheck was: 0x000000c4 \(0x0*62, " && tail -1 <<<"$log" | grep -qF "$(basename "${report:-none}")"'
status=$("$root/tools/dropin.sh" status "$WINEPREFIX")
check "dropin.sh status says the service's last run ended in the bug check" 'grep -q "dropin_leaky (dropin_leaky.sys): its last recorded run ended in bug check 0x000000C4" <<<"$status"'
remove_service leaky
verifier /reset >/dev/null
check "verifier /reset removes the settings" 'grep -q "No drivers are currently verified" <<<"$(verifier /querysettings)"'

bug_check_run double_free
[ -n "$report" ] && check "it is BAD_POOL_CALLER 0x07 with the driver at fault" \
    'report_has "$report" "^BugCheck: +0x000000C2 BAD_POOL_CALLER" && report_has "$report" "^Parameter 1: 0x0*7$" && report_has "$report" "^Driver: +dropin_double_free.sys\+0x"'

verifier /flags 0x1 /driver dropin_overrun.sys >/dev/null
bug_check_run overrun
[ -n "$report" ] && check "it stopped at the faulting write: 0xD6 in dropin_overrun.sys" \
    'report_has "$report" "^BugCheck: +0x000000D6 DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION" && report_has "$report" "^Driver: +dropin_overrun.sys\+0x"'

# Without Verifier settings the same driver runs: every IRQL it reads is the one a free build
# has (the module's IRQL, not Wine's builtin's CR8 emulation, in winedevice.exe). It has no
# unload routine, so it stays running until the prefix stops.
install_driver dropin_irql_free "$drivers/irql_free_build.sys"
wine_ sc start dropin_irql_free >/dev/null 2>&1
wait_state dropin_irql_free RUNNING 30
check "irql_free_build.sys runs unverified (its IRQL reads are right)" '[ "$(service_state dropin_irql_free)" = RUNNING ]'

# Force IRQL checking (0x2) for a driver whose IRQL use a free build lets pass (KeAcquireSpinLock
# at HIGH_LEVEL): Verifier's 0xC4 / 0x42. x86_64 only: on i386 KeAcquireSpinLock is hal.dll's
# KfAcquireSpinLock, whose Verifier-only checks follow NTOSKRNL_VERIFIER, not VerifyDrivers.
if [ "$1" = x86_64 ]; then
    verifier /flags 0x2 /driver dropin_irql_free_build.sys >/dev/null
    bug_check_run irql_free_build
    [ -n "$report" ] && check "it is 0xC4 / 0x42 (spin lock acquired above DISPATCH_LEVEL)" \
        'report_has "$report" "^BugCheck: +0x000000C4 DRIVER_VERIFIER_DETECTED_VIOLATION" && report_has "$report" "^Parameter 1: 0x0*42$"'
fi
exit $fail
