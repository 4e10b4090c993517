"""Read an Odoo test-run log: show what failed, and count from Odoo's results.

``python test_report.py LOGFILE [--e2e RESULTS]``. Prints every ERROR/CRITICAL record (with its
traceback) and every skipped test, then the plain last line
``N passed, N failed`` (``, N skipped`` when Odoo's own tests skip by design).
The counts come from Odoo's own ``odoo.tests.result`` summary. A skipped test of
this addon counts as failed, and so does any test skipped for want of a browser
(Odoo skips tours silently when Chromium or websocket-client is missing, which
must not pass for green), and an error logged outside any test. ``--e2e`` adds
the end-to-end checks' results (JSON lines written by ``e2e.py``; a missing
file counts as one failure). ``--upgrade LOG`` adds the tests of the update from the
previous release (``scripts/test --upgrade-from``), read from their own log like the
first; a log without Odoo's results counts as one failure. Exit status 1 when
anything failed or no test ran.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import json
import os
import re
import sys

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
SUMMARY = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database")
SKIPPED = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
BROWSER = re.compile(r"websocket|chrom|browser", re.IGNORECASE)
OWN_TESTS = "odoo.addons.odoo_sales_followup."


def read_records(path):
    record = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = RECORD.match(line)
            if match:
                if record:
                    yield record
                record = dict(match.groupdict(), lines=[line.rstrip("\n")])
            elif record:
                record["lines"].append(line.rstrip("\n"))
    if record:
        yield record


def read_e2e(path):
    """The end-to-end checks' results, or one failure when they did not run."""
    if not os.path.exists(path) or not os.path.getsize(path):
        return [{"check": "end-to-end checks", "ok": False, "detail": "they did not run (see the e2e server log)"}]
    with open(path, encoding="utf-8") as results:
        return [json.loads(line) for line in results if line.strip()]


def read_log(path):
    """(tests run, failed, skipped by Odoo's own condition, whether Odoo logged its results)
    of one Odoo log, printing what failed and what was skipped."""
    summary, problems, skipped, unexpected_skips = None, [], [], []
    for record in read_records(path):
        if record["logger"] == "odoo.tests.result" and SUMMARY.search(record["msg"]):
            summary = SUMMARY.search(record["msg"])
        if record["level"] in ("ERROR", "CRITICAL"):
            problems.append(record)
        elif skip := SKIPPED.match(record["msg"]):
            must_run = record["logger"].startswith(OWN_TESTS) or BROWSER.search(skip["reason"])
            (unexpected_skips if must_run else skipped).append(skip)

    for record in problems:
        print("\n".join(record["lines"]))
    for skip in unexpected_skips:
        print(f"SKIPPED (counted as failed): {skip['test']}: {skip['reason']}")
    for skip in skipped:
        print(f"skipped by Odoo's own condition: {skip['test']}: {skip['reason']}")

    run = int(summary["run"]) if summary else 0
    failed = int(summary["failed"]) + int(summary["errors"]) if summary else 0
    if not failed:
        # Errors logged outside any test (loading, install) count once each.
        failed = len(problems)
    failed += len(unexpected_skips)
    return run, failed, len(skipped), summary is not None


def main():
    args = sys.argv[1:]
    e2e = read_e2e(args[args.index("--e2e") + 1]) if "--e2e" in args else []
    run, failed, skipped, summary = read_log(args[0])
    main_run = run
    if "--upgrade" in args:
        upgrade_log = args[args.index("--upgrade") + 1]
        upgrade_run, upgrade_failed, upgrade_skipped, upgrade_summary = read_log(upgrade_log)
        if not upgrade_summary:
            print(f"UPGRADE CHECK FAILED: no test result in {upgrade_log}")
            upgrade_failed = max(upgrade_failed, 1)
        run += max(upgrade_run, upgrade_failed)
        failed += upgrade_failed
        skipped += upgrade_skipped

    for result in e2e:
        if not result["ok"]:
            print(f"END-TO-END CHECK FAILED: {result['check']}\n{result['detail']}")

    passed = max(run - failed - skipped, 0)
    e2e_failed = sum(not result["ok"] for result in e2e)
    passed += len(e2e) - e2e_failed
    failed += e2e_failed
    if not main_run:
        print("no test ran" + ("" if summary else ": Odoo logged no test result (see the log above)"))
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed or not main_run else 0


if __name__ == "__main__":
    sys.exit(main())
