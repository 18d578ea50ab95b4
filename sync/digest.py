"""`python -m sync --alert --digest`: the weekly digest, built from the store alone.

It says the last settled week's totals, the overview's answer (AI use from Firebender, weeks of
the last year: the same method and sentence as the app's overview), the month's projection
against its budgets, and the open anomalies. One digest per ISO week: it is kept in the alerts
table like an alert (kind "digest"), so a failed delivery is retried and a sent one never
repeats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from alerts import deliver, lifecycle, messages
from analytics import metrics
from connectors import endpoints
from connectors.setting_names import APP_URL
from store import Store, rollups

from . import alerting

DAILY_USAGE = "firebender.daily_usage"
COMMITTERS = "codefresh.active_committers"


def _inputs(store: Store, start: dt.date, end: dt.date) -> metrics.OverviewInputs:
    inputs = metrics.OverviewInputs()
    # The store's rollups, as the app's overview reads them: daily usage summed per day with
    # the distinct people per period, model spend per day (defined once, store/rollups.py).
    usage = rollups.usage(store, start, end)
    if usage is not None:
        inputs.firebender, inputs.firebender_people = usage
    else:
        inputs.firebender = store.rows(DAILY_USAGE, "day", start=start, end=end)
    earliest = endpoints.get(alerting.REQUESTS).earliest or start
    requests = rollups.spend(store, max(start, earliest), end)
    if requests is not None:
        requests = requests[["timestamp", "cost_usd"]]
        requests["timestamp"] = pd.to_datetime(requests["timestamp"]).dt.tz_localize("UTC")
        inputs.requests, inputs.requests_from = requests, earliest
    inputs.credits = store.rows(alerting.CREDITS, "day", start=start, end=end)
    inputs.committers = store.rows(COMMITTERS, "month", start=start, end=end)
    cover = metrics.coverage.span
    spans = {
        "firebender": cover(
            inputs.firebender,
            "date",
            ["agent_prompts", "inline_edits", "autocomplete_accepts"],
            start,
            end,
        ),
        "codefresh": cover(inputs.credits, "period", ["value"], start, end),
    }
    if inputs.requests is not None:
        spans["requests"] = cover(
            inputs.requests, "timestamp", ["cost_usd"], max(start, earliest), end
        )
    inputs.spans = {k: v for k, v in spans.items() if v is not None}
    return inputs


def verdict(store: Store, end: dt.date, price: float | None) -> str | None:
    """The overview's answer over the last year of finished weeks ending by `end` (AI use from
    Firebender: the store alone holds no Builder.io day rows here)."""
    del price  # the answer compares credits, not their price
    start = metrics.answer_weeks.window(end)[0]
    inputs = _inputs(store, start, end)
    if inputs.credits is None or inputs.credits.empty or inputs.firebender.empty:
        return None
    found = metrics.answer_weeks.AnswerInputs(
        inputs.firebender, None, inputs.credits, inputs.committers
    )
    return metrics.verdict.answer(found, end, "firebender").sentence


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
) -> alerting.Outcome:
    """Send this week's digest on every configured channel that has not had it."""
    through = alerting.settled_through(today)
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
        verdict=verdict(store, sunday, price),
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
        for item in deliver.send(message, settings.only(channel), session=session, secrets=secrets):
            if item.ok:
                outcome.table = lifecycle.delivered(outcome.table, [key], channel, now)
                outcome.sent[f"{channel} (digest)"] = 1
            else:
                outcome.table = lifecycle.delivered(outcome.table, [key], channel, now, item.error)
                outcome.errors.append(f"{channel} (digest): {item.error}")
    return outcome
