#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 (bookworm) machine, as root.
# Idempotent: packages already present are left alone and the script exits quickly.
#
# Known trap: the i386 index of Debian's security archive sometimes fails to download, which
# leaves wine32:i386 uninstallable (its dependencies would need i386 packages at the security
# versions of their amd64 twins). Installing with "-t bookworm" lets both architectures take the
# same versions from the main archive. If 32-bit Wine still cannot be installed we fail loudly:
# the i386 half of the test suite is not optional.
set -euo pipefail

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '\n[setup] ERROR: %s\n\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get is needed)"
export DEBIAN_FRONTEND=noninteractive

host_pkgs=(cmake ninja-build g++ make binutils libgtest-dev pkg-config file)
mingw_pkgs=(g++-mingw-w64-i686-win32 g++-mingw-w64-x86-64-win32 binutils-mingw-w64-i686
            binutils-mingw-w64-x86-64 mingw-w64-i686-dev mingw-w64-x86-64-dev)
wine_pkgs=(wine wine64 wine64-tools libwine)
wine32_pkgs=(wine32:i386 libwine:i386)

missing=()
for p in "${host_pkgs[@]}" "${mingw_pkgs[@]}" "${wine_pkgs[@]}" "${wine32_pkgs[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    log "all packages present"
else
    log "missing: ${missing[*]}"
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        log "enabling the i386 architecture"
        dpkg --add-architecture i386
    fi
    # A failing index (the i386 security one, typically) is not fatal by itself: the -t bookworm
    # install below does not need it. Whether the packages really install is checked afterwards.
    apt-get update -q || log "apt-get update reported errors (continuing; see the check below)"
    apt_install() { apt-get install -y -q --no-install-recommends "$@"; }
    apt_install "${host_pkgs[@]}" "${mingw_pkgs[@]}" \
        || die "could not install the host/MinGW packages"
    if ! apt_install -t bookworm "${wine_pkgs[@]}" "${wine32_pkgs[@]}"; then
        log "install of Wine with -t bookworm failed; retrying without a target release"
        apt_install "${wine_pkgs[@]}" "${wine32_pkgs[@]}" || true
    fi
fi

# Verify, loudly. A missing 32-bit Wine is an error, not a reason to skip i386 tests.
for t in cmake ninja i686-w64-mingw32-g++-win32 x86_64-w64-mingw32-g++-win32 winebuild wine; do
    command -v "$t" >/dev/null || die "$t is not installed"
done
[ -x /usr/lib/wine/wine64 ] || die "64-bit Wine (/usr/lib/wine/wine64) is missing"
[ -x /usr/lib/wine/wine ] || die "32-bit Wine (/usr/lib/wine/wine, package wine32:i386) is missing.
  The i386 tests cannot run. This usually means the i386 index of the security archive could not be
  downloaded; try: apt-get install -t bookworm wine32:i386"
[ -f /usr/lib/i386-linux-gnu/wine/i386-windows/ntoskrnl.exe ] || die "32-bit Wine's PE modules are missing"
[ -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/ntoskrnl.exe ] || die "64-bit Wine's PE modules are missing"
log "ok: $(wine --version 2>/dev/null), $(cmake --version | head -1), $(i686-w64-mingw32-g++-win32 --version | head -1)"
