"""The coverage ledger, as pure functions: which periods of a dataset are held, which are settled,
and what a sync must fetch (what is lacking plus the unsettled tail).

Coverage is kept in *labels*: the first day of each period at the stored granularity (a day for
daily data and for model requests, a Monday for weeks, the 1st for months and quarters). Each
partition file carries the runs of labels it holds and when each run was fetched (see
`partitions.py`), so data and ledger change in one atomic file replace and can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors.base import period_floor

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Run:
    """Labels `first`..`last` (inclusive, at one granularity) fetched at `fetched_at` (UTC)."""

    first: dt.date
    last: dt.date
    fetched_at: dt.datetime

    def to_json(self) -> list[str]:
        return [self.first.isoformat(), self.last.isoformat(), self.fetched_at.isoformat()]

    @classmethod
    def from_json(cls, item) -> Run:
        first, last, fetched = item
        return cls(
            dt.date.fromisoformat(first),
            dt.date.fromisoformat(last),
            dt.datetime.fromisoformat(fetched),
        )


def label_granularity(granularity: str | None) -> str:
    """Model requests (no granularity) and daily data are held by day."""
    return granularity if granularity in ("week", "month", "quarter") else "day"


def next_label(label: dt.date, granularity: str | None) -> dt.date:
    g = label_granularity(granularity)
    if g == "day":
        return label + ONE_DAY
    if g == "week":
        return label + dt.timedelta(days=7)
    months = 1 if g == "month" else 3
    total = label.year * 12 + label.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def period_end(label: dt.date, granularity: str | None) -> dt.date:
    return next_label(label, granularity) - ONE_DAY


def labels(start: dt.date, end: dt.date, granularity: str | None) -> list[dt.date]:
    """The labels of every period that has a day in [start, end]."""
    label = period_floor(start, label_granularity(granularity))
    out = []
    while label <= end:
        out.append(label)
        label = next_label(label, granularity)
    return out


def held(runs: list[Run], granularity: str | None) -> dict[dt.date, dt.datetime]:
    """label -> when it was fetched (the latest run that holds it)."""
    out: dict[dt.date, dt.datetime] = {}
    for run in sorted(runs, key=lambda r: r.fetched_at):
        for label in labels(run.first, run.last, granularity):
            if label <= run.last:
                out[label] = run.fetched_at
    return out


def settled(
    label: dt.date, fetched_at: dt.datetime, granularity: str | None, unsettled_days: int
) -> bool:
    """A period is settled once it was fetched more than `unsettled_days` after it ended."""
    return fetched_at.date() > period_end(label, granularity) + dt.timedelta(days=unsettled_days)


@dataclass(frozen=True)
class Need:
    """Labels a sync must fetch, in runs, and why: lacking (never held) or tail (unsettled)."""

    first: dt.date
    last: dt.date
    lacking: int  # labels in the run that were never held
    tail: int  # labels held but not settled

    def request_range(self, granularity: str | None, until: dt.date) -> tuple[dt.date, dt.date]:
        """The days to ask the vendor for: whole periods, cut at `until`."""
        return self.first, min(period_end(self.last, granularity), until)


def plan(
    runs: list[Run],
    since: dt.date,
    until: dt.date,
    granularity: str | None,
    unsettled_days: int,
    now: dt.datetime,
    fresh_for: dt.timedelta | None = None,
) -> list[Need]:
    """What to fetch so that [since, until] is held: every period not held, plus every held
    period not yet settled (unless it was fetched within `fresh_for` of `now`: the app asks
    again only after a while, the command line every run). Contiguous labels make one run."""
    have = held(runs, granularity)
    wanted = []
    for label in labels(since, until, granularity):
        fetched = have.get(label)
        if fetched is None:
            wanted.append((label, "lacking"))
        elif not settled(label, fetched, granularity, unsettled_days) and (
            fresh_for is None or now - fetched >= fresh_for
        ):
            wanted.append((label, "tail"))
    needs: list[Need] = []
    for label, why in wanted:
        last = needs[-1] if needs else None
        if last and next_label(last.last, granularity) == label:
            needs[-1] = Need(
                last.first,
                label,
                last.lacking + (why == "lacking"),
                last.tail + (why == "tail"),
            )
        else:
            needs.append(Need(label, label, int(why == "lacking"), int(why == "tail")))
    return needs


def replace(runs: list[Run], new: Run, granularity: str | None) -> list[Run]:
    """`runs` with the labels of `new` taken out and `new` added: what a partition holds after
    its rows for those labels were replaced."""
    out = []
    for run in runs:
        if run.last < new.first or run.first > new.last:
            out.append(run)
            continue
        if run.first < new.first:
            before = [
                x for x in labels(run.first, new.first - ONE_DAY, granularity) if x < new.first
            ]
            if before:
                out.append(Run(run.first, before[-1], run.fetched_at))
        if run.last > new.last:
            after = next_label(new.last, granularity)
            if after <= run.last:
                out.append(Run(after, run.last, run.fetched_at))
    out.append(new)
    return sorted(out)


def spans(runs: list[Run], granularity: str | None) -> list[tuple[dt.date, dt.date]]:
    """Held labels as contiguous (first, last) spans, whatever their fetch times."""
    out: list[tuple[dt.date, dt.date]] = []
    for run in sorted(runs):
        if out and next_label(out[-1][1], granularity) >= run.first:
            out[-1] = (out[-1][0], max(out[-1][1], run.last))
        else:
            out.append((run.first, run.last))
    return out


def holes(
    runs: list[Run],
    unreadable: list[tuple[dt.date, dt.date]],
    start: dt.date,
    end: dt.date,
    granularity: str | None,
) -> list[tuple[dt.date, dt.date]]:
    """Days of [start, end] whose data are unknown, as sorted, merged (first, last) spans: the
    days of `unreadable` files (damaged partitions, left out of reads), and the days between
    the first and the last held period that the ledger does not hold (a window never fetched,
    a file left out). Days before the first or after the last held period are not holes: where
    the data start and end is the coverage span's business (read from the rows)."""
    found: list[tuple[dt.date, dt.date]] = []
    held_spans = spans(runs, granularity)
    for (_, last), (first, _) in zip(held_spans, held_spans[1:]):
        found.append((next_label(last, granularity), first - ONE_DAY))
    found.extend(unreadable)
    out: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(found):
        first, last = max(first, start), min(last, end)
        if first > last:
            continue
        if out and out[-1][1] + ONE_DAY >= first:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out
