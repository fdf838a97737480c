# Shared by wine-run.sh and wine-prefix.sh: finds the Wine of an architecture and sets the
# environment every run uses. Sourced, not executed.

# Where Debian puts the loaders; PATH names as a fallback for other layouts.
wine_select() {
    case "$1" in
        i386)   WINE_LOADER=/usr/lib/wine/wine;   WINEARCH=win32; [ -x "$WINE_LOADER" ] || WINE_LOADER=$(command -v wine || true) ;;
        x86_64) WINE_LOADER=/usr/lib/wine/wine64; WINEARCH=win64; [ -x "$WINE_LOADER" ] || WINE_LOADER=$(command -v wine64 || true) ;;
        *) echo "wine-env.sh: unknown architecture '$1'" >&2; exit 2 ;;
    esac
    if [ -z "$WINE_LOADER" ] || [ ! -x "$WINE_LOADER" ]; then
        echo "ERROR: no $1 Wine loader found (install wine64 and wine32:i386; see tools/setup-debian.sh)" >&2
        exit 1
    fi
    WINESERVER_BIN=/usr/lib/wine/wineserver64
    [ -x "$WINESERVER_BIN" ] || WINESERVER_BIN=/usr/lib/wine/wineserver32
    [ -x "$WINESERVER_BIN" ] || WINESERVER_BIN=$(command -v wineserver || true)
    export WINEARCH WINESERVER="$WINESERVER_BIN"
    # Our ntoskrnl.exe, not Wine's builtin, and on i386 our hal.dll with it (it keeps the IRQL the
    # module checks; x86_64 has no project hal.dll, Wine's builtin serves there); no Mono/Gecko
    # installers (no network, no display). Later entries win, so a caller's "ntoskrnl.exe,hal.dll=b"
    # selects Wine's builtins.
    local ours="ntoskrnl.exe=n"
    [ "$1" = i386 ] && ours="ntoskrnl.exe,hal.dll=n"
    export WINEDLLOVERRIDES="$ours;mscoree,mshtml=${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
    export WINEDEBUG="${NTOSKRNL_WINEDEBUG:--all}"
    unset DISPLAY WAYLAND_DISPLAY
}
