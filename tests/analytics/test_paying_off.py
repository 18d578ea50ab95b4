"""What AI costs per unit of use, against the range before, and the answer's estimate in CI
money per month."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import paying_off, periods, verdict

D = dt.date


def history() -> pd.DataFrame:
    """Eight finished weeks: four before 2 Mar 2026, four from it."""
    table = periods(D(2026, 2, 2), D(2026, 3, 29), "week")
    table["model_spend_usd"] = [100.0] * 4 + [300.0] * 4
    table["firebender_active_users"] = [10.0] * 4 + [20.0] * 4
    table["firebender_accepted_lines"] = [1_000.0] * 4 + [5_000.0] * 4
    return table


def test_costs_per_developer_and_per_thousand_lines_against_the_range_before():
    per_dev, per_lines = paying_off.cost_tiles(history(), D(2026, 3, 2), "week")
    # the range's spend over its average week's people: 1,200 / 20 against 400 / 10
    assert per_dev.value == pytest.approx(60.0) and per_dev.previous == pytest.approx(40.0)
    assert per_lines.value == pytest.approx(60.0) and per_lines.previous == pytest.approx(100.0)
    assert per_dev.unit == per_lines.unit == "usd"


def test_a_cost_with_an_unknown_period_is_unknown_not_smaller():
    table = history()
    table.loc[5, "model_spend_usd"] = np.nan  # Firebender failed for a week
    per_dev, per_lines = paying_off.cost_tiles(table, D(2026, 3, 2), "week")
    assert per_dev.value is None and per_lines.value is None
    assert per_dev.previous == pytest.approx(40.0)


def months(credits: list[float]) -> pd.DataFrame:
    table = periods(D(2026, 1, 1), D(2026, 3, 31), "month")
    table["ci_credits"] = credits
    return table


def answer(opening: str, effect=5.0, low=1.0, high=9.0) -> verdict.Verdict:
    return verdict.Verdict(opening, f"{opening}: ...", "week", 12, 0, effect, low, high)


def test_evidence_becomes_ci_money_per_month_with_its_interval():
    money = paying_off.verdict_money(answer(verdict.MORE), months([90e3, 95e3, 100e3]), 0.01)
    # 5% (1% to 9%) of the latest month's 100,000 credits at $0.01
    assert (money.per_month, money.low, money.high) == pytest.approx((50.0, 10.0, 90.0))
    text = money.sentence()
    assert text.startswith("≈ +$50/month, 95%: +$10 to +$90")
    assert "100,000 CI credits a month" in text
    fewer = paying_off.verdict_money(
        answer(verdict.FEWER, -4.0, -7.0, -1.0), months([1, 2, 100e3]), 0.02
    )
    assert fewer.sentence().startswith("≈ -$80/month, 95%: -$140 to -$20")


def test_no_money_without_evidence_or_a_price():
    monthly = months([90e3, 95e3, 100e3])
    assert paying_off.verdict_money(answer(verdict.UNCLEAR), monthly, 0.01) is None
    assert paying_off.verdict_money(answer(verdict.MORE), monthly, None) is None
    unknown = months([90e3, 95e3, np.nan])
    money = paying_off.verdict_money(answer(verdict.MORE), unknown, 0.01)
    assert money.credits_per_month == 95e3  # the latest finished month that has credits
