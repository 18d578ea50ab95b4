"""What a sync will fetch: per dataset, granularity and scope, the runs the ledger lacks plus the
unsettled tail, each turned into a request range the vendor accepts (pure: sends nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors import ranges
from connectors.base import period_floor
from connectors.endpoints import Dataset
from connectors.errors import InvalidRangeError
from store import Store
from store.coverage import Need, label_granularity
from store.coverage import plan as coverage_plan


@dataclass(frozen=True)
class Task:
    dataset: Dataset
    granularity: str | None
    scope: str  # "org", or a Builder space's public key
    first: dt.date  # labels first..last are replaced by what the request returns
    last: dt.date
    start: dt.date  # the request's days
    end: dt.date
    lacking: int  # periods never held
    tail: int  # periods held but unsettled
    requests: int  # windows the range planner splits it into (pages may add more)

    @property
    def vendor(self) -> str:
        return self.dataset.vendor

    def describe(self) -> str:
        g = self.granularity or "request"
        scope = "" if self.scope == "org" else f" [{self.scope}]"
        why = []
        if self.lacking:
            why.append(f"{self.lacking} {label_granularity(self.granularity)}(s) lacking")
        if self.tail:
            why.append(f"{self.tail} unsettled")
        return (
            f"{self.dataset.key} by {g}{scope}: {self.start} - {self.end} "
            f"({', '.join(why)}), {self.requests} request(s)"
        )


def widen(dataset: Dataset, granularity, start: dt.date, end: dt.date) -> dt.date:
    """An earlier start where one request must span more than the run (Codefresh: at least 2
    days by day, at least 3 whole months of committers)."""
    rule = dataset.spans[granularity]
    if rule.min_months:
        earliest = ranges.add_months(ranges.month_start(end), -(rule.min_months - 1))
        start = min(start, earliest)
    days = (end - start).days + 1
    if days < rule.min_dates:
        start -= dt.timedelta(days=rule.min_dates - days)
    return start


def tasks_for(
    store: Store,
    dataset: Dataset,
    granularity: str | None,
    scope: str,
    since: dt.date,
    until: dt.date,
    now: dt.datetime,
    fresh_for: dt.timedelta | None = None,
) -> list[Task]:
    if dataset.earliest and until < dataset.earliest:
        return []
    if dataset.earliest:
        since = max(since, dataset.earliest)
    runs = store.ledger(dataset.key, granularity, scope)
    needs: list[Need] = coverage_plan(
        runs, since, until, granularity, dataset.unsettled_days, now, fresh_for
    )
    tasks = []
    for need in needs:
        # A week, month or quarter cut by an `until` in the past would be held (and settled)
        # with only its first days: ask for it whole, up to yesterday as a default sync does.
        start, end = need.request_range(granularity, max(until, now.date() - dt.timedelta(days=1)))
        start = widen(dataset, granularity, start, end)
        if dataset.earliest:
            start = max(start, dataset.earliest)
        first = period_floor(start, label_granularity(granularity))
        try:
            windows = len(ranges.plan(dataset.rules, start, end, granularity, now.date()).windows)
        except InvalidRangeError:
            windows = 0
        tasks.append(
            Task(
                dataset,
                granularity,
                scope,
                first,
                need.last,
                start,
                end,
                need.lacking,
                need.tail,
                windows,
            )
        )
    return tasks
