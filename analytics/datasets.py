"""Which endpoints each view loads, at which granularity and over which days; per-vendor failures
are collected instead of raised, so one vendor failing leaves the others on the page.

Pages call these and draw; the numbers are built in `metrics`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from connectors import ranges
from connectors.errors import ConnectorError

from . import loaders, metrics
from .controls import CHOSEN, Choice
from .settings import Settings

# ---------------------------------------------------------------- the overview

OVERVIEW_GRANULARITIES = ["day", "week", "month"]
# endpoint -> granularity it is fetched at (CHOSEN: the overview's granularity)
OVERVIEW_ENDPOINTS = {
    "builder.org_metrics": CHOSEN,
    "firebender.daily_usage": "day",
    "firebender.model_requests": None,
    "codefresh.credit_consumption": "day",
    "codefresh.active_committers": "month",
}


@dataclass
class Overview:
    start: dt.date  # first day loaded (start of the chosen range's period)
    month_start: dt.date  # first day loaded for the monthly metrics
    end: dt.date
    granularity: str
    table: pd.DataFrame  # at the chosen granularity
    monthly: pd.DataFrame  # at month granularity (adoption rate, committers)
    errors: dict[str, list[str]] = field(default_factory=dict)  # vendor -> messages
    notes: dict[str, list[str]] = field(default_factory=dict)  # vendor -> notes
    missing: list[str] = field(default_factory=list)  # vendors not connected
    identity: tuple | None = None  # what the tables were derived from; None: not cacheable


def _try(errors: dict, vendor: str, call):
    try:
        return call()
    except ConnectorError as err:
        messages = errors.setdefault(vendor, [])
        if str(err) not in messages:  # e.g. one refused key, said once
            messages.append(str(err))
        return None


def overview(
    choice: Choice, settings: Settings, ai_source: str, usd_per_credit: float | None
) -> Overview:
    """Everything the overview draws. Loads cover whole periods: the first period starts on
    its first day (a week on Monday), and the monthly metrics on the first of the month."""
    granularity = choice.granularity
    start = metrics.snap_start(choice.start, granularity)
    first_month = metrics.snap_start(choice.start, "month")
    end = choice.end
    errors: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    missing = [v for v, s in settings.sources.items() if not s.connected]
    src = settings.sources
    granularity_in, month_in = metrics.OverviewInputs(), metrics.OverviewInputs()

    if src["builder"].connected:
        granularity_in.builder = _try(
            errors,
            "builder",
            lambda: loaders.fetch(src["builder"], "builder.org_metrics", start, end, granularity),
        )
        month_in.builder = (
            granularity_in.builder
            if granularity == "month"
            else _try(
                errors,
                "builder",
                lambda: loaders.fetch(
                    src["builder"], "builder.org_metrics", first_month, end, "month"
                ),
            )
        )
    if src["firebender"].connected:
        daily = _try(
            errors,
            "firebender",
            lambda: loaders.fetch(
                src["firebender"], "firebender.daily_usage", first_month, end, "day"
            ),
        )
        granularity_in.firebender = month_in.firebender = daily
        earliest = ranges.rules_for("firebender.model_requests").earliest
        if end < earliest:
            notes.setdefault("firebender", []).append(
                f"Model spend is only available from {earliest}; this range ends before it."
            )
        else:
            requests = _try(
                errors,
                "firebender",
                lambda: loaders.fetch(
                    src["firebender"], "firebender.model_requests", max(first_month, earliest), end
                ),
            )
            if requests is not None:
                slim = requests[["timestamp", "cost_usd"]]
                granularity_in.requests = month_in.requests = slim
                granularity_in.requests_from = month_in.requests_from = earliest
                if first_month < earliest:
                    notes.setdefault("firebender", []).append(
                        f"Model spend starts on {earliest}, the first day Firebender keeps "
                        f"model requests; earlier periods have no spend data and are left empty."
                    )
    if src["codefresh"].connected:
        credits = _try(
            errors,
            "codefresh",
            lambda: loaders.fetch(
                src["codefresh"], "codefresh.credit_consumption", first_month, end, "day"
            ),
        )
        granularity_in.credits = month_in.credits = credits
        month_in.committers = _try(
            errors,
            "codefresh",
            lambda: loaders.fetch(
                src["codefresh"], "codefresh.active_committers", first_month, end
            ),
        )

    def build():
        return (
            metrics.overview_table(
                granularity_in, start, end, granularity, ai_source, usd_per_credit
            ),
            metrics.monthly_table(month_in, first_month, end, ai_source, usd_per_credit),
        )

    identity = (
        None
        if errors
        else (
            "overview",
            start,
            first_month,
            end,
            granularity,
            ai_source,
            usd_per_credit,
            loaders.refresh_count(),
            tuple((v, s.fingerprint, s.base_url) for v, s in src.items()),
        )
    )
    table, monthly = loaders.derived("overview", identity, build) if identity else build()
    return Overview(
        start, first_month, end, granularity, table, monthly, errors, notes, missing, identity
    )


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

DIMENSION_LABELS = {
    "email": "Person",
    "user_email": "Person",
    "model": "Model",
    "mode": "Mode",
    "spend_type": "Spend type",
    "key": "Key (pipeline / resource class)",
    "space_name": "Space",
}


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
        return view.table, [m for messages in view.errors.values() for m in messages]
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
