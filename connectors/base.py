"""What the three clients share: settings lookup, the plan -> windows -> frame pipeline."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from itertools import repeat

import pandas as pd

from safe import text as safe_text

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
        return f"{type(self).__name__}(base_url={safe_text.url(self.api.base_url)!r})"

    def plan(self, endpoint: str, start, end, granularity=None) -> ranges.Plan:
        return ranges.plan(f"{self.vendor}.{endpoint}", start, end, granularity, self.today)

    def fetch(
        self, plan: ranges.Plan, fetch_window: Callable, api: VendorAPI | None = None
    ) -> list:
        """`fetch_window(window, load)` for every window of `plan`: `load` sends the requests,
        all within one time budget that belongs to this call alone."""
        load = (api or self.api).load()
        return fetch_windows(
            lambda window: fetch_window(window, load),
            plan.windows,
            max_workers=load.api.max_workers,
            progress=self.progress,
        )


def period_floor(day: dt.date, granularity: str | None) -> dt.date:
    """The first day of the period that holds `day` (the vendors label periods by it)."""
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


# ---------------------------------------------------------------- period labels

WEEKDAYS = {"monday": 0, "sunday": 6}
PERIODS = ("week", "month", "quarter")


def week_start(day: dt.date, first_weekday: int = 0) -> dt.date:
    """The first day of the week holding `day`, for weeks that begin on `first_weekday`
    (0 Monday: ISO weeks; 6 Sunday: Sunday-Saturday weeks)."""
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


def week_misfits(labels, start: dt.date, end: dt.date, first_weekday: int) -> int:
    """How badly distinct row labels fit weeks that begin on `first_weekday`, if each label is
    some day of its row's week: two rows in one week, a row whose week misses [start, end], and
    a week of [start, end] without a row each count one. The right reading of a complete answer
    scores 0. Only weeks within six days of a label are asked for: where the vendor has no data
    at all (before its history starts) both readings would miss them alike."""
    labels = sorted(labels)
    weeks = [week_start(label, first_weekday) for label in labels]
    held = set(weeks)
    collisions = len(weeks) - len(held)
    six = dt.timedelta(days=6)
    outside = sum(1 for week in held if week > end or week + six < start)
    low, high = max(start, labels[0] - six), min(end, labels[-1] + six)
    first = week_start(low, first_weekday)
    wanted = {first + dt.timedelta(days=7 * n) for n in range((high - first).days // 7 + 1)}
    return collisions + outside + len(wanted - held)


def vendor_week_start(labels, start: dt.date, end: dt.date, when_unsure: int) -> int:
    """Whether one answer's week rows are Monday-Sunday (0) or Sunday-Saturday (6) weeks: the
    reading its labels fit better (see `week_misfits`), else `when_unsure`."""
    labels = sorted(set(labels))
    iso = week_misfits(labels, start, end, 0)
    sunday = week_misfits(labels, start, end, 6)
    if iso == sunday:
        return when_unsure
    return 0 if iso < sunday else 6


def period_of_label(
    label: dt.date, granularity: str | None, start: dt.date, end: dt.date, first_weekday: int = 0
) -> dt.date | None:
    """The first day of our period (ISO week, month, quarter) for a row the vendor labelled
    `label`, whatever day of its period labels it (first, last, middle, the range's first day).

    Months and quarters are calendar periods: the one that holds the label. So are weeks when
    the vendor's weeks are ISO weeks (`first_weekday` 0). A Sunday-Saturday week (6) cannot be
    split from its aggregate, so it goes whole to the ISO week that holds most of its days inside
    [start, end] (ties: the later): the Monday after its Sunday, except when the Sunday is its
    only day in the range (a range that ends on a Sunday) - then the Monday before, where it
    joins the previous row. None: the row's week has no day in [start, end]."""
    if granularity != "week" or first_weekday == 0:
        return period_floor(label, granularity)
    sunday = week_start(label, 6)
    if max(sunday, start) > min(sunday + dt.timedelta(days=6), end):
        return None
    return sunday + dt.timedelta(days=1 if end > sunday else -6)


def place_periods(
    frame: pd.DataFrame,
    column: str,
    plan: ranges.Plan,
    keys: list[str],
    distinct: tuple[str, ...] = (),
    when_unsure: int = 0,
) -> pd.DataFrame:
    """Week, month and quarter rows relabelled by the first day of our period that holds them
    (`period_of_label`; a week answer is read as ISO or Sunday-Saturday weeks by
    `vendor_week_start`, `when_unsure` breaking a tie). Rows that land in one period are merged:
    counts summed, `distinct` counts (people) the larger of the two. Rows outside the range
    become NaT (`trim` drops them). Call after `drop_repeats` and before `trim`."""
    if frame.empty or column not in frame or plan.granularity not in PERIODS:
        return frame
    times = frame[column]
    labels = {stamp: stamp.date() for stamp in times.dropna().unique()}
    first_weekday = 0
    if plan.granularity == "week" and labels:
        first_weekday = vendor_week_start(labels.values(), plan.start, plan.end, when_unsure)
    placed = {}
    for stamp, label in labels.items():
        period = period_of_label(label, plan.granularity, plan.start, plan.end, first_weekday)
        placed[stamp] = pd.NaT if period is None else pd.Timestamp(period)
    if all(stamp == period for stamp, period in placed.items()):
        return frame
    frame = frame.assign(**{column: times.map(placed).astype(times.dtype)})
    return merge_periods(frame, keys, distinct)


def merge_periods(frame: pd.DataFrame, keys: list[str], distinct: tuple[str, ...] = ()):
    """One row per key: numbers summed (NA only when every part is NA), `distinct` columns
    the largest part (a distinct count cannot be summed), anything else the first part."""
    if frame.empty or not frame.duplicated(subset=keys).any():
        return frame
    grouped = frame.groupby(keys, sort=False, dropna=False, observed=True)
    parts = {}
    for name in frame.columns.difference(keys, sort=False):
        numeric = pd.api.types.is_numeric_dtype(frame[name]) and frame[name].dtype != bool
        if name in distinct:
            parts[name] = grouped[name].max()
        elif numeric:
            parts[name] = grouped[name].sum(min_count=1)
        else:
            parts[name] = grouped[name].first()
    merged = pd.DataFrame(parts).reset_index()
    return merged[list(frame.columns)].astype(frame.dtypes.to_dict())


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
