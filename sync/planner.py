"""What to sync: the datasets and scopes a store keeps (`targets`), and the tasks the ledger
lacks for them (`plan`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors import endpoints
from connectors.endpoints import Dataset
from store import Store

from .tasks import Task, tasks_for

# How far back a first sync reaches when no --since is given [guess: a year serves the pages'
# year-over-year views; older history stays once fetched].
DEFAULT_HISTORY_DAYS = 365


@dataclass(frozen=True)
class Target:
    dataset: Dataset
    granularity: str | None
    scope: str = "org"


def targets(
    vendors,
    spaces: list[str] | tuple = (),
    only=None,
    extra: list[Dataset] | tuple = (),
    org_keys=None,
) -> list[Target]:
    """Every stored dataset of `vendors` at each granularity it is stored by, once per Builder.io
    space for space datasets. `only`: dataset keys or vendor names. `org_keys`: the vendors
    whose organization-wide endpoints may be read (Builder.io may have space keys only)."""
    wanted = set(only or ())
    out = []
    for dataset in [*endpoints.stored(), *extra]:
        if dataset.vendor not in vendors:
            continue
        if wanted and dataset.key not in wanted and dataset.vendor not in wanted:
            continue
        if dataset.scope == "space":
            scopes = list(spaces)
        elif org_keys is not None and dataset.vendor not in org_keys:
            scopes = []
        else:
            scopes = ["org"]
        for granularity in dataset.stored_granularities:
            out.extend(Target(dataset, granularity, scope) for scope in scopes)
    return out


def plan(
    store: Store,
    chosen: list[Target],
    since: dt.date,
    until: dt.date,
    now: dt.datetime | None = None,
    fresh_for: dt.timedelta | None = None,
) -> list[Task]:
    now = now or dt.datetime.now(dt.UTC)
    tasks = []
    for target in chosen:
        tasks.extend(
            tasks_for(
                store,
                target.dataset,
                target.granularity,
                target.scope,
                since,
                until,
                now,
                fresh_for,
            )
        )
    return tasks
