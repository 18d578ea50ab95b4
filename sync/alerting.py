"""`python -m sync --alert`: after the sync, judge the settled days, keep the alerts in the store,
and send what is new; `--digest` sends the weekly digest too.

Each series is judged only up to its own last settled day (a day is settled once its vendor no
longer revises it: `Dataset.unsettled_days`), over the last `lookback` settled days, so a first
run reports the recent past and later runs only what is new. The alerts table lives in the store
(`store.ALERTS_PATH`); it is written here, by sync, under the store's writer lock. Delivery is
recorded per channel: a channel that failed is retried on the next run, one that succeeded is
never sent the same alert again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from alerts import MEASURES, budgets, deliver, lifecycle, messages, series
from alerts.assessment import CREDITS, PIPELINES, REQUESTS, assess, settled_through
from analytics import queries, reader
from analytics.metrics import coverage
from config.names import (
    APP_URL,
    BUDGETS_FILE,
    PRICE,
    PRIVACY_MIN_GROUP,
    PSEUDONYM_SALT,
    PSEUDONYMIZE_PEOPLE,
    TEAMS_FILE,
)
from connectors import endpoints
from store import Store, StoreError, rollups
from store.writer import LOCK_WAIT_SECONDS, Writer
from teams import files as team_files
from teams import mapping as team_mapping
from teams import privacy

# Settled days judged on each run: a first run reports the last two weeks, not a year of news.
LOOKBACK_DAYS = 14
# Days read before the first judged one: the detector's same-weekday baseline (8 weeks) and the
# forecast's history (8 weeks before the month), with a week to spare.
HISTORY_DAYS = 63

# The app's page showing each kind (links in alerts).
PAGES = {
    "org_ai_spend_usd": "firebender",
    "person_ai_spend_usd": "explore",
    "team_ai_spend_usd": "teams",
    "org_ci_credits": "codefresh",
    "pipeline_ci_credits": "explore",
    "team_ci_credits": "teams",
    "budget": "alerts",
}


@dataclass
class Outcome:
    table: pd.DataFrame
    new: list[lifecycle.Alert] = field(default_factory=list)
    resolved: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    projections: list[dict] = field(default_factory=list)


def pseudonymizing(values: Mapping[str, str]) -> bool:
    """The app's rule (teams.privacy.pseudonymize_setting)."""
    return privacy.pseudonymize_setting(values.get(PSEUDONYMIZE_PEOPLE))[0]


def salt(values: Mapping[str, str]) -> str:
    return privacy.salt_of(values.get(PSEUDONYM_SALT))


def read_mapping(values: Mapping[str, str], store: Store, notes: list[str]):
    where = team_files.location(values.get(TEAMS_FILE), store.url)
    try:
        text = team_files.read_text(where)
        return team_mapping.parse(text, source=where) if text is not None else None
    except (team_mapping.MappingError, UnicodeDecodeError, OSError) as err:
        notes.append(f"teams: not used ({str(err).splitlines()[0]})")
        return None


def _held_span(store: Store, dataset: str, granularity, first: dt.date, last: dt.date):
    """(first, last) of the days held of [first, last]: from the first held day to the last.
    Days between that it does not hold (a damaged file's, a window never fetched) are unknown
    in the series (`read_series`), so the history before them still serves as a baseline."""
    held = [(a, b) for a, b in store.held(dataset, granularity) if b >= first and a <= last]
    if not held:
        return None
    return max(held[0][0], first), min(held[-1][1], last)


def read_series(store: Store, first: dt.date, last: dt.date, mapping, pseudonym_salt, notes=None):
    """The series frame of [first, last] from the store (people as pseudonyms when a salt is
    given). Days the store cannot tell (a damaged file's, the ledger's gaps) are unknown in it,
    never 0: not judged, resolving nothing; `notes` gets a line naming them."""
    requests = pipelines = org = None
    ai_span = _held_span(store, REQUESTS, None, first, last)
    if ai_span:
        # The same sums the Alerts & budgets page reads (analytics.queries, one definition).
        requests = queries.requests_summed(store, endpoints.get(REQUESTS), *ai_span, ("email",))
    ci_span = _held_span(store, PIPELINES, "day", first, last)
    if ci_span:
        pipelines = rollups.frame(store, "pipeline_credits", *ci_span)
        if pipelines is not None:
            pipelines = pipelines.rename(columns={"day": "period", "credits": "value"})
        org_span = _held_span(store, CREDITS, "day", *ci_span)
        if org_span == ci_span:
            org = store.rows(CREDITS, "day", start=ci_span[0], end=ci_span[1])
    frame = series.from_frames(requests, pipelines, org, mapping, ai_span, ci_span)
    holes = {
        "ai": reader.unknown_days(store, REQUESTS, None, *ai_span) if ai_span else [],
        "ci": sorted(
            {
                *(reader.unknown_days(store, PIPELINES, "day", *ci_span) if ci_span else []),
                *(reader.unknown_days(store, CREDITS, "day", *ci_span) if ci_span else []),
            }
        ),
    }
    frame = series.without_unknown(frame, holes)
    for key, spans in holes.items():
        said = coverage.describe_holes(
            "Firebender model requests" if key == "ai" else "Codefresh credits", spans
        )
        if said and notes is not None:
            notes.append(f"{said} Those days are not judged: no alert fires or resolves on them.")
    if pseudonym_salt and not frame.empty:
        people = frame["kind"] == "person_ai_spend_usd"
        names = frame.loc[people, "subject"].unique()
        lookup = {name: privacy.pseudonym(name, pseudonym_salt) for name in names}
        frame.loc[people, "subject"] = frame.loc[people, "subject"].map(lookup)
    return frame


def linker(app_url: str | None, today: dt.date):
    """link(kind, subject, day): the app's view showing it, or None without APP_URL."""
    if not app_url:
        return lambda kind, subject, day: None
    base = app_url.rstrip("/")

    def link(kind: str, subject: str, day: dt.date) -> str:
        start = day - dt.timedelta(days=27)
        end = min(day + dt.timedelta(days=7), today)
        params = {"start": start.isoformat(), "end": end.isoformat()}
        if kind == "person_ai_spend_usd":
            params.update(dataset=REQUESTS, f_email=subject)
        elif kind == "pipeline_ci_credits":
            params.update(dataset=PIPELINES, f_key=subject)
        elif kind.startswith("team_"):
            params["team"] = subject
        elif kind == "budget":
            params["scope"] = subject
        return f"{base}/{PAGES[kind]}?{urlencode(params)}"

    return link


def _min_group(values: Mapping[str, str]) -> int:
    return privacy.min_group_setting(values.get(PRIVACY_MIN_GROUP))[0]


def _price(values: Mapping[str, str]) -> float | None:
    try:
        price = float(values.get(PRICE) or "")
    except ValueError:
        return None
    return price if price >= 0 else None


def evaluate(
    store: Store,
    values: Mapping[str, str],
    today: dt.date,
    now: dt.datetime,
    lookback: int = LOOKBACK_DAYS,
) -> Outcome:
    """Judge the settled days, grow and resolve episodes, check budgets: the new table (not
    written yet)."""
    notes: list[str] = []
    through = settled_through(today)
    first_judged = min(through.values()) - dt.timedelta(days=lookback - 1)
    month = min(through["org_ai_spend_usd"], through["org_ci_credits"]).replace(day=1)
    first_read = min(first_judged - dt.timedelta(days=HISTORY_DAYS), month - dt.timedelta(60))
    mapping = read_mapping(values, store, notes)
    hidden = salt(values) if pseudonymizing(values) else None
    frame = read_series(store, first_read, max(through.values()), mapping, hidden, notes)
    if mapping:
        small = privacy.small_teams(mapping, today, _min_group(values))
        frame = series.without_teams(frame, small)
        if small:
            notes.append(
                f"{len(small)} team(s) with fewer than {_min_group(values)} people left out "
                "(PRIVACY_MIN_GROUP)"
            )
    table = lifecycle.typed(store.alerts())
    before = set(table["id"])
    was_open = set(table.loc[table["resolved_on"].isna(), "id"])
    if frame.empty:
        notes.append("nothing to judge: the store holds no model requests or pipeline credits")
    where = budgets.location(values.get(BUDGETS_FILE), store.url)
    try:
        chosen = budgets.read(where)
    except (budgets.BudgetsError, UnicodeDecodeError, OSError) as err:
        chosen = None
        notes.append(f"budgets: not used ({str(err).splitlines()[0]})")
    link = linker(values.get(APP_URL), today)
    table, found = assess(frame, table, through, first_judged, chosen, _price(values), now, link)
    new = [a for a in lifecycle.alerts(table) if a.id not in before]
    resolved = len(was_open & set(table.loc[table["resolved_on"].notna(), "id"]))
    return Outcome(table=table, new=new, resolved=resolved, notes=notes, projections=found)


def send_pending(
    outcome: Outcome,
    values: Mapping[str, str],
    now: dt.datetime,
    session=None,
    record: Callable[[pd.DataFrame], None] | None = None,
) -> Outcome:
    """Deliver every alert not yet delivered on each configured channel, one message per
    channel, and record what arrived (a failure is kept for the next run).

    Exactly once across a kill: `record(table)` (the store's alerts table) runs before each
    message goes (its idempotency key marked on its alerts) and after its outcome. Alerts still
    marked on the next run were being sent when a run was killed: they may have arrived, so they
    are not sent again (a second message would be the duplicate) but said and recorded."""
    record = record or (lambda table: None)
    settings = deliver.DeliverySettings.from_values(values)
    hide = pseudonymizing(values)
    secrets = _secrets(values)
    for channel in settings.channels:
        cut_off = lifecycle.interrupted(outcome.table, channel)
        cut_off = cut_off[cut_off["kind"] != "digest"]  # the digest's own step says it
        if not cut_off.empty:
            keys = ", ".join(sorted(set(cut_off[f"sending_{channel}"])))
            outcome.table = lifecycle.delivered(outcome.table, list(cut_off["id"]), channel, now)
            outcome.notes.append(
                f"{len(cut_off)} alert(s) were being sent by {channel} when a run was "
                f"interrupted: not sent again, as they may have arrived (message {keys}); "
                f"check the channel"
            )
            record(outcome.table)
        waiting = lifecycle.pending(outcome.table, channel)
        waiting = waiting[waiting["kind"] != "digest"]
        if waiting.empty:
            continue
        chosen = [a for a in lifecycle.alerts(waiting)]
        ids = [a.id for a in chosen]
        message = messages.alerts_message(chosen, values.get(APP_URL), hide_emails=hide)
        message = dataclasses.replace(message, key=message_key(channel, ids, now))
        outcome.table = lifecycle.sending(outcome.table, ids, channel, message.key)
        record(outcome.table)
        result = deliver.send(message, settings.only(channel), session=session, secrets=secrets)
        for item in result:
            if item.ok:
                outcome.table = lifecycle.delivered(outcome.table, ids, channel, now)
                outcome.sent[channel] = outcome.sent.get(channel, 0) + len(ids)
            else:
                outcome.table = lifecycle.delivered(outcome.table, ids, channel, now, item.error)
                outcome.errors.append(f"{channel}: {item.error}")
        record(outcome.table)
    return outcome


def message_key(channel: str, ids, now: dt.datetime) -> str:
    """An idempotency key for one message: its channel, alerts and first attempt."""
    text = f"{channel}|{'|'.join(sorted(ids))}|{now.isoformat()}"
    return "alerts-" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _secrets(values: Mapping[str, str]) -> list[str]:
    from config.names import SECRETS

    return [values[name] for name in SECRETS if values.get(name)]


def _open(table: pd.DataFrame) -> int:
    table = lifecycle.typed(table)
    return int((table["resolved_on"].isna() & (table["kind"] != "digest")).sum())


def describe(alert: lifecycle.Alert) -> str:
    """One line for the terminal."""
    if alert.kind == "budget":
        return (
            f"budget {alert.subject} {MEASURES.get(alert.measure, alert.measure)}: projected "
            f"{alert.value:,.0f} (80%: {alert.usual_low:,.0f}-{alert.usual_high:,.0f}) over "
            f"{alert.expected:,.0f}"
        )
    return (
        f"{alert.kind} {alert.subject} on {alert.peak_day or alert.first_day}: "
        f"{alert.value:,.2f} {alert.unit} (usual {alert.usual_low:,.2f}-{alert.usual_high:,.2f})"
    )


def run(
    store: Store,
    values: Mapping[str, str],
    today: dt.date,
    out,
    err,
    *,
    now: dt.datetime | None = None,
    lookback: int = LOOKBACK_DAYS,
    digest: bool = False,
    session=None,
    wait: float = LOCK_WAIT_SECONDS,
) -> int:
    """The alert step of `python -m sync --alert`: 0 done, 1 a delivery failed (kept for the
    next run), 2 delivery is misconfigured, 3 the store could not be read or written."""
    now = now or dt.datetime.now(dt.UTC)
    settings = deliver.DeliverySettings.from_values(values)
    problems = settings.problems()
    try:
        with Writer(store, wait=wait) as writer:
            outcome = evaluate(store, values, today, now, lookback)
            writer.put_alerts(outcome.table)
            notes_said = list(outcome.notes)
            for note in notes_said:
                print(f"alerts: {note}", file=err)
            print(
                f"Alerts: {len(outcome.new)} new, {outcome.resolved} resolved, "
                f"{_open(outcome.table)} open.",
                file=out,
            )
            for alert in outcome.new:
                print("  new: " + describe(alert), file=out)
            if problems:
                for problem in problems:
                    print(f"alerts: {problem}", file=err)
                return 2
            if not settings.channels:
                print(
                    "alerts: no channel is configured (ALERT_WEBHOOK_URL or ALERT_SMTP_HOST); "
                    "alerts are kept in the store and shown on the Alerts & budgets page.",
                    file=err,
                )
                return 0
            outcome = send_pending(outcome, values, now, session=session, record=writer.put_alerts)
            for note in outcome.notes[len(notes_said) :]:
                print(f"alerts: {note}", file=err)
            if digest:
                from . import digest as weekly

                said = len(outcome.notes)
                outcome = weekly.send(
                    store, outcome, values, today, now, session=session, record=writer.put_alerts
                )
                for note in outcome.notes[said:]:
                    print(f"alerts: {note}", file=err)
            writer.put_alerts(outcome.table)
    except StoreError as problem:
        print(f"store: {problem}", file=err)
        return 3
    except privacy.SaltError as problem:
        print(f"alerts: {problem}", file=err)
        return 2
    for channel, count in outcome.sent.items():
        print(f"Sent {count} alert(s) by {channel}.", file=out)
    for error in outcome.errors:
        print(f"alerts: delivery failed, kept for the next run: {error}", file=err)
    return 1 if outcome.errors else 0
