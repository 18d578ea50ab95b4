"""Which endpoints each view loads, at which granularity and over which days; per-vendor failures
are collected instead of raised, so one vendor failing leaves the others on the page.

Pages call these and draw; the numbers are built in `metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from connectors import ranges

from . import loaders, metrics
from .controls import CHOSEN, Choice
from .overview import OVERVIEW_ENDPOINTS, OVERVIEW_GRANULARITIES, overview
from .settings import Settings

# The overview view lives in `overview`; these names stay here for the catalogue's callers.

# ---------------------------------------------------------------- the catalogue (Explore)


@dataclass(frozen=True)
class Dataset:
    key: str
    vendor: str
    label: str
    endpoint: str | None  # the range rules' name; None: not date-bound
    time_column: str | None
    dimensions: tuple[str, ...] = ()
    granularities: tuple = (None,)  # granularities offered (from the range rules)
    needs_space: bool = False


def _native(endpoint: str) -> tuple:
    return tuple(
        g
        for g in ("day", "week", "month", "quarter", None)
        if g in ranges.rules_for(endpoint).granularities
    )


OVERVIEW_KEY = "overview.joined"
CATALOGUE: dict[str, Dataset] = {
    d.key: d
    for d in (
        Dataset(
            OVERVIEW_KEY,
            "overview",
            "Overview - joined table (all vendors)",
            None,
            "period",
            (),
            tuple(OVERVIEW_GRANULARITIES),
        ),
        Dataset(
            "builder.org_metrics",
            "builder",
            "Builder.io - organization metrics",
            "builder.org_metrics",
            "period",
            (),
            _native("builder.org_metrics"),
        ),
        Dataset(
            "builder.org_space_metrics",
            "builder",
            "Builder.io - metrics per space",
            "builder.org_space_metrics",
            "period",
            ("space_name",),
            _native("builder.org_space_metrics"),
        ),
        Dataset(
            "builder.space_metrics",
            "builder",
            "Builder.io - space metrics (tokens)",
            "builder.space_metrics",
            "period",
            (),
            _native("builder.space_metrics"),
            needs_space=True,
        ),
        Dataset(
            "builder.org_users",
            "builder",
            "Builder.io - users",
            "builder.org_users",
            None,
            ("user_email",),
        ),
        Dataset(
            "firebender.daily_usage",
            "firebender",
            "Firebender - daily usage per person",
            "firebender.daily_usage",
            "date",
            ("email",),
            ("day",),
        ),
        Dataset(
            "firebender.model_requests",
            "firebender",
            "Firebender - model requests",
            "firebender.model_requests",
            "timestamp",
            ("email", "model", "mode", "spend_type"),
        ),
        Dataset(
            "codefresh.credit_consumption",
            "codefresh",
            "Codefresh - credit consumption",
            "codefresh.credit_consumption",
            "period",
            ("key",),
            _native("codefresh.credit_consumption"),
        ),
        Dataset(
            "codefresh.pipeline_credit_consumption",
            "codefresh",
            "Codefresh - credits per pipeline",
            "codefresh.pipeline_credit_consumption",
            "period",
            ("key",),
            _native("codefresh.pipeline_credit_consumption"),
        ),
        Dataset(
            "codefresh.active_committers",
            "codefresh",
            "Codefresh - active committers",
            "codefresh.active_committers",
            "period",
            (),
            ("month",),
        ),
        Dataset(
            "codefresh.metadata", "codefresh", "Codefresh - reports the account offers", None, None
        ),
    )
}

# A dimension's filter label (and its values' labels) come from `labels.column_label(column,
# dataset.key)`: Codefresh's `key` is the resource class or the pipeline, by report.


def endpoints_for(dataset: Dataset) -> dict[str, str | None]:
    if dataset.key == OVERVIEW_KEY:
        return OVERVIEW_ENDPOINTS
    if dataset.endpoint is None:
        return {"builder.org_users": None}  # any dates: the picker is only informative
    return {dataset.endpoint: CHOSEN}


def load_dataset(
    dataset: Dataset,
    choice: Choice,
    settings: Settings,
    space: str | None = None,
    ai_source: str = "firebender",
    usd_per_credit: float | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """(the dataset's frame for the choice, vendor errors that left parts of it empty). A
    single-vendor dataset raises its ConnectorError instead."""
    if dataset.key == OVERVIEW_KEY:
        view = overview(choice, settings, ai_source, usd_per_credit)
        return view.table, list(view.errors.values())
    source = settings.sources[dataset.vendor]
    if dataset.endpoint is None:
        return loaders.fetch(source, dataset.key), []
    return loaders.fetch(
        source, dataset.key, choice.start, choice.end, fetched_granularity(dataset, choice), space
    ), []


def fetched_granularity(dataset: Dataset, choice: Choice | None) -> str | None:
    if choice is None:
        return None
    if dataset.endpoint in loaders.FIXED_GRANULARITY:
        return loaders.FIXED_GRANULARITY[dataset.endpoint]
    return (
        choice.granularity
        if choice.granularity in dataset.granularities
        else dataset.granularities[0]
    )


def filtered(
    dataset: Dataset, frame: pd.DataFrame, choice: Choice | None, selections: dict[str, list]
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


def export_name(dataset: Dataset, choice: Choice | None) -> str:
    """The dataset part of a download's file name, e.g. "org-metrics-week"."""
    name = dataset.key.split(".", 1)[1]
    granularity = fetched_granularity(dataset, choice)
    if len(dataset.granularities) > 1:
        name += f"-{granularity or 'whole-range'}"
    return name
