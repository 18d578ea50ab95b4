"""What a sync will fetch: per dataset, granularity and scope, the runs the ledger lacks plus the
unsettled tail, each turned into a request range the vendor accepts (pure: sends nothing).

Each task is cut into windows that `sync.run` fetches and commits one by one: whole partitions,
as many as one request serves (model requests: a week, a file per day). A window has its own client
call, so the connector's time budget bounds one window's retries, never a year's; a sync killed
or stopped part way holds every window it committed, and the next plan asks only for the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from connectors import ranges
from connectors.base import period_floor
from connectors.endpoints import Dataset
from connectors.errors import InvalidRangeError
from store import Store
from store.coverage import Need, held, label_granularity, period_end
from store.coverage import labels as label_days
from store.coverage import plan as coverage_plan
from store.partitions import part_of


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
    # What `sync.run` fetches and commits one at a time (empty: the task is one window).
    windows: tuple[Task, ...] = ()

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

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def parts(self) -> tuple[Task, ...]:
        """The windows committed one by one (the task itself when it is one)."""
        return self.windows or (self,)

    def name(self) -> str:
        """A window as a person names it: dataset, scope and days."""
        scope = "" if self.scope == "org" else f" [{self.scope}]"
        g = f" by {self.granularity}" if self.granularity else ""
        days = str(self.start) if self.start == self.end else f"{self.start} - {self.end}"
        return f"{self.dataset.key}{g}{scope} {days}"


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
    have = held(runs, granularity)
    tasks = []
    for need in needs:
        # A week, month or quarter cut by an `until` in the past would be held (and settled)
        # with only its first days: ask for it whole, up to yesterday as a default sync does.
        until_day = max(until, now.date() - dt.timedelta(days=1))
        task = _task(dataset, granularity, scope, need, need.first, need.last, until_day, now)
        parts = [
            _task(dataset, granularity, scope, need, first, last, until_day, now, have)
            for first, last in window_labels(dataset, granularity, need)
        ]
        if len(parts) > 1:
            task = replace(task, requests=sum(p.requests for p in parts), windows=tuple(parts))
        tasks.append(task)
    return tasks


def _task(dataset, granularity, scope, need: Need, first, last, until, now, have=None) -> Task:
    """The task for labels first..last of `need` (`have`: what is held, to count a window's
    lacking and unsettled labels; None: the need's own counts)."""
    start, end = Need(first, last, 0, 0).request_range(granularity, until)
    start = widen(dataset, granularity, start, end)
    if dataset.earliest:
        start = max(start, dataset.earliest)
    try:
        windows = len(ranges.plan(dataset.rules, start, end, granularity, now.date()).windows)
    except InvalidRangeError:
        windows = 0
    lacking, tail = need.lacking, need.tail
    if have is not None:
        own = label_days(first, last, granularity)
        lacking = sum(1 for x in own if x not in have)
        tail = len(own) - lacking
    label_first = period_floor(start, label_granularity(granularity))
    return Task(dataset, granularity, scope, label_first, last, start, end, lacking, tail, windows)


def window_labels(dataset: Dataset, granularity, need: Need) -> list[tuple[dt.date, dt.date]]:
    """`need`'s labels cut into windows of whole partitions, as many as one request serves
    (never less than one partition): model requests a week at a time (a file per day; the
    connector's window, whose cursor pages follow one another), daily data a month or two."""
    rule = dataset.spans.get(granularity)
    groups: list[list[dt.date]] = []
    for label in label_days(need.first, need.last, granularity):
        if label < need.first:
            continue
        if groups and part_of(groups[-1][-1], dataset.partition_by) == part_of(
            label, dataset.partition_by
        ):
            groups[-1].append(label)
        else:
            groups.append([label])
    out: list[tuple[dt.date, dt.date]] = []
    for group in groups:
        if out and _one_request(rule, granularity, out[-1][0], group[-1]):
            out[-1] = (out[-1][0], group[-1])
        else:
            out.append((group[0], group[-1]))
    return out


def _one_request(rule, granularity, first: dt.date, last: dt.date) -> bool:
    """Whether one request may span the periods of labels first..last (too short is padded)."""
    if rule is None:
        return False
    end = period_end(last, granularity)
    problem = ranges.request_problem(rule, first, end)
    too_long = rule.window_days and (end - first).days + 1 > rule.window_days
    return not too_long and (problem is None or problem.startswith("at least"))
