#!/usr/bin/env bash
# tools/conformance.sh PLACE ARCH [--json FILE]
# Runs the kernel-mode conformance driver (build/pe-ARCH/drivers/conformance.sys, tests/kmode) in
# one place and prints its results in Wine's test format; the exit status is the number of
# failures (at least 1 if the driver did not run to its end). PLACE:
#   dropin   a Wine prefix with the project's module installed by tools/dropin.sh
#            ($CONFORMANCE_PREFIX, default build/pe-ARCH/wineprefix/dropin; made and installed
#            if it does not exist)
#   builtin  a plain Wine prefix: Wine's builtin ntoskrnl.exe ($CONFORMANCE_PREFIX, default
#            build/pe-ARCH/wineprefix/conformance-builtin; made if missing, as a copy of
#            $CONFORMANCE_TEMPLATE when set, else by wineboot); refused if the drop-in is installed
#   host     the project's driver host (tools/ntoshost.sh --wine-fallback), in $WINEPREFIX or the
#            build's workstation prefix
# In the two prefixes the driver runs as the kernel service "Conformance" (created, started,
# stopped and deleted here); its Parameters key names the results file and the place. The
# bug-check cases the run lists run after it, one driver run each (Parameters\Case), and the bug
# check each ended in (the host's STOP line; the drop-in's Minidump report) is compared with the
# case's expectation by conformance_results.py. Cases listed with "verifier" run with Driver
# Verifier on for conformance.sys (host: --verifier; prefixes: VerifyDrivers / VerifyDriverLevel
# set for that run, then put back as they were). Windows:
# tools/conformance-windows.ps1 (README "Conformance tests").
# Environment: CONFORMANCE_DRIVER (another conformance.sys), CONFORMANCE_GROUPS (Parameters\Groups),
# WINETEST_REPORT_SUCCESS=1 (print passing checks too), CONFORMANCE_KEEP=1 (keep the work
# directory with each run's results, for debugging; its path is left in /tmp).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
usage() { echo "usage: $(basename "$0") dropin|builtin|host i386|x86_64 [--json FILE]" >&2; exit 2; }
[ $# -ge 2 ] || usage
place=$1 arch=$2
shift 2
json=""
while [ $# -gt 0 ]; do
    case "$1" in
        --json) [ $# -ge 2 ] || usage; json=$(realpath -m "$2"); shift 2 ;;
        *) usage ;;
    esac
done
case "$arch" in i386|x86_64) ;; *) usage ;; esac
. "$root/cmake/wine-env.sh"
driver=${CONFORMANCE_DRIVER:-$root/build/pe-$arch/drivers/conformance.sys}
[ -f "$driver" ] || { echo "conformance: $driver not built (cmake --build build)" >&2; exit 1; }
winpath() { local p; p=$(realpath -m "$1"); printf 'Z:%s' "${p//\//\\}"; }
work=$(mktemp -d)
[ -n "${CONFORMANCE_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
results=$work/results.txt
json_args=()
[ -n "$json" ] && json_args=(--json "$json")

case "$place" in
    dropin) title="project (drop-in) $arch" ;;
    builtin) title="Wine builtin $arch" ;;
    host) title="project (host) $arch" ;;
    *) usage ;;
esac

# The bug-check cases the run listed ("conformance: bug check case NAME", tests/kmode/kmode_test.h).
list_cases() { sed -n 's/^conformance: bug check case \([A-Za-z0-9_]*\).*/\1/p' "$1" | tr -d '\r'; }
# verifier_case RESULTS NAME: whether the case runs with Driver Verifier on ("... verifier").
# (No pipe into grep -q: under pipefail, the writer's SIGPIPE when grep stops early fails the test.)
verifier_case() { grep -Eq "^conformance: bug check case $2 .* verifier"$'\r'"?\$" "$1"; }
# 32-bit Wine under qemu-user (tools/setup-debian.sh registers it when the kernel cannot run i386
# code) reports a fault on a no-access page as an illegal instruction: the driver is told, and
# skips what only a page fault would detect (Parameters\FaultsEmulated).
faults_emulated=0
[ "$arch" = i386 ] && [ "$(head -1 /proc/sys/fs/binfmt_misc/ntoskrnl-qemu-i386 2>/dev/null)" = enabled ] && faults_emulated=1
# actual_line FILE: "conformance: actual bug check ..." from the STOP line in FILE (the host's
# output, a Minidump text report), or "... none" when it has none.
actual_line() {
    local stop
    stop=$(tr -d '\r' <"$1" 2>/dev/null | grep -oE '\*\*\* STOP: 0x[0-9A-Fa-f]+ \([0-9A-Fa-fx,]+\)' | head -1)
    if [ -n "$stop" ]; then echo "conformance: actual bug check ${stop#\*\*\* STOP: }"; else echo "conformance: actual bug check none"; fi
}
case_args=()

if [ "$place" = host ]; then
    # host_run OUT HOST_OUT [--param ...]: one run of the driver host.
    host_run() {
        local out=$1 host_out=$2
        shift 2
        local args=(--wine-fallback -q --param "Parameters\\ResultsFile=\\??\\$(winpath "$out")" --param "Parameters\\Place=host"
                    --param "Parameters\\FaultsEmulated=dword:$faults_emulated" "$@")
        "$here/ntoshost.sh" "${args[@]}" "$driver" >"$host_out" 2>&1
    }
    groups_param=()
    [ -n "${CONFORMANCE_GROUPS:-}" ] && groups_param=(--param "Parameters\\Groups=$CONFORMANCE_GROUPS")
    host_run "$results" "$work/host.out" "${groups_param[@]}"
    host_status=$?
    if [ "$host_status" != 0 ]; then
        echo "conformance: the driver host exited with $host_status:"
        sed 's/^/  /' "$work/host.out"
    fi
    for c in $(list_cases "$results"); do
        verifier_args=()
        verifier_case "$results" "$c" && verifier_args=(--verifier)
        host_run "$work/case-$c.txt" "$work/case-$c.out" --param "Parameters\\Case=$c" "${verifier_args[@]}"
        actual_line "$work/case-$c.out" >>"$work/case-$c.txt"
        case_args+=(--case "$work/case-$c.txt")
    done
    python3 "$here/conformance_results.py" "$results" host "$title" "$arch" "${json_args[@]}" "${case_args[@]}"
    status=$?
    [ "$host_status" != 0 ] && [ "$status" = 0 ] && status=1
    exit $status
fi

# ---- a Wine prefix: the driver as a kernel service ----
wine_select "$arch"
if [ "$place" = dropin ]; then
    prefix=$(realpath -m "${CONFORMANCE_PREFIX:-$root/build/pe-$arch/wineprefix/dropin}")
    export WINEPREFIX=$prefix WINEDLLOVERRIDES="mscoree,mshtml=" WINEDEBUG=-all
    if [ ! -d "$prefix/drive_c/windows" ]; then
        "$WINE_LOADER" wineboot -i </dev/null >/dev/null 2>&1
        "$WINESERVER" -w
        "$here/dropin.sh" install "$prefix" >/dev/null || exit 1
    fi
    [ -d "$prefix/.ntoskrnl-dropin" ] || { echo "conformance: $prefix has no drop-in (tools/dropin.sh install $prefix)" >&2; exit 1; }
else
    prefix=$(realpath -m "${CONFORMANCE_PREFIX:-$root/build/pe-$arch/wineprefix/conformance-builtin}")
    export WINEPREFIX=$prefix WINEDEBUG=${CONFORMANCE_WINEDEBUG:--all}
    if [ ! -d "$prefix/drive_c/windows" ]; then
        if [ -n "${CONFORMANCE_TEMPLATE:-}" ]; then
            "$root/cmake/wine-prefix.sh" "$arch" "$prefix" WinNt "$CONFORMANCE_TEMPLATE" >/dev/null || exit 1
        else
            "$root/cmake/wine-prefix.sh" "$arch" "$prefix" >/dev/null || exit 1
        fi
    fi
    [ -d "$prefix/.ntoskrnl-dropin" ] && { echo "conformance: $prefix has the drop-in installed: not Wine's builtin" >&2; exit 1; }
    export WINEDLLOVERRIDES="ntoskrnl.exe,hal.dll=b;mscoree,mshtml="
fi

service=Conformance
wine_() { "$WINE_LOADER" "$@" </dev/null 2>&1 | tr -d '\r'; }
state() { local s; s=$(wine_ sc query "$service" | awk '/STATE/ {print $4}'); echo "${s:-NONE}"; }
wait_state() { local i; for ((i = 0; i < $2 * 2; i++)); do [ "$(state)" = "$1" ] && return 0; sleep 0.5; done; return 1; }

# DriverEntry runs every group before it returns, which takes longer than the 10 s Wine's
# services.exe waits by default for a service to answer its start command (ERROR_SERVICE_REQUEST_TIMEOUT,
# 1053). Wine reads that wait from Control\ServicesPipeTimeout (ms) when services.exe starts, as
# Windows does, but as a REG_SZ (Wine 8.0 programs/services/services.c, load_registry_parameters;
# Windows has a REG_DWORD). The project's prefixes have it from cmake/wine-prefix.sh; another
# prefix gets it here, which takes effect once services.exe starts again: when the prefix's
# wineserver has ended (its last process gone; it then saves the registry). (Output to /dev/null,
# not a pipe: the services this first process starts would hold a pipe open.)
# (Read from the saved registry file: a query through a pipe would be held open the same way.)
if ! grep -q '^"ServicesPipeTimeout"="600000"' "$prefix/system.reg" 2>/dev/null; then
    "$WINE_LOADER" reg add 'HKLM\System\CurrentControlSet\Control' /v ServicesPipeTimeout /t REG_SZ /d 600000 /f \
        </dev/null >/dev/null 2>&1
    timeout 60 "$WINESERVER" -w || echo "conformance: note: $prefix's wineserver stays up (another process keeps it):" \
        "its services.exe keeps the 10 s start timeout until it restarts; a long run may fail with 1053"
fi

# As tests/drivers/run_zone_service.sh: a user process keeps the wineserver (and the service's
# winedevice.exe) up, and the first process of the prefix has its output on /dev/null, so that
# the services it starts hold no pipe of ours open.
"$WINE_LOADER" cmd /c "ping -n 900 127.0.0.1 >nul" </dev/null >/dev/null 2>&1 &
keepalive=$!
"$WINE_LOADER" cmd /c exit </dev/null >/dev/null 2>&1
trap 'kill $keepalive 2>/dev/null; [ "${verifier_set:-0}" = 1 ] && verifier_restore; [ -n "${CONFORMANCE_KEEP:-}" ] || rm -rf "$work"' EXIT

unix_results=$prefix/drive_c/windows/temp/conformance-results.txt
mkdir -p "$(dirname "$unix_results")"
key='HKLM\System\CurrentControlSet\Services\Conformance\Parameters'
minidump=$prefix/drive_c/windows/Minidump
# The service is created once; each run sets its Parameters values, starts it and waits for it
# to reach RUNNING (DriverEntry returned) or to stop (a bug check ended its winedevice.exe).
service_create() {
    cp "$driver" "$prefix/drive_c/windows/system32/drivers/conformance.sys" || return 1
    wine_ sc stop "$service" >/dev/null
    wait_state STOPPED 10 >/dev/null
    wine_ sc delete "$service" >/dev/null
    wine_ reg delete "$key" /f >/dev/null   # no value of an earlier run (Groups, Case) stays
    wine_ sc create "$service" type= kernel start= demand binPath= 'C:\windows\system32\drivers\conformance.sys' >/dev/null
    wine_ reg add "$key" /v ResultsFile /t REG_SZ /d '\??\C:\windows\temp\conformance-results.txt' /f >/dev/null
    wine_ reg add "$key" /v Place /t REG_SZ /d "$place" /f >/dev/null
    wine_ reg add "$key" /v FaultsEmulated /t REG_DWORD /d "$faults_emulated" /f >/dev/null
}
# Driver Verifier for conformance.sys alone, special pool (0x1), for a KMTEST_VERIFIER_CASE run:
# the values verifier.exe writes (ntoskrnl/vf/settings.h), read by the drop-in at each driver load
# (Wine's builtin ignores them). Values the prefix had before are put back afterwards.
mm_key='HKLM\System\CurrentControlSet\Control\Session Manager\Memory Management'
saved_verifier=()
save_verifier_settings() {
    local v line
    for v in VerifyDrivers VerifyDriverLevel; do
        line=$(wine_ reg query "$mm_key" /v "$v" | awk -v v="$v" '$1 == v {t = $2; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+/, ""); print t "|" $0}')
        saved_verifier+=("$v|$line")
    done
}
verifier_set=0
verifier_on() {
    verifier_set=1
    wine_ reg add "$mm_key" /v VerifyDrivers /t REG_SZ /d conformance.sys /f >/dev/null
    wine_ reg add "$mm_key" /v VerifyDriverLevel /t REG_DWORD /d 1 /f >/dev/null
}
verifier_restore() {
    local e name type data
    verifier_set=0
    for e in "${saved_verifier[@]}"; do
        IFS='|' read -r name type data <<<"$e"
        if [ -n "$type" ]; then wine_ reg add "$mm_key" /v "$name" /t "$type" /d "$data" /f >/dev/null
        else wine_ reg delete "$mm_key" /v "$name" /f >/dev/null; fi
    done
}
service_delete() {
    wine_ sc delete "$service" >/dev/null
    rm -f "$prefix/drive_c/windows/system32/drivers/conformance.sys"
}
# service_run OUT [NAME=VALUE...]: one run with these Parameters values (REG_SZ) besides
# ResultsFile and Place; its results copied to OUT. Sets run_status: 0 when it reached RUNNING
# and stopped again as a service should.
service_run() {
    local out=$1 i st started=0 v
    shift
    rm -f "$unix_results"
    for v in "$@"; do wine_ reg add "$key" /v "${v%%=*}" /t REG_SZ /d "${v#*=}" /f >/dev/null; done
    wine_ sc start "$service" >"$work/start.out"
    # (i386 Wine may run emulated: slow.)
    run_status=0
    for ((i = 0; i < 1200; i++)); do
        st=$(state)
        [ "$st" = RUNNING ] && { started=1; break; }
        [ "$st" = STOPPED ] && [ "$i" -ge 1 ] && break
        [ -f "$unix_results" ] && grep -q '^conformance: end' "$unix_results" && [ "$i" -ge 4 ] && [ "$st" != START_PENDING ] && break
        sleep 0.5
    done
    if [ "$started" != 1 ]; then
        echo "conformance: service $service did not reach RUNNING (state $(state)); sc start said:"
        sed 's/^/  /' "$work/start.out"
        run_status=1
        return 0
    fi
    wine_ sc stop "$service" >/dev/null
    wait_state STOPPED 30 >/dev/null || { echo "conformance: service $service did not stop (state $(state))"; run_status=1; }
    cp "$unix_results" "$out" 2>/dev/null
    return 0
}

reports() { ls -t "$minidump"/*.txt 2>/dev/null; }
service_create || exit 1
service_run "$results" ${CONFORMANCE_GROUPS:+"Groups=$CONFORMANCE_GROUPS"}
main_status=$run_status
[ -n "${CONFORMANCE_GROUPS:-}" ] && wine_ reg delete "$key" /v Groups /f >/dev/null
# Each bug-check case alone. A bug check ends the service's winedevice.exe (the service never
# reaches RUNNING: expected here); the drop-in records it in %SystemRoot%\Minidump (its STOP line
# included) before the process ends; Wine's builtin records nothing.
save_verifier_settings
for c in $(list_cases "$results"); do
    before=$(reports | head -1)
    verifier_case "$results" "$c" && verifier_on
    service_run "$work/case-$c.txt" "Case=$c" >"$work/case-$c.log"
    # A start that never reached DriverEntry (no results at all: winedevice.exe of the previous
    # case still going away) is tried once more; a case that ran is never repeated.
    if [ ! -s "$unix_results" ]; then
        echo "conformance: case $c wrote no results; starting it once more" >>"$work/case-$c.log"
        sleep 2
        service_run "$work/case-$c.txt" "Case=$c" >>"$work/case-$c.log"
    fi
    verifier_case "$results" "$c" && verifier_restore
    cp "$unix_results" "$work/case-$c.txt" 2>/dev/null
    newest=$(reports | head -1)
    if [ -n "$newest" ] && [ "$newest" != "$before" ]; then actual_line "$newest"; else echo "conformance: actual bug check none"; fi >>"$work/case-$c.txt"
    case_args+=(--case "$work/case-$c.txt")
done
service_delete
python3 "$here/conformance_results.py" "$results" "$place" "$title" "$arch" "${json_args[@]}" "${case_args[@]}"
status=$?
[ "$main_status" != 0 ] && [ "$status" = 0 ] && status=1
exit $status
