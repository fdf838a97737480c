#!/usr/bin/env python3
"""Reads the results file conformance.sys writes (tests/kmode/kmode_test.c: Wine-format lines, every
check included), prints it in Wine's format and writes the JSON of issue 13.

  conformance_results.py RESULTS PLACE_ID TITLE ARCH [--json FILE] [--report-success]

Output: the lines of every group as Wine's tests print them (passing checks only with
--report-success or WINETEST_REPORT_SUCCESS=1), the per-group and overall summary lines.
Exit status: failures (capped at 255); 1 at least when the file is missing or incomplete (no
"conformance: end": the driver stopped before the end, e.g. a bug check).

JSON: {"place", "place_id", "arch", "complete", "summary", "groups", "checks": [{"id", "location",
"file", "line", "group", "outcome", "context", "message"}]}; outcome is pass, fail, todo (marked
todo, failed as known), todo_pass (succeeded inside a todo block: a failure) or skip. The id is
group/file:line#N, N the ordinal of the check at that line within the group (1 first), which is
stable across runs and places as long as the same code path runs.
"""
import json
import os
import re
import sys

KINDS = [("Test succeeded inside todo block: ", "todo_pass"), ("Test succeeded: ", "pass"),
         ("Test failed: ", "fail"), ("Test marked todo: ", "todo"), ("Tests skipped: ", "skip")]
LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<rest>.*)$")
START = re.compile(r"^ntoskrnl:(?P<group>\w+) start ")


def parse(text):
    checks, groups, order, header, complete = [], {}, [], None, False
    group, ordinals = None, {}
    for raw in text.splitlines():
        if raw.startswith("conformance: place "):
            header = raw[len("conformance: "):]
            continue
        if raw == "conformance: end":
            complete = True
            continue
        m = START.match(raw)
        if m:
            group = m.group("group")
            order.append(group)
            groups[group] = {"pass": 0, "fail": 0, "todo": 0, "todo_pass": 0, "skip": 0}
            ordinals = {}
            continue
        m = LINE.match(raw)
        if not m or group is None:
            continue
        rest, found = m.group("rest"), None
        for text_kind, outcome in KINDS:
            pos = rest.find(text_kind)
            if pos >= 0 and (found is None or pos < found[0]):
                found = (pos, text_kind, outcome)
        if found is None:
            continue  # a trace line
        pos, text_kind, outcome = found
        context = rest[:pos].rstrip(": ").rstrip()
        location = "%s:%s" % (m.group("file"), m.group("line"))
        ordinals[location] = ordinals.get(location, 0) + 1
        checks.append({"id": "%s/%s#%d" % (group, location, ordinals[location]), "location": location,
                       "file": m.group("file"), "line": int(m.group("line")), "group": group,
                       "outcome": outcome, "context": context, "message": rest[pos + len(text_kind):]})
        groups[group][outcome] += 1
    return header, order, groups, checks, complete


def main(argv):
    args, json_file, report_success = [], None, os.environ.get("WINETEST_REPORT_SUCCESS", "0") not in ("", "0")
    i = 0
    while i < len(argv):
        if argv[i] == "--json":
            json_file = argv[i + 1]
            i += 2
            continue
        if argv[i] == "--report-success":
            report_success = True
        else:
            args.append(argv[i])
        i += 1
    if len(args) != 4:
        sys.stderr.write(__doc__)
        return 2
    results, place_id, title, arch = args
    try:
        with open(results, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        print("conformance: no results file (%s): the driver did not run" % e)
        text = None
    header, order, groups, checks, complete = parse(text or "")
    for raw in (text or "").splitlines():
        if not report_success and ": Test succeeded: " in raw and LINE.match(raw):
            continue
        print(raw)
    failures = sum(g["fail"] + g["todo_pass"] for g in groups.values())
    if text is not None and not complete:
        print("conformance: the results end before \"conformance: end\" (the driver stopped early)")
    if json_file:
        doc = {"place": title, "place_id": place_id, "arch": arch, "header": header, "complete": complete,
               "summary": {"checks": len(checks), "failures": failures,
                           "todo": sum(g["todo"] for g in groups.values()),
                           "skipped": sum(g["skip"] for g in groups.values())},
               "groups": [dict(name=g, **groups[g]) for g in order], "checks": checks}
        with open(json_file, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    # CONFORMANCE_REQUIRE=complete (CTest's builtin run): the run's failures are the data the
    # comparison shows; the status only says whether the driver ran to its end.
    if os.environ.get("CONFORMANCE_REQUIRE") == "complete":
        return 0 if complete else 1
    status = failures + (0 if complete else 1)
    return min(status, 255)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
