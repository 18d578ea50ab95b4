"""Everything the Teams page draws, loaded and derived in one place: each vendor's per-person,
per-pipeline and per-space rows, the team table at the chosen granularity and by month, the
privacy merge, and the within-team verdict. A vendor that fails is reported once and the rest
goes on (its columns stay empty)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from analytics import metrics
from analytics.reader import Reader, describe
from config.settings import Settings
from connectors import ranges
from connectors.errors import VENDOR_NAMES
from teams import privacy
from teams.mapping import UNASSIGNED, Mapping, to_csv

from .metrics import answer_weeks, team_verdict
from .metrics import teams as team_metrics
from .overview_report import _try, short_reason

# endpoint -> granularity fetched (the Teams page's pickers offer what all of them serve)
TEAM_ENDPOINTS = {
    "firebender.daily_usage": "day",
    "firebender.model_requests": None,
    "codefresh.pipeline_credit_consumption": "day",
    "builder.org_space_metrics": "day",
}
TEAM_GRANULARITIES = ["week", "month", "quarter"]


@dataclass
class TeamView:
    table: pd.DataFrame  # team x period at the chosen granularity, small teams merged
    monthly: pd.DataFrame  # team x month, small teams merged (heat map)
    groups: privacy.Groups
    answer: team_verdict.TeamVerdict
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    moved: pd.DataFrame | None = None  # people in several teams in the range, per team


def inputs(
    reader: Reader, settings: Settings, start: dt.date, end: dt.date, errors: dict, notes: list
) -> team_metrics.TeamInputs:
    """Each vendor's rows for [start, end], per day (a vendor that fails: None, its error kept)."""
    src = settings.sources
    found = team_metrics.TeamInputs()
    found.daily = _try(
        errors,
        "firebender",
        lambda: reader.dataset(src["firebender"], "firebender.daily_usage", start, end),
    )
    earliest = ranges.rules_for("firebender.model_requests").earliest
    if end >= earliest:
        found.requests = _try(
            errors,
            "firebender",
            lambda: reader.requests(src["firebender"], max(start, earliest), end, ("email",)),
        )
        found.requests_from = earliest
        if start < earliest:
            notes.append(
                f"AI spend starts on {earliest}, the first day Firebender keeps model requests;"
                " earlier periods have no spend and are left empty."
            )
    found.credits = _try(
        errors,
        "codefresh",
        lambda: reader.dataset(
            src["codefresh"], "codefresh.pipeline_credit_consumption", start, end, "day"
        ),
    )
    if found.credits is not None:
        found.credits_span = metrics.coverage.span(found.credits, "period", ["value"], start, end)
    found.spaces = _try(
        errors,
        "builder",
        lambda: reader.dataset(src["builder"], "builder.org_space_metrics", start, end, "day"),
    )
    reads = {
        "firebender": (found.daily, "firebender", "firebender.daily_usage", "day"),
        "requests": (found.requests, "firebender", "firebender.model_requests", None),
        "codefresh": (found.credits, "codefresh", "codefresh.pipeline_credit_consumption", "day"),
        "builder": (found.spaces, "builder", "builder.org_space_metrics", "day"),
    }
    for name, (rows, vendor, endpoint, g) in reads.items():
        if rows is not None:  # a damaged history file's days: empty, never 0
            holes = reader.unknown_days(src[vendor], endpoint, g, start, end)
            if holes:
                found.holes[name] = holes
                notes.append(metrics.coverage.describe_holes(describe(endpoint), holes))
    return found


def summed_inputs(
    reader: Reader,
    settings: Settings,
    mapping: Mapping,
    start: dt.date,
    end: dt.date,
    granularities,
    errors: dict,
    notes: list,
) -> team_metrics.TeamInputs:
    """What `inputs` loads, summed per team and period of each of `granularities` by DuckDB
    with the mapping joined on key and day (`Reader.team_sums`): rows per team and period
    whatever the headcount, and the daily usage of the people who move between teams only."""
    src = settings.sources
    found = team_metrics.TeamInputs()
    reads = {
        "firebender": ("firebender", "firebender.daily_usage", "day", start),
        "requests": ("firebender", "firebender.model_requests", None, start),
        "codefresh": ("codefresh", "codefresh.pipeline_credit_consumption", "day", start),
        "builder": ("builder", "builder.org_space_metrics", "day", start),
    }
    earliest = ranges.rules_for("firebender.model_requests").earliest
    if end >= earliest:
        reads["requests"] = (*reads["requests"][:3], max(start, earliest))
        found.requests_from = earliest
        if start < earliest:
            notes.append(
                f"AI spend starts on {earliest}, the first day Firebender keeps model requests;"
                " earlier periods have no spend and are left empty."
            )
    else:
        del reads["requests"]
    for name, (vendor, endpoint, g, first) in reads.items():
        got = _try(  # None: the vendor failed (its error kept)
            errors,
            vendor,
            lambda vendor=vendor, endpoint=endpoint, first=first: (
                reader.team_sums(src[vendor], endpoint, mapping, first, end, tuple(granularities)),
            ),
        )
        if got is None:
            continue
        (summed,) = got
        found.summed[name] = summed.sums
        if name == "firebender":
            found.movers = summed.movers
        if name == "codefresh":
            found.credits_span = metrics.coverage.span(summed.days, "period", ["value"], start, end)
        holes = reader.unknown_days(src[vendor], endpoint, g, start, end)
        if holes:  # a damaged history file's days: empty, never 0
            found.holes[name] = holes
            notes.append(metrics.coverage.describe_holes(describe(endpoint), holes))
    return found


def answer_start(end: dt.date) -> dt.date:
    """The Monday that begins the last MAX_WEEKS weeks up to `end`'s week (that week itself is
    unfinished until it ends, and is left out by the table)."""
    monday = end - dt.timedelta(days=end.weekday())
    return monday - dt.timedelta(weeks=answer_weeks.MAX_WEEKS)


def _last_finished_weeks(weekly: pd.DataFrame) -> pd.DataFrame:
    """The rows of the last MAX_WEEKS finished weeks (the overview's answer reads the same)."""
    done = weekly.loc[weekly["complete"].astype(bool), "period"].drop_duplicates().sort_values()
    keep = set(done.tail(answer_weeks.MAX_WEEKS))
    return weekly[weekly["period"].isin(keep)].reset_index(drop=True)


def team_view(
    reader: Reader,
    settings: Settings,
    mapping: Mapping,
    start: dt.date,
    end: dt.date,
    granularity: str,
    usd_per_credit: float | None,
) -> TeamView:
    errors: dict[str, str] = {}
    notes: list[str] = []
    # Loads reach back to the first of a month: the heat map is monthly. The within-team answer
    # reads the last MAX_WEEKS finished weeks whatever the range, as the overview's does, so
    # the same link gives both pages the same weeks.
    load_from = metrics.snap_start(metrics.snap_start(start, granularity), "month")
    rows_from = min(load_from, answer_start(end))
    granularities = ("month", granularity, "week")
    rows = summed_inputs(reader, settings, mapping, rows_from, end, granularities, errors, notes)
    today = ranges.utc_today()

    def build() -> TeamView:
        return _derive(
            rows,
            mapping,
            start,
            load_from,
            end,
            granularity,
            usd_per_credit,
            today,
            settings,
            errors,
            notes,
            rows_from,
        )

    if errors:  # a view with a failed vendor is rebuilt every time, never cached
        return build()
    identity = (
        "teams",
        load_from,
        end,
        today,
        granularity,
        usd_per_credit,
        settings.min_group,
        to_csv(mapping),  # pseudonyms, when on: never an email in a cache key then
        tuple(
            (v, s.fingerprint, s.base_url, reader.version(s, TEAM_ENDPOINTS))
            for v, s in settings.sources.items()
        ),
    )
    return reader.derived("teams", identity, build)


def _derive(
    rows,
    mapping,
    start,
    load_from,
    end,
    granularity,
    usd_per_credit,
    today,
    settings,
    errors,
    notes,
    rows_from=None,
) -> TeamView:
    """The pure part: team tables, the privacy merge, the within-team answer, the moves."""
    monthly_raw = team_metrics.team_table(
        rows, mapping, load_from, end, "month", usd_per_credit, today
    )
    table_raw = (
        monthly_raw
        if granularity == "month"
        else team_metrics.team_table(
            rows,
            mapping,
            metrics.snap_start(start, granularity),
            end,
            granularity,
            usd_per_credit,
            today,
        )
    )
    # The answer compares team-weeks: a month's AI-active share mostly says who has adopted, and
    # on the sandbox's team scenarios monthly tables claim evidence without a link in 30% of
    # seeds, weekly ones in 5% (bench/results-teams.md). The weeks start on the first day
    # loaded, not the Monday before: a week whose first days were not loaded is not finished
    # (it held only a weekend 6 start days in 7, and its credits looked like a collapse).
    weekly_raw = _last_finished_weeks(
        team_metrics.team_table(
            rows,
            mapping,
            # from the first day loaded when that is later: a week not wholly loaded is not
            # finished (its weekend alone read as a collapse in credits)
            max(answer_start(end), rows_from or load_from),
            end,
            "week",
            usd_per_credit,
            today,
        )
    )
    sizes = team_metrics.team_sizes(monthly_raw)
    sizes.pop(UNASSIGNED, None)  # nobody knows its people: it is never merged with a team
    groups = privacy.groups(sizes, settings.min_group)
    monthly = team_metrics.merged(monthly_raw, groups.label, groups.hidden)
    table = team_metrics.merged(table_raw, groups.label, groups.hidden)
    weekly = team_metrics.merged(weekly_raw, groups.label, groups.hidden)
    if team_metrics.unassigned_too_small(monthly, settings.min_group):
        monthly, table, weekly = (
            team_metrics.blank_unassigned(t) for t in (monthly, table, weekly)
        )
        notes.append(team_metrics.UNASSIGNED_NOTE)
    missing = {
        VENDOR_NAMES[v]: short_reason(errors[v]) for v in ("codefresh", "firebender") if v in errors
    }
    answer = team_verdict.team_verdict(weekly, missing, granularity="week", whatever_the_range=True)
    daily = rows.daily if rows.daily is not None else rows.movers
    moved = team_metrics.moves(mapping, daily, load_from, min(end, today))
    return TeamView(table, monthly, groups, answer, errors, notes, moved)
