"""The one way reports read data: a `Reader`. Every screen's report (overview, teams, alerts,
Explore's datasets) takes one, so the same function builds the app's screen and the message
`python -m sync --alert --digest` sends.

Two readers exist. `StoreReader` (here) reads what a store holds, nothing else: the digest and
alerts use it after `python -m sync` filled the store. The app's reader (`ui/loaders.py`) first
syncs what a view lacks, caches by store version and shows progress, then reads the same
queries (`analytics/queries.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from connectors import endpoints
from connectors.errors import VENDOR_NAMES
from store import Store, StoreError, coverage

from . import queries
from .metrics.coverage import NotHeld, NotSynced

MODEL_REQUESTS = "firebender.model_requests"
# Datasets whose raw rows no page holds: pages get their sums (`Reader.requests`); Explore pages
# through them in the store.
RAW_ROWS = (MODEL_REQUESTS,)


def describe(endpoint: str) -> str:
    """ "Firebender model requests": a dataset as a person names it."""
    dataset = endpoints.CATALOGUE.get(endpoint)
    vendor = endpoint.split(".", 1)[0]
    name = dataset.label.lower() if dataset else endpoint.split(".", 1)[1]
    return f"{VENDOR_NAMES.get(vendor, vendor)} {name}"


class Reader(Protocol):
    def dataset(
        self,
        source,
        endpoint: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
        granularity: str | None = None,
        space: str | None = None,
    ) -> pd.DataFrame:
        """A dataset at a granularity over [start, end] (rows per period, never raw rows of
        model requests)."""

    def requests(
        self,
        source,
        start: dt.date,
        end: dt.date,
        by: tuple[str, ...] = (),
        per_day: bool = True,
    ) -> pd.DataFrame:
        """Firebender model requests summed by `by` and, with `per_day`, by day."""

    def version(self, source, datasets) -> str | None:
        """What the data behind `datasets` were at (derived results key on it)."""

    def derived(self, kind: str, identity: tuple, build: Callable[[], object]):
        """`build()`, or a result kept for the same identity."""

    def answered(self, source, call: Callable):
        """`call()`, noting whether the vendor answered."""

    def store(self, source) -> Store:
        """The store `source`'s history is kept in (alerts table, budgets beside it)."""

    def teams(self, settings):
        """The teams mapping in force: an object with `mapping` and `active`."""

    def unknown_days(self, source, endpoint, granularity, start, end, scope="org"):
        """Days of [start, end] the store cannot tell for `endpoint` (`unknown_days`)."""

    def usage(self, source, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Firebender's daily usage summed per day, and distinct AI-active people per period
        (`queries.usage_summed`: the rollups, no person in them)."""

    def team_sums(
        self, source, endpoint: str, mapping, start: dt.date, end: dt.date, granularities
    ) -> queries.TeamSums:
        """`endpoint` summed per team and period of each of `granularities`, the mapping joined
        on key and day by DuckDB (`queries.team_sums`)."""


@dataclass(frozen=True)
class Teams:
    mapping: object | None
    active: bool


class StoreReader:
    """Reads one store as it is: fetches nothing, keeps nothing. `mapping`: the teams mapping
    in force (None: no teams)."""

    def __init__(self, store: Store, mapping=None):
        self._store = store
        self._teams = Teams(mapping, mapping is not None)

    def store(self, source) -> Store:
        return self._store

    def teams(self, settings) -> Teams:
        return self._teams

    def unknown_days(self, source, endpoint, granularity, start, end, scope="org"):
        return unknown_days(self._store, endpoint, granularity, start, end, scope)

    def usage(self, source, start, end):
        return queries.usage_summed(self._store, start, end)

    def team_sums(self, source, endpoint, mapping, start, end, granularities):
        return queries.team_sums(self._store, endpoint, mapping, start, end, granularities)

    def dataset(self, source, endpoint, start=None, end=None, granularity=None, space=None):
        dataset = endpoints.get(endpoint)
        fixed, only = dataset.fixed_granularity
        granularity = only if fixed else granularity
        if not dataset.stored:
            raise KeyError(f"{endpoint} is not kept in the store")
        scopes = [space or "org"]
        if dataset.stored_as(granularity) == granularity:
            return queries.rows(self._store, dataset, granularity, scopes, start, end)
        return queries.rolled_up(self._store, dataset, granularity, scopes, start, end)

    def requests(self, source, start, end, by=(), per_day=True):
        dataset = endpoints.get("firebender.model_requests")
        return queries.requests_summed(self._store, dataset, start, end, tuple(by), per_day)

    def version(self, source, datasets) -> str | None:
        return None  # nothing is kept, so nothing needs a version

    def derived(self, kind, identity, build):
        return build()

    def answered(self, source, call):
        return call()


def unknown_days(
    store: Store,
    dataset,
    granularity: str | None,
    start: dt.date,
    end: dt.date,
    scope: str = "org",
) -> list[tuple[dt.date, dt.date]]:
    """Days of [start, end] that `store` cannot tell for `dataset` (a damaged file's, days
    between held periods it lacks): reports leave them empty and their totals unknown."""
    spec = endpoints.get(dataset) if isinstance(dataset, str) else dataset
    if not spec.stored:
        return []
    g = spec.stored_as(granularity)
    try:
        found = store.unknown(spec.key, g, scope, start, end)
        if store.read_only:
            runs = store.ledger(spec.key, g, scope)
            found = found + _not_held(runs, spec, g, start, end)
            found = sorted(found)
    except StoreError:
        return []  # the store's own message is shown by the freshness lines
    return found


def _not_held(runs, spec, granularity, start: dt.date, end: dt.date) -> list:
    """In a read-only store nothing is fetched, so the range's days the store does not hold
    at either end are unknown, never drawn as 0: before the first one it holds (from the
    vendor's first day), and after the last one (not synced yet: today, and the days since
    cron's last run; the running period's "so far" is unknown, not 0). The last period held
    counts only up to the day before it was fetched (a sync cannot hold the day it runs on
    whole). A dataset it holds nothing of is unknown over the whole range."""
    first = max(start, spec.earliest or start)
    if first > end:
        return []
    held = coverage.spans(runs, granularity)
    if not held:
        return [NotSynced(first, end)]
    out = []
    if first < held[0][0]:
        out.append(NotHeld(first, min(end, held[0][0] - dt.timedelta(days=1))))
    last = held[-1][1]
    fetched = coverage.held(runs, granularity)[last].date()
    after = min(coverage.period_end(last, granularity) + dt.timedelta(days=1), max(fetched, last))
    if after <= end:
        out.append(NotSynced(max(after, start), end))
    return out
