"""What the Alerts & budgets page and the overview's "This month" draw, loaded and derived in one
place: the daily series of the last months (settled days only), this month's projections per
measure for the organisation and each team, the budgets, and the anomalies with their state.

The detector and the forecast are the very ones `python -m sync --alert` runs. The page judges
the days itself (so it works before any alert was sent); where the store holds the alerts table
that sync keeps, each anomaly shows its state there (notified, resolved). Nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from alerts import MEASURES, assessment, budgets, lifecycle, series
from config.settings import PROJECT_DIR, Settings
from connectors import ranges
from safe import text as safe_text
from store import ALERTS_PATH, StoreError
from teams import privacy
from teams.files import shown
from teams.mapping import to_csv

from .metrics import coverage
from .overview_report import _try
from .reader import Reader

# Days loaded: the detector's 8 weeks of same-weekday baseline before the 30 days listed, and
# the forecast's 8 weeks before the month.
LOAD_DAYS = 120
SHOWN_DAYS = 30  # anomalies listed: the open ones and those of the last 30 settled days
# Series kinds per person or pipeline: judged by the detector, not kept in the view.
PER_SUBJECT = ("person_", "pipeline_")
EXAMPLE_FILE = PROJECT_DIR / "budgets.example.csv"


@dataclass
class Budgets:
    budgets: budgets.Budgets | None
    location: str
    error: str | None = None  # why the file was refused (the page shows its problems)
    problems: list[str] = field(default_factory=list)


@dataclass
class AlertsView:
    series: pd.DataFrame
    through: dict[str, dt.date]
    month: dt.date
    projections: list[dict]  # scope, measure, month, through, projection, unit, budget, status
    table: pd.DataFrame  # anomalies and budget alerts, with their state (lifecycle.COLUMNS)
    budgets: Budgets
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stored: bool = False  # the store holds sync's alerts table
    open_alerts: int = 0  # anomalies and budget alerts not resolved
    teams: list[str] = field(default_factory=list)  # every team of the mapping (budget scopes)
    # Whether `open_alerts` counts anomalies: judged here, by sync --alert (the stored table),
    # or by the Alerts page earlier in this process. False: budget alerts only.
    judged: bool = True

    @property
    def scopes(self) -> list[str]:
        return list(dict.fromkeys(p["scope"] for p in self.projections))

    def projection(self, scope: str, measure: str) -> dict | None:
        return next(
            (p for p in self.projections if (p["scope"], p["measure"]) == (scope, measure)),
            None,
        )


def budget_location(reader: Reader, settings: Settings) -> str:
    store = reader.store(settings.sources["codefresh"])
    return budgets.location(settings.budgets_file, store.url)


def current_budgets(reader: Reader, settings: Settings, teams: list[str]) -> Budgets:
    """The budgets file, checked (on demo data the example is put beside the demo store)."""
    where = budget_location(reader, settings)
    if settings.demo and not settings.budgets_file:
        _write_demo_budgets(where)
    try:
        found = budgets.read(where, teams=teams or None)
    except budgets.BudgetsError as err:
        said = str(err).splitlines()[0].replace(where, shown(where))
        return Budgets(None, where, said, list(err.problems))
    except UnicodeDecodeError:
        return Budgets(None, where, f"The budgets file {shown(where)} is not UTF-8 text.")
    except OSError as err:
        why = getattr(err, "strerror", None) or type(err).__name__
        return Budgets(None, where, f"The budgets file {shown(where)} could not be read ({why}).")
    return Budgets(found, where)


def _write_demo_budgets(where: str) -> None:
    if budgets.read_text(where) is None and EXAMPLE_FILE.is_file():
        budgets.save(where, EXAMPLE_FILE.read_text(encoding="utf-8"))


# Open alerts counted by the Alerts page's views in this process, by what they were derived
# from: the overview shows the count without running the detector itself.
_JUDGED: dict[tuple, int] = {}
_JUDGED_KEPT = 32


def view(
    reader: Reader, settings: Settings, usd_per_credit: float | None, judge: bool = True
) -> AlertsView:
    """Everything the page and the overview's month row draw. A warm rerun is one cache lookup
    (the overview reruns on every click): the loads, the detector, the forecast and the states
    are derived once per day, store version, teams mapping, budgets and alerts table. Without
    `judge` (the overview) the detector is not run: anomalies are those sync --alert stored,
    or those the Alerts page judged from the same data in this process."""
    today = ranges.utc_today()
    through = assessment.settled_through(today)
    month = min(through["org_ai_spend_usd"], through["org_ci_credits"]).replace(day=1)
    start = min(today - dt.timedelta(days=LOAD_DAYS), month - dt.timedelta(days=60))
    notes: list[str] = []
    src = settings.sources
    earliest = ranges.rules_for(assessment.REQUESTS).earliest
    ai_span = (max(start, earliest), through["org_ai_spend_usd"])
    ci_span = (start, through["org_ci_credits"])
    teams = reader.teams(settings)
    mapping = teams.mapping if teams.active else None
    small = privacy.small_teams(mapping, today, settings.min_group) if mapping else set()
    if small:
        notes.append(
            f"To keep individuals out of view, {len(small)} team"
            f"{'s' if len(small) > 1 else ''} with fewer than {settings.min_group} people "
            f"{'are' if len(small) > 1 else 'is'} not shown (PRIVACY_MIN_GROUP)."
        )
    chosen = current_budgets(reader, settings, list(mapping.teams) if mapping else [])
    hidden = [scope for scope in chosen.budgets.scopes if scope in small] if chosen.budgets else []
    if hidden:
        notes.append(
            f"The budgets of {', '.join(safe_text.markdown(h) for h in sorted(hidden))} are not "
            "checked this month: "
            f"{'these teams are' if len(hidden) > 1 else 'this team is'} hidden by "
            "PRIVACY_MIN_GROUP."
        )
    store = reader.store(src["codefresh"])

    # The overview's month row without teams projects the organisation's series alone: it
    # reads the organisation's daily totals, never a row per person or pipeline.
    org_only = not judge and mapping is None

    def build():
        errors: dict[str, str] = {}
        state_notes: list[str] = []
        requests = pipelines = org = None
        if ai_span[1] >= ai_span[0]:
            by = () if org_only else ("email",)
            requests = _try(
                errors, "firebender", lambda: reader.requests(src["firebender"], *ai_span, by)
            )
            if org_only and requests is not None:
                requests = requests.assign(email="org")  # one subject: the organisation
        if not org_only:
            pipelines = _try(
                errors,
                "codefresh",
                lambda: reader.dataset(src["codefresh"], assessment.PIPELINES, *ci_span, "day"),
            )
        if pipelines is not None or org_only:
            org = _try(
                errors,
                "codefresh",
                lambda: reader.dataset(src["codefresh"], assessment.CREDITS, *ci_span, "day"),
            )
        frame = series.from_frames(
            requests,
            pipelines,
            org,
            mapping,
            _seen(ai_span, requests, "timestamp"),
            _seen(ci_span, org if org_only else pipelines, "period"),
        )
        # Days the store cannot tell: unknown in the series (not judged, resolving nothing,
        # no month "so far" over them), and named.
        holes = {
            "ai": reader.unknown_days(src["firebender"], assessment.REQUESTS, None, *ai_span),
            "ci": sorted(
                {
                    *reader.unknown_days(src["codefresh"], assessment.PIPELINES, "day", *ci_span),
                    *reader.unknown_days(src["codefresh"], assessment.CREDITS, "day", *ci_span),
                }
            ),
        }
        frame = series.without_unknown(frame, holes)
        for key, spans in holes.items():
            what = "Firebender model requests" if key == "ai" else "Codefresh credits"
            if said := coverage.describe_holes(what, spans):
                state_notes.append(
                    f"{said} Those days are not judged: no alert fires or resolves on them."
                )
        if org_only:
            frame = frame[frame["kind"].str.startswith("org_")].reset_index(drop=True)
        frame = series.without_teams(frame, small)
        first = min(through.values()) - dt.timedelta(days=SHOWN_DAYS - 1)
        stored_table, stored = _stored(store, state_notes)
        table, found = assessment.assess(
            frame,
            stored_table,
            through,
            first,
            chosen.budgets,
            usd_per_credit,
            dt.datetime.now(dt.UTC),
            judge=judge,
        )
        # The view keeps the organisation's and the teams' series (what a chart may draw); the
        # rows per person and per pipeline were for the detector only, and held 50 MB of the
        # server's cache at 2,000 developers (bench/results-store.md).
        drawn = frame[~frame["kind"].str.startswith(PER_SUBJECT)].reset_index(drop=True)
        built = AlertsView(drawn, through, month, found, table, chosen, errors, state_notes, stored)
        built.open_alerts = _open(table)
        built.judged = judge or stored
        if errors:
            raise _Partial(built)  # shown, never cached: the next rerun tries the vendor again
        return built

    def identity_now() -> tuple:
        return (
            "alerts",
            today,
            usd_per_credit,
            to_csv(mapping) if mapping else "",
            settings.min_group,
            repr(chosen),
            _alerts_stamp(store),
            tuple(
                (v, s.fingerprint, s.base_url, reader.version(s, ALERT_ENDPOINTS))
                for v, s in src.items()
            ),
        )

    identity = identity_now()
    try:
        built = reader.derived("alerts" if judge else "alerts-month", identity, build)
    except _Partial as partial:
        built = partial.view
    else:
        # As for any cached answer: the vendors' keys were accepted (loaders._answered).
        for vendor in ("firebender", "codefresh"):
            reader.answered(src[vendor], lambda: None)
        # Keyed by what the store holds once this view's loads are done: the Alerts page loads
        # pipeline credits the overview's month row does not, and a load that fills the store
        # changes its version after the identity above was taken.
        after = identity_now()
        if judge:
            _JUDGED[after] = built.open_alerts
            while len(_JUDGED) > _JUDGED_KEPT:
                _JUDGED.pop(next(iter(_JUDGED)))
        elif not built.judged and after in _JUDGED:
            built = replace(built, open_alerts=_JUDGED[after], judged=True)
    return replace(built, notes=notes + built.notes, teams=list(mapping.teams) if mapping else [])


class _Partial(Exception):
    """A view built while a vendor failed: shown as it is, and not cached."""

    def __init__(self, view: AlertsView):
        super().__init__("partial alerts view")
        self.view = view


def _alerts_stamp(store) -> str:
    """What changes when sync rewrites the alerts table (cheap: one stat, no read)."""
    try:
        return "|".join(f"{e.size}:{e.stamp}" for e in store.root.list(ALERTS_PATH))
    except OSError as err:  # the table is then read (and its error shown) on every rerun
        return f"unreadable {dt.datetime.now(dt.UTC).isoformat()} {type(err).__name__}"


def _seen(span, frame, column):
    """`span` cut at the last day with any row: later days are not known yet (a vendor that
    lags), never a day of zeros. None when nothing was loaded."""
    if frame is None:
        return None
    if frame.empty:
        return span
    last = pd.to_datetime(frame[column], utc=True).max().date()
    return span[0], min(span[1], last)


ALERT_ENDPOINTS = (assessment.REQUESTS, assessment.PIPELINES, assessment.CREDITS)


def _stored(store, notes: list[str]) -> tuple[pd.DataFrame, bool]:
    """The alerts table `python -m sync --alert` keeps in the configured store, if any."""
    try:
        table = store.alerts()
    except StoreError as err:
        notes.append(f"{err}; states are not shown.")
        return lifecycle.empty(), False
    return lifecycle.typed(table), table is not None


def listed(view: AlertsView, budgets_only: bool = False) -> pd.DataFrame:
    """Open anomalies (or, with `budgets_only`, budget alerts), and those of the last
    SHOWN_DAYS days, newest first, as a table to show and export."""
    columns = BUDGET_LISTED if budgets_only else LISTED
    table = lifecycle.typed(view.table)
    chosen = table["kind"] == "budget"
    table = table[chosen if budgets_only else ~chosen & (table["kind"] != "digest")]
    if table.empty:
        return pd.DataFrame(columns=list(columns))
    since = pd.Timestamp(min(view.through.values()) - dt.timedelta(days=SHOWN_DAYS - 1))
    recent = table["resolved_on"].isna() | (table["last_day"] >= since)
    table = table[recent].copy()
    table["state"] = table.apply(lifecycle.state_of, axis=1)
    table["what"] = table.apply(_what, axis=1)
    table["times_usual"] = (table["value"] / table["expected"]).where(table["expected"] > 0)
    table["delivered"] = table[["notified_webhook", "notified_email"]].max(axis=1)
    table = table.sort_values(["last_day", "value"], ascending=[False, False])
    return table[list(columns)].reset_index(drop=True)


def _open(table: pd.DataFrame) -> int:
    table = lifecycle.typed(table)
    return int((table["resolved_on"].isna() & (table["kind"] != "digest")).sum())


LISTED = {
    "state": "State",
    "what": "What",
    "subject": "Who or which",
    "first_day": "From",
    "last_day": "To",
    "peak_day": "Peak day",
    "value": "Peak value",
    "expected": "Usual",
    "usual_low": "Usual range from",
    "usual_high": "Usual range to",
    "times_usual": "Times usual",
    "unit": "Unit",
    "delivered": "Delivered",
    "last_error": "Last delivery error",
    "link": "Link",
}
BUDGET_LISTED = {
    "state": "State",
    "what": "What",
    "subject": "Scope",
    "first_day": "Month",
    "last_day": "Projected from days through",
    "value": "Projected month total",
    "usual_low": "80% interval from",
    "usual_high": "80% interval to",
    "expected": "Monthly budget",
    "unit": "Unit",
    "delivered": "Delivered",
    "last_error": "Last delivery error",
}


def _what(row) -> str:
    if row["kind"] == "budget":
        return f"Budget: {MEASURES.get(row['measure'], row['measure'])}"
    from alerts import SERIES_KINDS

    what, who, _ = SERIES_KINDS[row["kind"]]
    return f"{what} ({who})"
