"""A sync over real HTTP holds exactly what the vendors serve, and a second sync of the same
range asks only for the unsettled tail."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

import sync
from connectors import endpoints
from store import Store
from store.coverage import label_granularity, labels, period_end

from .conftest import (
    NOW,
    SINCE,
    UNTIL,
    comparable,
    describe,
    expected_span,
    make_client_factory,
    planned_ranges,
    request_ranges,
    serve,
    sync_once,
    target_rows,
)


def whole_periods(granularity) -> tuple[dt.date, dt.date]:
    """The widest range of whole periods the sync holds: from the period of SINCE to the last
    period that ends by UNTIL (the period of UNTIL itself may be cut at UNTIL)."""
    g = label_granularity(granularity)
    held = labels(SINCE, UNTIL, granularity)
    last = held[-1] if period_end(held[-1], g) <= UNTIL else held[-2]
    return held[0], period_end(last, g)


def vendor_answer(make_client, target, start, end) -> pd.DataFrame:
    """What the connector client returns for the target over [start, end]."""
    d, g = target.dataset, target.granularity
    space = target.scope if d.scope == "space" else None
    client = make_client(d.vendor, space, None)
    calls = {
        "builder.org_metrics": lambda: client.org_metrics(start, end, g),
        "builder.org_space_metrics": lambda: client.org_space_metrics(start, end, g),
        "builder.space_metrics": lambda: client.space_metrics(start, end, g),
        "firebender.daily_usage": lambda: client.daily_usage(start, end),
        "firebender.model_requests": lambda: client.model_requests(start, end),
        "codefresh.active_committers": lambda: client.active_committers(start, end),
    }
    if d.key in calls:
        return calls[d.key]()
    return client.report(d.report, start, end, g, dataset=d)


def test_a_sync_over_http_holds_every_dataset_row_for_row_as_the_vendor_clients_return_it(
    clean_sync,
):
    store, chosen, _, _ = clean_sync
    keys = {t.dataset.key for t in chosen}
    assert {d.key for d in endpoints.stored()} <= keys  # every stored dataset, and extras
    assert any(k not in endpoints.CATALOGUE for k in keys)  # Codefresh's extra report(s)
    with serve() as served:
        make_client = make_client_factory(served.url)
        for target in chosen:
            start, end = whole_periods(target.granularity)
            want = vendor_answer(make_client, target, start, end)
            got = target_rows(store, target, start, end)
            assert len(got), describe(target)
            assert list(got.columns) == list(want.columns), describe(target)
            want = want.sort_values(list(target.dataset.natural_key), ignore_index=True)
            pd.testing.assert_frame_equal(comparable(got), comparable(want), obj=describe(target))


def test_a_sync_holds_one_contiguous_run_of_labels_from_the_period_of_since_to_that_of_until(
    clean_sync,
):
    store, chosen, _, _ = clean_sync
    for target in chosen:
        held = store.held(target.dataset.key, target.granularity, target.scope)
        assert held == [expected_span(target)], describe(target)


def unsettled(target, now=NOW) -> list[dt.date]:
    """Labels of SINCE..UNTIL fetched on `now`'s date that are not settled yet: their period
    ends less than `unsettled_days` before that date (computed here, not by store.coverage)."""
    out = []
    for label in labels(SINCE, UNTIL, target.granularity):
        last_day = period_end(label, target.granularity)
        if now.date() <= last_day + dt.timedelta(days=target.dataset.unsettled_days):
            out.append(label)
    return out


def test_a_second_sync_of_the_same_range_plans_only_the_unsettled_tail(clean_sync):
    store, chosen, _, _ = clean_sync
    tasks = sync.plan(store, chosen, SINCE, UNTIL, now=NOW)
    by_target = {(t.dataset.key, t.granularity, t.scope): t for t in tasks}
    assert len(by_target) == len(tasks)  # one task per target: the tail is one run
    for target in chosen:
        task = by_target[(target.dataset.key, target.granularity, target.scope)]
        tail = unsettled(target)
        assert tail, describe(target)
        assert (task.lacking, task.tail) == (0, len(tail)), describe(target)
        assert task.last == tail[-1] and task.end == UNTIL, describe(target)
        rule = target.dataset.spans[target.granularity]
        if rule.min_months or rule.min_dates > len(tail):
            assert task.first < tail[0], describe(target)  # the vendor wants a longer span
        else:
            assert task.first == tail[0], describe(target)


def test_a_second_sync_sends_no_request_beyond_the_windows_of_the_unsettled_tail(
    clean_sync, tmp_path
):
    reference, chosen, _, _ = clean_sync
    shutil.copytree(reference.url, tmp_path / "history")
    store = Store(str(tmp_path / "history"))
    with serve() as served:
        tasks, summary = sync_once(store, served.url, chosen)
        log = served.log()
    assert not summary.failed
    sent = request_ranges(log)
    assert len(sent) == summary.requests
    assert set(sent) == planned_ranges(tasks)
    assert all(t.requests == 1 for t in tasks)  # a tail fits one window of each dataset
    assert summary.written.added == 0  # the vendor revised nothing: rows replaced, none new
    assert summary.written.replaced > 0
    for target in chosen:
        pd.testing.assert_frame_equal(
            target_rows(store, target), target_rows(reference, target), obj=describe(target)
        )


def test_once_the_tail_is_fetched_after_it_settled_a_sync_sends_nothing(clean_sync, tmp_path):
    reference, chosen, _, _ = clean_sync
    shutil.copytree(reference.url, tmp_path / "history")
    store = Store(str(tmp_path / "history"))
    week_later = NOW + dt.timedelta(days=7)
    with serve(today=week_later.date()) as served:
        tasks, summary = sync_once(store, served.url, chosen, now=week_later)
        assert tasks and not summary.failed and summary.requests > 0
        assert sync.plan(store, chosen, SINCE, UNTIL, now=week_later) == []
        served.sandbox.clear_requests()
        nothing, again = sync_once(store, served.url, chosen, now=week_later)
        assert nothing == [] and again.requests == 0 and served.log() == []


@pytest.mark.parametrize("granularity", ["week", "month", "quarter"])
def test_a_period_cut_by_an_earlier_until_is_held_whole_after_a_later_sync(tmp_path, granularity):
    """A backfill that stops mid-period (--until in the past) must not freeze that period with
    only its first days: a later sync over it ends up with the vendor's whole period."""
    target = sync.Target(endpoints.get("builder.org_metrics"), granularity)
    store = Store(str(tmp_path / "history"))
    later = NOW + dt.timedelta(days=30)
    with serve(today=later.date()) as served:
        sync_once(store, served.url, [target], until=dt.date(2026, 5, 13), now=later)
        sync_once(store, served.url, [target], until=UNTIL, now=later)
        start, end = whole_periods(granularity)
        want = vendor_answer(make_client_factory(served.url), target, start, end)
    got = target_rows(store, target, start, end)
    pd.testing.assert_frame_equal(comparable(got), comparable(want))
