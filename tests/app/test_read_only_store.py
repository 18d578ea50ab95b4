"""A HISTORY_DIR mounted read-only (viewers' deployment; cron's sync fills it elsewhere) is read:
history, teams and budgets from it, nothing fetched, and the pages say so."""

from __future__ import annotations

import datetime as dt
import shutil

from sync.__main__ import main as sync_main

from .conftest import APP, assert_ok, charts, open_page, texts, today


def test_a_read_only_store_is_read_and_nothing_is_fetched(live, monkeypatch, read_only_view):
    source, make = read_only_view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    since = today() - dt.timedelta(days=60)
    assert sync_main(["--since", since.isoformat(), "--only", "firebender", "--wait", "5"]) == 0
    shutil.copy(APP.parent / "teams.example.csv", source / "teams.csv")
    month = (today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    damaged = f"firebender.daily_usage/granularity=day/scope=org/month={month}/data.parquet"
    (source / damaged).write_bytes(b"PAR1 not really")  # a damage this app cannot repair
    monkeypatch.setenv("HISTORY_DIR", str(make()))
    live.clear_requests()

    at = open_page("pages/firebender.py")
    assert_ok(at)
    shown = texts(at)
    assert "Read-only store, filled by the scheduled sync through " in shown
    assert "this app fetches nothing" in shown and "temporary store" not in shown
    assert charts(at)
    assert live.request_log() == []  # the vendor was not asked
    (warned,) = [w.value for w in at.warning if "could not be read" in w.value]
    assert f"is left out: {damaged}. Its days are not shown" in warned
    teams = open_page("pages/teams.py")
    assert_ok(teams)
    assert not any(i.value.startswith("No teams yet") for i in teams.info)
