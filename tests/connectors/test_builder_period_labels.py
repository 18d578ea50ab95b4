"""Builder's week/month/quarter rows land in the right period whatever day labels them.

The sandbox serves other label conventions through fault kinds (weeks_sunday, labels_last_day,
labels_range_start, labels_mid_period). Whatever the convention, every row of the range is kept
once, in the period (ISO week, month, quarter) that holds it, labelled by that period's first
day; totals equal the day-level truth. Sunday-Saturday weeks cannot be split into ISO weeks, so
each goes whole to the ISO week holding most of its days inside the range."""

import datetime as dt

import pandas as pd
import pytest

from connectors import base
from connectors.builder import WEEKS_START_WHEN_UNSURE
from connectors.sandbox import FaultRule, keys

from .conftest import TODAY

D = dt.date
DAY = dt.timedelta(days=1)
ADDITIVE = ["lines_added", "lines_removed", "total_lines", "lines_accepted", "events"]
ADDITIVE += ["user_prompts"]
SPACE_ADDITIVE = ["lines_added", "lines_accepted", "events", "tokens_total", "tokens_input"]

CONVENTIONS = {  # name -> (fault kinds, weeks begin on: 0 Monday, 6 Sunday)
    "monday-first-day": ((), 0),
    "sunday-first-day": (("weeks_sunday",), 6),
    "iso-last-day": (("labels_last_day",), 0),
    "iso-range-start": (("labels_range_start",), 0),
    "iso-mid-period": (("labels_mid_period",), 0),
    "sunday-range-start": (("weeks_sunday", "labels_range_start"), 6),
    "sunday-last-day": (("weeks_sunday", "labels_last_day"), 6),
}
RANGES = {
    "wed-to-thu-across-a-month-end": (D(2026, 9, 16), D(2026, 10, 15)),
    "wed-to-today-a-sunday": (D(2026, 10, 21), TODAY),
    "whole-iso-weeks": (D(2026, 9, 28), D(2026, 10, 25)),
    "whole-sunday-weeks": (D(2026, 9, 27), D(2026, 10, 24)),
    "sat-to-mon-across-a-month-end": (D(2026, 10, 3), D(2026, 11, 2)),
}


def label_faults(sandbox, kinds):
    for kind in kinds:
        sandbox.add_fault(FaultRule(kind, vendor="builder"))


def raw_rows(sandbox, start, end, granularity) -> list[dict]:
    """The org metrics rows as the sandbox sends them (with the faults set)."""
    return sandbox.handle(
        "GET",
        "https://builder.io/api/v1/orgs/fusion/metrics"
        f"?startDate={start}&endDate={end}&granularity={granularity}",
        {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    ).json()["data"]


def day_truth(clients, start, end, method="org_metrics"):
    """The day-level rows, fetched before any label fault is set (day rows are days anyway)."""
    return getattr(clients.builder(), method)(start, end, "day")


def expected_weeks(days: pd.DataFrame, start, end, first_weekday, columns) -> pd.DataFrame:
    """Day rows summed into the vendor's weeks, each week placed whole in the ISO week that holds
    most of its days inside [start, end] (ties: the later)."""
    placed = {}
    for _, rows in days.groupby(
        days["period"].map(lambda p: base.week_start(p.date(), first_weekday))
    ):
        in_range = [p.date() for p in rows["period"] if start <= p.date() <= end]
        mondays = [base.week_start(day) for day in in_range]
        target = max(set(mondays), key=lambda m: (mondays.count(m), m))
        placed.setdefault(target, []).append(rows[columns].sum())
    frame = pd.DataFrame(
        [{"period": pd.Timestamp(m), **sum(parts).to_dict()} for m, parts in placed.items()]
    )
    return frame.sort_values("period", ignore_index=True)


@pytest.mark.parametrize("span", RANGES, ids=list(RANGES))
@pytest.mark.parametrize("convention", CONVENTIONS, ids=list(CONVENTIONS))
def test_every_week_row_is_kept_once_in_the_iso_week_holding_it(clients, sandbox, convention, span):
    start, end = RANGES[span]
    kinds, first_weekday = CONVENTIONS[convention]
    days = day_truth(clients, start, end)
    label_faults(sandbox, kinds)
    weeks = clients.builder().org_metrics(start, end, "week")

    assert weeks["period"].is_unique and weeks["period"].is_monotonic_increasing
    assert (weeks["period"].dt.day_of_week == 0).all()  # labelled by the ISO week's Monday
    assert weeks["period"].min() >= pd.Timestamp(base.week_start(start))
    assert weeks["period"].max() <= pd.Timestamp(end)
    for column in ADDITIVE:  # nothing dropped, nothing counted twice
        assert weeks[column].sum() == days[column].sum(), column
    expected = expected_weeks(days, start, end, first_weekday, ADDITIVE)
    pd.testing.assert_frame_equal(
        weeks[["period", *ADDITIVE]], expected[["period", *ADDITIVE]], check_dtype=False
    )


@pytest.mark.parametrize("convention", CONVENTIONS, ids=list(CONVENTIONS))
def test_the_first_partial_week_is_kept(clients, sandbox, convention):
    start, end = D(2026, 11, 4), D(2026, 11, 19)  # Wednesday to Thursday
    kinds, _ = CONVENTIONS[convention]
    days = day_truth(clients, start, end)
    label_faults(sandbox, kinds)
    weeks = clients.builder().org_metrics(start, end, "week")

    first = weeks.iloc[0]
    assert first["period"] == pd.Timestamp(D(2026, 11, 2))  # the Monday of the week of Nov 4
    # Wed 4 .. Sat 7 are in the first row whichever way weeks run; Sun 8 too for ISO weeks.
    sunday_weeks = "weeks_sunday" in kinds
    last_day = D(2026, 11, 7) if sunday_weeks else D(2026, 11, 8)
    held = days[days["period"] <= pd.Timestamp(last_day)]
    for column in ADDITIVE:
        assert first[column] == held[column].sum(), column
    assert len(weeks) == 3


def test_iso_weeks_give_the_same_frame_whatever_day_labels_them(clients, sandbox):
    start, end = D(2026, 9, 16), D(2026, 10, 15)
    plain = clients.builder().org_metrics(start, end, "week")
    for kind in ("labels_last_day", "labels_range_start", "labels_mid_period"):
        sandbox.clear_faults()
        label_faults(sandbox, [kind])
        got = clients.builder().org_metrics(start, end, "week")
        pd.testing.assert_frame_equal(got, plain)  # users (a distinct count) too


def test_a_sunday_week_label_goes_to_the_monday_after_it(clients, sandbox):
    start, end = D(2026, 11, 4), D(2026, 11, 19)
    label_faults(sandbox, ["weeks_sunday"])
    raw = raw_rows(sandbox, start, end, "week")
    assert [row["period"] for row in raw] == ["2026-11-01", "2026-11-08", "2026-11-15"]
    weeks = clients.builder().org_metrics(start, end, "week")
    assert weeks["period"].dt.date.tolist() == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)]
    for row, (_, got) in zip(raw, weeks.iterrows()):  # each row whole, users included
        assert got["events"] == row["metrics"]["events"]
        assert got["users"] == row["metrics"]["users"]


def test_a_range_ending_on_a_sunday_joins_that_sunday_to_the_last_week(clients, sandbox):
    # Sunday weeks: the last row holds only Sunday Nov 22, which is in the ISO week of Nov 16.
    start, end = D(2026, 11, 2), TODAY
    days = day_truth(clients, start, end)
    label_faults(sandbox, ["weeks_sunday"])
    weeks = clients.builder().org_metrics(start, end, "week")
    assert weeks["period"].dt.date.tolist() == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)]
    last = days[days["period"] >= pd.Timestamp(D(2026, 11, 15))]  # Sun 15 .. Sun 22
    for column in ADDITIVE:
        assert weeks.iloc[-1][column] == last[column].sum(), column
    sunday_users = days.iloc[-1]["users"]
    assert weeks.iloc[-1]["users"] >= sunday_users  # a distinct count: the larger part kept


@pytest.mark.parametrize("convention", ["sunday-first-day", "iso-last-day", "monday-first-day"])
def test_space_breakdown_and_space_metrics_follow_the_same_rule(clients, sandbox, convention):
    start, end = D(2026, 9, 16), D(2026, 10, 15)
    kinds, first_weekday = CONVENTIONS[convention]
    days = day_truth(clients, start, end, "space_metrics")
    org = day_truth(clients, start, end)
    label_faults(sandbox, kinds)
    builder = clients.builder()
    space = builder.space_metrics(start, end, "week")
    expected = expected_weeks(days, start, end, first_weekday, SPACE_ADDITIVE)
    pd.testing.assert_frame_equal(space[["period", *SPACE_ADDITIVE]], expected, check_dtype=False)
    breakdown = builder.org_space_metrics(start, end, "week")
    per_week = breakdown.groupby("period")["lines_accepted"].sum()
    expected_org = expected_weeks(org, start, end, first_weekday, ["lines_accepted"])
    assert per_week.tolist() == expected_org["lines_accepted"].tolist()
    assert breakdown.groupby("period").size().eq(5).all()  # each space once per week


@pytest.mark.parametrize("granularity", ["month", "quarter"])
@pytest.mark.parametrize(
    "kind", ["labels_last_day", "labels_range_start", "labels_mid_period", "weeks_sunday"]
)
def test_month_and_quarter_labels_anywhere_in_the_period_are_normalised(
    clients, sandbox, granularity, kind
):
    start, end = D(2026, 2, 18), D(2026, 8, 12)  # mid-month to mid-month, across quarters
    plain = clients.builder().org_metrics(start, end, granularity)
    days = day_truth(clients, start, end)
    label_faults(sandbox, [kind])
    got = clients.builder().org_metrics(start, end, granularity)
    pd.testing.assert_frame_equal(got, plain)
    firsts = {"month": D(2026, 2, 1), "quarter": D(2026, 1, 1)}
    assert got["period"].iloc[0] == pd.Timestamp(firsts[granularity])  # the partial first one
    assert (got["period"].dt.day == 1).all()
    for column in ADDITIVE:
        assert got[column].sum() == days[column].sum(), column


TRIMMED = {  # "overlap" adds the day before the range: a row of its own, outside the range
    "iso-mid-period-weeks": ("labels_mid_period", "week", D(2026, 9, 28), D(2026, 10, 25)),
    "sunday-weeks": ("weeks_sunday", "week", D(2026, 9, 27), D(2026, 10, 21)),
    "month-last-day": ("labels_last_day", "month", D(2026, 6, 1), D(2026, 9, 16)),
    "quarter-last-day": ("labels_last_day", "quarter", D(2026, 4, 1), D(2026, 9, 16)),
}


@pytest.mark.parametrize("case", TRIMMED, ids=list(TRIMMED))
def test_rows_outside_the_range_are_still_trimmed(clients, sandbox, case):
    kind, granularity, start, end = TRIMMED[case]
    label_faults(sandbox, [kind])
    clean = clients.builder().org_metrics(start, end, granularity)
    sandbox.add_fault(FaultRule("overlap", vendor="builder"))
    got = clients.builder().org_metrics(start, end, granularity)
    sent = sandbox.requests[-1]
    assert set(sent.faults) == {kind, "overlap"}
    sandbox.clear_faults()
    label_faults(sandbox, [kind])
    without = raw_rows(sandbox, start, end, granularity)
    sandbox.add_fault(FaultRule("overlap", vendor="builder"))
    assert len(raw_rows(sandbox, start, end, granularity)) == len(without) + 1  # the extra row
    pd.testing.assert_frame_equal(got, clean)


def test_sunday_weeks_over_loopback_http(http_clients):
    start, end = D(2026, 11, 4), D(2026, 11, 19)
    plain = http_clients.builder().org_metrics(start, end, "week")
    http_clients.sandbox.add_fault(FaultRule("weeks_sunday", vendor="builder"))
    got = http_clients.builder().org_metrics(start, end, "week")
    assert got["period"].tolist() == plain["period"].tolist()
    assert got["events"].sum() == plain["events"].sum()
    assert got["events"].tolist() != plain["events"].tolist()  # Sunday weeks, not ISO weeks


# ------------------------------------------------------------------ the rule itself (pure)


def test_the_rule_for_a_sunday_label():
    sunday = D(2026, 11, 8)
    start, end = D(2026, 11, 1), D(2026, 11, 30)
    assert base.period_of_label(sunday, "week", start, end, 6) == D(2026, 11, 9)
    assert base.period_of_label(sunday, "week", start, end, 0) == D(2026, 11, 2)
    assert base.period_of_label(sunday, "week", start, sunday, 6) == D(2026, 11, 2)  # only day
    assert base.period_of_label(sunday, "week", D(2026, 11, 15), end, 6) is None  # outside
    assert base.period_of_label(D(2026, 11, 30), "month", start, end) == D(2026, 11, 1)
    assert base.period_of_label(D(2026, 11, 15), "quarter", start, end) == D(2026, 10, 1)


def test_which_weeks_an_answer_is_read_as():
    start, end = D(2026, 11, 4), D(2026, 11, 19)  # Wednesday to Thursday
    sundays_before = [D(2026, 11, 1), D(2026, 11, 8), D(2026, 11, 15)]  # first-day labels
    sundays_after = [D(2026, 11, 8), D(2026, 11, 15), D(2026, 11, 22)]  # last-day labels
    assert base.vendor_week_start(sundays_before, start, end, 0) == 6
    assert base.vendor_week_start(sundays_after, start, end, 6) == 0
    # Sunday to Sunday: Sunday-Saturday first-day and ISO last-day labels are the same dates.
    same = [D(2026, 11, 1), D(2026, 11, 8), D(2026, 11, 15)]
    assert base.vendor_week_start(same, D(2026, 11, 1), D(2026, 11, 15), 6) == 6
    assert WEEKS_START_WHEN_UNSURE == 6
