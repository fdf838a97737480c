# Shared by the drop-in tests (sourced): the Wine of ARCH in the drop-in prefix DIR, with the
# prefix's own registry deciding which ntoskrnl.exe loads (no WINEDLLOVERRIDES for it).
#   dropin_env ARCH DIR
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/cmake/wine-env.sh"
dropin_env() {
    wine_select "$1"
    export WINEPREFIX=$2 WINEDLLOVERRIDES="mscoree,mshtml=" WINEDEBUG=-all
}
wine_() { "$WINE_LOADER" "$@" </dev/null; }
# service_state NAME: RUNNING, STOPPED, ... or NONE
service_state() {
    local s
    s=$(wine_ sc query "$1" 2>/dev/null | tr -d '\r' | awk '/STATE/ {print $4}')
    echo "${s:-NONE}"
}
# wait_state NAME STATE [SECONDS]: polls sc query (sc start returns while START_PENDING)
wait_state() {
    local i
    for i in $(seq 1 $((${3:-30} * 2))); do
        [ "$(service_state "$1")" = "$2" ] && return 0
        sleep 0.5
    done
    return 1
}
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
# install_driver NAME FILE: copies FILE to system32\drivers and creates kernel service NAME
install_driver() {
    cp "$2" "$WINEPREFIX/drive_c/windows/system32/drivers/$1.sys"
    wine_ sc delete "$1" >/dev/null 2>&1 || true
    wine_ sc create "$1" type= kernel start= demand binPath= "C:\\windows\\system32\\drivers\\$1.sys" >/dev/null
}
# services_log_clean DIR: the services' stderr (dropin_prefix.sh) has no call of a routine that
# Wine only stubs ("unimplemented function ntoskrnl.exe.X") and no unhandled exception.
services_log_clean() {
    local log=$1.services.log
    [ -f "$log" ] || { echo "no $log"; return 1; }
    # The log is connected: explorer.exe, which the prefix's wineboot starts beside services.exe,
    # always reports that it has no display driver here.
    grep -q "explorer process failed to start" "$log" || { echo "$log holds nothing of the services"; return 1; }
    if grep -E "unimplemented function|Unhandled exception|EXCEPTION_WINE_STUB" "$log"; then return 1; fi
    return 0
}
