"""What the three clients share: settings lookup, the plan -> windows -> frame pipeline."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from itertools import repeat

import pandas as pd

from . import ranges
from .errors import ResponseFormatError
from .http import VendorAPI, fetch_windows

Progress = Callable[[int, int], None]


def base_url_from_env(vendor: str, default: str, base_url: str | None) -> str:
    """An explicit base URL, else `<VENDOR>_BASE_URL` from the environment, else the vendor's."""
    return base_url or os.environ.get(f"{vendor.upper()}_BASE_URL") or default


class Client:
    """Base for the vendor clients. Subclasses set `vendor` and build `self.api`."""

    vendor = ""
    api: VendorAPI

    def __init__(self, today: dt.date | None = None, progress: Progress | None = None):
        # `today` pins "today" for the range rules (tests, the sandbox); None means the UTC date.
        self.today = today
        self.progress = progress

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.api.base_url!r})"

    def plan(self, endpoint: str, start, end, granularity=None) -> ranges.Plan:
        return ranges.plan(f"{self.vendor}.{endpoint}", start, end, granularity, self.today)

    def fetch(
        self, plan: ranges.Plan, fetch_window: Callable, api: VendorAPI | None = None
    ) -> list:
        """Every window of `plan` through `fetch_window`, within the load's time budget."""
        api = api or self.api
        api.start_load()
        try:
            return fetch_windows(
                fetch_window, plan.windows, max_workers=api.max_workers, progress=self.progress
            )
        finally:
            api.deadline = None


def period_floor(day: dt.date, granularity: str | None) -> dt.date:
    """The first day of the period that holds `day` (the vendors label periods by it)."""
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def trim(frame: pd.DataFrame, column: str, plan: ranges.Plan) -> pd.DataFrame:
    """Only rows of the periods asked for: drops what padded requests fetched on purpose and
    anything a vendor sent from outside the window."""
    if frame.empty or column not in frame:
        return frame
    low, high = plan.keep or (period_floor(plan.start, plan.granularity), plan.end)
    low, high = pd.Timestamp(low), pd.Timestamp(high) + pd.Timedelta(days=1)
    times = frame[column]
    if getattr(times.dtype, "tz", None) is not None:
        low, high = low.tz_localize("UTC"), high.tz_localize("UTC")
    inside = (times >= low) & (times < high)
    return frame if inside.all() else frame.loc[inside].reset_index(drop=True)


def drop_repeats(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Windows never overlap, so a row seen twice is the API repeating itself: keep the first."""
    if frame.empty:
        return frame
    repeated = frame.duplicated(subset=keys, keep="first")
    return frame.loc[~repeated].reset_index(drop=True) if repeated.any() else frame


def data_rows(vendor: str, payload) -> list[dict]:
    """The documented `{"data": [ {...}, ... ]}` list, or a ResponseFormatError."""
    rows = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not all(map(isinstance, rows, repeat(dict))):
        raise ResponseFormatError(
            vendor,
            'the response has no "data" list of rows; the API may '
            "have changed. Try again later or report it.",
        )
    return rows
