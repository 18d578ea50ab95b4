"""What the pickers offer comes from the connectors' range rules."""

from __future__ import annotations

import datetime as dt

from analytics import choice as chosen
from analytics import datasets
from connectors import ranges
from ui import controls

TODAY = dt.date(2026, 11, 22)


def test_granularities_come_from_the_rules():
    assert chosen.granularity_options("builder.org_metrics") == [
        "day",
        "week",
        "month",
        "quarter",
    ]
    assert chosen.granularity_options("firebender.daily_usage") == ["day"]
    assert chosen.granularity_options("firebender.daily_usage", ("week", "month")) == [
        "day",
        "week",
        "month",
    ]
    assert chosen.granularity_options("codefresh.credit_consumption") == ["day", "month", None]
    assert chosen.granularity_options("codefresh.active_committers", ("week",)) == ["month"]


def test_picker_limits_and_presets():
    earliest, latest, longest = controls.picker_limits(
        {"firebender.model_requests": None}, None, TODAY
    )
    assert earliest == ranges.FIREBENDER_MODEL_REQUESTS_EARLIEST and latest == TODAY
    assert longest is None  # long ranges are split into windows
    earliest, _, _ = controls.picker_limits(datasets.OVERVIEW_ENDPOINTS, "week", TODAY)
    assert earliest == ranges.DEFAULT_EARLIEST
    presets = controls.common_presets(datasets.OVERVIEW_ENDPOINTS, "week", TODAY)
    assert list(presets) == [
        "Last 7 days",
        "Last 30 days",
        "Last 90 days",
        "This quarter",
        "Year to date",
        "Last 12 months",
    ]
    assert presets["This quarter"] == (dt.date(2026, 10, 1), TODAY)
    assert "45 days" in controls.rules_text({"codefresh.credit_consumption": "day"}, "week")


def test_a_choice_reports_the_rules_objections():
    choice = chosen.Choice(dt.date(2025, 10, 1), dt.date(2025, 12, 15), "week", TODAY)
    assert "2025-12-31" in choice.problem("firebender.model_requests", None)
    assert choice.problem("firebender.daily_usage", "day") is None
    straddling = chosen.Choice(dt.date(2025, 12, 1), dt.date(2026, 1, 31), "week", TODAY)
    assert "2025-12-31" in straddling.note("firebender.model_requests", None)
    assert straddling.windows("codefresh.credit_consumption", "day") == 2


def test_explore_names_and_filters():
    daily = datasets.CATALOGUE["firebender.daily_usage"]
    choice = chosen.Choice(dt.date(2026, 1, 1), dt.date(2026, 1, 31), "week", TODAY)
    assert datasets.export_name(daily, choice) == "daily_usage"
    org = datasets.CATALOGUE["builder.org_metrics"]
    assert datasets.export_name(org, choice) == "org_metrics-week"
    assert (
        datasets.fetched_granularity(datasets.CATALOGUE["codefresh.active_committers"], choice)
        == "month"
    )
