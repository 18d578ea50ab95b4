"""Vendor faults reach the pages as a message that names them, never as a wrong number."""

from __future__ import annotations

import datetime as dt

from connectors.sandbox import FaultRule
from sync.__main__ import main as sync_main

from .conftest import assert_ok, open_page, texts, today


def test_a_dropped_firebender_field_is_named_on_the_page_not_shown_as_zero(live):
    live.add_fault(FaultRule("drift_missing", vendor="firebender"))
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "Firebender" in said and "`agentPrompts` is missing" in said, said
    shown = texts(at)
    assert "$0.00" not in shown
    prompts = [m for m in at.metric if "prompt" in m.label.lower()]
    assert all(m.value not in ("0", 0) for m in prompts), [(m.label, m.value) for m in prompts]


def test_a_damaged_history_file_is_quarantined_by_the_page_load_and_named(live, tmp_path):
    """It used to be a traceback on Overview, Firebender, Codefresh and Alerts."""
    since = today() - dt.timedelta(days=60)
    assert sync_main(["--since", since.isoformat(), "--only", "firebender", "--wait", "5"]) == 0
    root = tmp_path / "history"
    month = (today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    damaged = f"firebender.daily_usage/granularity=day/scope=org/month={month}/data.parquet"
    (root / damaged).write_bytes(b"PAR1 not really")
    at = open_page("pages/firebender.py")
    assert_ok(at)
    shown = texts(at)
    assert f"A damaged history file {damaged} is not a readable Parquet file" in shown
    assert "moved to quarantine/" in shown and str(root) not in shown
    assert list(root.glob(f"quarantine/*/{damaged}"))
    assert not at.warning, [w.value for w in at.warning]  # fixed in this run: no warning left


def test_a_key_with_a_typographic_hyphen_is_a_message_on_the_page(live, monkeypatch):
    monkeypatch.setenv("FIREBENDER_API_KEY", "demo\u2010firebender-key")
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "position 5 (U+2010" in said and "FIREBENDER_API_KEY" in said, said
    overview = open_page()
    assert not overview.exception, [e.value for e in overview.exception]


def test_an_empty_or_unreadable_salt_file_is_not_a_traceback(monkeypatch, tmp_path):
    from teams import privacy

    monkeypatch.setenv("PSEUDONYMIZE_PEOPLE", "true")
    salt_file = tmp_path / "salt" / ".pseudonym-salt"
    salt_file.parent.mkdir()
    salt_file.write_text("")
    monkeypatch.setattr(privacy, "SALT_FILE", salt_file)
    assert_ok(open_page("pages/firebender.py"))
    assert len(salt_file.read_text().strip()) == 64

    salt_file.unlink()
    salt_file.mkdir()
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert ".pseudonym-salt cannot be read" in said and "PSEUDONYM_SALT" in said, said


HUGE = "x" * (200 * 1024)  # beyond the csv module's 128 KiB cell limit


def test_a_teams_file_with_a_cell_over_128_kib_is_named_and_the_editor_opens(monkeypatch, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(
        "kind,match,team,valid_from,valid_to\n"
        "person,amara.okafor@example.com,Web,,\n"
        f"person,rina.sato@example.com,{HUGE},,\n"
    )
    monkeypatch.setenv("TEAMS_FILE", str(path))
    at = open_page("pages/teams.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "line 3: a cell longer than 128 KiB" in said and "quote" not in said, said[:400]
    (editor,) = at.data_editor
    rows = editor.value
    assert len(rows) == 2 and rows.iloc[1]["team"].endswith("[cut: 204,800 characters]")


def test_a_budgets_file_with_a_cell_over_128_kib_is_named_and_the_editor_opens(
    monkeypatch, tmp_path
):
    path = tmp_path / "budgets.csv"
    path.write_text(f"scope,measure,monthly_budget\norg,ai_spend_usd,100\n{HUGE},ci_credits,5\n")
    monkeypatch.setenv("BUDGETS_FILE", str(path))
    at = open_page("pages/alerts.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "line 3: a cell longer than 128 KiB" in said, said[:400]
    assert len(at.data_editor[0].value) == 2
