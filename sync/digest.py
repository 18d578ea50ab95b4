"""`python -m sync --alert --digest`: the weekly digest, built from the store alone.

It says the last settled week's totals, the overview's answer (built by the overview's own
report over the store: the same sentence the app's overview shows for a range ending that week), the month's projection
against its budgets, and the open anomalies. One digest per ISO week: it is kept in the alerts
table like an alert (kind "digest"), so a failed delivery is retried and a sent one never
repeats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping

import pandas as pd

from alerts import assessment, deliver, lifecycle, messages
from analytics import overview_report
from analytics.choice import DEFAULT_DAYS, Choice
from analytics.reader import StoreReader
from config.names import APP_URL
from config.settings import resolve
from store import Store

from . import alerting


def verdict(
    store: Store, end: dt.date, price: float | None, values: Mapping[str, str] | None = None
) -> str | None:
    """The overview's answer for a range ending `end`, built by the overview's own report
    (`analytics.overview_report.overview`) over what the store holds: the same function, weeks and
    sentence as the screen's (AI use from the screen's default source, every connected AI tool:
    `metrics.default_ai_source`; the default 90 days by week; the answer reads the last 52
    finished weeks whatever the range)."""
    from analytics.metrics import default_ai_source

    settings = resolve({}, values or {}, {}, {})
    start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    choice = Choice(start, end, "week", end)
    source = default_ai_source(settings.sources)
    view = overview_report.overview(StoreReader(store), choice, settings, source, price)
    return view.answer.sentence if view.answer is not None else None


def totals(frame: pd.DataFrame, first: dt.date, last: dt.date, price: float | None) -> list:
    """(label, value) of the organisation over [first, last]."""
    days = (frame["day"] >= pd.Timestamp(first)) & (frame["day"] <= pd.Timestamp(last))
    org = frame[days & (frame["subject"] == "org")].groupby("kind")["value"].sum(min_count=1)
    found = []
    if "org_ai_spend_usd" in org:
        found.append(("AI model spend", f"${org['org_ai_spend_usd']:,.2f}"))
    if "org_ci_credits" in org:
        found.append(("CI credits", f"{org['org_ci_credits']:,.0f} credits"))
        if price is not None:
            found.append(("CI spend", f"${org['org_ci_credits'] * price:,.2f}"))
    return found


def week_id(monday: dt.date) -> str:
    return lifecycle.budget_id("digest", "week", monday)


def send(
    store: Store,
    outcome: alerting.Outcome,
    values: Mapping[str, str],
    today: dt.date,
    now: dt.datetime,
    session=None,
    record=None,
) -> alerting.Outcome:
    """Send this week's digest on every configured channel that has not had it.

    Exactly once across a kill, as the alerts: `record(table)` (the store's alerts table) runs
    before the digest goes on a channel (its idempotency key, one per week and channel, marked
    on the digest's row) and after its outcome. A digest still marked on the next run was being
    sent when a run was killed: it may have arrived, so it is not sent again but said."""
    record = record or (lambda table: None)
    through = assessment.settled_through(today)
    last = min(through.values())
    monday = last - dt.timedelta(days=last.weekday() + 7)  # the last whole settled week
    sunday = monday + dt.timedelta(days=6)
    if last.weekday() == 6:
        monday, sunday = last - dt.timedelta(days=6), last
    key = week_id(monday)
    table = lifecycle.typed(outcome.table)
    if key not in set(table["id"]):
        row = {name: None for name in lifecycle.COLUMNS}
        row.update(
            id=key,
            kind="digest",
            subject="org",
            first_day=pd.Timestamp(monday),
            last_day=pd.Timestamp(sunday),
            value=0.0,
            expected=0.0,
            usual_low=0.0,
            usual_high=0.0,
            unit="",
            found_at=pd.Timestamp(now),
            attempts=0,
        )
        table = lifecycle.typed(pd.concat([table, pd.DataFrame([row])], ignore_index=True))
    outcome.table = table
    for channel in deliver.DeliverySettings.from_values(values).channels:
        cut_off = lifecycle.interrupted(outcome.table, channel)
        cut_off = cut_off[cut_off["id"] == key]
        if cut_off.empty:
            continue
        outcome.table = lifecycle.delivered(outcome.table, [key], channel, now)
        outcome.notes.append(
            f"the digest of the week of {monday} was being sent by {channel} when a run was "
            f"interrupted: not sent again, as it may have arrived (message "
            f"{cut_off[f'sending_{channel}'].iloc[0]}); check the channel"
        )
        record(outcome.table)
    if not any(
        key in set(lifecycle.pending(outcome.table, c)["id"])
        for c in deliver.DeliverySettings.from_values(values).channels
    ):
        return outcome
    price = alerting._price(values)
    hidden = alerting.salt(values) if alerting.pseudonymizing(values) else None
    frame = alerting.read_series(store, monday, sunday, None, hidden)
    open_alerts = [
        a for a in lifecycle.alerts(table) if a.kind != "digest" and a.state != "resolved"
    ]
    rows = [
        messages.ProjectionRow(
            p["scope"],
            p["measure"],
            p["projection"].actual,
            p["projection"].expected,
            p["projection"].low,
            p["projection"].high,
            p.get("budget"),
        )
        for p in outcome.projections
        if p["projection"] is not None
    ]
    digest = messages.Digest(
        period=(monday, sunday),
        totals=totals(frame, monday, sunday, price),
        verdict=verdict(store, sunday, price, values),
        projections=rows,
        open_alerts=open_alerts,
        app_url=values.get(APP_URL),
        month=outcome.projections[0]["month"] if outcome.projections else None,
    )
    message = messages.digest_message(digest, hide_emails=alerting.pseudonymizing(values))
    settings = deliver.DeliverySettings.from_values(values)
    secrets = alerting._secrets(values)
    for channel in settings.channels:
        if key not in set(lifecycle.pending(outcome.table, channel)["id"]):
            continue
        sent = dataclasses.replace(message, key=message_key(channel, key))
        outcome.table = lifecycle.sending(outcome.table, [key], channel, sent.key)
        record(outcome.table)
        for item in deliver.send(sent, settings.only(channel), session=session, secrets=secrets):
            if item.ok:
                outcome.table = lifecycle.delivered(outcome.table, [key], channel, now)
                outcome.sent[f"{channel} (digest)"] = 1
            else:
                outcome.table = lifecycle.delivered(outcome.table, [key], channel, now, item.error)
                outcome.errors.append(f"{channel} (digest): {item.error}")
        record(outcome.table)
    return outcome


def message_key(channel: str, digest_id: str) -> str:
    """The digest's idempotency key on `channel`: one per week, whatever the attempt, so a
    receiver that keeps keys drops a repeat."""
    text = f"{channel}|{digest_id}"
    return "digest-" + hashlib.sha256(text.encode()).hexdigest()[:24]
