"""Every dataset the vendors serve, declared once: where it comes from, its columns, its key, its
time column, its range rules, whether its measures add up across days, and how long its recent
days stay unsettled. The range planner, the clients, the store, sync, the app's loaders and
Explore all read this table (in the spirit of dlt's `EndpointResource`).

Codefresh offers more reports than the three we chart: `codefresh_reports(metadata)` turns the
account's metadata into datasets of the same kind, so each is stored and offered in Explore.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import schemas
from .http import NoData
from .rules import EndpointRules, SpanRule
from .schemas import Field

# [doc] Firebender: "Data is only available on or after 2025-12-31T00:00:00Z".
FIREBENDER_MODEL_REQUESTS_EARLIEST = dt.date(2025, 12, 31)
# [guess] Model-request windows are cut shorter than the 90-day limit so that their cursor chains
# run side by side instead of one 90-day chain of dozens of pages.
MODEL_REQUEST_WINDOW_DAYS = 7
# [doc] Codefresh answers 500 "Could not get analytics report" when a combination has no data.
CODEFRESH_NO_DATA = NoData(500, "could not get analytics report")


@dataclass(frozen=True)
class Dataset:
    key: str  # "<vendor>.<name>": the store's folder, `--only`, Explore, the range rules' name
    label: str  # for people: "Model requests"
    path: str  # the API path ({space}: a Builder space's public key)
    schema: tuple[Field, ...]
    natural_key: tuple[str, ...]  # a row's identity within one scope and granularity
    time_column: str | None  # None: not bound to days (users' totals, the report list)
    spans: dict  # granularity -> SpanRule: what one request may span
    # Whether the measures add up across days. Additive datasets are stored by day and summed
    # into weeks and months; a distinct count (people) is stored at each granularity asked for.
    additive: bool = True
    distinct: tuple[str, ...] = ()  # distinct-count columns (never summed)
    # [guess] No vendor documents when a day stops changing: days this recent are fetched again
    # on every sync until they are older.
    unsettled_days: int = 2
    scope: str = "org"  # "org" or "space" (one per Builder space)
    earliest: dt.date | None = None  # documented first day with data
    clamp_to_earliest: bool = False
    report: str | None = None  # Codefresh report name
    no_data: NoData | None = None
    dimensions: tuple[str, ...] = ()  # what a row is about besides time (Explore's filters)
    stored: bool = True  # False: fetched when asked (no day dimension to keep history by)
    # The store's file per scope: one per "month", or per "day" where a month holds millions
    # of rows (model requests), so that syncing one day rewrites one small file.
    partition_by: str = "month"

    @property
    def vendor(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def where(self) -> tuple[str, str]:
        """(vendor, endpoint) for a message about this dataset's answers."""
        return self.vendor, f"{self.label} ({self.path})"

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def rules(self) -> EndpointRules:
        return EndpointRules(
            self.vendor, self.label, self.spans, self.earliest, self.clamp_to_earliest
        )

    @property
    def granularities(self) -> tuple:
        return tuple(self.spans)

    @property
    def fixed_granularity(self) -> tuple[bool, str | None]:
        """(True, g) when the API serves one granularity only (the caller's choice is moot)."""
        return (True, next(iter(self.spans), None)) if len(self.spans) <= 1 else (False, None)

    def stored_as(self, granularity: str | None) -> str | None:
        """The granularity the store keeps for a view at `granularity`: days for additive data
        (weeks and months are summed from them), else the view's own."""
        return "day" if self.additive and "day" in self.spans else granularity

    @property
    def stored_granularities(self) -> tuple:
        """Every granularity the store keeps."""
        return tuple(dict.fromkeys(self.stored_as(g) for g in self.granularities))


_BUILDER_SPANS = {
    "day": SpanRule(max_dates=90, split="days"),  # [doc] day ranges over 90 days are a 400
    "week": SpanRule(),
    "month": SpanRule(),
    "quarter": SpanRule(),
}
_CREDIT_SPANS = {
    None: SpanRule(max_years=1, split="months"),
    "month": SpanRule(max_years=1, split="months"),
    "day": SpanRule(min_dates=2, max_dates=45, split="days"),
}
_CODEFRESH_REPORT = "/api/analytics/reports/{report}"  # [doc]

CATALOGUE: dict[str, Dataset] = {
    d.key: d
    for d in (
        Dataset(
            "builder.org_metrics",
            "Organization metrics",
            "/api/v1/orgs/fusion/metrics",  # [3p]
            schemas.BUILDER_ORG_METRICS,
            ("period",),
            "period",
            _BUILDER_SPANS,
            additive=False,
            distinct=("users",),
        ),
        Dataset(
            "builder.org_space_metrics",
            "Metrics per space",
            "/api/v1/orgs/fusion/metrics",  # [3p] the `spaces` list of the organization answer
            schemas.BUILDER_ORG_SPACE_METRICS,
            ("period", "space_id"),
            "period",
            _BUILDER_SPANS,
            dimensions=("space_name",),
        ),
        Dataset(
            "builder.space_metrics",
            "Space metrics",
            "/api/v1/spaces/{space}/fusion/metrics",  # [guess] shape of space routes
            schemas.BUILDER_SPACE_METRICS,
            ("period",),
            "period",
            _BUILDER_SPANS,
            additive=False,
            distinct=("users",),
            scope="space",
        ),
        Dataset(
            "builder.org_users",
            "Users",
            "/api/v1/orgs/fusion/users",  # [3p] unverified endpoint
            schemas.BUILDER_ORG_USERS,
            ("user_id",),
            None,
            {None: SpanRule(why_no_split="per-user totals over the whole range")},
            additive=False,
            dimensions=("user_email",),
            stored=False,
        ),
        Dataset(
            "firebender.daily_usage",
            "Daily usage",
            "/v2/organization/daily-usage-data",  # [doc]
            schemas.FIREBENDER_DAILY_USAGE,
            ("date", "email"),
            "date",
            {"day": SpanRule(max_dates=90, split="days")},
            dimensions=("email",),
        ),
        Dataset(
            "firebender.model_requests",
            "Model requests",
            "/v2/organization/model-requests",  # [doc]
            schemas.FIREBENDER_MODEL_REQUESTS,
            ("request_id",),
            "timestamp",
            {None: SpanRule(max_dates=90, split="days", window_days=MODEL_REQUEST_WINDOW_DAYS)},
            unsettled_days=1,
            partition_by="day",
            earliest=FIREBENDER_MODEL_REQUESTS_EARLIEST,
            clamp_to_earliest=True,
            dimensions=("email", "model", "mode", "spend_type"),
        ),
        Dataset(
            "codefresh.credit_consumption",
            "Credit consumption",
            _CODEFRESH_REPORT,
            schemas.CODEFRESH_REPORT,
            ("key", "period"),
            "period",
            _CREDIT_SPANS,
            unsettled_days=3,
            report="creditConsumption",
            no_data=CODEFRESH_NO_DATA,
            dimensions=("key",),
        ),
        Dataset(
            "codefresh.pipeline_credit_consumption",
            "Pipeline credit consumption",
            _CODEFRESH_REPORT,
            schemas.CODEFRESH_REPORT,
            ("key", "period"),
            "period",
            _CREDIT_SPANS,
            unsettled_days=3,
            report="pipelineCreditConsumption",
            no_data=CODEFRESH_NO_DATA,
            dimensions=("key",),
        ),
        Dataset(
            "codefresh.active_committers",
            "Active committers",
            _CODEFRESH_REPORT,
            schemas.CODEFRESH_REPORT,
            ("key", "period"),
            "period",
            {"month": SpanRule(min_months=3, max_years=1, split="months", whole_months=True)},
            additive=False,
            distinct=("value",),
            unsettled_days=3,
            report="activeCommitters",
            no_data=CODEFRESH_NO_DATA,
        ),
        Dataset(
            "codefresh.metadata",
            "Reports (metadata)",
            "/api/analytics/metadata",  # [doc]
            schemas.CODEFRESH_METADATA,
            ("report_name", "granularity"),
            None,
            {},
            stored=False,
        ),
    )
}

RULES: dict[str, EndpointRules] = {d.key: d.rules for d in CATALOGUE.values() if d.spans}
BY_REPORT: dict[str, Dataset] = {d.report: d for d in CATALOGUE.values() if d.report}


# Codefresh reports found in an account's metadata (`register`), beside the declared ones.
OFFERED: dict[str, Dataset] = {}


def register(found: list[Dataset]) -> None:
    """Make reports from `codefresh_reports` known to `get` (and so to the range planner)."""
    for dataset in found:
        OFFERED.setdefault(dataset.key, dataset)


def get(key: str) -> Dataset:
    found = CATALOGUE.get(key) or OFFERED.get(key)
    if found is None:
        known = ", ".join(sorted({*CATALOGUE, *OFFERED}))
        raise KeyError(f"no dataset {key!r}; known: {known}")
    return found


def stored() -> list[Dataset]:
    return [d for d in CATALOGUE.values() if d.stored]


# ---------------------------------------------------------------- Codefresh reports on offer

_INTERVAL = re.compile(r"\s*(\d+)\s*(day|week|month|year)s?\s*", re.IGNORECASE)


def _span_rule(low: str | None, high: str | None) -> SpanRule:
    """A SpanRule from the metadata's "2 days" / "45 days" / "3 months" / "1 year" words, read
    as connectors/ranges.py reads the vendor's documentation."""
    rule = {"split": "days"}
    for text, which in ((low, "min"), (high, "max")):
        found = _INTERVAL.fullmatch(text or "")
        if not found:
            continue
        count, unit = int(found.group(1)), found.group(2).lower()
        if unit == "week":
            count, unit = count * 7, "day"
        if which == "min" and unit == "day":
            rule["min_dates"] = count
        elif which == "min" and unit in ("month", "year"):
            rule["min_months"] = count * (12 if unit == "year" else 1)
        elif unit == "day":
            rule["max_dates"] = count
        elif unit == "month":
            rule["max_dates"] = 28 * count  # [guess] a safe reading of "N months" at most
        else:
            rule["max_years"] = count
            rule["split"] = "months"
    return SpanRule(**rule)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def codefresh_reports(metadata) -> list[Dataset]:
    """The reports in Codefresh's metadata (a `CodefreshClient.metadata()` frame) that this
    catalogue does not already declare, as datasets. [guess] Their values add up across days
    (builds, minutes, credits) unless the report serves months only, like active committers."""
    found: dict[str, dict] = {}
    for row in metadata.itertuples(index=False):
        name = str(row.report_name)
        if not name or name in BY_REPORT:
            continue
        granularity = None if row.granularity in (None, "", "none") else str(row.granularity)
        if granularity not in (None, "day", "week", "month", "quarter"):
            continue
        spans = found.setdefault(name, {})
        spans[granularity] = _span_rule(row.min_date_range_interval, row.max_date_range_interval)
    return [
        Dataset(
            f"codefresh.{snake(name)}",
            name,
            _CODEFRESH_REPORT,
            schemas.CODEFRESH_REPORT,
            ("key", "period"),
            "period",
            spans,
            additive="day" in spans,
            unsettled_days=3,
            report=name,
            no_data=CODEFRESH_NO_DATA,
            dimensions=("key",),
        )
        for name, spans in sorted(found.items())
    ]
