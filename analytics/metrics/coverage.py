"""Coverage: which days a vendor has data for, so that periods outside them are empty, not 0.

A vendor that returns no row for a day may have had a quiet day (zero) or no data at all (before
it was adopted, before its retention window, after its last report). A quiet weekend is zero;
a month with no row at all before the first activity is "no data". So a vendor's data are taken
to start on its first day with any activity and to end on its last, and only periods wholly
inside that span are drawn; a gap of a few days at either edge of the loaded range (a weekend,
a holiday) is read as quiet days, not as missing data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from .calendar import NS, next_period

SLACK_DAYS = 3  # a gap this short at an edge of the loaded range is quiet days, not missing data


@dataclass(frozen=True)
class Span:
    """The days a vendor has data for within what was loaded. `first`/`last` are None when
    the data reach the loaded range's edge (they may go on beyond it)."""

    loaded_from: dt.date
    loaded_to: dt.date
    first: dt.date | None  # None: data from `loaded_from` or earlier
    last: dt.date | None  # None: data to `loaded_to`
    empty: bool = False  # no activity at all in the loaded range
    # Days inside the span whose data are unknown (a damaged history file, a window never
    # fetched), as (first, last) spans: a period touching one is left empty, never 0.
    holes: tuple[tuple[dt.date, dt.date], ...] = ()

    def covers(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether the whole period [start, end] is inside the data."""
        if self.empty:
            return False
        if any(touches(hole, start, end) for hole in self.holes):
            return False
        if self.first is not None and start.date() < self.first:
            return False
        return not (self.last is not None and end.date() > self.last)


class NotHeld(tuple):
    """A hole (first, last) of days a read-only store does not hold at an end of what it holds
    (before its first day; `NotSynced`: after its last): unknown like any hole, so its periods
    are empty and totals over it unknown, but said calmly - the freshness line names the days
    the store holds - rather than warned about as damage on every page, every day."""

    def __new__(cls, first: dt.date, last: dt.date):
        return super().__new__(cls, (first, last))


class NotSynced(NotHeld):
    """Days after the last one a read-only store holds: its scheduled sync has not reached
    them yet (today, always; more when cron has not run)."""


def touches(hole: tuple[dt.date, dt.date], start, end) -> bool:
    """Whether the period [start, end] (dates or timestamps) has a day in `hole`."""
    return pd.Timestamp(hole[0]) <= pd.Timestamp(end) and pd.Timestamp(hole[1]) >= pd.Timestamp(
        start
    )


def with_holes(known: Span | None, holes) -> Span | None:
    """`known` with the days of `holes` unknown (a damaged history file's, the ledger's gaps)."""
    holes = tuple(holes or ())
    if known is None or not holes:
        return known
    return replace(known, holes=tuple(sorted({*known.holes, *holes})))


def blank_holes(table: pd.DataFrame, columns: list[str], holes) -> pd.DataFrame:
    """`table` (period, period_end) with `columns` set to NA in periods that touch a hole."""
    holes = list(holes or ())
    if not holes or table.empty:
        return table
    touched = [
        any(touches(h, start, end) for h in holes)
        for start, end in zip(table["period"], table["period_end"], strict=True)
    ]
    present = [c for c in columns if c in table]
    table.loc[pd.Series(touched, index=table.index, dtype=bool), present] = float("nan")
    return table


def blank_periods(
    frame: pd.DataFrame, columns: list[str], holes, granularity: str | None
) -> pd.DataFrame:
    """`frame` (a `period` column of `granularity` periods, any number of rows per period:
    long format, per space, per pipeline) with `columns` set to NA in periods touching a hole."""
    holes = list(holes or ())
    if not holes or frame.empty:
        return frame
    start = pd.to_datetime(frame["period"])
    if getattr(start.dt, "tz", None) is not None:
        start = start.dt.tz_convert("UTC").dt.tz_localize(None)
    g = granularity or "day"
    ends = {
        day: pd.Timestamp(next_period(day.date(), g)) - pd.Timedelta(days=1)
        for day in start.drop_duplicates()
    }
    touched = [any(touches(h, day, ends[day]) for h in holes) for day in start]
    frame = frame.copy()
    present = [c for c in columns if c in frame]
    frame.loc[pd.Series(touched, index=frame.index, dtype=bool), present] = float("nan")
    return frame


def held_through(holes, end: dt.date) -> dt.date | None:
    """The last day a range total can be read to when its only unknown days are a read-only
    store's not-synced-yet tail (a total "through 22 Nov" rather than none); None otherwise."""
    holes = list(holes or ())
    if len(holes) == 1 and isinstance(holes[0], NotSynced) and holes[0][1] >= end:
        return holes[0][0] - dt.timedelta(days=1)
    return None


def why_unknown(holes) -> str:
    """Why a total over `holes` is unknown, in a few words for a caption or a tooltip."""
    holes = list(holes or ())
    said = []
    if any(not isinstance(h, NotHeld) for h in holes):
        said.append("part of it could not be read")
    if absent := [h for h in holes if type(h) is NotHeld]:
        said.append(f"the read-only store holds nothing for {_days(absent)}")
    if waiting := [h for h in holes if isinstance(h, NotSynced)]:
        said.append(
            f"the read-only store is not synced yet for {_days(waiting)} (the scheduled sync "
            "fills it)"
        )
    return "; ".join(said)


def describe_holes(what: str, holes) -> str | None:
    """ "Firebender daily usage for 1 Oct 2026 to 31 Oct 2026 could not be read: ..." or None."""
    # Days not synced yet are said by the freshness line ("filled by the scheduled sync
    # through ..."), not warned about.
    holes = [h for h in holes or () if not isinstance(h, NotHeld)]
    if not holes:
        return None
    days = ", ".join(
        _day(first) if first == last else f"{_day(first)} to {_day(last)}" for first, last in holes
    )
    return (
        f"{what} for {days} is unreadable (a damaged history file, or days the store does "
        f"not hold): those periods are left empty and any total over them is unknown."
    )


def span(
    frame: pd.DataFrame | None,
    time_column: str,
    value_columns: list[str],
    loaded_from: dt.date,
    loaded_to: dt.date,
    granularity: str = "day",
) -> Span | None:
    """The span of days with any non-zero value in `value_columns` (None: nothing loaded).
    Rows labelled by period (`granularity` week or month) cover their period's days."""
    if frame is None:
        return None
    present = [c for c in value_columns if c in frame]
    if frame.empty or not present:
        return Span(loaded_from, loaded_to, None, None, empty=True)
    values = frame[present].apply(pd.to_numeric, errors="coerce").fillna(0)
    times = frame.loc[(values != 0).any(axis=1).to_numpy(), time_column]
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    times = pd.to_datetime(times).astype(NS)
    if times.empty:
        return Span(loaded_from, loaded_to, None, None, empty=True)
    first, last = times.min().date(), times.max().date()
    if granularity != "day":
        last = next_period(last, granularity) - dt.timedelta(days=1)
    return Span(
        loaded_from,
        loaded_to,
        None if (first - loaded_from).days <= SLACK_DAYS else first,
        None if (loaded_to - last).days <= SLACK_DAYS else last,
    )


def blank_outside(table: pd.DataFrame, columns: list[str], known: Span | None) -> pd.DataFrame:
    """`table` with `columns` set to NA in periods not wholly inside the vendor's data."""
    if known is None:
        return table
    inside = [
        known.covers(start, end)
        for start, end in zip(table["period"], table["period_end"], strict=True)
    ]
    outside = ~pd.Series(inside, index=table.index, dtype=bool)
    present = [c for c in columns if c in table]
    table.loc[outside, present] = float("nan")
    return table


def describe(known: Span | None) -> str | None:
    """ "from 1 Jan 2025", "1 Jan 2025 to 3 Mar 2026", "no data in this range" or None (data
    cover the whole loaded range)."""
    if known is None:
        return None
    if known.holes:
        said = [describe(replace(known, holes=()))]
        unread = [h for h in known.holes if not isinstance(h, NotHeld)]
        if unread:
            said.append(f"no readable data for {_days(unread, ' and ')}")
        absent = [h for h in known.holes if type(h) is NotHeld]
        if absent:
            said.append(f"nothing in the read-only store for {_days(absent, ' and ')}")
        if waiting := [h for h in known.holes if isinstance(h, NotSynced)]:
            said.append(f"not synced yet for {_days(waiting, ' and ')}")
        return ", ".join(s for s in said if s)
    if known.empty:
        return "no data in this range"
    if known.first and known.last:
        return f"data from {_day(known.first)} to {_day(known.last)}"
    if known.first:
        return f"data from {_day(known.first)}"
    if known.last:
        return f"data to {_day(known.last)}"
    return None


def describe_day(day: dt.date) -> str:
    """A day as coverage sentences write it ("1 Jan 2025")."""
    return _day(day)


def _days(holes, sep: str = ", ") -> str:
    """Spans as words, overlapping or adjacent ones (several datasets' holes) said once."""
    merged: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(holes):
        if merged and merged[-1][1] + dt.timedelta(days=1) >= first:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return sep.join(_day(a) if a == b else f"{_day(a)} to {_day(b)}" for a, b in merged)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
