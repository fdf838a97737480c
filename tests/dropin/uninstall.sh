#!/usr/bin/env bash
# uninstall.sh ARCH DIR DRIVERS_DIR (cleanup fixture): tools/dropin.sh uninstall gives the prefix
# back as Wine made it (Wine's files in system32, no override left, no wine_*.dll) and the builtin
# is back: the NT 4-style zone sample fails to start again (Wine's ExInitializeZone returns
# STATUS_NOT_IMPLEMENTED). Then the prefix's wineserver is stopped.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
arch=$1 dir=$2 drivers=$3
dropin_env "$arch" "$dir"
"$WINESERVER" -k 2>/dev/null || true
"$root/tools/dropin.sh" uninstall "$dir"
sys=$dir/drive_c/windows/system32
builtin_dir=$(sed -n 's/^builtin=//p' "$root/build/pe-$arch/bin/wine_ntoskrnl.dll.wine" 2>/dev/null | xargs -r dirname)
[ -n "$builtin_dir" ] || builtin_dir=$(dirname "$(ls /usr/lib/*/wine/$arch-windows/ntoskrnl.exe | head -1)")
check "system32\\ntoskrnl.exe is Wine's again" 'cmp -s "$sys/ntoskrnl.exe" "$builtin_dir/ntoskrnl.exe"'
[ "$arch" = i386 ] && check "system32\\hal.dll is Wine's again" 'cmp -s "$sys/hal.dll" "$builtin_dir/hal.dll"'
check "no wine_*.dll left in system32" '! ls "$sys"/wine_ntoskrnl.dll "$sys"/wine_hal.dll >/dev/null 2>&1'
for f in poolmon.exe verifier.exe; do
    check "no $f left in system32 or syswow64" '[ ! -e "$sys/$f" ] && [ ! -e "$dir/drive_c/windows/syswow64/$f" ]'
done
check "no drop-in override left in the registry" '! grep -qiE "^\"(ntoskrnl\.exe|hal)\"=" "$dir/user.reg"'
check "no drop-in state left" '[ ! -e "$dir/.ntoskrnl-dropin" ]'
install_driver dropin_zone_builtin "$drivers/zone_sample.sys"
wine_ sc start dropin_zone_builtin >/dev/null 2>&1
sleep 2
state=$(service_state dropin_zone_builtin)
check "with Wine's builtin back, the zone sample does not start ($state)" '[ "$state" != RUNNING ]'
wine_ sc delete dropin_zone_builtin >/dev/null 2>&1
"$WINESERVER" -k 2>/dev/null || true
exit $fail
