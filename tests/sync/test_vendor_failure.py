"""One vendor failing mid-sync: it is named, the others' data is kept, the next run resumes."""

from __future__ import annotations

import datetime as dt
import io

from config.names import KEY_SETTINGS
from connectors.sandbox import FaultRule, keys
from store import Store
from sync.__main__ import main
from sync.runner import STOP_AFTER_FAILED

from .conftest import assert_same_store, describe, expected_span, settings, sync_once


def test_codefresh_failing_after_its_first_report_is_named_and_the_other_vendors_complete(
    clean_sync, served, tmp_path
):
    reference, every, _, _ = clean_sync
    # one dataset of each of the other vendors, and every Codefresh report
    keep = {"builder.org_metrics", "firebender.daily_usage"}
    chosen = [t for t in every if t.dataset.vendor == "codefresh" or t.dataset.key in keep]
    store = Store(str(tmp_path / "history"))
    first_report = [t for t in chosen if t.dataset.key == "codefresh.credit_consumption"]
    (task,) = [t for t in clean_sync[2] if t.dataset.key == "codefresh.credit_consumption"]
    # Every Codefresh report request after those of the first report answers 503.
    served.sandbox.add_fault(
        FaultRule("503", vendor="codefresh", path_contains="/reports/", after=task.requests)
    )
    # One window at a time, so that the first report's windows are the ones that succeed.
    tasks, summary = sync_once(store, served.url, chosen, tasks_at_once=1)

    assert [v.vendor for v in summary.failed] == ["codefresh"]
    codefresh = summary.vendors["codefresh"]
    assert codefresh.done == len(task.parts) < codefresh.tasks
    assert "503" in codefresh.error or "unavailable" in codefresh.error.lower()
    assert "FAILED" in codefresh.line() and "Codefresh" in codefresh.line()
    # Each failed window is named; a vendor that is down is not asked for the rest this run.
    assert len(codefresh.failures) == STOP_AFTER_FAILED
    codefresh_tasks = [t for t in tasks if t.vendor == "codefresh"]
    failed_task = next(t for t in codefresh_tasks if t.dataset.key != task.dataset.key)
    assert codefresh.failures[0].startswith(failed_task.parts[0].name() + ": ")
    untried = codefresh.tasks - codefresh.done - STOP_AFTER_FAILED
    assert f"{untried} window(s) not tried" in "\n".join(summary.lines())
    for vendor in ("builder", "firebender"):
        result = summary.vendors[vendor]
        assert result.error is None and result.done == result.tasks > 0
    for target in chosen:
        held = store.held(target.dataset.key, target.granularity, target.scope)
        if target.dataset.vendor != "codefresh" or target in first_report:
            assert held == [expected_span(target)], describe(target)
        else:
            assert held == [], describe(target)

    # The vendor is back: the next run fetches what Codefresh lacks (and every tail) and ends
    # with the store one clean sync makes.
    served.sandbox.clear_faults()
    resumed, summary = sync_once(store, served.url, chosen)
    assert not summary.failed
    lacking = {t.dataset.key for t in resumed if t.lacking}
    assert lacking == {
        t.dataset.key for t in chosen if t.dataset.vendor == "codefresh" and t not in first_report
    }
    assert_same_store(store, reference, chosen)


def test_the_command_line_exits_1_naming_the_failed_vendor_and_keeps_the_others_data(
    served, tmp_path, monkeypatch
):
    # A key the vendor refuses fails at once (a 5xx would be retried for 30 real seconds).
    values = {**settings(served.url), KEY_SETTINGS["firebender"]: keys.FIREBENDER_NO_ORG_KEY}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--since", "2026-06-20", "--until", "2026-06-30", "--store", str(tmp_path / "h")]
    status = main(
        [*argv, "--only", "firebender", "--only", "codefresh.credit_consumption"], out, err
    )

    assert status == 1
    failed = [line for line in out.getvalue().splitlines() if "FAILED" in line]
    assert len(failed) == 1 and failed[0].strip().startswith("Firebender:")
    store = Store(str(tmp_path / "h"))
    assert store.held("codefresh.credit_consumption", "day") == [
        (dt.date(2026, 6, 20), dt.date(2026, 6, 30))
    ]
    assert store.held("firebender.daily_usage", "day") == []


def test_a_vendor_dropping_a_documented_field_fails_loudly_and_stores_no_nulls(
    served, tmp_path, monkeypatch
):
    """It used to exit 0 and store nulls that the Firebender page showed as 0 prompts."""
    for name, value in settings(served.url).items():
        monkeypatch.setenv(name, value)
    served.sandbox.add_fault(FaultRule("drift_missing", vendor="firebender"))
    out, err = io.StringIO(), io.StringIO()
    argv = ["--since", "2026-06-20", "--until", "2026-06-30", "--store", str(tmp_path / "h")]
    status = main([*argv, "--only", "firebender.daily_usage", "--only", "codefresh"], out, err)

    assert status == 1
    (failed,) = [line for line in out.getvalue().splitlines() if "FAILED" in line]
    assert "Firebender" in failed and "`agentPrompts` is missing" in failed
    assert "Daily usage (/v2/organization/daily-usage-data)" in failed
    store = Store(str(tmp_path / "h"))
    assert store.held("firebender.daily_usage", "day") == []
    assert store.held("codefresh.credit_consumption", "day") != []


def test_a_key_with_a_typographic_hyphen_fails_its_vendor_only_naming_the_position(
    served, tmp_path, monkeypatch
):
    """It used to abort the sync for every vendor with a UnicodeEncodeError traceback."""
    values = {**settings(served.url), KEY_SETTINGS["firebender"]: "demo\u2010firebender-key"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--since", "2026-06-20", "--until", "2026-06-30", "--store", str(tmp_path / "h")]
    status = main([*argv, "--only", "firebender", "--only", "codefresh"], out, err)

    assert status == 1
    (failed,) = [line for line in out.getvalue().splitlines() if "FAILED" in line]
    assert failed.strip().startswith("Firebender:") and "position 5 (U+2010" in failed
    assert "Traceback" not in err.getvalue()
    assert Store(str(tmp_path / "h")).held("codefresh.credit_consumption", "day") != []


def test_control_characters_in_a_vendor_message_never_reach_the_terminal(
    served, tmp_path, monkeypatch
):
    """An escape sequence in an API's error text used to clear the operator's screen."""
    for name, value in settings(served.url).items():
        monkeypatch.setenv(name, value)
    served.sandbox.add_fault(
        FaultRule("500", vendor="codefresh", message="Boom\x1b[2J\x1b]0;owned\x07 \u202egnp.exe")
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["--since", "2026-06-20", "--until", "2026-06-30", "--store", str(tmp_path / "h")]
    assert main([*argv, "--only", "codefresh.credit_consumption"], out, err) == 1
    printed = out.getvalue() + err.getvalue()
    assert "Boom\\x1b[2J\\x1b]0;owned\\x07 \\u202egnp.exe" in printed
    assert not any(c in printed for c in "\x1b\x07\u202e")
