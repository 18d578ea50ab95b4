"""What `python -m sync --alert` and the Alerts & budgets page both do with a series frame:
the last settled day of each kind, the month's projections, and judging settled days into the
alerts table (nothing written here: sync writes, the page only shows)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from connectors import endpoints

from . import anomalies, budgets, forecast, lifecycle, series

REQUESTS = "firebender.model_requests"
PIPELINES = "codefresh.pipeline_credit_consumption"
CREDITS = "codefresh.credit_consumption"
AI_KINDS = ("org_ai_spend_usd", "person_ai_spend_usd", "team_ai_spend_usd")
CI_KINDS = ("org_ci_credits", "pipeline_ci_credits", "team_ci_credits")


def settled_through(today: dt.date) -> dict[str, dt.date]:
    """The last settled day of each series kind."""
    ai = today - dt.timedelta(days=endpoints.get(REQUESTS).unsettled_days + 1)
    ci = today - dt.timedelta(days=endpoints.get(PIPELINES).unsettled_days + 1)
    return {**dict.fromkeys(AI_KINDS, ai), **dict.fromkeys(CI_KINDS, ci)}


def project_month(
    frame: pd.DataFrame, through: dict[str, dt.date], price: float | None, coverage=None
):
    """Month-end projections of the current month for the organisation and each team: a list
    of dicts (scope, measure, month, through, actual so far, projection or None, why).
    `coverage`: the forecast's measured coverage by day of the month (forecast.withheld)."""
    last_ai, last_ci = through["org_ai_spend_usd"], through["org_ci_credits"]
    month = min(last_ai, last_ci).replace(day=1)
    found = []
    scopes = ["org", *sorted(frame.loc[frame["kind"].str.startswith("team_"), "subject"].unique())]
    for scope in scopes:
        prefix = "org" if scope == "org" else "team"
        for measure, kind, last in (
            ("ai_spend_usd", f"{prefix}_ai_spend_usd", last_ai),
            ("ci_credits", f"{prefix}_ci_credits", last_ci),
        ):
            daily = series.one(frame, kind, scope)
            if daily.empty:
                continue
            projection = forecast.project(daily, month, last)
            why = None if projection else forecast.why_not(daily, month, last)
            if projection is not None and not projection.complete:
                # A stretch of the month where the interval is measured to miss too often.
                why = forecast.withheld(month, last, coverage)
                projection = None if why else projection
            item = {"scope": scope, "measure": measure, "month": month, "through": last}
            item["actual"] = _so_far(daily, month, last)  # said even without a projection
            found.append({**item, "projection": projection, "unit": _unit(measure), "why": why})
            if measure == "ci_credits" and price is not None:
                scaled = forecast.project(daily * price, month, last) if projection else None
                found.append(
                    {
                        **item,
                        "measure": "ci_spend_usd",
                        "projection": scaled,
                        "actual": None if item["actual"] is None else item["actual"] * price,
                        "unit": "USD",
                        "why": why,
                    }
                )
    return found


def _so_far(daily: pd.Series, month: dt.date, through: dt.date) -> float | None:
    """The month's settled days with data, summed (None: none has data, or a day of them is
    unknown - a sum with an unknown part is unknown)."""
    index = pd.DatetimeIndex(daily.index)
    days = daily[(index >= pd.Timestamp(month)) & (index <= pd.Timestamp(through))]
    if days.isna().any():
        return None
    return float(days.sum()) if len(days) else None


def assess(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    through: dict[str, dt.date],
    first_judged: dt.date,
    chosen: budgets.Budgets | None,
    price: float | None,
    now: dt.datetime,
    link=None,
    judge: bool = True,
) -> tuple[pd.DataFrame, list[dict]]:
    """What sync and the Alerts & budgets page both do with a series frame: judge its settled
    days from `first_judged`, grow and resolve the episodes of `table`, project the month, and
    check each projection against its budget. The new table (nothing written) and the
    projections, each with its `budget` and `status`. Without `judge` (the overview's month
    row) the anomalies of `table` are left as they are: detection is not run."""
    if judge and not frame.empty:
        judged = anomalies.evaluate(frame, first_judged, max(through.values()), through)
        table = lifecycle.update(table, judged, now, link=link)
    found = project_month(frame, through, price) if not frame.empty else []
    checked = []
    for item in found:
        budget = chosen.get(item["scope"], item["measure"]) if chosen else None
        item["budget"] = budget
        item["status"] = budgets.status(
            item["projection"], budget, item.get("actual"), unit=item["unit"], why=item.get("why")
        )
        projection = item["projection"]
        if budget is not None and projection is not None:
            checked.append(
                {
                    **item,
                    "over": bool(item["status"].over),
                    "expected": projection.expected,
                    "low": projection.low,
                    "high": projection.high,
                    "link": link("budget", item["scope"], item["through"]) if link else None,
                }
            )
    return lifecycle.update_budgets(table, checked, now), found


def _unit(measure: str) -> str:
    return "credits" if measure == "ci_credits" else "USD"
