"""Everything the overview draws, loaded and derived in one place: the joined tables, each
vendor's coverage, the range totals against the range before, and the verdict.

Loads reach back far enough for the range before the chosen one (the totals compare with it)
and to the first of a month (committers are monthly). A vendor that fails is collected, once,
with its reason, and the rest of the page goes on.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from analytics import metrics
from analytics.choice import CHOSEN, Choice
from analytics.lens import NOT_SPLIT, Lens
from analytics.reader import Reader
from config.settings import Settings
from connectors import ranges
from connectors.errors import VENDOR_NAMES, ConnectorError
from teams import mapping as team_mapping

from .metrics import answer_weeks
from .metrics import teams as team_metrics

OVERVIEW_GRANULARITIES = ["day", "week", "month"]
# The Overview below its first screen, one tab drawn at a time: URL value (`section=`) -> tab
# label (fixed: a label is the tab's identity); the first is the default.
OVERVIEW_SECTIONS = {
    "latest": "This month and the latest period",
    "spend": "AI cost and spend",
    "vendors": "By vendor",
    "monthly": "Adoption rate (monthly)",
    "levels": "Levels: not evidence",
    "data": "Definitions and data",
}
# endpoint -> granularity it is fetched at (CHOSEN: the overview's granularity)
OVERVIEW_ENDPOINTS = {
    "builder.org_metrics": CHOSEN,
    "firebender.daily_usage": "day",
    "firebender.model_requests": None,
    "codefresh.credit_consumption": "day",
    "codefresh.active_committers": "month",
}
# What a team's overview reads instead of the organisation-wide credits and committers.
TEAM_CREDITS = "codefresh.pipeline_credit_consumption"
TEAM_MEMBERS_NOTE = (
    "For a team, people in the team (from the teams mapping, per month) stand in for active "
    "committers: the adoption rate, the measures per committer and the answer are per team "
    "member."
)
# Which vendor each coverage span belongs to, for messages.
SPAN_VENDOR = {
    "builder": "builder",
    "firebender": "firebender",
    "requests": "firebender",
    "codefresh": "codefresh",
}


@dataclass
class Overview:
    start: dt.date  # first day shown (start of the chosen range's first period)
    month_start: dt.date  # first day of the monthly view
    end: dt.date
    granularity: str
    table: pd.DataFrame  # the chosen range at `granularity`
    monthly: pd.DataFrame  # the chosen range by month (adoption rate, committers)
    history: pd.DataFrame  # `table` with the periods before it (previous range) in front
    totals: metrics.Totals | None = None
    # The answer, worked out when first read (`answer`): its fit imports statsmodels, so a page
    # can draw its chart first and the answer into the place kept for it above.
    answer_of: Callable[[], metrics.Verdict | None] | None = field(default=None, repr=False)
    spans: dict[str, metrics.Span] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # vendor -> the one message shown
    notes: dict[str, list[str]] = field(default_factory=dict)  # vendor -> notes
    identity: tuple | None = None  # what the tables were derived from; None: not cacheable
    ai_source: str = "firebender"  # the AI source used (a team's overview: Firebender)
    team: str | None = None  # the team shown (None: the whole organisation)

    @functools.cached_property
    def answer(self) -> metrics.Verdict | None:
        return self.answer_of() if self.answer_of is not None else None

    def data_starts(self) -> dict[str, dt.date]:
        """vendor -> first day with data, where the loads reached back before it."""
        return {
            SPAN_VENDOR[name]: span.first
            for name, span in self.spans.items()
            if span.first is not None and name != "requests"
        }

    def coverage_text(self) -> str | None:
        """Where each vendor's data start or end, when a load reached past them."""
        parts = [
            f"{VENDOR_NAMES[SPAN_VENDOR[name]]} has {text}"
            for name, span in self.spans.items()
            if name != "requests" and (text := metrics.coverage.describe(span))
        ]
        if not parts:
            return None
        return "; ".join(parts) + ". Periods outside a vendor's data are left empty, never zero."

    def fallen_back(self, monthly: bool = False) -> bool:
        """Whether the AI-active developers of the table (or the monthly one) are the fallback
        for "either tool": Firebender's active users only (`metrics.either_or_firebender`)."""
        return metrics.fallen_back(self.monthly if monthly else self.table)

    def ai_title(self, monthly: bool = False) -> str:
        """The AI-active developers' name on a chart (axis, legend, tooltip): what it counts."""
        name = metrics.label("ai_active_developers")
        return f"{name}: {FIREBENDER_ONLY}" if self.fallen_back(monthly) else name

    def monthly_note(self) -> str | None:
        """One sentence for the monthly section when it alone counts Firebender's users only:
        Builder.io's rows were loaded by week or day, which give no users per month."""
        if not self.fallen_back(monthly=True) or self.fallen_back():
            return None
        return (
            f"By month, Builder.io's users are not loaded at this granularity ({self.granularity}: "
            "a month's users are not the sum of its weeks' or days'), so the monthly AI-active "
            "developers count Firebender's active users only "
            f'("{FALLBACK_LATEST}": at least '
            "this many people used an AI tool). Pick the Month granularity to count either tool, "
            "each person once, by month."
        )

    def fallback_note(self) -> str | None:
        """One sentence for beside the AI-active tiles and chart when they count Firebender's
        users only because the either-tool estimate cannot be made, naming why; else None."""
        counted = metrics.counted_from(self.table) if self.fallen_back() else None
        if counted is None:
            return None
        what = "Codefresh's committers" if "Codefresh" in counted else "Builder.io's users"
        vendor = "codefresh" if "Codefresh" in counted else "builder"
        why = (
            f" ({VENDOR_NAMES[vendor]} did not answer)"
            if vendor in self.errors
            else " for part of the range"
        )
        return (
            f"{what} are unavailable{why}, so the AI-active developers count Firebender's active "
            f'users only ("{FALLBACK_TOTAL}", "{FALLBACK_LATEST}" and the charts\' '
            f'"{FIREBENDER_ONLY}"): at least this many people used an AI tool. The chosen '
            f"measure, either tool with each person once, is estimated with {what} and returns "
            "when they do."
        )

    def labelled(self, tiles: list, monthly: bool = False) -> list:
        """`tiles` (metrics.Kpi) with the AI-active developers' named as the fallback where the
        table (or the monthly one) counts Firebender's users only; unchanged otherwise."""
        if not self.fallen_back(monthly):
            return tiles
        return [fallback_tile(kpi, self.monthly if monthly else self.table) for kpi in tiles]

    def failures(self) -> str | None:
        """Why a total or tile with a failed vendor's part is unknown, in one sentence."""
        if not self.errors:
            return None
        return "; ".join(
            f"{VENDOR_NAMES[v]} did not answer ({short_reason(m)})" for v, m in self.errors.items()
        )

    def unknown_totals(self) -> str | None:
        """Why a total of the range is unknown ("-"), in one sentence for beside the tiles:
        a vendor that did not answer, or whose data start after (or end before) the range's
        finished periods. None when every vendor covers them."""
        if self.errors:
            return self.failures()
        totals = self.totals
        if totals is None or totals.start is None:
            return None
        start, end = totals.start, totals.end
        parts = []
        for name, span in self.spans.items():
            what = (
                "Firebender's model requests (AI model spend)"
                if name == "requests"
                else f"{VENDOR_NAMES[SPAN_VENDOR[name]]}'s data"
            )
            # A load the vendor's rules started late (model requests: from 2025-12-31) starts
            # the data there too.
            first, last = span.first or span.loaded_from, span.last or span.loaded_to
            if span.empty:
                parts.append(f"{what}: none in this range")
            elif first > start:
                parts.append(f"{what} start {metrics.coverage.describe_day(first)}")
            elif last < end:
                parts.append(f"{what} end {metrics.coverage.describe_day(last)}")
        if not parts:
            return None
        return (
            "; ".join(parts)
            + f", inside the range ({metrics.range_name(start, end)}): a total over days "
            "without data would read smaller than it is. A range inside the data has totals."
        )

    def why_empty(self, vendors: tuple[str, ...]) -> str | None:
        """Why a chart of these vendors' measures has nothing to draw, or None."""
        for vendor in vendors:
            name = VENDOR_NAMES[vendor]
            if vendor in self.errors:
                return f"No {name} data: {short_reason(self.errors[vendor])} (see above)."
        for source, known in self.spans.items():
            if SPAN_VENDOR[source] in vendors and known.empty and known.holes:
                name = VENDOR_NAMES[SPAN_VENDOR[source]]
                return f"No {name} data: {metrics.coverage.describe(known)}."
            if SPAN_VENDOR[source] in vendors and known.empty:
                return f"No {VENDOR_NAMES[SPAN_VENDOR[source]]} data in this range."
        return None


FIREBENDER_ONLY = "Firebender only"
# The fallback's tile labels: short enough to show whole at 1440 px (tests/browser).
FALLBACK_TOTAL = "Firebender users (avg)"
FALLBACK_LATEST = "Firebender active users"
# The tiles whose value rests on the AI-active developers, and whose help says the fallback.
AI_TILES = ("ai_active_developers", "credits_per_ai_developer", "ai_adoption_rate")


def fallback_tile(kpi, table: pd.DataFrame):
    """A tile (metrics.Kpi) resting on the AI-active developers, named for the fallback
    (Firebender's users only) when `table` counts them so; any other tile unchanged."""
    if kpi.column not in AI_TILES or not metrics.fallen_back(table):
        return kpi
    label = kpi.label
    if kpi.column == "ai_active_developers":  # what it counts, in place of "AI-active devs"
        label = FALLBACK_TOTAL if label.endswith("(avg)") else FALLBACK_LATEST
    counted = metrics.counted_from(table)
    return replace(
        kpi,
        label=label,
        definition=f"Counted from {counted}. {kpi.definition}",
    )


def relation(org, team, name: str) -> str:
    """One line on how the organisation's answer and a team's relate."""
    from .metrics import verdict

    same = org is not None and team is not None and org.opening == team.opening
    if same and org.opening != verdict.UNCLEAR:
        how = f"Both point the same way: {name}'s own weeks agree with the organisation's."
    elif same:
        how = f"Neither the organisation's weeks nor {name}'s show a clear link."
    else:
        how = (
            f"They differ: {name} is one part of the organisation, with fewer people and "
            "noisier weeks, so its answer can differ from the whole without contradicting it."
        )
    return (
        f"{how} The organisation's answer relates all AI use to all CI credits per active "
        f"committer; {name}'s, its people's AI use to its pipelines' credits per team member."
    )


def short_reason(message: str) -> str:
    """The gist of a connector error for a one-line mention ("the key was refused"): the
    message names the vendor and status first, then says what happened, then what to do."""
    gist = message.split("): ", 1)[1] if "): " in message else message
    return gist.split(". ", 1)[0].rstrip(".")


def _try(errors: dict, vendor: str, call):
    try:
        return call()
    except ConnectorError as err:
        errors.setdefault(vendor, str(err))  # one message per vendor: the first failure
        return None


def previous_start(start: dt.date, end: dt.date, granularity: str) -> dt.date:
    """The first day of the range before [start, end]: as many periods as [start, end] has
    finished ones, just before `start`."""
    finished = metrics.periods(start, end, granularity)
    count = max(1, int(finished["complete"].sum()))
    day = start
    for _ in range(count):
        day = metrics.snap_start(day - dt.timedelta(days=1), granularity)
    return day


def overview(
    reader: Reader,
    choice: Choice,
    settings: Settings,
    ai_source: str,
    usd_per_credit: float | None,
    lag: int = 0,
    lens: Lens | None = None,
) -> Overview:
    """Everything the overview draws for the choice. Loads cover whole periods: the first period
    starts on its first day (a week on Monday), and the monthly metrics on the first of the
    month.

    With `lens` (a team): Firebender's rows of the team's people on their days in the team,
    the credits of the team's pipelines (pipeline credit consumption per day) instead of the
    organisation's, the team's people per month instead of active committers; Builder.io's
    organisation metrics cannot be split, so they are left out and AI use is counted from
    Firebender. Where each vendor's data start is read from the unfiltered rows (a team quiet
    at first has zeros there, not a later start)."""
    granularity = choice.granularity
    start = metrics.snap_start(choice.start, granularity)
    end = choice.end
    first_month = metrics.snap_start(start, "month")
    before = previous_start(start, end, granularity)
    load_from = metrics.snap_start(before, "month")
    # The answer reads the last year of weeks whatever the range: the daily loads reach back
    # to its window, and the tables get their own part of the rows (_since).
    wide_from = min(load_from, answer_weeks.window(end)[0])
    errors: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    src = settings.sources
    inputs = metrics.OverviewInputs()

    if lens is not None:
        notes.setdefault("builder", []).append(
            NOT_SPLIT.format(what="Builder.io's organization metrics report")
            + (
                " AI-active developers are counted from Firebender."
                if ai_source != "firebender"
                else ""
            )
        )
        ai_source = "firebender"
    else:
        inputs.builder = _try(
            errors,
            "builder",
            lambda: reader.dataset(src["builder"], "builder.org_metrics", before, end, granularity),
        )
    answer_builder = None
    if lens is None and ai_source != "firebender":
        answer_builder = _try(
            errors,
            "builder",
            lambda: reader.dataset(src["builder"], "builder.org_metrics", wide_from, end, "day"),
        )
    if lens is None:
        # The organisation's: sums per day and distinct people per period (rollups), never a
        # row per person and day.
        usage = _try(errors, "firebender", lambda: reader.usage(src["firebender"], wide_from, end))
        if usage is not None:
            inputs.firebender, inputs.firebender_people = usage
    else:
        inputs.firebender = _try(
            errors,
            "firebender",
            lambda: reader.dataset(src["firebender"], "firebender.daily_usage", wide_from, end),
        )
    by = ("email",) if lens is not None else ()
    earliest = ranges.rules_for("firebender.model_requests").earliest
    if end < earliest:
        notes.setdefault("firebender", []).append(
            f"Model spend is only available from {earliest}; this range ends before it."
        )
    else:
        requests = _try(
            errors,
            "firebender",
            lambda: reader.requests(src["firebender"], max(load_from, earliest), end, by=by),
        )
        if requests is not None:
            inputs.requests = requests[["timestamp", "cost_usd", *by]]
            inputs.requests_from = earliest
            if first_month < earliest:
                notes.setdefault("firebender", []).append(
                    f"Model spend starts on {earliest}, the first day Firebender keeps "
                    f"model requests; earlier periods have no spend data and are left empty."
                )
    inputs.credits = _try(
        errors,
        "codefresh",
        lambda: reader.dataset(
            src["codefresh"],
            TEAM_CREDITS if lens is not None else "codefresh.credit_consumption",
            wide_from,
            end,
            "day",
        ),
    )
    if lens is None:
        inputs.committers = _try(
            errors,
            "codefresh",
            lambda: reader.dataset(src["codefresh"], "codefresh.active_committers", wide_from, end),
        )
    inputs.failed = frozenset(
        v for v in ("builder", "firebender") if v in errors and getattr(inputs, v) is None
    )
    if lens is not None:
        _team_inputs(inputs, lens, wide_from, end, notes)
    answer_inputs = answer_weeks.AnswerInputs(
        inputs.firebender, answer_builder, inputs.credits, inputs.committers
    )
    _since(inputs, load_from)
    inputs.spans = _spans(inputs, before, load_from, end, granularity)
    _unknown_days(reader, inputs, answer_inputs, src, lens, wide_from, end, granularity)

    def build():
        days = Days(start, first_month, before, load_from, end)
        return _derive(inputs, days, granularity, ai_source, usd_per_credit)

    def build_answer():
        # The answer reads its own weeks (answer_weeks), whatever the range and granularity.
        return metrics.verdict.answer(answer_inputs, end, ai_source, _absent(ai_source, errors))

    identity = (
        None
        if errors
        else (
            "overview",
            start,
            end,
            granularity,
            ai_source,
            usd_per_credit,
            lag,
            tuple(
                (v, s.fingerprint, s.base_url, reader.version(s, OVERVIEW_ENDPOINTS))
                for v, s in src.items()
            ),
        )
    )
    if identity is not None and lens is not None:
        identity += (_team_identity(reader, lens, src["codefresh"]),)
    table, monthly, history, totals = (
        reader.derived("overview", identity, build) if identity else build()
    )
    answer_of = (
        (lambda: reader.derived("overview-answer", identity, build_answer))
        if identity
        else build_answer
    )
    view = Overview(
        start,
        first_month,
        end,
        granularity,
        table,
        monthly,
        history,
        totals,
        answer_of,
        inputs.spans,
        errors,
        notes,
        identity,
        ai_source,
        lens.name if lens is not None else None,
    )
    return view


def _team_inputs(
    inputs: metrics.OverviewInputs, lens: Lens, load_from: dt.date, end: dt.date, notes: dict
) -> None:
    """The team's part of the loaded rows, and its people per month as its committers."""
    inputs.firebender = lens.people(inputs.firebender, "email", "date")
    if inputs.requests is not None:
        inputs.requests = lens.people(inputs.requests, "email", "timestamp")[
            ["timestamp", "cost_usd"]
        ]
    inputs.credits = lens.pipelines(inputs.credits, "key", "period")
    notes.setdefault("codefresh", []).append(
        NOT_SPLIT.format(what="Codefresh's credit consumption report (by resource class)")
        + f" CI credits are those of {lens.name}'s pipelines (pipeline credit consumption per "
        "day)."
    )
    inputs.committers = team_people(lens, load_from, end)
    note = TEAM_MEMBERS_NOTE
    if inputs.committers.empty:
        note += f" The teams mapping names nobody in {lens.name}, so those measures are empty."
    notes.setdefault("codefresh", []).append(note)


def team_people(lens: Lens, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The team's people per month of [start, end] as the active committers report has them
    (period, key, value): everyone the mapping puts in the team on some day of the month."""
    index = metrics.periods(start, end, "month")
    people = team_metrics.people_by_period(lens.mapping, index, end)
    mine = people[people["team"].isin(lens.members)]
    counts = mine.groupby("period")["person"].nunique()
    return pd.DataFrame(
        {
            "key": pd.Series("team", index=range(len(counts)), dtype=object),
            "period": pd.DatetimeIndex(counts.index).astype(metrics.NS),
            "value": counts.to_numpy("float64"),
        }
    )


def _team_identity(reader: Reader, lens: Lens, codefresh) -> tuple:
    """What a team's overview is derived from beyond the organisation's: the team, the mapping
    (its text: a change shows at once) and the pipeline credits' store version."""
    text = team_mapping.to_csv(lens.mapping)
    return (
        "team",
        lens.name,
        tuple(sorted(lens.members)),
        hashlib.sha256(text.encode()).hexdigest(),
        reader.version(codefresh, (TEAM_CREDITS,)),
    )


def _spans(
    inputs: metrics.OverviewInputs,
    before: dt.date,
    load_from: dt.date,
    end: dt.date,
    granularity: str,
) -> dict[str, metrics.Span]:
    found = {
        "builder": metrics.coverage.span(
            inputs.builder,
            "period",
            ["users", "user_prompts", "lines_accepted", "events"],
            before,
            end,
            granularity,
        ),
        "firebender": metrics.coverage.span(
            inputs.firebender,
            "date",
            list(metrics.definitions.AI_ACTIVITY_COLUMNS),
            load_from,
            end,
        ),
        "requests": metrics.coverage.span(
            inputs.requests,
            "timestamp",
            ["cost_usd"],
            max(load_from, inputs.requests_from or load_from),
            end,
        ),
        "codefresh": metrics.coverage.span(inputs.credits, "period", ["value"], load_from, end),
    }
    return {k: v for k, v in found.items() if v is not None}


def _unknown_days(reader, inputs, answer_inputs, src, lens, wide_from, end, granularity) -> None:
    """Days the stores cannot tell (a damaged history file, the ledger's gaps) become holes in
    each vendor's coverage span (those periods empty, their totals unknown) and in the answer's
    weeks, never zeros."""
    credits = TEAM_CREDITS if lens is not None else "codefresh.credit_consumption"
    reads = {
        "builder": [("builder.org_metrics", granularity), ("builder.org_metrics", "day")],
        "firebender": [("firebender.daily_usage", "day")],
        "requests": [("firebender.model_requests", None)],
        "codefresh": [(credits, "day"), ("codefresh.active_committers", "month")],
    }
    for name, loads in reads.items():
        vendor = SPAN_VENDOR[name]
        found = sorted(
            {
                hole
                for endpoint, g in loads
                for hole in reader.unknown_days(src[vendor], endpoint, g, wide_from, end)
            }
        )
        if not found:
            continue
        if name in inputs.spans:
            inputs.spans[name] = metrics.coverage.with_holes(inputs.spans[name], found)
        if name != "requests":
            answer_inputs.unknown[name] = found


@dataclass(frozen=True)
class Days:
    start: dt.date  # the chosen range's first day (start of its first period)
    first_month: dt.date  # the monthly view's first day
    before: dt.date  # the previous range's first day (totals compare with it)
    load_from: dt.date  # the first of the month holding `before`: committers are monthly
    end: dt.date


def _absent(ai_source: str, errors: dict) -> dict[str, str]:
    """Vendor name -> why the answer lacks its data (Codefresh always counts; an AI vendor
    when it is the chosen source)."""
    absent = {}
    for vendor in ("codefresh", "firebender", "builder"):
        needed = vendor == "codefresh" or ai_source in (vendor, "both")
        if needed and vendor in errors:
            absent[VENDOR_NAMES[vendor]] = short_reason(errors[vendor])
    return absent


def _since(inputs: metrics.OverviewInputs, load_from: dt.date) -> None:
    """The tables' part of the daily rows loaded for the answer: from `load_from` on, as the
    tables and their coverage always read them."""
    first = pd.Timestamp(load_from)
    if inputs.firebender is not None:
        day = pd.to_datetime(inputs.firebender["date"]).dt.tz_localize(None)
        inputs.firebender = inputs.firebender[day >= first].reset_index(drop=True)
    for name in ("credits", "committers"):
        rows = getattr(inputs, name)
        if rows is not None:
            kept = rows[pd.to_datetime(rows["period"]) >= first].reset_index(drop=True)
            setattr(inputs, name, kept)


def _derive(inputs, days: Days, granularity, ai_source, usd_per_credit):
    """The pure part of the overview: tables and totals (the answer is `build_answer`)."""
    start, end = days.start, days.end
    history = metrics.overview_table(
        inputs, days.before, end, granularity, ai_source, usd_per_credit
    )
    # Builder.io's rows are loaded at the chosen granularity: by week or day they cannot give
    # its distinct users per month, so by month they are unknown (never the weeks' rows read
    # as a month's, nor 0), and "either tool" counts Firebender's users there, named so.
    month_inputs = inputs
    if granularity != "month" and inputs.builder is not None:
        month_inputs = replace(inputs, builder=None, failed=inputs.failed | {"builder"})
    months = metrics.monthly_table(month_inputs, days.load_from, end, ai_source, usd_per_credit)
    table = history[history["period"] >= pd.Timestamp(start)].reset_index(drop=True)
    monthly = months[months["period"] >= pd.Timestamp(days.first_month)].reset_index(drop=True)
    totals = metrics.range_totals(history, metrics.headcount(history, months), start, granularity)
    if metrics.fallen_back(history):  # the AI-active tiles name what they count
        totals = replace(totals, tiles=[fallback_tile(kpi, history) for kpi in totals.tiles])
    return table, monthly, history, totals
