"""Periods: a period is labelled by its first day (ISO weeks start on Monday). Time columns are
naive `datetime64[ns]` at UTC midnight."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from connectors.base import period_floor
from connectors.ranges import utc_today

GRANULARITIES = ("day", "week", "month", "quarter")
GRANULARITY_LABELS = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter"}
NS = "datetime64[ns]"


def floor_periods(times: pd.Series, granularity: str) -> pd.Series:
    """The first day of each time's period, as naive datetime64[ns]."""
    times = pd.Series(times)
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    times = times.astype(NS).dt.normalize()
    if granularity == "day":
        return times
    if granularity == "week":
        return (times - pd.to_timedelta(times.dt.day_of_week, unit="D")).astype(NS)
    if granularity == "month":
        return times.dt.to_period("M").dt.start_time.astype(NS)
    if granularity == "quarter":
        return times.dt.to_period("Q").dt.start_time.astype(NS)
    raise ValueError(f"unknown granularity {granularity!r}")


def next_period(day: dt.date, granularity: str) -> dt.date:
    start = period_floor(day, granularity)
    if granularity == "day":
        return start + dt.timedelta(days=1)
    if granularity == "week":
        return start + dt.timedelta(days=7)
    months = 1 if granularity == "month" else 3
    total = start.year * 12 + start.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def periods(
    start: dt.date, end: dt.date, granularity: str, today: dt.date | None = None
) -> pd.DataFrame:
    """Every period overlapping [start, end]: `period`, `period_end` (its last day, as a date
    time), `complete` (the range covers the whole period, and the period is over: today's
    numbers are still coming in)."""
    today = today or utc_today()
    rows, cursor = [], period_floor(start, granularity)
    while cursor <= end:
        following = next_period(cursor, granularity)
        last = following - dt.timedelta(days=1)
        rows.append((cursor, last, cursor >= start and last <= end and last < today))
        cursor = following
    frame = pd.DataFrame(rows, columns=["period", "period_end", "complete"])
    frame["period"] = pd.to_datetime(frame["period"]).astype(NS)
    frame["period_end"] = pd.to_datetime(frame["period_end"]).astype(NS)
    frame["complete"] = frame["complete"].astype(bool)
    return frame


# A period's length, to find the day after it ends from its first day.
STEPS = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(days=7),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
}


def finished_periods(
    frame: pd.DataFrame, granularity: str, end: dt.date, today: dt.date | None = None
) -> pd.DataFrame:
    """The rows of `frame` whose `period` is over by `end` and before today (as `periods()`
    marks `complete`): drawn beside whole periods, a part of one reads as a drop."""
    over_by = min(pd.Timestamp(end) + pd.Timedelta(days=1), pd.Timestamp(today or utc_today()))
    ends = pd.Series(frame["period"], dtype=NS) + STEPS[granularity]
    return frame.loc[(ends <= over_by).to_numpy()].reset_index(drop=True)


def snap_start(start: dt.date, granularity: str) -> dt.date:
    """The first day of the period holding `start`: loads cover whole periods."""
    return period_floor(start, granularity)


def period_name(period, granularity: str) -> str:
    """A period as people name it: "Mon 9 Nov 2026", "week of 9 Nov 2026", "September 2026",
    "Q3 2026"."""
    day = pd.Timestamp(period)
    if granularity == "day":
        return f"{day:%a} {day.day} {day:%b %Y}"
    if granularity == "week":
        return f"week of {day.day} {day:%b %Y}"
    if granularity == "month":
        return f"{day:%B %Y}"
    if granularity == "quarter":
        return f"Q{day.quarter} {day.year}"
    raise ValueError(f"unknown granularity {granularity!r}")


def range_name(start: dt.date, end: dt.date) -> str:
    """An inclusive day range as people write it: "1 Sep – 30 Nov 2026", "3 Nov 2025 – 1 Feb
    2026"."""
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
