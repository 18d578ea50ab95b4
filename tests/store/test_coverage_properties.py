"""The ledger's planning and replacing, as properties (hypothesis) checked against a plain
day-by-day reading of what the ledger holds, written here independently of store.coverage."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from store.coverage import Need, Run, held, plan, replace

GRANULARITIES = ["day", "week", "month", "quarter", None]
FIRST_DAY, LAST_DAY = dt.date(2025, 10, 1), dt.date(2026, 12, 31)
ONE = dt.timedelta(days=1)


# ---------------------------------------------------------------- an independent oracle


def period(day: dt.date, granularity) -> tuple[dt.date, dt.date]:
    """(first, last) day of the period holding `day` (None and "day": the day itself)."""
    if granularity == "week":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    if granularity in ("month", "quarter"):
        months = 1 if granularity == "month" else 3
        start_month = day.month if months == 1 else 3 * ((day.month - 1) // 3) + 1
        end_month = start_month + months - 1
        last = calendar.monthrange(day.year, end_month)[1]
        return dt.date(day.year, start_month, 1), dt.date(day.year, end_month, last)
    return day, day


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += ONE


def periods_of(first: dt.date, last: dt.date, granularity) -> list[dt.date]:
    """First days of the periods with a day in [first, last], in order."""
    return sorted({period(day, granularity)[0] for day in days(first, last)})


def fetched_per_label(runs: list[Run], granularity) -> dict[dt.date, dt.datetime]:
    """Each held label and its latest fetch."""
    out: dict[dt.date, dt.datetime] = {}
    for run in runs:
        for label in periods_of(run.first, run.last, granularity):
            if run.first <= label <= run.last:
                out[label] = max(out.get(label, run.fetched_at), run.fetched_at)
    return out


def is_settled(label, fetched: dt.datetime, granularity, unsettled_days: int) -> bool:
    """Fetched more than `unsettled_days` after the period's last day."""
    return (fetched.date() - period(label, granularity)[1]).days > unsettled_days


def need_labels(needs: list[Need], granularity) -> list[dt.date]:
    return [x for n in needs for x in periods_of(n.first, n.last, granularity)]


# ---------------------------------------------------------------- strategies


def aligned(granularity):
    """A label of `granularity` within the test's calendar."""
    return st.dates(FIRST_DAY, LAST_DAY).map(lambda day: period(day, granularity)[0])


moments = st.datetimes(
    dt.datetime(2025, 10, 1), dt.datetime(2027, 3, 31), timezones=st.just(dt.UTC)
)


@st.composite
def runs_of(draw, granularity, max_runs=6):
    """Runs as partitions carry them: first and last are labels, first <= last."""
    out = []
    for _ in range(draw(st.integers(0, max_runs))):
        a, b = sorted([draw(aligned(granularity)), draw(aligned(granularity))])
        out.append(Run(a, b, draw(moments)))
    return out


@st.composite
def ledgers(draw):
    granularity = draw(st.sampled_from(GRANULARITIES))
    runs = draw(runs_of(granularity))
    since = draw(st.dates(FIRST_DAY, LAST_DAY))
    until = draw(st.dates(since, min(LAST_DAY, since + dt.timedelta(days=400))))
    unsettled_days = draw(st.integers(0, 10))
    now = draw(moments)
    fresh_for = draw(st.none() | st.timedeltas(dt.timedelta(0), dt.timedelta(days=20)))
    return granularity, runs, since, until, unsettled_days, now, fresh_for


# ---------------------------------------------------------------- plan


@settings(max_examples=300, deadline=None)
@given(ledgers())
def test_a_plan_covers_exactly_what_is_lacking_plus_the_unsettled_tail_each_label_once(case):
    granularity, runs, since, until, unsettled_days, now, fresh_for = case
    needs = plan(runs, since, until, granularity, unsettled_days, now, fresh_for)

    have = fetched_per_label(runs, granularity)
    wanted = periods_of(since, until, granularity)
    lacking = [x for x in wanted if x not in have]
    tail = [
        x
        for x in wanted
        if x in have
        and not is_settled(x, have[x], granularity, unsettled_days)
        and (fresh_for is None or now - have[x] >= fresh_for)
    ]
    fetched = need_labels(needs, granularity)
    assert len(fetched) == len(set(fetched))  # no label twice
    assert sorted(fetched) == sorted(lacking + tail)  # none missing, nothing else
    for label in fetched:  # nothing settled is fetched again
        assert label not in have or not is_settled(label, have[label], granularity, unsettled_days)
    assert sum(n.lacking for n in needs) == len(lacking)
    assert sum(n.tail for n in needs) == len(tail)


@settings(max_examples=300, deadline=None)
@given(ledgers())
def test_a_plans_runs_are_in_order_and_each_as_long_as_it_can_be(case):
    granularity, runs, since, until, unsettled_days, now, fresh_for = case
    needs = plan(runs, since, until, granularity, unsettled_days, now, fresh_for)
    for need in needs:
        assert need.first <= need.last
        assert need.first == period(need.first, granularity)[0]  # runs start on labels
        assert need.lacking + need.tail == len(periods_of(need.first, need.last, granularity))
    for before, after in zip(needs, needs[1:], strict=False):
        # a gap of at least one label between two runs: adjacent runs would have been one
        assert period(before.last, granularity)[1] + ONE < after.first


@settings(max_examples=200, deadline=None)
@given(ledgers())
def test_a_need_asks_for_whole_periods_cut_at_until(case):
    granularity, runs, since, until, unsettled_days, now, fresh_for = case
    for need in plan(runs, since, until, granularity, unsettled_days, now, fresh_for):
        start, end = need.request_range(granularity, until)
        assert start == need.first
        assert end == min(period(need.last, granularity)[1], until)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GRANULARITIES), st.data())
def test_after_fetching_the_plan_late_enough_nothing_is_left_to_fetch(granularity, data):
    runs = data.draw(runs_of(granularity))
    since = data.draw(st.dates(FIRST_DAY, LAST_DAY))
    until = data.draw(st.dates(since, min(LAST_DAY, since + dt.timedelta(days=200))))
    unsettled_days = data.draw(st.integers(0, 10))
    late = dt.datetime.combine(LAST_DAY + dt.timedelta(days=200), dt.time(), dt.UTC)
    for need in plan(runs, since, until, granularity, unsettled_days, late):
        runs = replace(runs, Run(need.first, need.last, late), granularity)
    assert plan(runs, since, until, granularity, unsettled_days, late) == []


# ---------------------------------------------------------------- replace


@st.composite
def replacements(draw):
    granularity = draw(st.sampled_from(GRANULARITIES))
    runs = draw(runs_of(granularity))
    a, b = sorted([draw(aligned(granularity)), draw(aligned(granularity))])
    return granularity, runs, Run(a, b, draw(moments))


@settings(max_examples=300, deadline=None)
@given(replacements())
def test_replace_holds_the_new_run_and_keeps_every_other_label_with_its_fetch_time(case):
    granularity, runs, new = case
    before = fetched_per_label(runs, granularity)
    after = fetched_per_label(replace(runs, new, granularity), granularity)
    inside = set(periods_of(new.first, new.last, granularity))
    assert {x: t for x, t in after.items() if x not in inside} == {
        x: t for x, t in before.items() if x not in inside
    }
    assert {x: after.get(x) for x in inside} == {x: new.fetched_at for x in inside}


@settings(max_examples=300, deadline=None)
@given(replacements())
def test_replace_is_idempotent(case):
    granularity, runs, new = case
    once = replace(runs, new, granularity)
    assert replace(once, new, granularity) == once


@settings(max_examples=200, deadline=None)
@given(replacements())
def test_replace_leaves_runs_that_do_not_overlap_and_start_and_end_on_labels(case):
    granularity, runs, new = case
    # runs as one partition holds them: built by replacing, so never overlapping
    disjoint: list[Run] = []
    for run in runs:
        disjoint = replace(disjoint, run, granularity)
    out = replace(disjoint, new, granularity)
    assert out == sorted(out)
    for run in out:
        assert run.first == period(run.first, granularity)[0]
        assert run.last == period(run.last, granularity)[0]
        assert run.first <= run.last
    for a, b in zip(out, out[1:], strict=False):
        assert a.last < b.first
    assert held(out, granularity) == fetched_per_label(out, granularity)
