#!/usr/bin/env bash
# check_report.sh EXPECTED DRIVER [ntoshost options...]
# Runs the driver host on DRIVER (fixed seed) and checks its report against EXPECTED, whose lines are
#   exit N          the exit status
#   text STRING     a line of the text report contains STRING
#   json STRING     the JSON report (newlines removed) contains STRING
#   stderr STRING   the host's stderr contains STRING
#   no-text STRING  no line of the text report contains STRING
# Blank lines and lines starting with '#' are comments.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
expected=$1 driver=$2
shift 2
# A missing expectation must not pass: the loop below would read nothing and find no mismatch.
[ -r "$expected" ] || { echo "FAIL: cannot read $expected"; exit 1; }
# NTOSHOST_SYSTEM_DRIVERS: files installed into the prefix's system32\drivers first (export
# drivers a sample imports from where Windows keeps them).
for sys in ${NTOSHOST_SYSTEM_DRIVERS:-}; do
    cp "$sys" "$WINEPREFIX/drive_c/windows/system32/drivers/" || { echo "FAIL: cannot install $sys"; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/../../tools/ntoshost.sh" --seed 1 --json "$out/report.json" "$@" "$driver" >"$out/report.txt" 2>"$out/stderr.txt"
status=$?
echo "---- report (exit status $status) ----"
cat "$out/report.txt"
echo "---- stderr ----"
cat "$out/stderr.txt"
[ -f "$out/report.json" ] && { echo "---- json ----"; cat "$out/report.json"; }
tr -d '\n' <"$out/report.json" >"$out/flat.json" 2>/dev/null || : >"$out/flat.json"

fail=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        ''|'#'*) ;;
        'exit '*) [ "$status" = "${line#exit }" ] || { echo "FAIL: exit status $status, expected ${line#exit }"; fail=1; } ;;
        'text '*) grep -qF -- "${line#text }" "$out/report.txt" || { echo "FAIL: text report lacks: ${line#text }"; fail=1; } ;;
        'no-text '*) ! grep -qF -- "${line#no-text }" "$out/report.txt" || { echo "FAIL: text report has: ${line#no-text }"; fail=1; } ;;
        'json '*) grep -qF -- "${line#json }" "$out/flat.json" || { echo "FAIL: JSON report lacks: ${line#json }"; fail=1; } ;;
        'stderr '*) grep -qF -- "${line#stderr }" "$out/stderr.txt" || { echo "FAIL: stderr lacks: ${line#stderr }"; fail=1; } ;;
        *) echo "FAIL: bad line in $expected: $line"; fail=1 ;;
    esac
done <"$expected"
[ "$fail" = 0 ] && echo "PASS: report matches $(basename "$expected")"
exit $fail
