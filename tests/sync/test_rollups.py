"""Rollups written by sync: after several incremental syncs (each fetching the unsettled tail
again) and a vendor's revision of a tail day, the rollups equal those `python -m sync
--rebuild-rollups` writes from the raw rows, frame for frame; they equal what the raw rows say;
and a store without rollups (written before them) is read right and filled by the next sync."""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sync
from connectors import endpoints
from store import Store, rollups
from store.writer import Writer

from .conftest import PROJECT, cli_env, serve, sync_once
from .usage_views import assert_usage_views_equal

SINCE = dt.date(2026, 5, 1)
TARGETS = [
    sync.Target(endpoints.get("firebender.daily_usage"), "day"),
    sync.Target(endpoints.get("firebender.model_requests"), None),
    sync.Target(endpoints.get("codefresh.pipeline_credit_consumption"), "day"),
]
SYNCS = (dt.date(2026, 6, 10), dt.date(2026, 6, 20), dt.date(2026, 6, 30))  # each `until`
REVISED = dt.date(2026, 6, 29)  # a tail day the vendor revises after it was first fetched


def _morning(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, 0, tzinfo=dt.UTC)


def rollup_files(root: str) -> dict[str, pd.DataFrame]:
    """Every rollup file's rows, by path inside the store."""
    found = {}
    for path in sorted(glob.glob(os.path.join(root, "rollups", "**", "*.parquet"), recursive=True)):
        found[os.path.relpath(path, root)] = pq.read_table(path).to_pandas()
    return found


def revise(store: Store, day: dt.date) -> None:
    """The vendor revises `day`: half its model requests gone, the rest cost twice as much,
    one person's daily usage row gone (written through the store's one writer, as a sync
    fetching the tail again would)."""
    now = _morning(day + dt.timedelta(days=2))
    requests = store.rows("firebender.model_requests", None, start=day, end=day)
    requests = requests.iloc[::2].assign(cost_usd=lambda f: f["cost_usd"] * 2)
    usage = store.rows("firebender.daily_usage", "day", start=day, end=day).iloc[1:]
    with Writer(store) as writer:
        writer.replace(endpoints.get("firebender.model_requests"), None, "org", day, day,
                       requests, now)  # fmt: skip
        writer.replace(endpoints.get("firebender.daily_usage"), "day", "org", day, day, usage, now)


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    """A store filled by three syncs, each a later `until` (the tail fetched again), then a
    revision of a tail day."""
    root = str(tmp_path_factory.mktemp("incremental") / "history")
    store = Store(root)
    with serve() as served:
        for until in SYNCS:
            now = _morning(until + dt.timedelta(days=1))
            _tasks, summary = sync_once(store, served.url, TARGETS, since=SINCE, until=until,
                                        now=now)  # fmt: skip
            assert not summary.failed, summary.lines()
    revise(store, REVISED)
    return root


def test_rollups_after_incremental_syncs_equal_those_rebuilt_from_the_raw_rows(
    incremental, tmp_path
):
    kept = rollup_files(incremental)
    names = {path.split(os.sep)[1] for path in kept}
    assert names == {"model_spend", "pipeline_credits", "daily_usage", "active_people"}
    rebuilt_root = str(tmp_path / "rebuilt")
    shutil.copytree(incremental, rebuilt_root)
    shutil.rmtree(os.path.join(rebuilt_root, "rollups"))
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "APP_DOTENV": ""}
    done = subprocess.run(
        [sys.executable, "-m", "sync", "--rebuild-rollups", "--store", rebuilt_root],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "rebuilt from the raw rows" in done.stdout
    rebuilt = rollup_files(rebuilt_root)
    assert sorted(rebuilt) == sorted(kept)
    for path, frame in kept.items():
        pd.testing.assert_frame_equal(frame, rebuilt[path], check_exact=True, obj=path)
    # Nothing is out of date: readers use the files, not the raw rows.
    store = Store(incremental)
    for rollup in rollups.ROLLUPS.values():
        _current, stale = rollups.status(store, rollup, SINCE, SYNCS[-1])
        assert stale == [], rollup.name


def test_the_rollups_say_what_the_raw_rows_say_the_revised_tail_included(incremental):
    store = Store(incremental)
    raw = store.rows("firebender.model_requests", None, start=SINCE, end=SYNCS[-1])
    day = raw["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    want = raw.groupby(day)["cost_usd"].sum()
    spend = rollups.frame(store, "model_spend", SINCE, SYNCS[-1])
    got = spend.groupby(spend["day"].astype("datetime64[ns]"))["cost_usd"].sum()
    want.index = want.index.astype("datetime64[ns]")
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12)
    assert (
        spend.loc[spend["day"] == pd.Timestamp(REVISED), "requests"].sum()
        == (day == pd.Timestamp(REVISED)).sum()
    )
    usage = store.rows("firebender.daily_usage", "day", start=SINCE, end=SYNCS[-1])
    active = usage[
        usage[["agent_prompts", "inline_edits", "autocomplete_accepts"]].fillna(0).gt(0).any(axis=1)
    ]
    days = pd.to_datetime(active["date"]).dt.tz_localize(None).dt.normalize()
    weeks = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    people = rollups.frame(store, "active_firebender", SINCE, SYNCS[-1])
    for kind, labels in (("day", days), ("week", weeks), ("month", days.dt.to_period("M"))):
        if kind == "month":
            labels = labels.dt.start_time
        want = active.groupby(labels.to_numpy())["email"].nunique()
        # Only periods wholly inside the raw rows held (the first week may begin before SINCE).
        want = want[want.index >= pd.Timestamp(SINCE)]
        mine = people[people["period_kind"] == kind].set_index("period")["people"]
        mine.index = mine.index.astype("datetime64[ns]")
        want.index = pd.DatetimeIndex(want.index).astype("datetime64[ns]")
        pd.testing.assert_series_equal(
            mine.loc[want.index], want.astype("int64"), check_names=False, obj=kind
        )


def test_a_store_without_rollups_is_read_from_its_raw_rows_and_the_next_sync_writes_them(
    incremental, tmp_path
):
    root = str(tmp_path / "old")
    shutil.copytree(incremental, root)
    want = rollup_files(root)
    shutil.rmtree(os.path.join(root, "rollups"))  # as a store written before rollups existed
    store = Store(root)
    for name in rollups.ROLLUPS:
        got = rollups.frame(store, name, SINCE, SYNCS[-1])
        kept = rollups.frame(Store(incremental), name, SINCE, SYNCS[-1])
        pd.testing.assert_frame_equal(got, kept, check_exact=True, obj=name)
    assert rollup_files(root) == {}  # reading wrote nothing
    with serve() as served:  # a sync with nothing new to fetch still writes what is missing
        env = {**cli_env(served.url, root), "APP_DOTENV": ""}
        done = subprocess.run(
            [sys.executable, "-m", "sync", "--only", "firebender.daily_usage", "--since",
             "2026-06-01", "--until", "2026-06-05"],
            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert "Nothing to fetch" in done.stdout and "Rollups:" in done.stdout, done.stdout
    got = rollup_files(root)
    assert sorted(got) == sorted(want)


def test_outside_engines_read_the_rollups_with_their_hive_keys(incremental):
    import pyarrow.dataset as ds

    spend = ds.dataset(os.path.join(incremental, "rollups", "model_spend"), partitioning="hive")
    table = spend.to_table().to_pandas()
    assert set(table["month"].astype(str)) == {"2026-05", "2026-06"}
    assert table["requests"].sum() == len(
        Store(incremental).rows("firebender.model_requests", None, start=SINCE, end=SYNCS[-1])
    )
    people = ds.dataset(os.path.join(incremental, "rollups", "active_people"), partitioning="hive")
    assert set(people.to_table().to_pandas()["source"].astype(str)) == {"firebender", "requests"}


@pytest.mark.parametrize(
    "granularity, end",
    [("month", SYNCS[-1]), ("week", dt.date(2026, 6, 17)), ("day", dt.date(2026, 6, 17))],
)
def test_the_overview_from_the_rollups_equals_the_overview_from_raw_rows(
    incremental, granularity, end
):
    """The organisation's Firebender measures and the answer's AI-active people per day, from
    daily sums and DuckDB's distinct counts, equal those from a row per person and day; a week
    or month the range's end cuts counts its days up to the end only."""
    from analytics import metrics
    from analytics.metrics import answer_weeks

    store = Store(incremental)
    raw = store.rows("firebender.daily_usage", "day", start=SINCE, end=end)
    daily, people = rollups.usage(store, SINCE, end)
    assert len(daily) <= (end - SINCE).days + 1 < len(raw)  # a row per day, not per person
    from_raw = metrics.overview_table(
        metrics.OverviewInputs(firebender=raw), SINCE, end, granularity
    )
    from_rollups = metrics.overview_table(
        metrics.OverviewInputs(firebender=daily, firebender_people=people), SINCE, end, granularity
    )
    columns = [c for c in from_raw.columns if c.startswith("firebender_")]
    pd.testing.assert_frame_equal(from_rollups[columns], from_raw[columns], rtol=1e-12)
    days = pd.date_range(SINCE, end)
    pd.testing.assert_series_equal(
        answer_weeks.ai_people_per_day(answer_weeks.AnswerInputs(daily), "firebender", days),
        answer_weeks.ai_people_per_day(answer_weeks.AnswerInputs(raw), "firebender", days),
        check_names=False,
        check_dtype=False,
    )


def test_a_writer_stopped_by_an_error_leaves_no_stale_read_and_the_next_sync_writes_the_month(
    incremental, tmp_path
):
    root = str(tmp_path / "stopped")
    shutil.copytree(incremental, root)
    store = Store(root)
    day = dt.date(2026, 6, 12)
    before = rollups.frame(store, "model_spend", day, day)
    requests = store.rows("firebender.model_requests", None, start=day, end=day).iloc[1:]
    with pytest.raises(RuntimeError), Writer(store) as writer:
        writer.replace(endpoints.get("firebender.model_requests"), None, "org", day, day,
                       requests, _morning(day + dt.timedelta(days=3)))  # fmt: skip
        raise RuntimeError("stopped before the writer was done")
    spend = rollups.ROLLUPS["model_spend"]
    assert rollups.status(store, spend, day, day)[1] == [day.replace(day=1)]  # out of date
    after = rollups.frame(store, "model_spend", day, day)  # rolled up from the raw rows
    assert after["requests"].sum() == before["requests"].sum() - 1
    assert rollups.refresh_stale(store) >= 1
    assert rollups.status(store, spend, day, day)[1] == []
    pd.testing.assert_frame_equal(rollups.frame(store, "model_spend", day, day), after)


@pytest.mark.parametrize(
    ("granularity", "end"),
    [("month", SYNCS[-1]), ("week", dt.date(2026, 6, 17)), ("day", dt.date(2026, 6, 17))],
)
def test_the_firebender_page_from_duckdb_sums_equals_the_page_from_raw_rows(
    incremental, granularity, end
):
    """The Firebender page's numbers (active users, tiles, acceptance rates over time and over
    the range, the people table) from DuckDB's sums per day and per person equal those from a
    row per person and day; the people table arrives top-N, in the same order."""
    from analytics import metrics, queries

    store = Store(incremental)
    raw = store.rows("firebender.daily_usage", "day", start=SINCE, end=end)
    daily = queries.usage_by_day(store, SINCE, end)
    _, people = queries.usage_summed(store, SINCE, end)
    assert len(daily) <= (end - SINCE).days + 1 < len(raw)  # a row per day, not per person
    assert_usage_views_equal(daily, people, raw, granularity, SINCE, end)

    board_raw = metrics.leaderboard(raw)
    summed, everyone = queries.usage_by_person(store, SINCE, end, limit=1000)
    assert everyone == len(board_raw) == len(summed)
    pd.testing.assert_frame_equal(metrics.leaderboard(summed), board_raw, check_dtype=False)
    top, everyone = queries.usage_by_person(store, SINCE, end, limit=3)
    assert (len(top), everyone) == (3, len(board_raw))
    pd.testing.assert_frame_equal(metrics.leaderboard(top), board_raw.head(3), check_dtype=False)


def test_the_firebender_pages_requests_per_person_arrive_for_the_people_shown_and_top_spenders(
    incremental,
):
    """Everyone's model requests per person when the table shows everyone (the rows
    `requests_summed` gives); else only the people shown and the top spenders, with the same
    sums, so the top-spenders chart is the one over everyone."""
    from analytics import metrics, queries

    store = Store(incremental)
    spec = endpoints.get("firebender.model_requests")
    end = SYNCS[-1]
    everyone = queries.requests_summed(store, spec, SINCE, end, ("email",), False)
    assert len(everyone) > 5
    pd.testing.assert_frame_equal(
        queries.requests_of_people(store, spec, SINCE, end, None), everyone
    )
    shown = tuple(everyone["email"].iloc[:2])
    some = queries.requests_of_people(store, spec, SINCE, end, shown, top=3)
    top = metrics.top_spenders(metrics.requests_by_person(everyone), n=3)
    assert set(some["email"]) == set(shown) | set(top["email"])
    expected = everyone[everyone["email"].isin(some["email"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)
    pd.testing.assert_frame_equal(metrics.top_spenders(metrics.requests_by_person(some), n=3), top)
