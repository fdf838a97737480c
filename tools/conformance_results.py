#!/usr/bin/env python3
"""Reads the results file conformance.sys writes (tests/kmode/kmode_test.c: Wine-format lines, every
check included), prints it in Wine's format and writes the JSON of issue 13.

  conformance_results.py RESULTS PLACE_ID TITLE ARCH [--json FILE] [--report-success] [--case FILE]...

Output: the lines of every group as Wine's tests print them (passing checks only with
--report-success or WINETEST_REPORT_SUCCESS=1), the per-group and overall summary lines.
Exit status: failures (capped at 255); 1 at least when the file is missing or incomplete (no
"conformance: end": the driver stopped before the end, e.g. a bug check).

Bug-check cases (--case FILE: the results of one run of a KMTEST_BUGCHECK_CASE group, followed by
the launcher's "conformance: actual bug check 0xCODE (P1,P2,P3,P4)" or "... none"): the case's
"FILE:LINE: expect bug check 0xCODE (P1|*,...)[ todo]" line becomes one check at that location,
passed when the bug check recorded has the code and every parameter given (todo: a known miss).
A case without that line that ended in a bug check all the same is one failure ("GROUP:run").

JSON: {"place", "place_id", "arch", "complete", "summary", "groups", "checks": [{"id", "location",
"file", "line", "group", "outcome", "context", "message"}]}; outcome is pass, fail, todo (marked
todo, failed as known), todo_pass (succeeded inside a todo block: a failure) or skip; "case": true
marks the check of a bug-check case (its group is the case). The id is
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


EXPECT = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): expect bug check 0x(?P<code>[0-9A-Fa-f]+) \((?P<params>[^)]*)\)(?P<todo> todo)?$")
ACTUAL = re.compile(r"^conformance: actual bug check (?:none|0x(?P<code>[0-9A-Fa-f]+) \((?P<params>[^)]*)\))")


def bugcheck_check(expect, actual, returned):
    """The outcome and message of a case: expect and actual are regex matches (actual None: no line)."""
    want_code = int(expect.group("code"), 16)
    want = [None if p.strip() == "*" else int(p, 16) for p in expect.group("params").split(",")]
    shown = "0x%X (%s)" % (want_code, ", ".join("*" if w is None else "0x%X" % w for w in want))
    if actual is None or actual.group("code") is None:
        why = "the call returned" if returned else "the driver stopped without one"
        good, message = False, "bug check %s expected, none recorded (%s)\n" % (shown, why)
    else:
        code = int(actual.group("code"), 16)
        got = [int(p, 16) for p in actual.group("params").split(",")]
        wrong = [i for i, w in enumerate(want) if w is not None and (i >= len(got) or got[i] != w)]
        good = code == want_code and not wrong
        message = "bug check 0x%X (%s)%s\n" % (code, ", ".join("0x%X" % g for g in got),
                                                "" if good else ", expected %s" % shown)
    if expect.group("todo"):
        return ("todo_pass" if good else "todo"), message
    return ("pass" if good else "fail"), message


KIND_TEXT = {"pass": "Test succeeded: ", "fail": "Test failed: ", "todo": "Test marked todo: ",
             "todo_pass": "Test succeeded inside todo block: "}


def parse(text, lines_out=None):
    """Checks per group; with lines_out, the lines to print (a case's result line in place of
    the launcher's "actual bug check" line)."""
    checks, groups, order, header, complete = [], {}, [], None, False
    group, ordinals = None, {}
    expect, expect_group, returned = None, None, False
    for raw in text.splitlines():
        if lines_out is not None:
            lines_out.append(raw)
        m = EXPECT.match(raw)
        if m and group is not None:
            expect, expect_group, returned = m, group, False
            if lines_out is not None:
                lines_out.pop()   # the case's result line says it
            continue
        if raw.startswith("conformance: case ") and raw.endswith(" returned (no bug check)"):
            returned = True
            if lines_out is not None:
                lines_out.pop()
            continue
        m = ACTUAL.match(raw)
        if m:
            if expect is None:
                if m.group("code") is None or group is None:
                    if lines_out is not None:
                        lines_out.pop()
                    continue
                # A case that expected none ended in a bug check: one failure, at the case's group.
                location = "%s:run" % group
                message = "unexpected bug check 0x%s (%s)\n" % (m.group("code").upper(), m.group("params"))
                checks.append({"id": "%s/%s#1" % (group, location), "location": location, "file": "", "line": 0,
                               "group": group, "outcome": "fail", "context": "", "message": message})
                groups[group]["fail"] += 1
                if lines_out is not None:
                    lines_out[-1] = "%s: Test failed: %s" % (location, message.rstrip("\n"))
                continue
            outcome, message = bugcheck_check(expect, m, returned)
            location = "%s:%s" % (expect.group("file"), expect.group("line"))
            ordinals_case = 1
            checks.append({"id": "%s/%s#%d" % (expect_group, location, ordinals_case), "location": location,
                           "file": expect.group("file"), "line": int(expect.group("line")), "group": expect_group,
                           "outcome": outcome, "context": "", "message": message})
            groups[expect_group][outcome] += 1
            if lines_out is not None:
                lines_out[-1] = "%s: %s%s" % (location, KIND_TEXT[outcome], message.rstrip("\n"))
            expect = None
            continue
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
    case_files = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--json", "--case"):
            if argv[i] == "--json":
                json_file = argv[i + 1]
            else:
                case_files.append(argv[i + 1])
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
    lines = []
    header, order, groups, checks, complete = parse(text or "", lines)
    # Each case: its group's lines (not the run's header, summary and end lines).
    for case_file in case_files:
        try:
            with open(case_file, encoding="utf-8", errors="replace") as f:
                case_text = f.read()
        except OSError as e:
            case_text = ""
            lines.append("conformance: no results from the case run %s (%s)" % (case_file, e))
        case_lines = []
        _, case_order, case_groups, case_checks, _ = parse(case_text, case_lines)
        if not case_order:
            name = os.path.basename(case_file)
            lines.append("conformance: the case run %s wrote no group: counted as a failure" % name)
            case_order, case_groups = [name], {name: {"pass": 0, "fail": 1, "todo": 0, "todo_pass": 0, "skip": 0}}
            case_checks = [{"id": "%s/run#1" % name, "location": "", "file": "", "line": 0, "group": name,
                            "outcome": "fail", "context": "", "message": "the case did not run\n"}]
        for c in case_checks:
            c["case"] = True
        lines.extend(l for l in case_lines
                     if not l.startswith("conformance: place ") and l != "conformance: end" and not re.match(r"^[0-9a-f]{4}:conformance: ", l))
        order += [g for g in case_order if g not in groups]
        groups.update(case_groups)
        checks += case_checks
    for raw in lines:
        if not report_success and ": Test succeeded: " in raw and LINE.match(raw):
            continue
        print(raw)
    failures = sum(g["fail"] + g["todo_pass"] for g in groups.values())
    if case_files:
        print("conformance: %d checks in all, %d bug-check cases: %d failures, %d marked as todo, %d skipped"
              % (len(checks), len(case_files), failures, sum(g["todo"] for g in groups.values()),
                 sum(g["skip"] for g in groups.values())))
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
    status = failures + (0 if complete else 1)
    return min(status, 255)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
