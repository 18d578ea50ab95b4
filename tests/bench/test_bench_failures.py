"""The store-at-scale tables tell the truth: a failed sync, page or session is a failed row,
never a ratio or a figure of what the failure left behind."""

from __future__ import annotations

import copy
import re

from bench import report, scale_store

VENDORS_OK = {
    "builder": {
        "tasks": 4, "requests": 40, "partitions": 12, "wall": 2.0, "bound_rounds": 10,
        "serial_rounds": 40, "error": None, "failures": [],
    },
    "firebender": {
        "tasks": 53, "requests": 900, "partitions": 365, "wall": 9.0, "bound_rounds": 80,
        "serial_rounds": 900, "error": None, "failures": [],
    },
}  # fmt: skip


def sync_run(requests: int, wall: float, vendors: dict, failed=()) -> dict:
    return {
        "tasks": 6, "tasks_at_once": 10, "requests": requests, "wall": wall,
        "plan_seconds": 0.1, "client_cpu": 3.0, "server_cpu": 2.0, "peak_rss_mb": 200.0,
        "vendors": vendors, "per_task": [{"dataset": "firebender.model_requests",
        "granularity": None, "lacking": 1, "tail": 1, "requests": 3, "start": "2026-11-30",
        "end": "2026-12-01"}], "failed": list(failed),
    }  # fmt: skip


def size_run(developers=2000, **parts) -> scale_store.SizeRun:
    s = scale_store.SizeRun(developers, developers or 36, 3, "2025-12-06", "2026-12-05", 100.0)
    s.sync = {
        "first": sync_run(940, 10.0, copy.deepcopy(VENDORS_OK)),
        "next": sync_run(12, 1.0, copy.deepcopy(VENDORS_OK)),
        "store": {},
        "rows": {},
    }
    s.overview = {"status": "ok", "cold_seconds": 0.8, "rerun_seconds": [0.1, 0.12, 0.11],
                  "aggregates": [["x", 0, 0, 100, 1000]], "raw": {"m": 10_000},
                  "rerun_builds": [], "first_seconds": 2.0, "first_requests": 0,
                  "first_build": 1.0, "cold_requests": 0, "cold_build": 0.5,
                  "rerun_requests": 0,
                  "derived": {n: [1, 1000] for n in ("table", "monthly", "history")}}  # fmt: skip
    s.browser = {"status": "ok", "after_tour_rss_mb": 350.0, "after_tour_hwm_mb": 360.0,
                 "start_rss_mb": 200.0, "first_chart": [1.0, 1.2], "finished": [2.0, 2.1],
                 "session_errors": [], "after_sessions_rss_mb": 380.0,
                 "alone_first_chart": 0.9,
                 "visits": [{"name": "Overview", "seconds": 2.0, "requests": 0,
                             "rss_mb": 300.0, "error": None}]}  # fmt: skip
    for name, value in parts.items():
        setattr(s, name, value)
    return s


def a_failed_first_sync() -> scale_store.SizeRun:
    s = size_run()
    firebender = s.sync["first"]["vendors"]["firebender"]
    firebender["error"] = "Firebender: the load took longer than 120 s"
    firebender["failures"] = [
        "firebender.model_requests 2026-03-02 - 2026-03-08: Firebender: the load took longer "
        "than 120 s"
    ]
    s.sync["first"]["failed"] = ["Firebender: the load took longer than 120 s"]
    return s


def the_report(*sizes) -> scale_store.ScaleStoreReport:
    return scale_store.ScaleStoreReport(100.0, 10, 365, 2, 0, list(sizes), "abc", "a machine")


def rows_about(targets, words: str):
    return [t for t in targets if words in t.what]


def test_a_completed_sync_gives_its_ratio():
    targets = scale_store.targets(the_report(size_run()))
    (sync,) = rows_about(targets, "first full sync")
    assert sync.measured.startswith("1.25×") and sync.met is True  # 10 s ÷ 8 s


def test_a_failed_first_sync_is_a_failed_row_naming_the_window_never_a_ratio():
    result = the_report(size_run(None), a_failed_first_sync())
    targets = scale_store.targets(result)
    (sync,) = rows_about(targets, "2,000: first full sync")
    assert sync.measured.startswith("FAILED: Firebender: the load took longer than 120 s")
    assert sync.met is False and "×" not in sync.measured
    (following,) = rows_about(targets, "2,000: next day's sync")
    assert following.met is False and following.measured.startswith("FAILED")
    assert "of a full reload" not in following.measured  # no share of a failed reload

    text, _ = report.scale_store_section(result)
    ratio_row = next(line for line in text.splitlines() if "wall / bound" in line)
    assert "FAILED: Firebender" in ratio_row and "**no** (failed)" in ratio_row
    assert re.search(r"= \*\*1\.25×\*\*", ratio_row)  # the 36's sync completed: its ratio
    assert ratio_row.count("×**") == 1  # and only that one
    vendor_row = next(
        line for line in text.splitlines() if line.startswith("| 2,000 | firebender |")
    )
    assert "FAILED: 1 window(s): firebender.model_requests 2026-03-02 - 2026-03-08" in vendor_row
    the_sync = next(line for line in text.splitlines() if "| 2,000 | **the sync**" in line)
    assert "**FAILED**" in the_sync and "×" not in the_sync.split("|")[8]


def test_a_sync_phase_that_crashed_is_a_failed_row():
    crashed = size_run(sync={"status": "error", "detail": "sync exited with 1: Traceback"})
    targets = scale_store.targets(the_report(crashed))
    (sync,) = rows_about(targets, "first full sync")
    assert sync.measured == "FAILED: sync exited with 1: Traceback" and sync.met is False
    text, _ = report.scale_store_section(the_report(crashed))
    assert "FAILED: sync exited with 1" in text


def test_a_failed_overview_page_and_session_are_failed_rows():
    s = size_run()
    s.overview = {"status": "error", "detail": "overview exited with 1: KeyError"}
    s.browser["visits"][0]["error"] = "the page showed an exception"
    s.browser["session_errors"] = ["timed out after 60 s"]
    s.browser["first_chart"] = [1.0]
    result = the_report(s)
    targets = scale_store.targets(result)
    for words in (
        "Overview cold",
        "Overview warm",
        "resident set after every page",
        "resident set after 2 sessions",
        "every browser session",
    ):
        (row,) = rows_about(targets, words)
        assert row.measured.startswith("FAILED") and row.met is False, words
    (pages,) = rows_about(targets, "resident set after every page")
    assert "Overview: the page showed an exception" in pages.measured
    (sessions,) = rows_about(targets, "every browser session")
    assert sessions.measured == "FAILED: 1 of 2 drew a chart: timed out after 60 s"

    text, _ = report.scale_store_section(result)
    for label in (
        "3. Overview cold",
        "3. Overview warm",
        "4. Streamlit server",
        "5. 2 sessions",
        "5. Streamlit server's resident set after the 2 sessions",
    ):
        line = next(x for x in text.splitlines() if label in x)
        assert "FAILED" in line and "**no** (failed)" in line, line


def first_chart_rounds(*errors) -> dict:
    """A store_first_chart result: a (bare, app) pair per item, the app round failing with it."""
    rounds = []
    for number, error in enumerate(errors, 1):
        for which, seconds in (("bare", 2.0), ("app", 3.0)):
            rounds.append(
                {"which": which, "number": number, "first_chart": None if error and which == "app"
                 else seconds, "cpu": 1.0, "browser_cpu": 1.0, "from_launch": 4.0,
                 "server_start": 1.0, "heading": 1.0, "machine_cpu": 2.0,
                 "error": error if which == "app" else None, "cache_empty": False}
            )  # fmt: skip
    return {"status": "ok", "store": "read-only mount", "rounds": rounds, "load": [1, 1, 1]}


def test_a_first_chart_round_that_failed_is_a_failed_row_never_a_ratio():
    s = size_run(first_chart=first_chart_rounds(None, "TimeoutError: no chart in 300 s", None))
    (row,) = rows_about(scale_store.targets(the_report(s)), "first chart")
    assert row.measured.startswith("FAILED") and "round 2 app: TimeoutError" in row.measured
    assert row.met is False
    text, _ = report.scale_store_section(the_report(s))
    line = next(x for x in text.splitlines() if x.startswith("| 7. first chart"))
    assert "FAILED" in line and "1.50×" not in line and "**no** (failed)" in line, line
    assert "| 2,000 | 2 | **FAILED**: TimeoutError" in text


def test_a_first_chart_that_could_not_run_is_a_failed_row():
    s = size_run(first_chart={"status": "error", "detail": "RuntimeError: no browser"})
    (row,) = rows_about(scale_store.targets(the_report(s)), "first chart")
    assert row.measured == "FAILED: RuntimeError: no browser" and row.met is False


def test_the_first_chart_ratio_and_sessions_rss_are_rows_when_they_ran():
    s = size_run(first_chart=first_chart_rounds(None, None, None))
    targets = scale_store.targets(the_report(s))
    (chart,) = rows_about(targets, "first chart")
    assert chart.measured == "1.50× (median of 3)" and chart.met is True
    (rss,) = rows_about(targets, "resident set after 2 sessions")
    assert rss.measured == "380 MB" and rss.met is True


def test_a_run_without_failures_has_no_failed_row():
    text, targets = report.scale_store_section(the_report(size_run(None), size_run()))
    assert "FAILED" not in text
    assert all(not t.measured.startswith("FAILED") for t in targets)
