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
# stopped and deleted here); its Parameters key names the results file and the place. Windows:
# tools/conformance-windows.ps1 (README "Conformance tests").
# Environment: CONFORMANCE_DRIVER (another conformance.sys), CONFORMANCE_GROUPS (Parameters\Groups),
# WINETEST_REPORT_SUCCESS=1 (print passing checks too).
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
trap 'rm -rf "$work"' EXIT
results=$work/results.txt
json_args=()
[ -n "$json" ] && json_args=(--json "$json")

case "$place" in
    dropin) title="project (drop-in) $arch" ;;
    builtin) title="Wine builtin $arch" ;;
    host) title="project (host) $arch" ;;
    *) usage ;;
esac

if [ "$place" = host ]; then
    args=(--wine-fallback -q --param "Parameters\\ResultsFile=\\??\\$(winpath "$results")" --param "Parameters\\Place=host")
    [ -n "${CONFORMANCE_GROUPS:-}" ] && args+=(--param "Parameters\\Groups=$CONFORMANCE_GROUPS")
    "$here/ntoshost.sh" "${args[@]}" "$driver" >"$work/host.out" 2>&1
    host_status=$?
    if [ "$host_status" != 0 ]; then
        echo "conformance: the driver host exited with $host_status:"
        sed 's/^/  /' "$work/host.out"
    fi
    python3 "$here/conformance_results.py" "$results" host "$title" "$arch" "${json_args[@]}"
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
    export WINEPREFIX=$prefix WINEDEBUG=-all
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

# As tests/drivers/run_zone_service.sh: a user process keeps the wineserver (and the service's
# winedevice.exe) up, and the first process of the prefix has its output on /dev/null, so that
# the services it starts hold no pipe of ours open.
"$WINE_LOADER" cmd /c "ping -n 900 127.0.0.1 >nul" </dev/null >/dev/null 2>&1 &
keepalive=$!
"$WINE_LOADER" cmd /c exit </dev/null >/dev/null 2>&1
trap 'kill $keepalive 2>/dev/null; rm -rf "$work"' EXIT

unix_results=$prefix/drive_c/windows/temp/conformance-results.txt
mkdir -p "$(dirname "$unix_results")"
rm -f "$unix_results"
cp "$driver" "$prefix/drive_c/windows/system32/drivers/conformance.sys" || exit 1
wine_ sc stop "$service" >/dev/null
wait_state STOPPED 10 >/dev/null
wine_ sc delete "$service" >/dev/null
wine_ sc create "$service" type= kernel start= demand binPath= 'C:\windows\system32\drivers\conformance.sys' >/dev/null
key='HKLM\System\CurrentControlSet\Services\Conformance\Parameters'
wine_ reg add "$key" /v ResultsFile /t REG_SZ /d '\??\C:\windows\temp\conformance-results.txt' /f >/dev/null
wine_ reg add "$key" /v Place /t REG_SZ /d "$place" /f >/dev/null
[ -n "${CONFORMANCE_GROUPS:-}" ] && wine_ reg add "$key" /v Groups /t REG_SZ /d "$CONFORMANCE_GROUPS" /f >/dev/null
wine_ sc start "$service" >"$work/start.out"
# DriverEntry runs every group before the service is RUNNING (i386 Wine may run emulated: slow).
run_status=0
started=0
for ((i = 0; i < 1200; i++)); do
    st=$(state)
    [ "$st" = RUNNING ] && { started=1; break; }
    [ "$st" = STOPPED ] && [ "$i" -ge 4 ] && break
    [ -f "$unix_results" ] && grep -q '^conformance: end' "$unix_results" && [ "$i" -ge 4 ] && [ "$st" != START_PENDING ] && break
    sleep 0.5
done
if [ "$started" != 1 ]; then
    echo "conformance: service $service did not reach RUNNING (state $(state)); sc start said:"
    sed 's/^/  /' "$work/start.out"
    run_status=1
fi
wine_ sc stop "$service" >/dev/null
wait_state STOPPED 30 >/dev/null || { echo "conformance: service $service did not stop (state $(state))"; run_status=1; }
wine_ sc delete "$service" >/dev/null
rm -f "$prefix/drive_c/windows/system32/drivers/conformance.sys"
cp "$unix_results" "$results" 2>/dev/null
python3 "$here/conformance_results.py" "$results" "$place" "$title" "$arch" "${json_args[@]}"
status=$?
[ "$run_status" != 0 ] && [ "$status" = 0 ] && status=1
exit $status
