"""By day, a line through Saturday and Sunday drew every weekend as a drop (two dips a week
read as spikes): day charts draw weekdays only and say so in their title; a weekday without
data still breaks the line, never 0; the tables keep every day."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

from analytics import charts as chart_specs

from .conftest import assert_ok, charts, every_section, open_page, show_section

THREE_WEEKS_BY_DAY = {"start": "2026-10-26", "end": "2026-11-15", "granularity": "day"}


def in_tabs(at) -> list:
    """The charts drawn in the page's tabs (on the Overview: the chosen tab's)."""
    return [chart for tab in at.tabs for chart in tab.get("vega_lite_chart")]


def overview_charts(at, each=None) -> list:
    """Every chart of the Overview, each once: those of its first screen (above the tabs, drawn
    on every run) from this run, then each tab's own with that tab chosen, `each(at)` called
    after every such run. `at` is left with the last tab chosen."""
    tabbed = {id(chart) for chart in in_tabs(at)}
    found = [chart for chart in charts(at) if id(chart) not in tabbed]
    for _name, shown in every_section(at):
        if each is not None:
            each(shown)
        found += in_tabs(shown)
    return found


def weekday_charts(drawn: list) -> list[tuple[dict, set[int]]]:
    """(spec, weekdays of every period drawn) of each chart `drawn` titled 'Weekdays only'."""
    found = []
    for chart in drawn:
        spec = json.loads(chart.proto.spec)
        title = spec.get("title") or {}
        if (title.get("text") if isinstance(title, dict) else title) != chart_specs.WEEKDAYS_ONLY:
            continue
        days = set()
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if "period" in frame:
                days |= set(pd.to_datetime(frame["period"]).dt.day_of_week)
        found.append((spec, days))
    return found


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/firebender.py"])
def test_day_line_charts_draw_weekdays_only_and_say_so(page):
    at = open_page(page, query=THREE_WEEKS_BY_DAY)
    assert_ok(at)
    # the Overview draws one tab below its first screen at a time: every tab is looked at
    drawn = overview_charts(at, assert_ok) if page == "pages/overview.py" else charts(at)
    found = weekday_charts(drawn)
    assert len(found) >= 2, page
    for _spec, days in found:
        assert days and days <= {0, 1, 2, 3, 4}  # no Saturday (5) or Sunday (6)


def test_the_overview_table_keeps_every_day():
    at = show_section(open_page("pages/overview.py", query=THREE_WEEKS_BY_DAY), "data")
    [table] = [t.value for t in at.dataframe if "ci_credits" in t.value.columns]
    assert {5, 6} <= set(pd.to_datetime(table["period"]).dt.day_of_week)


def test_by_week_no_chart_says_weekdays_only():
    at = open_page("pages/overview.py", query={**THREE_WEEKS_BY_DAY, "granularity": "week"})
    assert_ok(at)
    assert not weekday_charts(overview_charts(at, assert_ok))  # on no tab either


def test_a_weekday_without_data_stays_unknown_not_zero():
    days = pd.date_range("2026-11-02", "2026-11-08", freq="D")  # Monday to Sunday
    table = pd.DataFrame(
        {
            "period": days,
            "ai_active_developers": [5, None, 6, 7, 8, 1, 1],
            "ci_credits": [100, 110, None, 120, 130, 5, 5],
            "complete": True,
        }
    )
    kept = chart_specs.weekdays(table, "day")
    assert list(kept["period"].dt.day_of_week) == [0, 1, 2, 3, 4]
    assert kept["ai_active_developers"].isna().sum() == 1 and kept["ci_credits"].isna().sum() == 1
    assert chart_specs.weekdays(table, "week") is table
