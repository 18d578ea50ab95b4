"""The month's badge: "Over budget" only once the actual spend has passed the budget; a
projection past it is "Projected over", never shown as a fact."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from alerts import budgets, forecast
from ui.alert_ui import badge

D = dt.date


def projection_of(actual_per_day: float, through: dt.date) -> forecast.Projection:
    days = pd.date_range("2026-09-01", through, freq="D")
    daily = pd.Series(actual_per_day, index=days) * (1 + 0.2 * (days.day_of_week < 5))
    return forecast.project(daily, D(2026, 12, 1), through)


def test_a_projection_past_the_budget_on_day_six_is_projected_over_not_over():
    p = projection_of(100.0, D(2026, 12, 6))
    status = budgets.status(p, budget=p.expected * 0.8, unit="USD")
    assert p.actual < status.budget  # 6 days in: far from the budget so far
    assert status.over  # the projection's low end passes it
    assert badge(status) == ":orange-badge[:material/trending_up: Projected over]"
    assert "80%:" in status.sentence  # the interval is said beside it


def test_over_budget_once_the_actual_passed_it():
    p = projection_of(100.0, D(2026, 12, 20))
    status = budgets.status(p, budget=p.actual * 0.9, unit="USD")
    assert badge(status) == ":red-badge[:material/warning: Over budget]"


def test_on_track_and_no_budget():
    p = projection_of(100.0, D(2026, 12, 6))
    assert badge(budgets.status(p, budget=p.high * 2)) == ":green-badge[:material/check: On track]"
    assert badge(budgets.status(p, budget=None)) == ":gray-badge[No budget]"
