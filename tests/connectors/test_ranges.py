import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors import ranges
from connectors.errors import InvalidRangeError

TODAY = dt.date(2026, 11, 22)
D = dt.date


def windows(endpoint, start, end, granularity=None):
    plan = ranges.plan(endpoint, start, end, granularity, TODAY)
    return [(w.start, w.end) for w in plan.windows]


# ------------------------------------------------------------------ the vendors' words


@pytest.mark.parametrize(
    "start,end,ok",
    [
        (D(2025, 1, 1), D(2025, 12, 31), True),  # Jan 1 - Dec 31 is less than a year
        (D(2025, 1, 1), D(2026, 1, 1), False),  # Jan 1 - Jan 1 next year is not
        (D(2024, 2, 29), D(2025, 2, 27), True),
        (D(2024, 2, 29), D(2025, 2, 28), False),  # Feb 29 + 1 year = Feb 28
    ],
)
def test_one_year_means_end_before_start_plus_a_year(start, end, ok):
    rule = ranges.RULES["codefresh.credit_consumption"].spans["month"]
    assert (ranges.request_problem(rule, start, end) is None) is ok


@pytest.mark.parametrize(
    "start,end,ok",
    [
        (D(2026, 1, 1), D(2026, 3, 31), True),  # Jan..Mar is three months
        (D(2026, 1, 1), D(2026, 3, 30), False),
        (D(2026, 1, 15), D(2026, 4, 14), True),
    ],
)
def test_three_months_means_end_plus_one_reaches_start_plus_three_months(start, end, ok):
    rule = ranges.RULES["codefresh.active_committers"].spans["month"]
    assert (ranges.request_problem(rule, start, end) is None) is ok


def test_day_limits_count_inclusive_dates():
    rule = ranges.RULES["builder.org_metrics"].spans["day"]
    assert ranges.request_problem(rule, D(2026, 1, 1), D(2026, 3, 31)) is None  # 90 dates
    assert ranges.request_problem(rule, D(2026, 1, 1), D(2026, 4, 1)) == "at most 90 days"


# ------------------------------------------------------------------ the planner


def test_builder_day_range_over_90_days_is_split_evenly_without_gaps():
    got = windows("builder.org_metrics", D(2026, 1, 1), D(2026, 6, 29), "day")  # 180 dates
    assert got == [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 29))]


def test_builder_week_range_is_one_request_whatever_its_length():
    assert len(windows("builder.org_metrics", D(2025, 1, 1), TODAY, "week")) == 1


def test_codefresh_daily_credits_over_45_days_split_into_valid_windows():
    got = windows("codefresh.credit_consumption", D(2026, 1, 1), D(2026, 2, 15), "day")
    assert got == [(D(2026, 1, 1), D(2026, 1, 23)), (D(2026, 1, 24), D(2026, 2, 15))]


def test_codefresh_one_day_daily_range_is_padded_and_trimmed():
    plan = ranges.plan("codefresh.credit_consumption", D(2026, 5, 10), D(2026, 5, 10), "day", TODAY)
    assert [(w.start, w.end) for w in plan.windows] == [(D(2026, 5, 9), D(2026, 5, 10))]
    assert plan.keep == (D(2026, 5, 10), D(2026, 5, 10))


def test_codefresh_aggregated_credits_over_a_year_split_on_month_boundaries():
    got = windows("codefresh.credit_consumption", D(2025, 1, 15), D(2026, 11, 22))
    assert got == [(D(2025, 1, 15), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 11, 22))]


def test_active_committers_short_range_is_padded_to_three_whole_months():
    plan = ranges.plan("codefresh.active_committers", D(2026, 11, 3), TODAY, "month", TODAY)
    assert [(w.start, w.end) for w in plan.windows] == [(D(2026, 8, 1), TODAY)]
    assert plan.keep == (D(2026, 11, 1), TODAY)


def test_active_committers_long_range_in_month_aligned_windows_of_3_to_12_months():
    plan = ranges.plan("codefresh.active_committers", D(2025, 1, 3), D(2026, 1, 20), "month", TODAY)
    got = [(w.start, w.end) for w in plan.windows]
    assert got == [(D(2025, 1, 1), D(2025, 7, 31)), (D(2025, 8, 1), D(2026, 1, 31))]


def test_model_requests_straddling_the_first_day_are_served_from_it():
    plan = ranges.plan("firebender.model_requests", D(2025, 12, 1), D(2026, 1, 5), None, TODAY)
    assert plan.start == D(2025, 12, 31) and plan.windows[0].start == D(2025, 12, 31)
    assert "2025-12-31" in plan.note


def test_model_requests_wholly_before_the_first_day_are_refused():
    with pytest.raises(InvalidRangeError, match="only available from 2025-12-31"):
        ranges.plan("firebender.model_requests", D(2025, 6, 1), D(2025, 12, 30), None, TODAY)


@pytest.mark.parametrize(
    "args,message",
    [
        (("builder.org_metrics", D(2026, 2, 1), D(2026, 1, 1), "day"), "ends .* before it starts"),
        (("builder.org_metrics", D(2026, 1, 1), D(2026, 12, 1), "day"), "after today"),
        (
            ("builder.org_metrics", D(2026, 1, 1), D(2026, 2, 1), "hour"),
            "allowed: day, week, month, quarter",
        ),
        (("codefresh.active_committers", D(2026, 1, 1), D(2026, 2, 1), "day"), "allowed: month"),
        (("builder.org_metrics", "2026-13-01", D(2026, 2, 1), "day"), "not a date"),
        (("firebender.daily_usage", 20260101, D(2026, 2, 1), "day"), "must be a date"),
    ],
)
def test_refusals_say_what_is_allowed(args, message):
    with pytest.raises(InvalidRangeError, match=message) as info:
        ranges.plan(*args, today=TODAY)
    assert info.value.vendor == args[0].split(".")[0]


def test_limits_and_presets_come_from_the_same_rules():
    assert ranges.limits("firebender.model_requests", None, TODAY).earliest == D(2025, 12, 31)
    assert ranges.limits("builder.org_metrics", "week", TODAY).latest == TODAY
    # Before Firebender's first day no preset can be served; just after it, all are (from it on).
    assert ranges.presets("firebender.model_requests", None, D(2025, 12, 20)) == {}
    assert len(ranges.presets("firebender.model_requests", None, D(2026, 1, 14))) == 6
    assert "Last 12 months" in ranges.presets("codefresh.active_committers", "month", TODAY)


# ------------------------------------------------------------------ properties

ENDPOINT_GRANULARITIES = [(e, g) for e, rules in ranges.RULES.items() for g in rules.spans]
days = st.dates(min_value=D(2023, 1, 1), max_value=TODAY)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ENDPOINT_GRANULARITIES), days, days)
def test_every_accepted_range_is_covered_exactly_by_valid_windows(eg, a, b):
    endpoint, granularity = eg
    start, end = min(a, b), max(a, b)
    rules = ranges.RULES[endpoint]
    try:
        plan = ranges.plan(endpoint, start, end, granularity, TODAY)
    except InvalidRangeError:
        # Only refusals the rules explain: before the documented first day.
        assert rules.earliest and end < rules.earliest
        return
    rule = rules.spans[granularity]
    ws = plan.windows
    for w in ws:
        assert ranges.request_problem(rule, w.start, w.end) is None, (w, rule)
        assert w.end <= TODAY
        assert rules.earliest is None or w.start >= rules.earliest
    for left, right in zip(ws, ws[1:]):
        assert right.start == left.end + dt.timedelta(days=1)  # no gap, no overlap
    wanted = plan.keep or (plan.start, plan.end)
    assert ws[0].start <= wanted[0] and ws[-1].end >= wanted[1]  # covers what was asked
    if plan.keep is None:
        assert (ws[0].start, ws[-1].end) == (plan.start, plan.end)  # and nothing more
    if rule.whole_months:
        assert all(w.start.day == 1 for w in ws)
        assert all(w.end == ranges.month_end(w.end) or w.end == TODAY for w in ws)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ENDPOINT_GRANULARITIES), days, st.integers(0, 2000))
def test_presets_are_always_servable(eg, today, _):
    endpoint, granularity = eg
    for start, end in ranges.presets(endpoint, granularity, today).values():
        ranges.plan(endpoint, start, end, granularity, today)
