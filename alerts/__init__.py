"""Alerts, budgets and forecasts: pure pieces shared by `python -m sync --alert` and the app.

The package sits beside `teams/`: it never imports Streamlit, never sends a vendor request and
never writes the store (sync's alert step does, through `store.writer`).

- `series`:    daily series, long form, from the store's aggregates (frames in, frame out)
- `anomalies`: the detector: robust same-weekday baselines, upward only, a minimum size
- `forecast`:  the month-end projection from settled days, with the weekday pattern, 80% interval
- `budgets`:   the budgets file (`scope,measure,monthly_budget`): read, check, save; burn
- `lifecycle`: anomalies kept with their state (new, notified, resolved); never sent twice
- `messages`:  what an alert and the weekly digest say (Slack blocks and email), never a secret
- `deliver`:   a Slack-compatible webhook through the one HTTP policy, and SMTP

The shapes they share:

A **series frame** (long form): one row per (kind, subject, day) with columns
    kind     str: one of SERIES_KINDS
    subject  str: "org", an email (or its pseudonym), a pipeline name, or a team name
    day      datetime64[ns] (midnight, no time zone)
    value    float64: USD or credits that day; NaN = not known (never read as zero)
A subject's day with no spend or no builds, within the range its vendor holds, is 0.0.
"""

from __future__ import annotations

# kind -> (what it measures, who the subject is, unit)
SERIES_KINDS = {
    "org_ai_spend_usd": ("AI model spend", "organisation", "USD"),
    "org_ci_credits": ("CI credits", "organisation", "credits"),
    "person_ai_spend_usd": ("AI model spend", "person", "USD"),
    "pipeline_ci_credits": ("CI credits", "pipeline", "credits"),
    "team_ai_spend_usd": ("AI model spend", "team", "USD"),
    "team_ci_credits": ("CI credits", "team", "credits"),
}
SERIES_COLUMNS = ("kind", "subject", "day", "value")

# The measures a budget and a forecast are kept for.
MEASURES = {
    "ai_spend_usd": "AI model spend (USD)",
    "ci_credits": "CI credits",
    "ci_spend_usd": "CI spend (USD)",
}
