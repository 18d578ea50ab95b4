"""The vendor pages' tiles come from per-vendor tables, not the whole overview table: the same
numbers, period for period, on the sandbox's data."""

from __future__ import annotations

import datetime as dt

import pytest
from pandas.testing import assert_frame_equal

from analytics import metrics
from connectors import CodefreshClient, FirebenderClient
from connectors.sandbox import keys
from sync import clients

START, END = dt.date(2026, 1, 5), dt.date(2026, 4, 26)


@pytest.fixture(scope="module")
def daily():
    client = FirebenderClient(keys.FIREBENDER_KEY, session=clients.demo_session("firebender"))
    return client.daily_usage(START, END)


@pytest.fixture(scope="module")
def credits():
    client = CodefreshClient(keys.CODEFRESH_KEY, session=clients.demo_session("codefresh"))
    return client.credit_consumption(START, END, granularity="day")


FIREBENDER = [
    "firebender_active_users",
    "firebender_agent_prompts",
    "firebender_accepted_lines",
    "firebender_autocomplete_accepts",
]


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
def test_firebender_tiles_match_the_overview(daily, granularity):
    table = metrics.vendors.firebender_table(daily, START, END, granularity)
    overview = metrics.overview_table(
        metrics.OverviewInputs(firebender=daily), START, END, granularity
    )
    columns = ["period", "period_end", "complete", *FIREBENDER]
    assert_frame_equal(table[columns], overview[columns])
    assert metrics.kpis(table, FIREBENDER, granularity) == metrics.kpis(
        overview, FIREBENDER, granularity
    )
    assert table[FIREBENDER].sum().min() > 0  # the sandbox has activity in every measure


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
def test_codefresh_tiles_match_the_overview(credits, granularity):
    table = metrics.vendors.credits_table(credits, START, END, granularity, usd_per_credit=0.01)
    overview = metrics.overview_table(
        metrics.OverviewInputs(credits=credits), START, END, granularity, usd_per_credit=0.01
    )
    columns = ["period", "period_end", "complete", "ci_credits", "ci_spend_usd"]
    assert_frame_equal(table[columns], overview[columns])
    assert metrics.kpis(table, ["ci_credits"], granularity) == metrics.kpis(
        overview, ["ci_credits"], granularity
    )
    assert table["ci_credits"].sum() > 0


def test_tables_without_data_keep_the_period_index():
    table = metrics.vendors.credits_table(None, START, END, "week")
    assert len(table) == len(metrics.periods(START, END, "week"))
    assert table["ci_credits"].isna().all()  # not loaded: unknown, not 0
    table = metrics.vendors.firebender_table(None, START, END, "month")
    assert table["firebender_active_users"].isna().all()
