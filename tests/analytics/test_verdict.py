"""The overview's verdict: on series whose truth is set here, and on a few sandbox seeds of the
scenarios whose truth is known (the benchmark measures the rates over many seeds)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import metrics
from analytics.metrics import verdict as v
from bench import verdict_rates

MORE, FEWER, UNCLEAR = v.MORE, v.FEWER, v.UNCLEAR


def _weeks(n: int, effect: float, seed: int = 0, noise: float = 0.03, share_sd: float = 0.06):
    """A weekly overview table and its monthly committers: credits per committer rise by
    `effect` (log points per unit of AI share) on top of a trend both series share."""
    rng = np.random.default_rng(seed)
    index = metrics.periods(
        dt.date(2025, 11, 3),
        dt.date(2025, 11, 3) + dt.timedelta(weeks=n) - dt.timedelta(days=1),
        "week",
        today=dt.date(2030, 1, 1),
    )
    t = np.arange(n)
    committers = 30.0
    share = 0.2 + 0.4 * t / n + rng.normal(0, share_sd, n)  # adoption trend + busy/quiet weeks
    log_credits = np.log(1000) + 0.3 * t / n + effect * share + rng.normal(0, noise, n)
    table = index.assign(
        ci_credits=np.exp(log_credits) * committers,
        ai_active_developers=share * committers,
        firebender_daily_active=share * committers,
    )
    months = metrics.periods(
        dt.date(2025, 11, 1), dt.date(2027, 12, 31), "month", today=dt.date(2030, 1, 1)
    )
    monthly = months.assign(active_committers=committers)
    return table, monthly


def test_a_planted_effect_is_found_with_an_interval_that_holds_it():
    table, monthly = _weeks(52, effect=0.8)
    answer = v.verdict(table, monthly, "week")
    assert answer.opening == MORE and answer.sentence.startswith(MORE + ":")
    truth = (np.exp(0.8 * 0.1) - 1) * 100  # +8.3% per 10 points
    assert answer.low < truth < answer.high
    assert answer.n == 52 and "52 finished weeks" in answer.sentence
    assert "95% interval" in answer.sentence and "same week" in answer.sentence


def test_a_negative_effect_says_fewer():
    table, monthly = _weeks(52, effect=-0.8, seed=3)
    answer = v.verdict(table, monthly, "week")
    assert answer.opening == FEWER and "lower" in answer.sentence


def test_a_shared_trend_alone_is_no_evidence_although_the_levels_correlate():
    table, monthly = _weeks(52, effect=0.0, seed=5)
    levels = metrics.correlation(table, "ai_active_developers", "ci_credits")
    assert levels.r > 0.5  # the picture says "strong"; the answer must not
    answer = v.verdict(table, monthly, "week")
    assert answer.opening == UNCLEAR
    assert answer.low < 0 < answer.high and "includes no change" in answer.sentence


def test_too_few_periods_a_missing_vendor_and_no_variation_are_no_evidence_and_say_why():
    table, monthly = _weeks(6, effect=1.0)
    few = v.verdict(table, monthly, "week")
    assert few.opening == UNCLEAR and "only 6 finished weeks" in few.sentence
    table, monthly = _weeks(52, effect=1.0)
    gone = v.verdict(table, monthly, "week", missing={"Codefresh": "HTTP 401"})
    assert gone.opening == UNCLEAR and "no Codefresh data (HTTP 401)" in gone.sentence
    flat = table.assign(firebender_daily_active=10.0, ai_active_developers=10.0)
    assert "did not change" in v.verdict(flat, monthly, "week").sentence
    with pytest.raises(ValueError, match="weeks or months"):
        v.verdict(table, monthly, "day")


def test_an_unfinished_period_and_an_unfinished_month_of_committers_are_left_out():
    table, monthly = _weeks(20, effect=0.8)
    table.loc[table.index[-1], "complete"] = False
    table.loc[table.index[-1], "ci_credits"] = 1.0  # a collapse, if it were used
    used = v.verdict(table, monthly, "week")
    assert used.n == 19
    monthly = monthly.assign(complete=monthly["period"] < pd.Timestamp("2026-01-01"))
    heads = v.headcount(table, monthly)
    assert heads[table["period"] >= pd.Timestamp("2026-01-05")].isna().all()
    assert heads[table["period_end"] < pd.Timestamp("2025-12-29")].notna().all()


def test_a_week_across_two_months_takes_the_committers_of_its_days():
    index = metrics.periods(
        dt.date(2026, 3, 30), dt.date(2026, 4, 5), "week", today=dt.date(2030, 1, 1)
    )
    months = metrics.periods(
        dt.date(2026, 3, 1), dt.date(2026, 4, 30), "month", today=dt.date(2030, 1, 1)
    ).assign(active_committers=[20.0, 34.0])
    assert v.headcount(index, months).iloc[0] == pytest.approx((2 * 20 + 5 * 34) / 7)


def test_the_lag_shifts_credits_and_is_named():
    table, monthly = _weeks(40, effect=0.0, seed=2)
    share = table["firebender_daily_active"] / 30
    credits = table["ci_credits"].to_numpy().copy()
    credits[2:] = credits[2:] * np.exp(0.9 * share.to_numpy()[:-2])  # credits follow 2 weeks on
    table = table.assign(ci_credits=credits)
    answer = v.verdict(table, monthly, "week", lag=2)
    assert answer.opening == MORE and "2 weeks later" in answer.sentence


@pytest.mark.parametrize("seed", [1, 2])
def test_sandbox_no_link_seeds_find_no_evidence(seed):
    found = verdict_rates.one_seed("no_link", seed)
    assert found[("week", "trend")][0] == UNCLEAR


@pytest.mark.parametrize("seed", [1, 3])
def test_sandbox_planted_effect_is_found_by_week(seed):
    opening, effect = verdict_rates.one_seed("effect", seed)[("week", "trend")]
    assert opening == MORE and 0 < effect < 20
