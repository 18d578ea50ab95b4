"""A backfill in windows committed one by one: stopped or interrupted part way it keeps what it
committed and the next run fetches only the rest; a window that fails is named, the others go
on, and the next run retries it; progress is days done of days to do per dataset."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

import sync
from connectors.sandbox import FaultRule
from store import Store
from sync.progress import DatasetProgress, Tracker

from .conftest import NOW, SINCE, UNTIL, assert_same_store, request_ranges, sync_once

MODEL_REQUESTS = "firebender.model_requests"
FIREBENDER = ("firebender.daily_usage", MODEL_REQUESTS)


def firebender(chosen):
    return [t for t in chosen if t.dataset.key in FIREBENDER]


def held_days(store: Store) -> set[dt.date]:
    return {
        first + dt.timedelta(days=i)
        for first, last in store.held(MODEL_REQUESTS, None)
        for i in range((last - first).days + 1)
    }


def test_model_requests_are_planned_a_week_a_window_and_daily_usage_in_whole_months(clean_sync):
    _, chosen, _, _ = clean_sync
    tasks = sync.plan(Store("/nonexistent-store"), firebender(chosen), SINCE, UNTIL, now=NOW)
    windows = {t.dataset.key: [(w.start, w.end) for w in t.parts] for t in tasks}
    days = (UNTIL - SINCE).days + 1
    weeks = [SINCE + dt.timedelta(d) for d in range(0, days, 7)]
    assert windows[MODEL_REQUESTS] == [(w, min(w + dt.timedelta(6), UNTIL)) for w in weeks]
    # 90 days per request at most: April and May in one, June in the next.
    assert windows["firebender.daily_usage"] == [
        (dt.date(2026, 4, 1), dt.date(2026, 5, 31)),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
    ]


@pytest.mark.parametrize("how", ["stopped", "interrupted"])
def test_a_sync_cut_short_keeps_its_windows_and_the_rerun_fetches_only_the_rest(
    clean_sync, served, tmp_path, how
):
    reference, chosen, _, _ = clean_sync
    chosen = firebender(chosen)
    store = Store(str(tmp_path / "history"))
    stop = threading.Event()

    def cut(figures: DatasetProgress) -> None:
        if figures.dataset == MODEL_REQUESTS and figures.windows_done == 5:
            if how == "stopped":
                stop.set()  # a time limit: no new window starts
            else:
                raise KeyboardInterrupt  # Ctrl-C, or any error of the caller's

    options = dict(on_dataset=cut, stop=stop, tasks_at_once=2)
    if how == "stopped":
        _, summary = sync_once(store, served.url, chosen, **options)
        result = summary.vendors["firebender"]
        assert result.stopped == "the sync was stopped" and not result.failures
        assert any("window(s) not tried" in line for line in summary.lines())
    else:
        with pytest.raises(KeyboardInterrupt):
            sync_once(store, served.url, chosen, **options)
    kept = held_days(store)
    assert 5 * 7 <= len(kept) < (UNTIL - SINCE).days + 1  # five weeks at least

    served.sandbox.clear_requests()
    tasks, summary = sync_once(store, served.url, chosen)
    assert not summary.failed
    asked = {first for path, _, first, _ in request_ranges(served.log()) if "model" in path}
    # every committed day was left alone but the unsettled last one (model requests are
    # fetched newest first, so it was committed), which every run asks for again
    assert asked and not (asked & kept) - {UNTIL}
    assert_same_store(store, reference, chosen)


def test_a_failing_window_is_named_the_others_are_committed_and_the_next_run_retries_it(
    clean_sync, served, tmp_path
):
    reference, chosen, _, _ = clean_sync
    chosen = [t for t in chosen if t.dataset.key == MODEL_REQUESTS]
    store = Store(str(tmp_path / "history"))
    # The first model-request answer is cut off: a format error, not retried. Model requests
    # are fetched newest week first: that is the last week of the range.
    served.sandbox.add_fault(
        FaultRule("truncate", vendor="firebender", path_contains="model-requests", times=1)
    )
    _, summary = sync_once(store, served.url, chosen, tasks_at_once=1)
    result = summary.vendors["firebender"]
    assert len(result.failures) == 1 and result.stopped is None
    last = sync.plan(Store("/nonexistent-store"), chosen, SINCE, UNTIL, now=NOW)[0].parts[-1]
    week = (last.start, last.end)
    assert result.failures[0].startswith(f"{MODEL_REQUESTS} {week[0]} - {week[1]}: Firebender")
    assert result.done == result.tasks - 1
    every_day = {SINCE + dt.timedelta(d) for d in range((UNTIL - SINCE).days + 1)}
    days = (week[1] - week[0]).days + 1
    assert held_days(store) == every_day - {week[0] + dt.timedelta(d) for d in range(days)}

    served.sandbox.clear_requests()
    tasks, summary = sync_once(store, served.url, chosen)
    assert not summary.failed
    lacking = [(t.start, t.end, t.lacking) for t in tasks if t.lacking]
    assert lacking == [(*week, days)]  # (the unsettled tail is that week too)
    assert_same_store(store, reference, chosen)


def test_progress_is_days_done_of_days_to_do_with_a_rate_and_the_time_left(clean_sync):
    _, chosen, _, _ = clean_sync
    tasks = sync.plan(Store("/nonexistent-store"), firebender(chosen), SINCE, UNTIL, now=NOW)
    windows = [w for t in tasks for w in t.parts]
    now = [0.0]
    seen: list[DatasetProgress] = []
    tracker = Tracker(windows, seen.append, clock=lambda: now[0])
    requests = [w for w in windows if w.dataset.key == MODEL_REQUESTS]
    for i, window in enumerate(requests[:10]):
        tracker.start(window)
        now[0] += 0.5
        tracker.finish(window, ok=i != 3)
    figures = seen[-1]  # ten weeks tried, the fourth failed
    assert (figures.days_done, figures.days_total) == (63, 91)
    assert (figures.windows_done, figures.windows_total) == (9, 13)
    assert (figures.failed, figures.days_failed) == (1, 7)
    assert figures.rate == pytest.approx(63 / 5.0)
    assert figures.seconds_left == pytest.approx((91 - 63 - 7) / (63 / 5.0))
    assert figures.line() == (
        f"{MODEL_REQUESTS}: 63/91 day(s), 12.6 day(s)/s, about 2 s left, 1 window(s) failed"
    )
    daily = next(f for f in tracker.all() if f.dataset == "firebender.daily_usage")
    assert (daily.days_done, daily.days_total, daily.rate) == (0, 91, None)
