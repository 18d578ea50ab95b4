"""Which endpoints each view loads, at which granularity and over which days; per-vendor failures
are collected instead of raised, so one vendor failing leaves the others on the page.

Pages call these and draw; the numbers are built in `metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import metrics
from analytics.choice import CHOSEN, Choice
from analytics.reader import RAW_ROWS, Reader
from config.settings import Settings
from connectors import endpoints
from connectors.errors import VENDOR_NAMES

from .overview_report import OVERVIEW_ENDPOINTS, OVERVIEW_GRANULARITIES, overview

# The overview view lives in `overview`; these names stay here for the catalogue's callers.

# ---------------------------------------------------------------- the catalogue (Explore)


@dataclass(frozen=True)
class ExploreDataset:
    key: str
    vendor: str
    label: str
    endpoint: str | None  # the catalogue key when date-bound; None: not date-bound
    time_column: str | None
    dimensions: tuple[str, ...] = ()
    granularities: tuple = (None,)  # granularities offered (from the range rules)
    needs_space: bool = False
    # Paged and exported by DuckDB from the store (raw rows far too many for the page).
    raw_rows: bool = False


_ORDER = ("day", "week", "month", "quarter", None)


def _from_catalogue(d: endpoints.Dataset) -> ExploreDataset:
    time_bound = d.time_column is not None or d.key == "builder.org_users"
    return ExploreDataset(
        d.key,
        d.vendor,
        f"{VENDOR_NAMES[d.vendor]} - {d.label[:1].lower()}{d.label[1:]}",
        d.key if time_bound else None,
        d.time_column,
        d.dimensions,
        tuple(g for g in _ORDER if g in d.spans) or (None,),
        d.scope == "space",
        d.key in RAW_ROWS,  # too many rows for a page: paged in the store
    )


OVERVIEW_KEY = "overview.joined"
CATALOGUE: dict[str, ExploreDataset] = {
    OVERVIEW_KEY: ExploreDataset(
        OVERVIEW_KEY,
        "overview",
        "Overview - joined table (all vendors)",
        None,
        "period",
        (),
        tuple(OVERVIEW_GRANULARITIES),
    ),
    **{d.key: _from_catalogue(d) for d in endpoints.CATALOGUE.values()},
}


def offered(extra: list[endpoints.Dataset]) -> dict[str, ExploreDataset]:
    """The catalogue with the Codefresh reports the account's metadata adds."""
    return {**CATALOGUE, **{d.key: _from_catalogue(d) for d in extra}}


# A dimension's filter label (and its values' labels) come from `labels.column_label(column,
# dataset.key)`: Codefresh's `key` is the resource class or the pipeline, by report.


def endpoints_for(dataset: ExploreDataset) -> dict[str, str | None]:
    if dataset.key == OVERVIEW_KEY:
        return OVERVIEW_ENDPOINTS
    if dataset.endpoint is None:
        return {"builder.org_users": None}  # any dates: the picker is only informative
    return {dataset.endpoint: CHOSEN}


def load_dataset(
    reader: Reader,
    dataset: ExploreDataset,
    choice: Choice,
    settings: Settings,
    space: str | None = None,
    ai_source: str = "firebender",
    usd_per_credit: float | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """(the dataset's frame for the choice, vendor errors that left parts of it empty). A
    single-vendor dataset raises its ConnectorError instead."""
    if dataset.key == OVERVIEW_KEY:
        view = overview(reader, choice, settings, ai_source, usd_per_credit)
        return view.table, list(view.errors.values())
    source = settings.sources[dataset.vendor]
    if dataset.endpoint is None:
        return reader.dataset(source, dataset.key), []
    return reader.dataset(
        source, dataset.key, choice.start, choice.end, fetched_granularity(dataset, choice), space
    ), []


def fetched_granularity(dataset: ExploreDataset, choice: Choice | None) -> str | None:
    if choice is None:
        return None
    if dataset.endpoint is not None:
        fixed, only = endpoints.get(dataset.endpoint).fixed_granularity
        if fixed:
            return only
    return (
        choice.granularity
        if choice.granularity in dataset.granularities
        else dataset.granularities[0]
    )


def filtered(
    dataset: ExploreDataset, frame: pd.DataFrame, choice: Choice | None, selections: dict[str, list]
) -> pd.DataFrame:
    """The rows inside the chosen days (a period counts when it overlaps them) and among the
    chosen dimension values."""
    if choice is None or dataset.time_column is None:
        return metrics.filter_frame(frame, None, None, None, selections)
    start = choice.start
    granularity = fetched_granularity(dataset, choice)
    if dataset.time_column == "period" and granularity in metrics.GRANULARITIES:
        start = metrics.period_floor(start, granularity)
    return metrics.filter_frame(frame, dataset.time_column, start, choice.end, selections)


def export_name(dataset: ExploreDataset, choice: Choice | None) -> str:
    """The dataset part of a download's file name, e.g. "org-metrics-week"."""
    name = dataset.key.split(".", 1)[1]
    granularity = fetched_granularity(dataset, choice)
    if len(dataset.granularities) > 1:
        name += f"-{granularity or 'whole-range'}"
    return name
