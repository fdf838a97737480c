#!/usr/bin/env bash
# README's main command: sets up this machine (Debian 12, root), builds the module for i386 and
# x86_64, and shows for each what it exports, what MmQuerySystemSize/MmIsThisAnNtAsSystem answer
# under Wine on a workstation and a server (LanmanNt) prefix, and the driver host's report on a
# bundled sample driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default >/dev/null

for arch in i386 x86_64; do
    bin=build/pe-$arch/bin
    prefixes=build/pe-$arch/wineprefix
    printf '\n==================== %s ====================\n' "$arch"
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
