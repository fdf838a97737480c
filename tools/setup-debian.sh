#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 (bookworm) machine, as root.
# Idempotent: packages already present are left alone and the script exits quickly.
#
# Known trap: the i386 index of Debian's security archive sometimes fails to download, which
# leaves wine32:i386 uninstallable (its dependencies would need i386 packages at the security
# versions of their amd64 twins). Installing with "-t bookworm" lets both architectures take the
# same versions from the main archive. If 32-bit Wine still cannot be installed we fail loudly:
# the i386 half of the test suite is not optional.
#
# Second trap: some kernels (this project's CI machines among them) are built or booted without
# IA-32 emulation, so no 32-bit Linux program runs, 32-bit Wine included ("Exec format error").
# There we run i386 programs through qemu-user, registered with binfmt_misc. It must be qemu 8 or
# later (bookworm-backports has 10): qemu 7.2 ignores MAP_FIXED_NOREPLACE, which Wine's address
# space reservation relies on, and each Wine process then spends about 50 s probing memory.
set -euo pipefail

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '\n[setup] ERROR: %s\n\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get is needed)"
export DEBIAN_FRONTEND=noninteractive

# procps: pgrep, with which tools/dropin.sh status finds the prefix's winedevice.exe processes.
# python3: the conformance launcher's results parser and tools/compare (minimal images lack it).
host_pkgs=(cmake ninja-build g++ make binutils libgtest-dev pkg-config file clang libclang-rt-14-dev procps python3)
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

binfmt=/proc/sys/fs/binfmt_misc
binfmt_entry=$binfmt/ntoskrnl-qemu-i386
# i386 ELF executables (ET_EXEC and ET_DYN), as qemu's own binfmt.d entries describe them.
i386_magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
i386_mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

# Whether the kernel itself runs i386 code. binfmt_misc handlers would hide the answer, so they
# are switched off for the moment of the probe.
kernel_runs_i386() {
    local was rc
    was=$(cat "$binfmt/status" 2>/dev/null || echo absent)
    [ "$was" = enabled ] && echo 0 >"$binfmt/status"
    /lib/ld-linux.so.2 --version >/dev/null 2>&1 && rc=0 || rc=1
    [ "$was" = enabled ] && echo 1 >"$binfmt/status"
    return $rc
}

ensure_i386_execution() {
    [ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt" \
        || die "cannot mount binfmt_misc; 32-bit Wine cannot run on this kernel without it"
    if [ -e "$binfmt_entry" ] && head -1 "$binfmt_entry" | grep -qx enabled; then
        return 0
    fi
    kernel_runs_i386 && return 0

    log "this kernel cannot execute i386 code (no IA-32 emulation): running 32-bit Wine under qemu-user"
    local qemu=/usr/libexec/qemu-binfmt/i386-binfmt-P
    if ! [ -x "$qemu" ] || ! dpkg --compare-versions "$(dpkg-query -W -f='${Version}' qemu-user 2>/dev/null || echo 0)" ge 1:8; then
        if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d; then
            cat >/etc/apt/sources.list.d/bookworm-backports.sources <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
        fi
        apt-get update -q || log "apt-get update reported errors (continuing)"
        apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-user \
            || die "could not install qemu-user (>= 8) from bookworm-backports; 32-bit Wine cannot run here"
    fi
    [ -x "$qemu" ] || die "qemu-user did not provide $qemu"
    # Any older i386 handler (e.g. qemu-user-static 7.2's) would be too slow for Wine: ours goes first.
    printf ':ntoskrnl-qemu-i386:M::%s:%s:%s:OPF\n' "$i386_magic" "$i386_mask" "$qemu" >"$binfmt/register" \
        || die "could not register qemu-i386 with binfmt_misc"
    [ "$(cat "$binfmt/status")" = enabled ] || echo 1 >"$binfmt/status"
    log "registered $qemu for i386 executables ($binfmt_entry)"
}

if [ -x /usr/lib/wine/wine ]; then
    ensure_i386_execution
fi

# Verify, loudly. A missing 32-bit Wine is an error, not a reason to skip i386 tests.
for t in cmake ninja i686-w64-mingw32-g++-win32 x86_64-w64-mingw32-g++-win32 winebuild wine; do
    command -v "$t" >/dev/null || die "$t is not installed"
done
[ -x /usr/lib/wine/wine64 ] || die "64-bit Wine (/usr/lib/wine/wine64) is missing"
[ -x /usr/lib/wine/wine ] || die "32-bit Wine (/usr/lib/wine/wine, package wine32:i386) is missing.
  The i386 tests cannot run. This usually means the i386 index of the security archive could not be
  downloaded; try: apt-get install -t bookworm wine32:i386"
/usr/lib/wine/wine --version >/dev/null 2>&1 || die "32-bit Wine is installed but cannot execute here"
[ -f /usr/lib/i386-linux-gnu/wine/i386-windows/ntoskrnl.exe ] || die "32-bit Wine's PE modules are missing"
[ -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/ntoskrnl.exe ] || die "64-bit Wine's PE modules are missing"
log "ok: $(/usr/lib/wine/wine64 --version), 32-bit $(/usr/lib/wine/wine --version), $(cmake --version | head -1), $(i686-w64-mingw32-g++-win32 --version | head -1)"
