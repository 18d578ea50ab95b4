"""The Builder.io page's spaces from DuckDB: lines per space summed over every space in one
query (the top spaces' series and the rest as "Other", the top spaces' totals, the count of all)
equal what the page computed from every space's rows in pandas; every charted space's token
metrics come from ONE query with the space as a column, equal to each space read alone."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import metrics, queries
from connectors import endpoints

from .conftest import SINCE, SPACE_KEYS, UNTIL


def _space_rows(store, granularity: str):
    """Every space's rows at the granularity, as the store holds them (raw or rolled up)."""
    dataset = endpoints.get(queries.ORG_SPACE_METRICS)
    if dataset.stored_as(granularity) == granularity:
        return queries.rows(store, dataset, granularity, ["org"], SINCE, UNTIL)
    return queries.rolled_up(store, dataset, granularity, ["org"], SINCE, UNTIL)


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
def test_lines_per_space_equal_those_from_every_spaces_rows(clean_sync, granularity):
    store, *_ = clean_sync
    raw = _space_rows(store, granularity)
    spaces = raw["space_id"].nunique()
    assert spaces >= 4
    found = queries.space_lines(store, SINCE, UNTIL, granularity, top=2, table=3)
    assert found.spaces == spaces
    # The two largest spaces and "Other": rows per period x 3, not per period x space.
    series = metrics.space_series(raw, n=2)
    assert set(found.series["space_name"]) == set(series["space_name"]) and len(series) < len(raw)
    pd.testing.assert_frame_equal(
        found.series.sort_values(["period", "space_name"], ignore_index=True),
        series.sort_values(["period", "space_name"], ignore_index=True),
        check_dtype=False,
    )
    totals = metrics.space_totals(raw)
    assert len(found.totals) == 3 < len(totals)
    pd.testing.assert_frame_equal(found.totals, totals.head(3), check_dtype=False)


def test_every_spaces_tokens_in_one_query_equal_each_space_read_alone(clean_sync):
    store, *_ = clean_sync
    dataset = endpoints.get(queries.SPACE_METRICS)
    names = {key: f"Space {i}" for i, key in enumerate(SPACE_KEYS)}
    assert len(names) >= 2
    together = queries.space_tokens(store, SINCE, UNTIL, "week", names)
    for key, name in names.items():
        alone = queries.rows(store, dataset, "week", [key], SINCE, UNTIL)
        mine = together[together["space_id"] == key]
        assert set(mine["space_name"]) == {name} and len(mine) == len(alone) > 0
        pd.testing.assert_frame_equal(
            mine.drop(columns=["space_id", "space_name"]).reset_index(drop=True), alone
        )
    # The chart's rows: the top space and "Other", each period's tokens summed.
    top = queries.space_tokens(store, SINCE, UNTIL, "week", names, top=1)
    every = metrics.tokens_per_space(
        {n: together[together["space_id"] == k] for k, n in names.items()}
    )
    expected = metrics.keep_top(every, "space", "tokens_total", n=1)
    pd.testing.assert_frame_equal(
        top.sort_values(["period", "space"], ignore_index=True),
        expected.sort_values(["period", "space"], ignore_index=True),
        check_dtype=False,
    )


def test_a_null_makes_the_spaces_sums_unknown(clean_sync, tmp_path):
    """A space's lines sent as null on one day: that space's total and its periods' sums are
    unknown, never the known days' sum (rollups.known_sum)."""
    store, *_ = clean_sync
    from store import Store
    from store.writer import Writer

    copy = Store(str(tmp_path / "history"))
    dataset = endpoints.get(queries.ORG_SPACE_METRICS)
    rows = store.rows(dataset, "day", ["org"], SINCE, UNTIL)
    day = rows["period"].max()
    first = rows["space_id"].iloc[0]
    hit = (rows["period"] == day) & (rows["space_id"] == first)
    rows.loc[hit, "lines_accepted"] = pd.NA
    with Writer(copy) as writer:
        writer.replace(
            dataset,
            "day",
            "org",
            SINCE,
            UNTIL,
            rows,
            dt.datetime(UNTIL.year, UNTIL.month, UNTIL.day, 23, tzinfo=dt.UTC),
        )
    found = queries.space_lines(copy, SINCE, UNTIL, "month", top=10, table=10)
    name = rows.loc[hit, "space_name"].iloc[0]
    mine = found.totals.set_index("space_name")
    assert pd.isna(mine.loc[name, "lines_accepted"]) and pd.isna(mine.loc[name, "acceptance"])
    assert mine.drop(index=name)["lines_accepted"].notna().all()
    month = pd.Timestamp(day).to_period("M").to_timestamp()
    cell = found.series[(found.series["period"] == month) & (found.series["space_name"] == name)]
    assert cell["lines_accepted"].isna().all() and len(cell) == 1


@pytest.mark.parametrize("granularity", ["day", "month"])
def test_a_teams_lines_per_space_equal_the_lens_over_every_spaces_rows(clean_sync, granularity):
    """With a team picked: only its spaces, each on the periods the mapping puts it in the team
    (by id, else by name; a space joining the team for May only), chosen by DuckDB, equal to
    `Lens.spaces` over every space's rows."""
    from analytics.lens import Lens
    from connectors.sandbox.teams import demo_teams_csv
    from teams import mapping as team_mapping

    store, *_ = clean_sync
    raw = _space_rows(store, granularity)
    others = sorted(set(raw["space_id"]) - {"demo-space-web"})
    text = demo_teams_csv() + f"space,{others[0]},Web,2026-05-01,2026-05-31\n"
    lens = Lens(team_mapping.parse(text), "Web", frozenset({"Web"}))
    mine = lens.spaces(raw, "space_id", "period", "space_name")
    assert 0 < mine["space_id"].nunique() < raw["space_id"].nunique()
    found = queries.space_lines(
        store, SINCE, UNTIL, granularity, top=1, table=10, team=(lens.mapping, lens.members)
    )
    assert found.spaces == metrics.space_totals(mine)["space_name"].nunique()
    pd.testing.assert_frame_equal(
        found.series.sort_values(["period", "space_name"], ignore_index=True),
        metrics.space_series(mine, n=1).sort_values(["period", "space_name"], ignore_index=True),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(found.totals, metrics.space_totals(mine), check_dtype=False)
