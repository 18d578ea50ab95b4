"""A read-only store (a viewer deployment; cron's sync fills it) holds days up to its last run:
the days after it (today, and any day cron has not reached) are unknown, not zero. Every page's
pickers end on the last day held (a range ending today would have no totals between cron's
runs), a period after it is never drawn or tabled, the page says calmly through which day the
store is filled, and does not warn about damage that is not there."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
import time_machine

from sync.__main__ import main as sync_main
from tests.app.conftest import APP, FROZEN_NOW, every_section, open_page, texts
from tests.faults.test_unreadable_days import drawn

SYNCED_AT = FROZEN_NOW - dt.timedelta(days=4)  # cron's last run: 19 Nov, holding through the 18th
LAST_HELD = (SYNCED_AT - dt.timedelta(days=1)).date()
WEEK = pd.Timestamp("2026-11-16")  # the week holding the last day held: running, in the store
NOT_HELD = pd.Timestamp(LAST_HELD + dt.timedelta(days=1))
THROUGH = "filled by the scheduled sync through 18 Nov 2026"


@pytest.fixture
def behind(live, monkeypatch, read_only_view):
    """A read-only store cron filled four days ago (the sandbox answers for any day)."""
    source, make = read_only_view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    with time_machine.travel(SYNCED_AT, tick=False):
        since = (SYNCED_AT.date() - dt.timedelta(days=80)).isoformat()
        assert sync_main(["--since", since, "--wait", "5"]) == 0
    shutil.copy(APP.parent / "teams.example.csv", source / "teams.csv")
    monkeypatch.setenv("HISTORY_DIR", str(make()))
    live.clear_requests()
    return live


def known_after(at, since: pd.Timestamp = WEEK) -> list:
    """Every number (a 0, or a sum of the days held) the page draws or tables in a period
    from `since` on: those periods touch days the store does not hold yet."""
    found = []
    frames = drawn(at) + [t.value for t in at.dataframe]
    for frame in frames:
        if "period" not in frame:
            continue
        period = pd.to_datetime(frame["period"])
        if period.dt.tz is not None:
            period = period.dt.tz_convert("UTC").dt.tz_localize(None)
        late = frame[(period >= since).to_numpy()]
        # A team's head count comes from the teams mapping, not from the store.
        for column in late.select_dtypes("number").columns.difference(["people"]):
            if late[column].notna().any():
                found.append((column, late[["period", column]].to_dict("records")))
    return found


def calm(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert THROUGH in texts(at), "the page does not say through which day the store is filled"
    for warning in at.warning:
        assert "unreadable" not in warning.value and "damaged" not in warning.value, warning.value


def test_the_overview_ends_on_the_last_day_held_not_so_far_zero(behind):
    at = open_page("pages/overview.py")
    calm(at)
    # The whole page: "About these numbers" opened (drawn only when open), every tab in turn.
    at.session_state["overview__about"] = True
    said, headings, late = [], [], []
    for section, shown in every_section(at):
        calm(shown)
        said += [c.value for c in shown.caption]
        headings += [h.value for h in shown.subheader]
        late += known_after(shown, NOT_HELD)
        if section == "latest":  # the latest whole week's tiles
            tiles = {m.label: m.value for m in shown.metric}
        if section == "data":
            (table,) = [t.value for t in shown.dataframe if "firebender_active_users" in t.value]
    captions = " ".join(said)
    assert "so far 0" not in captions and "$0.00" not in captions, captions
    # The week holding the last day held is the running week, with what those days hold.
    assert "Week of 16 Nov 2026 is still running: so far " in captions, captions
    assert "Latest whole week: week of 9 Nov 2026" in headings, headings
    assert pd.to_datetime(table["period"]).max() == WEEK
    whole = table[pd.to_datetime(table["period"]) < WEEK]
    assert whole[["firebender_active_users", "ci_credits"]].iloc[-1].gt(0).all()
    assert tiles["CI credits"] != "-" and tiles["AI-active developers"] != "-", tiles
    assert not late, late
    assert behind.request_log() == []  # nothing was fetched


def test_a_range_past_the_last_day_held_is_cut_there(behind):
    """A link ending today opens ending on the last day held: nothing after it can be shown."""
    at = open_page("pages/overview.py", query={"start": "2026-10-19", "end": "2026-11-23"})
    calm(at)
    for section, shown in every_section(at):  # every chart and table: one tab at a time
        calm(shown)
        assert not known_after(shown, NOT_HELD), section
    assert at.query_params["end"] == LAST_HELD.isoformat(), at.query_params
    assert behind.request_log() == []


@pytest.mark.parametrize(
    "page",
    [
        "pages/builder.py",
        "pages/firebender.py",
        "pages/codefresh.py",
        "pages/teams.py",
    ],
)
def test_no_page_draws_a_number_for_days_not_synced_yet(behind, page):
    at = open_page(page, query={"range": "last_90_days", "granularity": "week"})
    calm(at)
    assert not known_after(at, NOT_HELD), known_after(at, NOT_HELD)
    assert drawn(at)  # the weeks held are still drawn


def test_builder_totals_over_the_days_held_are_known(behind):
    query = {"start": "2026-10-19", "end": "2026-11-23", "granularity": "week"}
    at = open_page("pages/builder.py", query=query)
    calm(at)
    # The range ends on the last day held, so its totals are whole: the tables are shown.
    assert [t for t in at.dataframe if "kind" in t.value and "tokens" in t.value]
    assert [t for t in at.dataframe if "space_name" in t.value and "total_lines" in t.value]
    shown = " ".join(c.value for c in at.caption)
    assert "Totals over the range: unknown (" not in shown, shown


@pytest.mark.parametrize(
    ("page", "said"),
    [
        ("pages/builder.py", "Builder.io: Users are not kept in the history store"),
        ("pages/codefresh.py", "Codefresh: Reports (metadata) are not kept in the history"),
        ("pages/explore.py", None),
    ],
)
def test_a_read_only_deployment_asks_the_vendors_nothing(behind, page, said):
    """Builder.io's users and Codefresh's report list are not kept in the store: a viewer
    deployment says so instead of fetching them (it asked both vendors before)."""
    at = open_page(page)
    calm(at)
    assert behind.request_log() == []
    if said:
        infos = [i.value for i in at.info]
        assert any(said in i and "fetches nothing" in i for i in infos), infos
    assert not at.error, [e.value for e in at.error]
