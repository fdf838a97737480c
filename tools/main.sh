#!/usr/bin/env bash
# README's main command: sets up this machine (Debian 12, root), builds the module for i386 and
# x86_64, and for each: the drop-in (tools/dropin.sh) in a prefix of its own, where the NT 4-style
# zone_service sample runs as a real kernel service and its client checks its answers, beside what
# Wine's builtin ntoskrnl.exe does with the same driver, and Wine's own services' state; then what
# the module exports, what MmQuerySystemSize/MmIsThisAnNtAsSystem answer on a workstation and a
# server (LanmanNt) prefix, and the driver host's report on a bundled sample driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default >/dev/null

# zone_service.sys as the ZoneService kernel service in $WINEPREFIX, with its client (3000 checked
# requests); prints the client's line or why the service did not start, and returns its status.
zone_service_run() {
    tests/drivers/run_zone_service.sh "$1" "build/pe-$1/drivers/zone_service.sys" "build/pe-$1/drivers/zone_client.exe" 2>&1 |
        sed 's/^/    /'
    return "${PIPESTATUS[0]}"
}

for arch in i386 x86_64; do
    bin=build/pe-$arch/bin
    prefixes=build/pe-$arch/wineprefix
    printf '\n==================== %s ====================\n' "$arch"
    cmake/wine-prefix.sh "$arch" "$prefixes/workstation" >/dev/null
    # The drop-in, in a prefix of its own (a copy of the workstation prefix, made afresh).
    main=$PWD/$prefixes/main-dropin
    WINEPREFIX=$main cmake/wine-prefix.sh --shutdown "$arch"
    rm -rf "$main" "$main.wine"
    cmake/wine-prefix.sh "$arch" "$main.wine" WinNt "$prefixes/workstation" >/dev/null
    cmake/wine-prefix.sh "$arch" "$main" WinNt "$prefixes/workstation" >/dev/null
    printf -- '\n-- zone_service.sys as a kernel service with Wine'"'"'s builtin ntoskrnl.exe (%s prefix):\n' "$arch"
    WINEPREFIX=$main.wine zone_service_run "$arch" && builtin=0 || builtin=$?
    WINEPREFIX=$main.wine cmake/wine-prefix.sh --shutdown "$arch"
    printf -- '\n-- tools/dropin.sh install (%s prefix):\n' "$arch"
    WINEPREFIX=$main cmake/wine-prefix.sh --shutdown "$arch"
    tools/dropin.sh install "$main"
    printf -- '\n-- zone_service.sys as a kernel service with the drop-in:\n'
    WINEPREFIX=$main zone_service_run "$arch" && dropin=0 || dropin=$?
    printf -- '\n-- Wine'"'"'s own services in the drop-in prefix:\n'
    wine=/usr/lib/wine/wine; [ "$arch" = x86_64 ] && wine=/usr/lib/wine/wine64
    for s in MountMgr nsiproxy winebus wineusb winehid NDIS; do
        printf '    %-9s %s\n' "$s" "$(WINEPREFIX=$main WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= "$wine" sc query "$s" </dev/null 2>&1 | tr -d '\r' | awk '/STATE/ {print $4}')"
    done
    printf '    vol c:    %s\n' "$(WINEPREFIX=$main WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= "$wine" cmd /c vol c: </dev/null 2>&1 | tr -d '\r' | grep -o 'Serial Number is .*')"
    tools/dropin.sh status "$main" | sed 's/^/    /'
    WINEPREFIX=$main cmake/wine-prefix.sh --shutdown "$arch"
    printf -- '\n-- %s, zone_service.sys: Wine'"'"'s builtin exit status %s (10: the service did not start), the drop-in %s (0: every answer right)\n' \
        "$arch" "$builtin" "$dropin"

    build/tools/pe/pe-info "$bin/ntoskrnl.exe"
    # i386: the project's hal.dll too (the IRQL and raising spin locks; spec/hal.dll.spec).
    if [ -f "$bin/hal.dll" ]; then build/tools/pe/pe-info "$bin/hal.dll"; fi
    # The same prefixes the tests use; made once, reused afterwards.
    cmake/wine-prefix.sh "$arch" "$prefixes/workstation" >/dev/null
    cmake/wine-prefix.sh "$arch" "$prefixes/server" LanmanNt "$prefixes/workstation" >/dev/null
    for kind in workstation server; do
        printf -- '\n-- %s under %s Wine, %s prefix:\n' "mmquery.exe" "$arch" "$kind"
        WINEPREFIX=$PWD/$prefixes/$kind cmake/wine-run.sh "$arch" "$bin/mmquery.exe"
        WINEPREFIX=$PWD/$prefixes/$kind cmake/wine-prefix.sh --shutdown "$arch"
    done
    # The driver host on a bundled sample driver that leaks (exit status 115 = leaks at unload).
    printf -- '\n-- driver host, %s: tools/ntoshost.sh --seed 1 build/pe-%s/drivers/leaky.sys\n' "$arch" "$arch"
    WINEPREFIX=$PWD/$prefixes/workstation tools/ntoshost.sh --seed 1 "build/pe-$arch/drivers/leaky.sys" \
        || printf '(exit status %s)\n' "$?"
    WINEPREFIX=$PWD/$prefixes/workstation cmake/wine-prefix.sh --shutdown "$arch"
done
