#!/usr/bin/env bash
# poolmon.sh ARCH DIR DRIVERS_DIR: in the drop-in prefix, `wine poolmon /n FILE` (the poolmon.exe
# tools/dropin.sh installed into system32) lists the zone_service sample's pool tags while it
# serves its client, with the counts the client made it do, and `poolmon /lookaside /n FILE` its
# lookaside list.
#
# The client (zone_client -p) pauses with the device open before its first request and after its
# last; at each pause poolmon takes a snapshot. The service starts in a winedevice.exe of its own
# (Wine starts one per service without a load order group), so its tags count from zero: what
# DriverEntry did (zone_service.c: one zone segment 'ZSsg' sized by MmQuerySystemSize, a page
# for small, two for medium, four for large systems; a self-test with two 'ZSst' buffers and
# one request's 'ZSrp' reply; the 'ZSck' lookaside list of 512-byte chunks, one allocation
# through it), then one 'ZSrp' reply and one lookaside allocation per request the driver handled.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_lib.sh"
arch=$1 dir=$2 drivers=$3
dropin_env "$arch" "$dir"
work=$dir/drive_c/poolmon-test
win='C:\poolmon-test'
rm -rf "$work"
mkdir -p "$work"
requests=300

help=$(wine_ poolmon /? 2>&1 | tr -d '\r')
check "poolmon /? prints its usage" 'grep -q "poolmon \[/iTag\]" <<<"$help"'

WINEPREFIX=$dir "$root/tests/drivers/run_zone_service.sh" "$arch" "$drivers/zone_service.sys" "$drivers/zone_client.exe" \
    -n $requests -p "$win\\pause" >"$work/client.log" 2>&1 &
client=$!
# Whatever happens below, the client is never left paused.
trap 'touch "$work/pause.1.go" "$work/pause.2.go"' EXIT

# wait_pause K: until the client's pause K file exists (or the client has ended).
wait_pause() {
    while [ ! -f "$work/pause.$1.paused" ]; do
        kill -0 $client 2>/dev/null || return 1
        sleep 0.5
    done
}
# field NAME FILE: a number of the pause file ("... handled 300 ...").
field() { tr -d '\r' <"$2" | awk -v n="$1" '{ for (i = 1; i < NF; ++i) if ($i == n) print $(i + 1) }'; }
# row FILE TAG: "Allocs Frees Diff Bytes PerAlloc" of the tag's Nonp line (empty if none).
row() { tr -d '\r' <"$1" | awk -v t="$2" '$1 == t && $2 == "Nonp" { print $3, $4, $5, $6, $7 }'; }
# list FILE TAG: "Type Depth MaxDepth TotalAllocates AllocateMisses TotalFrees FreeMisses Size".
list() { tr -d '\r' <"$1" | awk -v t="$2" '$1 == t { print $2, $3, $4, $5, $6, $7, $8, $9 }'; }

snapshots() { # snapshots K: the tag table and the lookaside view at pause K
    local rc
    wine_ poolmon /n "$win\\tags$1.log" '/iZS*' /b /e >"$work/poolmon$1.out" 2>&1
    rc=$?
    check "pause $1: poolmon /n exits 0 ($rc)" '[ $rc -eq 0 ]'
    wine_ poolmon -lookaside -n "$win\\lists$1.log" '-iZS*' >>"$work/poolmon$1.out" 2>&1
    rc=$?
    check "pause $1: poolmon -lookaside -n exits 0 ($rc)" '[ $rc -eq 0 ]'
    cat "$work/poolmon$1.out"
    tr -d '\r' <"$work/tags$1.log"
    tr -d '\r' <"$work/lists$1.log"
}

if ! wait_pause 1; then
    echo "FAIL: the client ended before its first pause"
    cat "$work/client.log"
    exit 1
fi
snapshots 1
system_size=$(field system_size "$work/pause.1.paused")
segment=$((4096 << (system_size == 0 ? 0 : system_size == 1 ? 1 : 2)))
ck1=($(row "$work/tags1.log" ZSck))
la1=($(list "$work/lists1.log" ZSck))
check "pause 1: ZSsg is the zone segment, live: 1 alloc, 0 frees, $segment bytes ($(row "$work/tags1.log" ZSsg))" \
    '[ "$(row "$work/tags1.log" ZSsg)" = "1 0 1 $segment $segment" ]'
check "pause 1: ZSst, the self-test's two buffers, freed ($(row "$work/tags1.log" ZSst))" \
    '[ "$(row "$work/tags1.log" ZSst)" = "2 2 0 0 0" ]'
check "pause 1: ZSrp, the self-test's reply, freed ($(row "$work/tags1.log" ZSrp))" \
    '[ "$(row "$work/tags1.log" ZSrp)" = "1 1 0 0 0" ]'
check "pause 1: ZSck, the lookaside list's chunks: 512 bytes each of the Diff cached (${ck1[*]:-none})" \
    '[ ${#ck1[@]} -eq 5 ] && [ ${ck1[3]} -eq $((ck1[2] * 512)) ]'
check "pause 1: the lookaside view lists ZSck once, nonpaged, 512-byte entries, MaximumDepth 256 (${la1[*]:-none})" \
    '[ "$(list "$work/lists1.log" ZSck | wc -l)" -eq 1 ] && [ "${la1[0]}" = Nonp ] && [ "${la1[2]}" = 256 ] && [ "${la1[7]}" = 512 ]'
check "pause 1: one allocation and one free through it (the self-test's)" '[ "${la1[3]}" = 1 ] && [ "${la1[5]}" = 1 ]'
check "pause 1: its misses are the ZSck pool allocations and frees" '[ "${la1[4]}" = "${ck1[0]}" ] && [ "${la1[6]}" = "${ck1[1]}" ]'
check "pause 1: the lines are sorted by bytes (/b): ZSsg first" \
    '[ "$(tr -d "\r" <"$work/tags1.log" | awk "\$1 ~ /^ZS/ {print \$1; exit}")" = ZSsg ]'
check "pause 1: /e adds the totals: nonpaged Diff $((1 + ck1[2])) and Bytes $((segment + ck1[3]))" \
    '[ "$(tr -d "\r" <"$work/tags1.log" | awk "/Totals/ {t = 1} t && \$1 == \"Nonp\" {print \$4, \$5}")" = "$((1 + ck1[2])) $((segment + ck1[3]))" ]'
# The other pool: nothing of the sample (/p /p: paged only).
wine_ poolmon /n "$win\\paged.log" '/iZS*' /p /p >/dev/null 2>&1
check "pause 1: /p /p (paged only) lists none of the sample's nonpaged tags" \
    '[ -f "$work/paged.log" ] && ! tr -d "\r" <"$work/paged.log" | grep -q "^ ZS"'
touch "$work/pause.1.go"

if ! wait_pause 2; then
    echo "FAIL: the client ended before its second pause"
    cat "$work/client.log"
    exit 1
fi
snapshots 2
handled=$(field handled "$work/pause.2.paused")
ck2=($(row "$work/tags2.log" ZSck))
la2=($(list "$work/lists2.log" ZSck))
check "pause 2: the client had the driver handle all $requests requests ($handled)" '[ "$handled" = $requests ]'
check "pause 2: ZSrp counts one reply per request, all freed: $((handled + 1)) allocs and frees ($(row "$work/tags2.log" ZSrp))" \
    '[ "$(row "$work/tags2.log" ZSrp)" = "$((handled + 1)) $((handled + 1)) 0 0 0" ]'
check "pause 2: ZSsg and ZSst unchanged" \
    '[ "$(row "$work/tags2.log" ZSsg)" = "1 0 1 $segment $segment" ] && [ "$(row "$work/tags2.log" ZSst)" = "2 2 0 0 0" ]'
check "pause 2: the lookaside list counts one allocation and one free per request: $((handled + 1)) (${la2[*]:-none})" \
    '[ "${la2[3]}" = $((handled + 1)) ] && [ "${la2[5]}" = $((handled + 1)) ]'
check "pause 2: its misses are the ZSck pool allocations and frees (${ck2[*]:-none})" \
    '[ ${#ck2[@]} -eq 5 ] && [ "${la2[4]}" = "${ck2[0]}" ] && [ "${la2[6]}" = "${ck2[1]}" ] && [ ${ck2[3]} -eq $((ck2[2] * 512)) ]'
touch "$work/pause.2.go"

wait $client
status=$?
cat "$work/client.log"
check "the client's answers and the driver's counters were right, the service stopped (exit $status)" '[ $status -eq 0 ]'
check "no service called an unimplemented function or crashed" 'services_log_clean "$WINEPREFIX"'
exit $fail
