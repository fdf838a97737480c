#!/usr/bin/env bash
# check_seed.sh DRIVER
# --seed makes a run repeatable: the same seed loads the image at the same address (and gives the
# same report), another seed at another address, so relocations are exercised.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
driver=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A name of its own: the host creates the service key of the driver's name for a run, and another
# test running the same driver at the same time would make that key already exist here.
cp "$driver" "$out/seed_check.sys"
driver=$out/seed_check.sys
run() { "$here/../../tools/ntoshost.sh" --seed "$1" "$driver" >"$out/$2.txt" 2>"$out/$2.err"; echo "$? $(grep '^Image:' "$out/$2.txt")"; }
first=$(run 7 a) second=$(run 7 b) other=$(run 8 c)
echo "seed 7: $first"; echo "seed 7: $second"; echo "seed 8: $other"
fail=0
case "$first" in "0 Image:"*) ;; *) echo "FAIL: the first run did not load cleanly"; fail=1 ;; esac
[ "$first" = "$second" ] || { echo "FAIL: the same seed loaded at different addresses"; fail=1; }
[ "$first" != "$other" ] || { echo "FAIL: seeds 7 and 8 loaded at the same address"; fail=1; }
cmp -s "$out/a.txt" "$out/b.txt" || { echo "FAIL: the same seed gave different reports"; diff "$out/a.txt" "$out/b.txt"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: --seed is repeatable"
exit $fail
