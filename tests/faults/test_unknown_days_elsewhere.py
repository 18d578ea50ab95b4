"""The pages that only named a damaged file in their header now leave its days unknown too,
through the same `Reader.unknown_days` as the others: the Builder.io page, the Alerts page (its
series and what it judged), Codefresh's top pipelines and Explore's rows and exports. A
read-only store keeps the damage (this app cannot repair it)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from sync.__main__ import main as sync_main
from tests.app.conftest import APP, open_page, texts, today
from tests.faults.test_unreadable_days import drawn

REQUESTS_DAY = "2026-11-10"  # a settled day the Alerts page judges
DAMAGED = {
    "builder.org_metrics/granularity=week/scope=org/month=2026-10/data.parquet": None,
    f"firebender.model_requests/granularity=none/scope=org/day={REQUESTS_DAY}/data.parquet": None,
    "codefresh.pipeline_credit_consumption/granularity=day/scope=org/month=2026-10/data.parquet": None,
}


@pytest.fixture
def damaged(live, monkeypatch, read_only_view):
    source, make = read_only_view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    since = (today() - dt.timedelta(days=100)).isoformat()
    assert sync_main(["--since", since, "--wait", "5"]) == 0
    for path in DAMAGED:
        assert (source / path).exists(), sorted(
            p.name for p in (source / path).parent.parent.iterdir()
        )
        (source / path).write_bytes(b"PAR1 not really")
    shutil.copy(APP.parent / "teams.example.csv", source / "teams.csv")
    monkeypatch.setenv("HISTORY_DIR", str(make()))
    live.clear_requests()
    return live


def touching_october(frame: pd.DataFrame) -> pd.DataFrame:
    period = pd.to_datetime(frame["period"])
    if period.dt.tz is not None:
        period = period.dt.tz_convert("UTC").dt.tz_localize(None)
    return frame[((period >= "2026-09-29") & (period <= "2026-10-31")).to_numpy()]


def test_builder_page_leaves_a_damaged_files_weeks_empty_and_names_them(damaged):
    at = open_page("pages/builder.py", query={"range": "last_90_days", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    assert any(
        "Builder.io organization metrics for " in w.value and "is unreadable" in w.value
        for w in at.warning
    ), [w.value for w in at.warning]
    found = 0
    for frame in drawn(at) + [t.value for t in at.dataframe]:
        if "period" not in frame or not {"value", "builder_users", "users"} & set(frame):
            continue
        october = touching_october(frame)
        for column in {"value", "builder_users", "builder_prompts"} & set(frame):
            found += len(october)
            assert october[column].isna().all(), october[["period", column]]
    assert found


def test_codefresh_top_pipelines_over_a_damaged_month_are_unknown(damaged):
    at = open_page("pages/codefresh.py", query={"range": "last_90_days", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Codefresh pipeline credits for " in w.value for w in at.warning)
    captions = " ".join(c.value for c in at.caption)
    assert "Each pipeline's credits over the range: unknown (part of it could not be" in captions
    # No ranking, no table of totals that would lack the damaged month.
    assert not [t for t in at.dataframe if "pipeline" in t.value and "share" in t.value]


def test_alerts_page_does_not_judge_or_draw_a_damaged_day(damaged):
    at = open_page("pages/alerts.py")
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "Firebender model requests for 10 Nov 2026 is unreadable" in shown
    assert "not judged" in shown
    for frame in drawn(at):
        day = next((c for c in ("day", "period", "date") if c in frame), None)
        if day is None:
            continue
        days = pd.to_datetime(frame[day])
        if days.dt.tz is not None:
            days = days.dt.tz_convert("UTC").dt.tz_localize(None)
        that = frame[(days.dt.strftime("%Y-%m-%d") == REQUESTS_DAY).to_numpy()]
        for column in that.select_dtypes("number").columns:
            assert not (that[column] == 0).any(), (column, that)


def test_explore_names_the_missing_days_and_exports_no_zero(damaged, downloads):
    query = {"dataset": "codefresh.pipeline_credit_consumption", "granularity": "week"}
    at = open_page("pages/explore.py", query={**query, "range": "last_90_days"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Part of the range has no rows (" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    made = [name for name in downloads if name.endswith(".csv")]
    assert made, list(downloads)
    frame = pd.read_csv(pd.io.common.BytesIO(downloads[made[0]]()))
    period = pd.to_datetime(frame["period"])
    assert len(frame) and not period.dt.strftime("%Y-%m").eq("2026-10").any()  # no row, no 0
    raw = open_page("pages/explore.py", query={"dataset": "firebender.model_requests"})
    assert not raw.exception, [e.value for e in raw.exception]
    assert any("Part of the range has no rows (" in w.value for w in raw.warning)
