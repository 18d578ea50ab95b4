"""How far a sync has got, per dataset: days committed of days to fetch, the rate so far and
the time left at that rate. Figures only: the command line and the pages say them their way."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetProgress:
    dataset: str  # the catalogue key, e.g. "firebender.model_requests"
    days_done: int  # request days of the windows committed
    days_total: int  # request days of every window this run fetches
    windows_done: int  # committed
    windows_total: int
    failed: int  # windows that failed (named in the vendor's result; the next run retries them)
    days_failed: int
    seconds: float  # since this dataset's first window started

    @property
    def rate(self) -> float | None:
        """Days per second so far (None before the first window is committed)."""
        return self.days_done / self.seconds if self.days_done and self.seconds > 0 else None

    @property
    def seconds_left(self) -> float | None:
        rate = self.rate
        left = self.days_total - self.days_done - self.days_failed
        return None if rate is None else left / rate

    @property
    def finished(self) -> bool:
        return self.windows_done + self.failed >= self.windows_total

    def line(self) -> str:
        text = f"{self.dataset}: {self.days_done}/{self.days_total} day(s)"
        if self.rate is not None:
            text += f", {self.rate:.1f} day(s)/s"
            if not self.finished:
                text += f", about {_duration(self.seconds_left or 0)} left"
        if self.failed:
            text += f", {self.failed} window(s) failed"
        return text


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Tracker:
    """Counts windows per dataset as `sync.run` commits them (from worker threads); `finish`
    returns the dataset's figures, and calls `report` with them when given."""

    def __init__(
        self, windows, report: Callable[[DatasetProgress], None] | None = None, clock=None
    ):
        self._clock = clock or time.monotonic
        self._report = report
        self._lock = threading.Lock()
        self._total: dict[str, list[int]] = {}  # dataset -> [days, windows]
        # dataset -> [days committed, windows committed, days failed, windows failed]
        self._done: dict[str, list[int]] = {}
        self._started: dict[str, float] = {}
        for window in windows:
            total = self._total.setdefault(window.dataset.key, [0, 0])
            total[0] += window.days
            total[1] += 1

    def start(self, window) -> None:
        with self._lock:
            self._started.setdefault(window.dataset.key, self._clock())

    def finish(self, window, ok: bool) -> DatasetProgress:
        key = window.dataset.key
        with self._lock:
            done = self._done.setdefault(key, [0, 0, 0, 0])
            done[0 if ok else 2] += window.days
            done[1 if ok else 3] += 1
            figures = self._figures(key)
            if self._report:
                self._report(figures)
        return figures

    def _figures(self, key: str) -> DatasetProgress:
        days, windows = self._total[key]
        ok_days, ok, failed_days, failed = self._done.get(key, [0, 0, 0, 0])
        seconds = self._clock() - self._started.get(key, self._clock())
        return DatasetProgress(key, ok_days, days, ok, windows, failed, failed_days, seconds)

    def all(self) -> list[DatasetProgress]:
        with self._lock:
            return [self._figures(key) for key in self._total]
