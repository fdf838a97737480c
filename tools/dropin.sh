#!/usr/bin/env bash
# The drop-in: puts the project's ntoskrnl.exe (and on i386 its hal.dll) into a Wine prefix, in
# place of Wine's, for everything that loads it there: winedevice.exe, Wine's own drivers and the
# user's legacy drivers run as services.
#
#   tools/dropin.sh install   [PREFIX]   install the module of the prefix's architecture
#   tools/dropin.sh uninstall [PREFIX]   give the prefix back as Wine made it
#   tools/dropin.sh status    [PREFIX]   what is installed, and which ntoskrnl.exe winedevice.exe gets
#
# install also puts poolmon.exe (tools/poolmon: Windows' pool monitor over the prefix's
# winedevice.exe processes) into system32, so `wine poolmon` works in the prefix.
#
# PREFIX defaults to $WINEPREFIX. A 64-bit prefix gets the x86_64 module, a WINEARCH=win32 prefix
# the i386 one (with hal.dll). Files go to the prefix's system32: ntoskrnl.exe (the project's),
# wine_ntoskrnl.dll (Wine's builtin ntoskrnl.exe, to which the module forwards every routine the
# project does not implement; README "Drop-in"), on i386 also hal.dll and wine_hal.dll. The
# prefix's own registry gets the DLL overrides (HKCU\Software\Wine\DllOverrides: "native"), so no
# environment variable is needed. Wine's originals and the previous override values are kept in
# PREFIX/.ntoskrnl-dropin/ for uninstall. The forwarders name Wine's exports as the Wine the
# module was built with has them, so install refuses a Wine whose builtin differs.
#
# NTOSKRNL_DROPIN_BIN overrides where the built modules are ({arch} is replaced by i386 or x86_64;
# default build/pe-{arch}/bin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/cmake/wine-env.sh"

usage() { echo "usage: $(basename "$0") install|uninstall|status [PREFIX]" >&2; exit 2; }
die() { echo "dropin: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || usage
action=$1
prefix=${2:-${WINEPREFIX:-}}
[ -n "$prefix" ] || die "no prefix given and WINEPREFIX is not set"
prefix=$(realpath -m "$prefix")
[ -f "$prefix/system.reg" ] || die "$prefix is not a Wine prefix (no system.reg; create it with wineboot)"

# Wine writes the prefix's architecture into system.reg ("#arch=win32" / "#arch=win64").
case "$(grep -m1 -o '^#arch=win[0-9]*' "$prefix/system.reg" || true)" in
    '#arch=win32') arch=i386 ;;
    '#arch=win64') arch=x86_64 ;;
    *) die "$prefix: cannot tell the prefix's architecture from system.reg" ;;
esac
wine_select "$arch"
export WINEPREFIX=$prefix
# The prefix's registry decides, not the environment: only the installers Wine must not run.
export WINEDLLOVERRIDES="mscoree,mshtml="
sys=$prefix/drive_c/windows/system32
state=$prefix/.ntoskrnl-dropin
bin=$root/build/pe-$arch/bin
[ -n "${NTOSKRNL_DROPIN_BIN:-}" ] && bin=${NTOSKRNL_DROPIN_BIN//\{arch\}/$arch}

# The modules the drop-in replaces on this architecture, and their private Wine copies.
modules=(ntoskrnl.exe)
[ "$arch" = i386 ] && modules+=(hal.dll)
private_of() { case "$1" in ntoskrnl.exe) echo wine_ntoskrnl.dll ;; hal.dll) echo wine_hal.dll ;; esac; }

override_key='HKCU\Software\Wine\DllOverrides'
# The value Wine's loader looks up for a module: its name, less a ".dll" extension ("hal" for
# hal.dll; "ntoskrnl.exe" keeps its extension), as winecfg writes them.
override_name() { echo "${1%.dll}"; }
# Prints the override value for a module ("" when there is none).
override_of() {
    { "$WINE_LOADER" reg query "$override_key" /v "$(override_name "$1")" 2>/dev/null || true; } | tr -d '\r' |
        awk -v n="$(override_name "$1")" 'tolower($1) == tolower(n) { $1 = ""; $2 = ""; sub(/^ +/, ""); print }'
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
stamp_field() { sed -n "s/^$2=//p" "$1"; }

# Checks that the Wine installed now is the one the module's forwarders were made from.
check_wine() {
    local m private stamp builtin
    for m in "${modules[@]}"; do
        private=$(private_of "$m")
        stamp=$bin/$private.wine
        [ -f "$bin/$m" ] && [ -f "$bin/$private" ] && [ -f "$stamp" ] ||
            die "$bin has no built $m / $private (cmake --preset default && cmake --build --preset default)"
        builtin=$(stamp_field "$stamp" builtin)
        [ -f "$builtin" ] || die "Wine's builtin $builtin, which the module was built against, is gone: rebuild the module"
        if [ "$(sha "$builtin")" != "$(stamp_field "$stamp" sha256)" ] || [ "$(sha "$bin/$private")" != "$(stamp_field "$stamp" sha256)" ]; then
            die "this Wine ($("$WINE_LOADER" --version 2>/dev/null)) is not the one the module was built for ($(stamp_field "$stamp" wine)): its $m differs; rebuild the module"
        fi
    done
}

# Stops the prefix's wineserver and its services. A server that has just changed the registry is
# let to save it: it exits by itself (writing the registry) once only system processes are left;
# -k is for one a user process keeps up.
stop_prefix() {
    timeout 60 "$WINESERVER" -w 2>/dev/null || { "$WINESERVER" -k 2>/dev/null || true; "$WINESERVER" -w 2>/dev/null || true; }
}

# Replaces a file by renaming a copy over it (a running Wine process may still map the old one).
place() { cp "$1" "$2.dropin-new" && mv -f "$2.dropin-new" "$2"; }

is_ours() { [ -f "$state/installed" ] && [ -f "$sys/$1" ] && [ "$(sha "$sys/$1")" = "$(sed -n "s/^$1 //p" "$state/installed")" ]; }

# ---- poolmon.exe: a program of the drop-in, not a module Wine has ----
# Into system32, and in a 64-bit prefix the i386 build into syswow64 too: Debian's `wine` is the
# 32-bit loader, which looks a program up in syswow64 there (`wine64 poolmon` finds system32's).
# Both read every winedevice.exe (the wire format does not depend on the architecture). A
# poolmon.exe the prefix already had is saved and put back at uninstall, like the modules.
poolmon_places() {   # lines "SOURCE DIRECTORY" (a directory of the prefix's windows\)
    echo "$bin/poolmon.exe system32"
    if [ "$arch" = x86_64 ]; then
        local bin32=$root/build/pe-i386/bin
        [ -n "${NTOSKRNL_DROPIN_BIN:-}" ] && bin32=${NTOSKRNL_DROPIN_BIN//\{arch\}/i386}
        echo "$bin32/poolmon.exe syswow64"
    fi
}
poolmon_check() { [ -f "$bin/poolmon.exe" ] || die "$bin has no built poolmon.exe (cmake --build --preset default)"; }
poolmon_install() {
    local source dir target
    while read -r source dir; do
        target=$prefix/drive_c/windows/$dir/poolmon.exe
        if [ ! -f "$source" ]; then
            echo "dropin: note: no $source (the i386 build): only \`wine64 poolmon\` runs poolmon in this prefix"
            continue
        fi
        [ -d "$(dirname "$target")" ] || continue
        if [ ! -f "$state/$dir.poolmon.exe.original" ] && [ ! -f "$state/$dir.poolmon.exe.absent" ]; then
            if [ -f "$target" ]; then cp -p "$target" "$state/$dir.poolmon.exe.original"; else : >"$state/$dir.poolmon.exe.absent"; fi
        fi
        place "$source" "$target"
    done < <(poolmon_places)
}
poolmon_uninstall() {
    local dir target
    for dir in system32 syswow64; do
        target=$prefix/drive_c/windows/$dir/poolmon.exe
        if [ -f "$state/$dir.poolmon.exe.original" ]; then
            place "$state/$dir.poolmon.exe.original" "$target"
            touch -r "$state/$dir.poolmon.exe.original" "$target"
        elif [ -f "$state/$dir.poolmon.exe.absent" ]; then
            rm -f "$target"
        fi
    done
}

poolmon_status() {
    local dir where=""
    for dir in system32 syswow64; do
        if [ -f "$prefix/drive_c/windows/$dir/poolmon.exe" ] && { [ -f "$state/$dir.poolmon.exe.absent" ] || [ -f "$state/$dir.poolmon.exe.original" ]; }; then
            where="$where $dir"
        fi
    done
    if [ -n "$where" ]; then echo "poolmon.exe:  the project's, in$where"; else echo "poolmon.exe:  not installed"; fi
}

do_install() {
    check_wine
    poolmon_check
    if [ -f "$state/installed" ]; then
        echo "dropin: already installed in $prefix; reinstalling the current build"
    fi
    stop_prefix
    mkdir -p "$state"
    local m private previous
    for m in "${modules[@]}"; do
        private=$(private_of "$m")
        # Wine's own file and override, once (a reinstall keeps the first saved originals).
        if [ ! -f "$state/$m.original" ] && [ ! -f "$state/$m.absent" ]; then
            if [ -f "$sys/$m" ]; then cp -p "$sys/$m" "$state/$m.original"; else : >"$state/$m.absent"; fi
            previous=$(override_of "$m")
            printf '%s' "$previous" >"$state/$m.override"
        fi
        place "$bin/$m" "$sys/$m"
        place "$bin/$private" "$sys/$private"
        "$WINE_LOADER" reg add "$override_key" /v "$(override_name "$m")" /t REG_SZ /d native /f >/dev/null
    done
    poolmon_install
    : >"$state/installed.new"
    for m in "${modules[@]}"; do echo "$m $(sha "$sys/$m")" >>"$state/installed.new"; done
    cp "$bin/$(private_of ntoskrnl.exe).wine" "$state/wine"
    mv -f "$state/installed.new" "$state/installed"
    # Let wineserver write the registry; services start again with the next Wine process.
    stop_prefix
    echo "dropin: installed the project's ${modules[*]} ($arch) and poolmon.exe into $prefix"
}

do_uninstall() {
    [ -d "$state" ] || { echo "dropin: nothing installed in $prefix"; return 0; }
    stop_prefix
    local m private previous
    for m in "${modules[@]}"; do
        private=$(private_of "$m")
        if [ -f "$state/$m.original" ]; then
            place "$state/$m.original" "$sys/$m"
            touch -r "$state/$m.original" "$sys/$m"
        elif [ -f "$state/$m.absent" ]; then
            rm -f "$sys/$m"
        fi
        rm -f "$sys/$private"
        if [ -f "$state/$m.override" ]; then
            previous=$(cat "$state/$m.override")
            if [ -n "$previous" ]; then
                "$WINE_LOADER" reg add "$override_key" /v "$(override_name "$m")" /t REG_SZ /d "$previous" /f >/dev/null
            else
                "$WINE_LOADER" reg delete "$override_key" /v "$(override_name "$m")" /f >/dev/null 2>&1 || true
            fi
        fi
    done
    poolmon_uninstall
    stop_prefix
    rm -rf "$state"
    echo "dropin: uninstalled; $prefix has Wine's ${modules[*]} again"
}

# The ntoskrnl.exe files the running winedevice.exe processes of this prefix have mapped.
running_devices() {
    local pid maps found=0
    for pid in $(pgrep -f 'winedevice\.exe' 2>/dev/null || true); do
        maps=/proc/$pid/maps
        [ -r "$maps" ] || continue
        # Wine maps a native module from the prefix, a builtin from Wine's own directory.
        grep -q "$prefix/" "$maps" 2>/dev/null || continue
        found=1
        local ntos
        ntos=$(awk '{print $6}' "$maps" | grep -iE '/(ntoskrnl\.exe|wine_ntoskrnl\.dll)$' | sort -u | tr '\n' ' ')
        echo "  winedevice.exe pid $pid has mapped: ${ntos:-no ntoskrnl.exe}"
    done
    [ "$found" = 1 ] || echo "  no winedevice.exe of this prefix is running"
}

do_status() {
    echo "prefix:       $prefix ($arch)"
    local m override verdict=project
    for m in "${modules[@]}"; do
        override=$(override_of "$m")
        if is_ours "$m"; then
            echo "$m: the project's (installed $(stat -c %y "$state/installed" | cut -d. -f1)), override '${override:-none}'"
            [ "$override" = native ] || [ "$override" = n ] || verdict=wine
        elif [ -f "$sys/$m" ]; then
            echo "$m: Wine's (the prefix's own file), override '${override:-none}'"
            verdict=wine
        else
            echo "$m: missing from system32"
            verdict=wine
        fi
    done
    if [ -f "$state/wine" ]; then echo "built for:    $(stamp_field "$state/wine" wine)"; fi
    poolmon_status
    if [ "$verdict" = project ]; then
        echo "winedevice.exe gets: the project's ntoskrnl.exe (system32), which forwards the rest to wine_ntoskrnl.dll"
    else
        echo "winedevice.exe gets: Wine's builtin ntoskrnl.exe"
    fi
    running_devices
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    status) do_status ;;
    *) usage ;;
esac
