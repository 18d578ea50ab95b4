"""A vendor's windows go to its pool a few at a time (sync/runner.py, `_feed`): every window
runs, with at most `ahead` handed to the pool and not finished (a first sync at 2,000
developers has ~2,500 Builder.io windows; handing them all over at once made every poll wait
on all of them), and an error or a stop hands over no more."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sync.runner import _feed


class CountingPool(ThreadPoolExecutor):
    """A real pool that records the most futures handed to it and not yet done."""

    def __init__(self, workers: int):
        super().__init__(max_workers=workers)
        self.futures = []
        self.most = 0

    @property
    def submitted(self) -> int:
        return len(self.futures)

    def submit(self, fn, *args):
        future = super().submit(fn, *args)
        self.futures.append(future)
        self.most = max(self.most, sum(not f.done() for f in self.futures))
        return future


def test_every_window_runs_with_few_handed_over_at_once():
    ran, between = [], []
    with CountingPool(3) as pool:

        def one(number):
            time.sleep(0.002)
            ran.append(number)

        _feed(
            pool, one, [(n,) for n in range(200)], threading.Event(), lambda: between.append(1), 6
        )
    assert sorted(ran) == list(range(200))
    assert pool.submitted == 200 and pool.most <= 6
    assert between  # the callbacks ran on the calling thread between polls


def test_an_error_hands_over_no_more_windows_and_is_raised():
    stop = threading.Event()
    with CountingPool(2) as pool:

        def one(number):
            if number == 5:
                raise OSError("disk full")

        with pytest.raises(OSError, match="disk full"):
            _feed(pool, one, [(n,) for n in range(500)], stop, lambda: None, 4)
    assert stop.is_set() and pool.submitted < 20


def test_a_stop_hands_over_no_more_windows():
    stop = threading.Event()
    with CountingPool(2) as pool:

        def one(number):
            if number == 10:
                stop.set()

        _feed(pool, one, [(n,) for n in range(500)], stop, lambda: None, 4)
    assert pool.submitted < 20
