"""Date range, granularity, presets and links (query parameters), including bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors import ranges

from .conftest import assert_ok, charts, open_page, show_section, today


def joined_label(at) -> str:
    return next(e.label for e in at.expander if e.label.startswith("The joined table"))


def test_default_view_is_the_last_90_days_by_week():
    at = open_page()
    assert_ok(at)
    start, end = at.date_input[0].value
    assert end == today() and (end - start).days + 1 == 90
    assert at.segmented_control(key="overview__granularity").value == "week"
    assert at.query_params["granularity"] == "week"
    assert at.query_params["start"] == start.isoformat()
    assert at.session_state["overview__section"] == "This month and the latest period"
    assert "section" not in at.query_params  # the default tab needs no parameter
    show_section(at, "data")
    assert at.query_params["section"] == "data"
    assert "13 weeks" in joined_label(at) or "14 weeks" in joined_label(at)


def test_changing_the_range_and_granularity_updates_the_overview_and_the_link():
    at = show_section(open_page(), "data")
    start = today() - dt.timedelta(days=364)
    at.date_input[0].set_value((start, today())).run()
    assert_ok(at)
    assert at.query_params["start"] == start.isoformat()
    weeks = int(joined_label(at).split("(")[1].split()[0])
    assert weeks >= 52
    at.segmented_control(key="overview__granularity").set_value("month").run()
    assert_ok(at)
    assert at.query_params["granularity"] == "month"
    assert "months)" in joined_label(at)  # the chosen tab stays chosen
    assert any(m.label == "AI adoption rate" for m in show_section(at, "monthly").metric)
    for section in ("spend", "vendors", "monthly", "levels"):  # the main chart and the tab's
        assert len(charts(show_section(at, section))) == 2, section


def test_presets_are_the_ones_the_rules_allow_and_set_the_range():
    at = open_page()
    offered = at.pills[0].options
    assert offered == list(ranges.presets("codefresh.active_committers", "month"))
    at.pills[0].set_value("Last 30 days").run()
    assert_ok(at)
    start, end = at.date_input[0].value
    assert (end - start).days + 1 == 30 and end == today()
    assert at.pills[0].value == "Last 30 days"


def test_a_link_reproduces_the_view():
    query = {
        "start": "2026-01-05",
        "end": "2026-03-29",
        "granularity": "week",
        "ai": "builder",
        "x": "ai_accepted_lines",
        "lag": "1",
        "usd_per_credit": "0.02",
        "section": "levels",
    }
    at = open_page(query=query)
    assert_ok(at)
    assert at.date_input[0].value == (dt.date(2026, 1, 5), dt.date(2026, 3, 29))
    assert at.segmented_control(key="overview__granularity").value == "week"
    assert at.selectbox(key="overview__ai").value == "builder"
    assert at.selectbox(key="overview__x").value == "ai_accepted_lines"
    assert at.selectbox(key="overview__lag").value == 1
    assert at.number_input(key="overview__price").value == 0.02
    assert {k: at.query_params[k] for k in query} == query


@pytest.mark.parametrize(
    "query, warning",
    [
        ({"start": "yesterday"}, "not a date"),
        ({"start": "2026-02-30"}, "not a date"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "starts (2026-03-10) after it ends"),
        ({"start": "2019-01-01", "end": "2026-01-31"}, "reaches outside the days with data"),
        ({"granularity": "hour"}, "granularity 'hour' is not offered"),
        ({"usd_per_credit": "-3"}, "not a non-negative number"),
    ],
)
def test_bad_links_are_explained_and_replaced(query, warning):
    at = open_page(query=query)
    assert_ok(at)
    assert any(warning in w.value for w in at.warning), [w.value for w in at.warning]
    assert charts(at)


def test_bad_choices_in_the_link_fall_back_quietly():
    at = open_page(query={"lag": "99", "x": "nonsense", "ai": "everyone", "section": "levels"})
    assert_ok(at)
    assert at.selectbox(key="overview__lag").value == 0
    assert at.selectbox(key="overview__x").value == "ai_active_developers"
    # the default: every connected AI tool (on demo data both), each person counted once
    assert at.selectbox(key="overview__ai").value == "both"


def test_half_a_range_waits_for_the_end_date_and_keeps_the_other_choices(demo_sandbox):
    at = open_page(
        query={"x": "ai_accepted_lines", "lag": "2", "usd_per_credit": "0.02", "section": "levels"}
    )
    shown = len(charts(at))
    demo_sandbox.clear_requests()
    at.date_input[0].set_value((today() - dt.timedelta(days=10),)).run()
    assert not at.exception and not at.error
    assert "Pick the last day" in at.info[0].value
    assert len(charts(at)) == shown  # the previous range stays on screen
    assert demo_sandbox.request_log() == []
    at.date_input[0].set_value((today() - dt.timedelta(days=200), today())).run()
    assert at.selectbox(key="overview__x").value == "ai_accepted_lines"
    assert at.selectbox(key="overview__lag").value == 2
    assert at.number_input(key="overview__price").value == 0.02


def test_the_picker_offers_only_days_the_rules_allow():
    at = open_page("pages/firebender.py")
    picker = at.date_input[0]
    assert picker.max == today()
    assert picker.min == ranges.limits("firebender.daily_usage", "day").earliest
    assert at.segmented_control(key="firebender__granularity").options == ["Day", "Week", "Month"]
    builder = open_page("pages/builder.py")
    assert builder.segmented_control(key="builder__granularity").options == [
        "Day",
        "Week",
        "Month",
        "Quarter",
    ]
    codefresh = open_page("pages/codefresh.py")
    assert codefresh.segmented_control(key="codefresh__granularity").options == [
        "Day",
        "Week",
        "Month",
    ]


def test_model_requests_before_their_first_day_are_explained_without_a_request(demo_sandbox):
    at = open_page(
        "pages/firebender.py",
        query={"start": "2025-10-01", "end": "2025-12-15", "granularity": "week"},
    )
    assert_ok(at)
    assert any("2025-12-31" in i.value for i in at.info)
    paths = [r["path"] for r in demo_sandbox.request_log()]
    assert paths and not any("model-requests" in p for p in paths)
    assert len(charts(at)) >= 2  # daily usage still charts


def test_the_range_carries_over_to_the_next_page():
    at = open_page()
    start = today() - dt.timedelta(days=44)
    at.date_input[0].set_value((start, today())).run()
    at.switch_page("pages/codefresh.py").run()
    assert_ok(at)
    assert at.date_input[0].value == (start, today())


@pytest.mark.parametrize("granularity", ["day", "month", "quarter"])
def test_builder_granularities(granularity):
    at = open_page("pages/builder.py", query={"granularity": granularity})
    assert_ok(at)
    assert at.segmented_control(key="builder__granularity").value == granularity
    assert len(charts(at)) >= 4


def test_builder_space_choice():
    at = open_page("pages/builder.py")
    at.selectbox(key="builder__space").set_value("demo-space-mobile").run()
    assert_ok(at)
    assert at.query_params["space"] == "demo-space-mobile"


def test_firebender_breakdown_and_day_granularity():
    at = open_page("pages/firebender.py", query={"granularity": "day", "by": "spend_type"})
    assert_ok(at)
    assert at.segmented_control(key="firebender__by").value == "spend_type"
    assert any("spend" in c.lower() for c in at.dataframe[0].value.columns)
