"""Missing is never zero: periods outside a vendor's data are NA; totals compare the finished
periods of a range with as many periods before it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import metrics
from analytics.metrics import coverage

D = dt.date


def _credits(first: D, last: D) -> pd.DataFrame:
    days = pd.date_range(first, last, freq="D")
    return pd.DataFrame({"key": "linux-small", "period": days, "value": 100.0})


def test_periods_before_a_vendors_first_day_are_empty_not_zero():
    credits = _credits(D(2025, 1, 1), D(2025, 3, 31))
    span = coverage.span(credits, "period", ["value"], D(2024, 12, 2), D(2025, 3, 31))
    assert span.first == D(2025, 1, 1) and span.last is None
    inputs = metrics.OverviewInputs(credits=credits, spans={"codefresh": span})
    table = metrics.overview_table(inputs, D(2024, 12, 2), D(2025, 3, 30), "week")
    before = table[table["period"] < pd.Timestamp("2025-01-06")]
    assert before["ci_credits"].isna().all()  # Dec weeks and the half-covered first week
    after = table[table["period"] >= pd.Timestamp("2025-01-06")]
    assert (after["ci_credits"] == 700.0).all()
    assert coverage.describe(span) == "data from 1 Jan 2025"


def test_a_quiet_weekend_at_the_edge_is_zero_activity_not_missing_data():
    credits = _credits(D(2025, 3, 5), D(2025, 3, 28))  # the range starts Mon 3rd, ends Sun 30th
    span = coverage.span(credits, "period", ["value"], D(2025, 3, 3), D(2025, 3, 30))
    assert span.first is None and span.last is None


def test_a_vendor_that_stopped_reporting_is_empty_after_its_last_day():
    credits = _credits(D(2025, 1, 1), D(2025, 2, 10))
    span = coverage.span(credits, "period", ["value"], D(2025, 1, 1), D(2025, 3, 31))
    inputs = metrics.OverviewInputs(credits=credits, spans={"codefresh": span})
    table = metrics.overview_table(inputs, D(2025, 1, 1), D(2025, 3, 31), "month")
    assert table["ci_credits"].tolist()[0] == 3100.0
    assert table["ci_credits"].iloc[1:].isna().all()


def test_a_sum_across_vendors_with_an_unknown_part_is_unknown():
    credits = _credits(D(2025, 1, 1), D(2025, 1, 31))
    org = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-13"]),
            "users": [3, 4],
            "user_prompts": [10, 10],
            "lines_accepted": [50, 60],
            "events": [1, 1],
        }
    )
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-13", "2025-01-17"]),
            "email": ["a@x", "a@x"],
            "agent_prompts": [1, 1],
            "inline_edits": [0, 0],
            "autocomplete_accepts": [0, 0],
            "agent_accepted_lines_added": [5, 0],
            "inline_accepted_lines_added": [0, 0],
        }
    )
    spans = {
        "firebender": coverage.span(daily, "date", ["agent_prompts"], D(2025, 1, 6), D(2025, 1, 19))
    }
    inputs = metrics.OverviewInputs(builder=org, firebender=daily, credits=credits, spans=spans)
    table = metrics.overview_table(inputs, D(2025, 1, 6), D(2025, 1, 19), "week", "both")
    # Firebender's data start on Monday the 13th: its first week is unknown, so are the sums.
    assert pd.isna(table["ai_accepted_lines"].iloc[0])
    assert pd.isna(table["ai_active_developers"].iloc[0])
    assert table["ai_accepted_lines"].iloc[1] == 65.0


def _history():
    index = metrics.periods(D(2026, 1, 5), D(2026, 3, 4), "week", today=D(2026, 3, 4))
    n = len(index)
    table = index.assign(
        model_spend_usd=[10.0] * n,
        ci_credits=[100.0 + i for i in range(n)],
        ci_spend_usd=[1.0] * n,
        ai_active_developers=[5.0] * n,
        ai_accepted_lines=[7.0] * n,
    )
    return table


def test_totals_compare_finished_periods_with_as_many_before():
    table = _history()  # 9 weeks: Jan 5 .. Mar 8; the last (Mar 2) is unfinished on Mar 4
    heads = pd.Series(10.0, index=table.index)
    totals = metrics.range_totals(table, heads, D(2026, 2, 2), "week")
    assert (totals.start, totals.end) == (D(2026, 2, 2), D(2026, 3, 1))
    assert (totals.previous_start, totals.previous_end) == (D(2026, 1, 5), D(2026, 2, 1))
    tiles = {t.column: t for t in totals.tiles}
    assert tiles["ci_credits"].value == pytest.approx(104 + 105 + 106 + 107)
    assert tiles["ci_credits"].previous == pytest.approx(100 + 101 + 102 + 103)
    assert tiles["ai_spend_per_developer"].value == pytest.approx(40 / 10)
    assert tiles["ai_active_developers"].value == 5.0  # an average per week, not a sum


def test_a_total_with_an_unknown_period_is_unknown_not_smaller():
    table = _history()
    table.loc[1, "ci_credits"] = float("nan")  # Codefresh had no data in the week of Jan 12
    totals = metrics.range_totals(table, pd.Series(10.0, index=table.index), D(2026, 2, 2), "week")
    tiles = {t.column: t for t in totals.tiles}
    assert tiles["ci_credits"].value is not None and tiles["ci_credits"].previous is None
    assert tiles["ci_credits"].delta is None


def test_day_tiles_compare_the_same_weekday_a_week_before():
    index = metrics.periods(D(2026, 3, 1), D(2026, 3, 20), "day", today=D(2026, 3, 20))
    table = index.assign(ci_credits=[float(d.day_of_week) for d in index["period"]])
    tile = metrics.kpis(table, ["ci_credits"], "day")[0]
    assert tile.period == pd.Timestamp("2026-03-19")
    assert tile.previous_period == pd.Timestamp("2026-03-12")
    assert tile.delta == 0


def test_tiles_never_show_an_unfinished_period():
    index = metrics.periods(D(2026, 3, 2), D(2026, 3, 4), "week", today=D(2026, 3, 4))
    tile = metrics.kpis(index.assign(ci_credits=5.0), ["ci_credits"], "week")[0]
    assert tile.value is None and tile.period is None


def test_period_names_are_what_people_say():
    assert metrics.period_name("2026-11-09", "week") == "week of 9 Nov 2026"
    assert metrics.period_name("2026-09-01", "month") == "September 2026"
    assert metrics.period_name("2026-07-01", "quarter") == "Q3 2026"
    assert metrics.period_name("2026-11-22", "day") == "Sun 22 Nov 2026"
    assert metrics.range_name(D(2025, 11, 3), D(2026, 2, 1)) == "3 Nov 2025 – 1 Feb 2026"
