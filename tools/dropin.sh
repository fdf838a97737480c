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
# The front-ends a user runs in the prefix (wine poolmon, wine verifier), as Windows has them.
frontends=(poolmon.exe verifier.exe)

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

# ---- The front-ends (poolmon.exe, verifier.exe): programs of the drop-in, not modules Wine has ----
# Into system32, and in a 64-bit prefix the i386 build into syswow64 too: Debian's `wine` is the
# 32-bit loader, which looks a program up in syswow64 there (`wine64 poolmon` finds system32's).
# Both builds serve the whole prefix (poolmon's wire format does not depend on the architecture;
# the Verifier values live in HKLM\SYSTEM, which WOW64 does not redirect). A program of that name
# the prefix already had is saved and put back at uninstall, like the modules.
frontend_places() {   # frontend_places NAME: lines "SOURCE DIRECTORY" (a directory of windows\)
    echo "$bin/$1 system32"
    if [ "$arch" = x86_64 ]; then
        local bin32=$root/build/pe-i386/bin
        [ -n "${NTOSKRNL_DROPIN_BIN:-}" ] && bin32=${NTOSKRNL_DROPIN_BIN//\{arch\}/i386}
        echo "$bin32/$1 syswow64"
    fi
}
frontends_check() {
    local f
    for f in "${frontends[@]}"; do [ -f "$bin/$f" ] || die "$bin has no built $f (cmake --build --preset default)"; done
}
frontends_install() {
    local f source dir target
    for f in "${frontends[@]}"; do
        while read -r source dir; do
            target=$prefix/drive_c/windows/$dir/$f
            if [ ! -f "$source" ]; then
                echo "dropin: note: no $source (the i386 build): only \`wine64 ${f%.exe}\` runs it in this prefix"
                continue
            fi
            [ -d "$(dirname "$target")" ] || continue
            if [ ! -f "$state/$dir.$f.original" ] && [ ! -f "$state/$dir.$f.absent" ]; then
                if [ -f "$target" ]; then cp -p "$target" "$state/$dir.$f.original"; else : >"$state/$dir.$f.absent"; fi
            fi
            place "$source" "$target"
        done < <(frontend_places "$f")
    done
}
frontends_uninstall() {
    local f dir target
    for f in "${frontends[@]}"; do
        for dir in system32 syswow64; do
            target=$prefix/drive_c/windows/$dir/$f
            if [ -f "$state/$dir.$f.original" ]; then
                place "$state/$dir.$f.original" "$target"
                touch -r "$state/$dir.$f.original" "$target"
            elif [ -f "$state/$dir.$f.absent" ]; then
                rm -f "$target"
            fi
        done
    done
}
frontends_status() {
    local f dir where
    for f in "${frontends[@]}"; do
        where=""
        for dir in system32 syswow64; do
            if [ -f "$prefix/drive_c/windows/$dir/$f" ] && { [ -f "$state/$dir.$f.absent" ] || [ -f "$state/$dir.$f.original" ]; }; then
                where="$where $dir"
            fi
        done
        if [ -n "$where" ]; then printf '%-13s the project'"'"'s, in%s\n' "$f:" "$where"; else printf '%-13s not installed\n' "$f:"; fi
    done
}

do_install() {
    check_wine
    frontends_check
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
    frontends_install
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
    frontends_uninstall
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
    frontends_status
    if [ "$verdict" = project ]; then
        echo "winedevice.exe gets: the project's ntoskrnl.exe (system32), which forwards the rest to wine_ntoskrnl.dll"
    else
        echo "winedevice.exe gets: Wine's builtin ntoskrnl.exe"
    fi
    running_devices
    last_bug_checks
}

# The Minidump reports the module wrote (exports/crash_record.h): for each driver, the latest one
# says that the last run of its service ended in a bug check.
last_bug_checks() {
    local dir=$prefix/drive_c/windows/Minidump report driver stop service seen=" "
    if ! ls "$dir"/*.txt >/dev/null 2>&1; then
        echo "bug checks:   none recorded in C:\\windows\\Minidump"
        return
    fi
    echo "bug checks (C:\\windows\\Minidump, newest first):"
    for report in $(ls -t "$dir"/*.txt); do
        driver=$(tr -d '\r' <"$report" | sed -n 's/^Driver: *\([^ +(]*\).*/\1/p' | head -1)
        stop=$(tr -d '\r' <"$report" | sed -n 's/^BugCheck: *//p' | head -1)
        service=$(service_of_driver "$driver")
        case "$seen" in *" $driver "*) continue ;; esac
        seen="$seen$driver "
        echo "  ${service:-a service} (${driver:-driver unknown}): its last recorded run ended in bug check $stop ($(stat -c %y "$report" | cut -d. -f1), $(basename "$report"))"
    done
}

# The kernel service whose ImagePath names DRIVER (a base name such as leaky.sys), if any.
service_of_driver() {
    [ -n "$1" ] || return 0
    { "$WINE_LOADER" reg query 'HKLM\System\CurrentControlSet\Services' /s /v ImagePath 2>/dev/null || true; } | tr -d '\r' |
        awk -v d="$1" 'BEGIN { d = tolower(d) }
            /^HKEY/ { n = split($0, parts, "\\"); key = parts[n] }
            /ImagePath/ { p = tolower($0); if (index(p, "\\" d) || index(p, "/" d)) { print key; exit } }'
}

case "$action" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    status) do_status ;;
    *) usage ;;
esac
