"""A damaged history file's days are unknown on every page: not drawn, not exported as zero, and
no total over them; the page names the period that could not be read. In a read-only store the
damage stays (this app cannot repair it); in a writable store the page load quarantines the file
and fetches its days again, and they are drawn."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from analytics.metrics import coverage
from store import Store
from store import coverage as ledger
from store.coverage import Run
from sync.__main__ import main as sync_main
from tests.app.conftest import APP, charts, every_section, open_page, texts, today

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # the month before the frozen day's
DAMAGED = "firebender.daily_usage/granularity=day/scope=org/month=2026-10/data.parquet"
UNREAD = "1 Oct 2026 to 31 Oct 2026 is unreadable"  # the last (or only) period named


def drawn(at) -> list[pd.DataFrame]:
    """Every dataset the page's charts send to the browser."""
    return [
        pa.ipc.open_stream(d.data.data).read_all().to_pandas()
        for chart in charts(at)
        for d in chart.proto.datasets
    ]


def in_october(periods: pd.Series, ends: pd.Series | None = None) -> pd.Series:
    first = pd.to_datetime(periods).dt.tz_localize(None)
    last = first + pd.Timedelta(days=6) if ends is None else pd.to_datetime(ends)
    return (first <= pd.Timestamp(OCTOBER[1])) & (last >= pd.Timestamp(OCTOBER[0]))


def firebender_in(store_dir, *, damage: bool = True) -> None:
    since = today() - dt.timedelta(days=80)
    assert sync_main(["--since", since.isoformat(), "--only", "firebender", "--wait", "5"]) == 0
    if damage:
        (store_dir / DAMAGED).write_bytes(b"PAR1 not really")


@pytest.fixture
def read_only_damaged(live, monkeypatch, read_only_view):
    source, make = read_only_view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    firebender_in(source)
    shutil.copy(APP.parent / "teams.example.csv", source / "teams.csv")
    monkeypatch.setenv("HISTORY_DIR", str(make()))
    live.clear_requests()
    return live


# ------------------------------------------------------------------ the pure parts


def test_holes_are_damaged_days_and_the_ledgers_inner_gaps_clipped_to_the_range():
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    runs = [Run(dt.date(2026, 9, 1), dt.date(2026, 9, 30), at)]
    runs.append(Run(dt.date(2026, 11, 1), dt.date(2026, 11, 20), at))
    assert ledger.holes(runs, [], dt.date(2026, 9, 15), dt.date(2026, 11, 30), "day") == [OCTOBER]
    damaged = [(dt.date(2026, 11, 1), dt.date(2026, 11, 30))]
    assert ledger.holes(runs, damaged, dt.date(2026, 10, 20), dt.date(2026, 11, 5), "day") == [
        (dt.date(2026, 10, 20), dt.date(2026, 11, 5))
    ]
    # Before the first and after the last held day: where data start is the span's business.
    assert ledger.holes(runs[:1], [], dt.date(2026, 8, 1), dt.date(2026, 12, 31), "day") == []


def test_a_span_with_a_hole_does_not_cover_a_period_touching_it():
    known = coverage.with_holes(
        coverage.Span(dt.date(2026, 9, 1), dt.date(2026, 11, 22), None, None), [OCTOBER]
    )
    assert not known.covers(pd.Timestamp("2026-09-28"), pd.Timestamp("2026-10-04"))
    assert known.covers(pd.Timestamp("2026-09-21"), pd.Timestamp("2026-09-27"))
    assert "no readable data for 1 Oct 2026 to 31 Oct 2026" in coverage.describe(known)


def test_the_store_names_a_damaged_files_days_unknown(live, tmp_path):
    firebender_in(tmp_path / "history")
    store = Store(str(tmp_path / "history"))
    unknown = store.unknown("firebender.daily_usage", "day", "org", today() - dt.timedelta(days=80))
    assert unknown == [OCTOBER]
    assert store.unknown("firebender.model_requests", None, "org") == []


# ------------------------------------------------------------------ read-only store: unknown


def test_read_only_overview_leaves_the_damaged_weeks_empty_and_says_why(read_only_damaged):
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    # The whole page: "About these numbers" opened (drawn only when open), every tab in turn.
    at.session_state["overview__about"] = True
    said, frames = [], []
    for section, tab in every_section(at):
        said.append(texts(tab))
        frames += drawn(tab)
        if section == "data":
            (table,) = [t.value for t in tab.dataframe if "firebender_active_users" in t.value]
    touched = table[in_october(table["period"], table["period_end"])]
    assert len(touched) >= 5  # the weeks holding a day of October
    for column in ("firebender_active_users", "firebender_agent_prompts", "ai_active_developers"):
        assert touched[column].isna().all(), touched[["period", column]]
    outside = table[~in_october(table["period"], table["period_end"])]
    assert outside["firebender_active_users"].notna().any()  # the rest is still drawn
    shown = "\n".join(said)
    assert "no readable data for " in shown and "1 Oct 2026 to 31 Oct 2026" in shown
    for frame in frames:
        if "period" in frame and "value" in frame and "measure" in frame:
            october = frame[in_october(frame["period"])]
            assert not (october["value"].fillna(-1) == 0).any(), october


def test_read_only_firebender_page_names_the_period_and_shows_no_zero(read_only_damaged):
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any(UNREAD in w.value for w in at.warning), [w.value for w in at.warning]
    for frame in drawn(at):
        if "period" not in frame:
            continue
        october = frame[in_october(frame["period"])]
        for column in ("users", "value", "accepted", "offered"):
            if column in october:
                assert not (october[column].fillna(-1) == 0).any(), (column, october)
    rates = {m.label: m.value for m in at.metric if "rate" in m.label}
    assert rates and set(rates.values()) == {"-"}, rates  # over the range: unknown
    assert not [t for t in at.dataframe if "accepted_lines" in t.value and len(t.value)]


def test_read_only_teams_page_leaves_the_damaged_weeks_empty_and_says_why(read_only_damaged):
    at = open_page("pages/teams.py", query={"range": "last_90_days", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    (table,) = [t.value for t in at.dataframe if "ai_active" in t.value]
    touched = table[in_october(table["period"])]
    assert len(touched) and touched["ai_active"].isna().all(), touched[["team", "ai_active"]]
    assert touched["accepted_lines"].isna().all()
    assert table.loc[~in_october(table["period"]), "ai_active"].gt(0).any()
    assert UNREAD in texts(at)


def test_read_only_explore_export_of_the_overview_has_no_zero_for_the_damaged_weeks(
    read_only_damaged, downloads
):
    at = open_page("pages/explore.py", query={"dataset": "overview"})
    assert not at.exception, [e.value for e in at.exception]
    made = [name for name in downloads if name.endswith(".csv")]
    assert made, list(downloads)
    frame = pd.read_csv(pd.io.common.BytesIO(downloads[made[0]]()))
    period = next(c for c in frame.columns if c.lower().startswith("period"))
    october = frame[in_october(pd.to_datetime(frame[period]))]
    active = [c for c in frame.columns if "active" in c.lower() and "firebender" in c.lower()]
    assert len(october) and active, (list(frame.columns), len(october))
    for column in active:
        assert october[column].isna().all(), october[[period, column]]


# ------------------------------------------------------------------ writable store: repaired


def test_writable_store_quarantines_refetches_and_draws_the_month(live, tmp_path):
    firebender_in(tmp_path / "history")
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    assert not any(UNREAD in w.value for w in at.warning)
    assert list((tmp_path / "history").glob(f"quarantine/*/{DAMAGED}"))
    users = [f for f in drawn(at) if "users" in f and "period" in f]
    october = pd.concat(users)[lambda f: in_october(f["period"])]
    assert (october["users"] > 0).any()


def test_read_only_days_before_the_store_holds_any_are_unknown_not_zero(read_only_damaged):
    """The store holds the last 80 days: a 12-month range's earlier weeks were drawn as 0."""
    at = open_page("pages/firebender.py", query={"range": "last_12_months", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    first_held = today() - dt.timedelta(days=80)
    for frame in drawn(at):
        if "period" not in frame:
            continue
        before = frame[pd.to_datetime(frame["period"]).dt.tz_localize(None) < str(first_held)]
        for column in ("users", "tokens", "cost_usd", "value"):
            if column in before:
                assert not (before[column].fillna(-1) == 0).any(), (column, before.head())
    assert "Requests in the range: unknown" in texts(at)


def test_read_only_codefresh_page_leaves_a_damaged_months_credits_empty(
    live, monkeypatch, read_only_view
):
    source, make = read_only_view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    since = (today() - dt.timedelta(days=80)).isoformat()
    only = ["--only", "codefresh.credit_consumption"]
    assert sync_main(["--since", since, *only, "--wait", "5"]) == 0
    damaged = "codefresh.credit_consumption/granularity=day/scope=org/month=2026-10/data.parquet"
    (source / damaged).write_bytes(b"PAR1 not really")
    monkeypatch.setenv("HISTORY_DIR", str(make()))
    at = open_page("pages/codefresh.py", query={"range": "last_90_days", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Codefresh credits for " in w.value and UNREAD in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    for frame in drawn(at):
        if "period" in frame and "credits" in frame:
            october = frame[in_october(frame["period"])]
            assert october.empty or october["credits"].isna().all(), october
            assert len(frame) > len(october)  # the other weeks are drawn
