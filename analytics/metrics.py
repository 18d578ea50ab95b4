"""Cross-vendor joins and derived metrics. Pure pandas: frames in, frames out, no Streamlit.

Time columns are naive `datetime64[ns]` at UTC midnight. A period is labelled by its first day
(ISO weeks start on Monday, as the vendors label them). Every table built here has one row per
period of the range, even where a vendor had no rows (NA for "not loaded", 0 for "no activity"),
plus `period_end` and `complete` (whether the range covers the whole period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from connectors.base import period_floor
from connectors.ranges import utc_today

GRAINS = ("day", "week", "month", "quarter")
GRAIN_LABELS = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter"}
NS = "datetime64[ns]"

# ---------------------------------------------------------------- metric definitions


@dataclass(frozen=True)
class Metric:
    column: str
    label: str
    vendor: str  # "builder", "firebender", "codefresh" or "derived"
    definition: str
    unit: str = "count"  # count | usd | credits | ratio | share
    only_monthly: bool = False


METRICS: dict[str, Metric] = {
    m.column: m
    for m in (
        Metric(
            "builder_users",
            "Builder.io users",
            "builder",
            "Distinct people with Fusion activity in the period, as Builder.io counts them "
            "(organization metrics, `users`).",
        ),
        Metric(
            "builder_prompts",
            "Builder.io prompts",
            "builder",
            "Prompts people sent to Fusion in the period (`userPrompts`).",
        ),
        Metric(
            "builder_lines_accepted",
            "Builder.io accepted lines",
            "builder",
            "Lines of Fusion-generated code accepted in the period (`linesAccepted`).",
        ),
        Metric(
            "builder_acceptance",
            "Builder.io acceptance",
            "builder",
            "Accepted lines / lines generated (`linesAccepted` / `totalLines`).",
            unit="share",
        ),
        Metric(
            "firebender_active_users",
            "Firebender active users",
            "firebender",
            "Distinct people (by email) with at least one agent prompt, inline edit or accepted "
            "autocomplete on some day of the period. Opening the IDE alone does not count.",
        ),
        Metric(
            "firebender_agent_prompts",
            "Firebender agent prompts",
            "firebender",
            "Agent prompts sent in the period (`agentPrompts`, summed over people and days).",
        ),
        Metric(
            "firebender_accepted_lines",
            "Firebender accepted lines",
            "firebender",
            "Lines added through accepted agent suggestions plus lines added through accepted "
            "inline edits (`agentAcceptedLinesAdded` + `inlineAcceptedLinesAdded`).",
        ),
        Metric(
            "firebender_autocomplete_accepts",
            "Firebender autocomplete accepts",
            "firebender",
            "Autocomplete suggestions accepted in the period (`autocompleteAccepts`).",
        ),
        Metric(
            "model_spend_usd",
            "AI model spend (USD)",
            "firebender",
            "Sum of `costUsd` over every Firebender model request in the period (all spend "
            "types: included, on-demand and bring-your-own-key). Requests are only available "
            "from 2025-12-31.",
            unit="usd",
        ),
        Metric(
            "ci_credits",
            "CI credits",
            "codefresh",
            "Codefresh credits consumed in the period, all resource classes "
            "(`creditConsumption` report, daily values summed).",
            unit="credits",
        ),
        Metric(
            "ci_spend_usd",
            "CI spend (USD)",
            "codefresh",
            "CI credits x the price per credit you set (CODEFRESH_USD_PER_CREDIT or the field on "
            "this page). Codefresh does not report money.",
            unit="usd",
        ),
        Metric(
            "active_committers",
            "Active committers",
            "codefresh",
            "Distinct people who committed in the calendar month (Codefresh `activeCommitters`, "
            "reported per month only).",
            only_monthly=True,
        ),
        Metric(
            "ai_active_developers",
            "AI-active developers",
            "derived",
            "People who used an AI assistant in the period, counted from the source chosen on "
            "the Overview: Firebender active users, Builder.io users, or both added together "
            "(someone who uses both tools is then counted twice; the vendors give Builder.io "
            "users only as a count, so they cannot be matched by person).",
        ),
        Metric(
            "ai_accepted_lines",
            "AI accepted lines",
            "derived",
            "Builder.io accepted lines + Firebender accepted lines.",
        ),
        Metric(
            "ai_adoption_rate",
            "AI adoption rate",
            "derived",
            "AI-active developers in the month / active committers in the month. Monthly only, "
            "because Codefresh counts active committers per calendar month. Can exceed 100% when "
            "people use AI without committing.",
            unit="share",
            only_monthly=True,
        ),
        Metric(
            "credits_per_ai_developer",
            "CI credits per AI-active developer",
            "derived",
            "CI credits / AI-active developers, per period.",
            unit="credits",
        ),
        Metric(
            "credits_per_accepted_line",
            "CI credits per accepted AI line",
            "derived",
            "CI credits / AI accepted lines, per period.",
            unit="credits",
        ),
        Metric(
            "ai_share_of_spend",
            "AI share of spend",
            "derived",
            "AI model spend / (AI model spend + CI spend), per period.",
            unit="share",
        ),
    )
}

AI_SOURCES = {
    "firebender": "Firebender active users",
    "builder": "Builder.io users",
    "both": "Both, added (may double-count)",
}

# The measures a person can put on the scatter's x axis (adoption side).
ADOPTION_MEASURES = (
    "ai_active_developers",
    "ai_accepted_lines",
    "firebender_agent_prompts",
    "builder_prompts",
    "model_spend_usd",
)


def definition(column: str) -> str:
    metric = METRICS.get(column)
    return metric.definition if metric else ""


def label(column: str) -> str:
    metric = METRICS.get(column)
    return metric.label if metric else column.replace("_", " ").capitalize()


# ---------------------------------------------------------------- periods


def floor_periods(times: pd.Series, grain: str) -> pd.Series:
    """The first day of each time's period, as naive datetime64[ns]."""
    times = pd.Series(times)
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    times = times.astype(NS).dt.normalize()
    if grain == "day":
        return times
    if grain == "week":
        return (times - pd.to_timedelta(times.dt.day_of_week, unit="D")).astype(NS)
    if grain == "month":
        return times.dt.to_period("M").dt.start_time.astype(NS)
    if grain == "quarter":
        return times.dt.to_period("Q").dt.start_time.astype(NS)
    raise ValueError(f"unknown grain {grain!r}")


def next_period(day: dt.date, grain: str) -> dt.date:
    start = period_floor(day, grain)
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(days=7)
    months = 1 if grain == "month" else 3
    total = start.year * 12 + start.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def periods(start: dt.date, end: dt.date, grain: str, today: dt.date | None = None) -> pd.DataFrame:
    """Every period overlapping [start, end]: `period`, `period_end` (its last day, as a date
    time), `complete` (the range covers the whole period, and the period is over: today's
    numbers are still coming in)."""
    today = today or utc_today()
    rows, cursor = [], period_floor(start, grain)
    while cursor <= end:
        following = next_period(cursor, grain)
        last = following - dt.timedelta(days=1)
        rows.append((cursor, last, cursor >= start and last <= end and last < today))
        cursor = following
    frame = pd.DataFrame(rows, columns=["period", "period_end", "complete"])
    frame["period"] = pd.to_datetime(frame["period"]).astype(NS)
    frame["period_end"] = pd.to_datetime(frame["period_end"]).astype(NS)
    frame["complete"] = frame["complete"].astype(bool)
    return frame


def snap_start(start: dt.date, grain: str) -> dt.date:
    """The first day of the period holding `start`: loads cover whole periods."""
    return period_floor(start, grain)


# ---------------------------------------------------------------- per-vendor aggregation


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _frame(index: pd.DataFrame, parts: dict[str, pd.Series]) -> pd.DataFrame:
    out = index[["period"]].copy()
    for name, series in parts.items():
        out[name] = out["period"].map(series).astype("float64")
    return out


def builder_by_period(org: pd.DataFrame | None, index: pd.DataFrame) -> pd.DataFrame:
    """Builder.io organization metrics (already at the grain) on the period index."""
    columns = {
        "builder_users": "users",
        "builder_prompts": "user_prompts",
        "builder_lines_accepted": "lines_accepted",
    }
    if org is None:
        return index[["period"]].assign(**{name: np.nan for name in columns})
    grouped = org.assign(period=org["period"].astype(NS)).groupby("period")
    parts = {name: grouped[source].sum(min_count=1).pipe(_num) for name, source in columns.items()}
    # Builder.io counts users per period itself: a sum over duplicate labels would be wrong,
    # so take the largest (labels are unique in a correct response).
    parts["builder_users"] = grouped["users"].max().pipe(_num)
    return _fill(_frame(index, parts), columns)


def firebender_active(daily: pd.DataFrame) -> pd.Series:
    """Whether each daily-usage row shows AI use (not just an opened IDE)."""
    used = daily[["agent_prompts", "inline_edits", "autocomplete_accepts"]].fillna(0)
    return (used > 0).any(axis=1)


def firebender_by_period(
    daily: pd.DataFrame | None, index: pd.DataFrame, grain: str
) -> pd.DataFrame:
    names = (
        "firebender_active_users",
        "firebender_agent_prompts",
        "firebender_accepted_lines",
        "firebender_autocomplete_accepts",
    )
    if daily is None:
        return index[["period"]].assign(**{name: np.nan for name in names})
    d = daily.assign(period=floor_periods(daily["date"], grain))
    d["accepted_lines"] = _num(d["agent_accepted_lines_added"]).fillna(0) + _num(
        d["inline_accepted_lines_added"]
    ).fillna(0)
    grouped = d.groupby("period")
    parts = {
        "firebender_active_users": d.loc[firebender_active(d)].groupby("period")["email"].nunique(),
        "firebender_agent_prompts": grouped["agent_prompts"].sum().pipe(_num),
        "firebender_accepted_lines": grouped["accepted_lines"].sum(),
        "firebender_autocomplete_accepts": grouped["autocomplete_accepts"].sum().pipe(_num),
    }
    return _fill(_frame(index, parts), names)


def spend_by_period(
    requests: pd.DataFrame | None,
    index: pd.DataFrame,
    grain: str,
    served_from: dt.date | None = None,
) -> pd.DataFrame:
    """Model spend per period. Periods before `served_from` (no request data exists) are NA,
    not zero."""
    if requests is None:
        return index[["period"]].assign(model_spend_usd=np.nan)
    r = pd.DataFrame(
        {"period": floor_periods(requests["timestamp"], grain), "cost": _num(requests["cost_usd"])}
    )
    out = _fill(
        _frame(index, {"model_spend_usd": r.groupby("period")["cost"].sum()}), ["model_spend_usd"]
    )
    if served_from is not None:
        # A period that starts before the first day with data would be partly empty: NA.
        out.loc[out["period"] < pd.Timestamp(served_from), "model_spend_usd"] = np.nan
    return out


def credits_by_period(
    credits: pd.DataFrame | None,
    index: pd.DataFrame,
    grain: str,
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """Codefresh credits (daily or monthly rows, any keys) summed per period."""
    if credits is None:
        return index[["period"]].assign(ci_credits=np.nan, ci_spend_usd=np.nan)
    c = pd.DataFrame(
        {"period": floor_periods(credits["period"], grain), "value": _num(credits["value"])}
    )
    out = _fill(_frame(index, {"ci_credits": c.groupby("period")["value"].sum()}), ["ci_credits"])
    out["ci_spend_usd"] = (
        out["ci_credits"] * usd_per_credit if usd_per_credit is not None else np.nan
    )
    return out


def committers_by_month(committers: pd.DataFrame | None, index: pd.DataFrame) -> pd.DataFrame:
    """Active committers on a monthly index (NA where the report has no month)."""
    if committers is None or committers.empty:
        return index[["period"]].assign(active_committers=np.nan)
    c = committers.assign(period=floor_periods(committers["period"], "month"))
    return _frame(index, {"active_committers": c.groupby("period")["value"].max().pipe(_num)})


def _fill(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A loaded vendor with no row for a period had no activity then: 0, not NA."""
    for name in columns:
        frame[name] = frame[name].fillna(0.0)
    return frame


# ---------------------------------------------------------------- the overview table


@dataclass
class OverviewInputs:
    """What the overview is built from; None = not loaded (not connected or failed)."""

    builder: pd.DataFrame | None = None  # org_metrics at the grain
    firebender: pd.DataFrame | None = None  # daily_usage
    requests: pd.DataFrame | None = None  # model_requests
    credits: pd.DataFrame | None = None  # credit_consumption (day granularity)
    committers: pd.DataFrame | None = None  # active_committers (monthly)
    requests_from: dt.date | None = None  # first day model requests exist


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.where(denominator > 0)
    return numerator / den


def overview_table(
    inputs: OverviewInputs,
    start: dt.date,
    end: dt.date,
    grain: str,
    ai_source: str = "firebender",
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """One row per period of [start, end] at `grain` with every vendor measure and the derived
    metrics. Monthly-only metrics (active committers, adoption rate) are filled only when
    grain == "month"; at other grains they are absent, never interpolated."""
    if ai_source not in AI_SOURCES:
        raise ValueError(f"ai_source must be one of {sorted(AI_SOURCES)}")
    index = periods(start, end, grain)
    table = index.copy()
    for part in (
        builder_by_period(inputs.builder, index),
        firebender_by_period(inputs.firebender, index, grain),
        spend_by_period(inputs.requests, index, grain, inputs.requests_from),
        credits_by_period(inputs.credits, index, grain, usd_per_credit),
    ):
        table = table.merge(part, on="period", how="left")
    builder_users, firebender_users = table["builder_users"], table["firebender_active_users"]
    if ai_source == "firebender":
        table["ai_active_developers"] = firebender_users
    elif ai_source == "builder":
        table["ai_active_developers"] = builder_users
    else:
        table["ai_active_developers"] = builder_users.add(firebender_users, fill_value=0).where(
            builder_users.notna() | firebender_users.notna()
        )
    lines_b, lines_f = table["builder_lines_accepted"], table["firebender_accepted_lines"]
    table["ai_accepted_lines"] = lines_b.add(lines_f, fill_value=0).where(
        lines_b.notna() | lines_f.notna()
    )
    table["credits_per_ai_developer"] = _ratio(table["ci_credits"], table["ai_active_developers"])
    table["credits_per_accepted_line"] = _ratio(table["ci_credits"], table["ai_accepted_lines"])
    table["ai_share_of_spend"] = _ratio(
        table["model_spend_usd"], table["model_spend_usd"] + table["ci_spend_usd"]
    )
    if grain == "month":
        table = table.merge(committers_by_month(inputs.committers, index), on="period", how="left")
        table["ai_adoption_rate"] = _ratio(
            table["ai_active_developers"], table["active_committers"]
        )
    return table


def monthly_table(
    inputs: OverviewInputs,
    start: dt.date,
    end: dt.date,
    ai_source: str,
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """The overview at month grain (the only grain with active committers)."""
    return overview_table(inputs, start, end, "month", ai_source, usd_per_credit)


# ---------------------------------------------------------------- KPI tiles


@dataclass(frozen=True)
class Kpi:
    column: str
    label: str
    value: float | None
    previous: float | None
    period: pd.Timestamp | None
    previous_period: pd.Timestamp | None
    definition: str
    unit: str

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def delta_pct(self) -> float | None:
        if self.delta is None or not self.previous:
            return None
        return self.delta / abs(self.previous)


def latest_complete(table: pd.DataFrame) -> tuple[int | None, int | None]:
    """Row positions of the latest complete period and the one before it (the latest period
    is used when none is complete)."""
    if table.empty:
        return None, None
    complete = np.flatnonzero(table["complete"].to_numpy())
    last = int(complete[-1]) if len(complete) else len(table) - 1
    return last, (last - 1 if last > 0 else None)


def kpis(table: pd.DataFrame, columns: list[str]) -> list[Kpi]:
    """Each column's value in the latest complete period and in the period before it."""
    last, before = latest_complete(table)
    out = []
    for column in columns:
        metric = METRICS.get(column)
        value = previous = None
        period = previous_period = None
        if last is not None and column in table:
            value = _scalar(table[column].iloc[last])
            period = table["period"].iloc[last]
            if before is not None:
                previous = _scalar(table[column].iloc[before])
                previous_period = table["period"].iloc[before]
        out.append(
            Kpi(
                column,
                label(column),
                value,
                previous,
                period,
                previous_period,
                definition(column),
                metric.unit if metric else "count",
            )
        )
    return out


def _scalar(value) -> float | None:
    return None if pd.isna(value) else float(value)


# ---------------------------------------------------------------- correlation with lag


@dataclass(frozen=True)
class Correlation:
    pairs: pd.DataFrame  # period, x, y (y taken `lag` periods later), y_period
    r: float | None
    n: int
    lag: int
    note: str


MIN_PAIRS = 3


def lagged_pairs(
    table: pd.DataFrame, x: str, y: str, lag: int = 0, complete_only: bool = True
) -> pd.DataFrame:
    """x in period t beside y in period t + lag, for periods where both are known."""
    if lag < 0:
        raise ValueError("lag must be 0 or more periods")
    t = table.reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "period": t["period"],
            "x": pd.to_numeric(t[x], errors="coerce").astype("float64") if x in t else np.nan,
            "y": (
                pd.to_numeric(t[y], errors="coerce").astype("float64").shift(-lag)
                if y in t
                else np.nan
            ),
            "y_period": t["period"].shift(-lag),
            "complete": t["complete"] & t["complete"].shift(-lag, fill_value=False),
        }
    )
    if complete_only:
        frame = frame[frame["complete"]]
    return frame.dropna(subset=["x", "y"]).drop(columns="complete").reset_index(drop=True)


def correlation(table: pd.DataFrame, x: str, y: str, lag: int = 0) -> Correlation:
    """Pearson's r between x and y `lag` periods later, over complete periods only."""
    pairs = lagged_pairs(table, x, y, lag)
    n = len(pairs)
    for column in (x, y):
        if column not in table or table[column].isna().all():
            return Correlation(
                pairs,
                None,
                0,
                lag,
                f"No {label(column)} in this range (its "
                f"vendor is not connected or failed), so "
                f"there is nothing to correlate.",
            )
    if n < MIN_PAIRS:
        return Correlation(
            pairs,
            None,
            n,
            lag,
            f"Not enough periods to correlate: {n} complete "
            f"pair(s); at least {MIN_PAIRS} are needed.",
        )
    if pairs["x"].nunique() < 2 or pairs["y"].nunique() < 2:
        return Correlation(
            pairs,
            None,
            n,
            lag,
            "One of the two measures does not vary, so there is no correlation to compute.",
        )
    r = float(np.corrcoef(pairs["x"], pairs["y"])[0, 1])
    return Correlation(pairs, r, n, lag, f"r = {r:+.2f} over {n} complete periods")


def strength(r: float | None) -> str:
    if r is None:
        return "unknown"
    size = abs(r)
    word = (
        "very weak"
        if size < 0.2
        else "weak"
        if size < 0.4
        else "moderate"
        if size < 0.6
        else "strong"
        if size < 0.8
        else "very strong"
    )
    return f"{word} {'positive' if r > 0 else 'negative'}" if size >= 0.2 else word


def max_lag(table: pd.DataFrame) -> int:
    complete = int(table["complete"].sum()) if "complete" in table else 0
    return max(0, min(6, complete - MIN_PAIRS))


# ---------------------------------------------------------------- vendor pages


def long_format(table: pd.DataFrame, columns: list[str], id_column: str = "period") -> pd.DataFrame:
    """period, measure (label), value, vendor - for multi-series charts."""
    present = [c for c in columns if c in table]
    long = table.melt(
        id_vars=[id_column], value_vars=present, var_name="column", value_name="value"
    )
    long["measure"] = long["column"].map(label)
    long["vendor"] = long["column"].map(lambda c: METRICS[c].vendor if c in METRICS else "")
    return long.dropna(subset=["value"]).reset_index(drop=True)


def sum_by_period(
    frame: pd.DataFrame,
    time_column: str,
    grain: str,
    value_columns: list[str],
    by: str | None = None,
) -> pd.DataFrame:
    """Sums of `value_columns` per period (and per `by`), as float columns."""
    keys = ["period"] + ([by] if by else [])
    if frame.empty:
        return pd.DataFrame(
            {k: pd.Series(dtype=NS if k == "period" else "str") for k in keys}
            | {c: pd.Series(dtype="float64") for c in value_columns}
        )
    data = pd.DataFrame({"period": floor_periods(frame[time_column], grain)})
    if by:
        data[by] = frame[by].astype("str").to_numpy()
    for column in value_columns:
        data[column] = _num(frame[column]).to_numpy()
    return data.groupby(keys, as_index=False, observed=True)[value_columns].sum()


def top_n(
    frame: pd.DataFrame, by: str, value: str, n: int = 10, other: str | None = None
) -> pd.DataFrame:
    """The n largest `by` groups of `value` (with `other`: the rest summed into one row)."""
    totals = frame.groupby(by, observed=True, as_index=False)[value].sum()
    totals = totals.sort_values(value, ascending=False, ignore_index=True)
    if len(totals) <= n:
        return totals
    if other is None:
        return totals.iloc[:n].reset_index(drop=True)
    head, rest = totals.iloc[:n], totals.iloc[n:]
    return pd.concat(
        [head, pd.DataFrame({by: [other], value: [rest[value].sum()]})], ignore_index=True
    )


def keep_top(
    frame: pd.DataFrame,
    by: str,
    value: str,
    n: int = 8,
    other: str = "Other",
    keys: tuple[str, ...] = ("period",),
) -> pd.DataFrame:
    """`frame` summed per `keys` + `by`, with every `by` outside the n largest (by total
    `value`) merged into one `other` group, so a chart never has more series than it can show."""
    if frame.empty:
        return frame
    names = frame[by].astype("str")
    order = frame.assign(**{by: names}).groupby(by)[value].sum().sort_values(ascending=False)
    keep = set(order.index[:n])
    out = frame.assign(**{by: names.where(names.isin(keep), other)})
    return out.groupby([*keys, by], as_index=False, observed=True)[value].sum()


# Firebender ------------------------------------------------------------------

RATES = {
    "agent_accept_rate": (
        "Agent accept rate",
        "agent_accepts",
        "agent_prompts",
        "Agent suggestions accepted (a file or a single hunk) per agent prompt "
        "(`agentAccepts` / `agentPrompts`).",
    ),
    "agent_full_accept_rate": (
        "Agent full-accept rate",
        "agent_full_accepts",
        "agent_prompts",
        "Agent suggestions accepted all at once per agent prompt "
        "(`agentFullAccepts` / `agentPrompts`).",
    ),
    "inline_accept_rate": (
        "Inline edit accept rate",
        "inline_edit_accepts",
        "inline_edits",
        "Inline edits accepted per inline edit performed (`inlineEditAccepts` / `inlineEdits`).",
    ),
    "autocomplete_accept_rate": (
        "Autocomplete accept rate",
        "autocomplete_accepts",
        "autocomplete_shown",
        "Autocomplete suggestions accepted per suggestion shown "
        "(`autocompleteAccepts` / `autocompleteShown`).",
    ),
}


def active_users(daily: pd.DataFrame, grain: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """period, complete, firebender_active_users (distinct people in the period) and
    avg_daily_active_users (mean over the period's days in the range, zero days included)."""
    index = periods(start, end, grain)
    part = firebender_by_period(daily, index, grain)[["period", "firebender_active_users"]]
    table = index.merge(part, on="period", how="left")
    days = periods(start, end, "day")
    per_day = firebender_by_period(daily, days, "day")[["period", "firebender_active_users"]]
    per_day = per_day.assign(period=floor_periods(per_day["period"], grain))
    table["avg_daily_active_users"] = table["period"].map(
        per_day.groupby("period")["firebender_active_users"].mean()
    )
    return table


def active_users_long(table: pd.DataFrame, grain: str) -> pd.DataFrame:
    """period, measure, users - for the active-users chart (one series at day grain)."""
    columns = {
        "firebender_active_users": "Daily active users"
        if grain == "day"
        else f"Distinct active users per {grain}"
    }
    if grain != "day":
        columns["avg_daily_active_users"] = "Average daily active users"
    long = table.melt(
        id_vars="period", value_vars=list(columns), var_name="column", value_name="users"
    )
    long["measure"] = long["column"].map(columns)
    return long.drop(columns="column")


def acceptance_rates(daily: pd.DataFrame, grain: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """period, rate (label), value (0..1), accepted, offered - per period and rate."""
    index = periods(start, end, grain)
    needed = sorted({c for _, a, o, _ in RATES.values() for c in (a, o)})
    sums = sum_by_period(daily, "date", grain, needed)
    sums = (
        index[["period", "complete"]]
        .merge(sums, on="period", how="left")
        .fillna({c: 0.0 for c in needed})
    )
    rows = []
    for key, (name, accepted, offered, _) in RATES.items():
        rows.append(
            pd.DataFrame(
                {
                    "period": sums["period"],
                    "complete": sums["complete"],
                    "rate": name,
                    "key": key,
                    "accepted": sums[accepted],
                    "offered": sums[offered],
                    "value": _ratio(sums[accepted], sums[offered]),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def overall_rates(daily: pd.DataFrame) -> pd.DataFrame:
    """rate, value, accepted, offered, definition - over the whole range."""
    rows = []
    for key, (name, accepted, offered, text) in RATES.items():
        a = float(_num(daily[accepted]).sum()) if len(daily) else 0.0
        o = float(_num(daily[offered]).sum()) if len(daily) else 0.0
        rows.append(
            {
                "key": key,
                "rate": name,
                "value": a / o if o else np.nan,
                "accepted": a,
                "offered": o,
                "definition": text,
            }
        )
    return pd.DataFrame(rows)


def leaderboard(daily: pd.DataFrame, requests: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per person: active days, prompts, accepts, lines, autocomplete, rates, and model
    requests, tokens and cost when given. Sorted by accepted lines."""
    columns = [
        "agent_prompts",
        "agent_accepts",
        "agent_accepted_lines_added",
        "inline_edits",
        "inline_edit_accepts",
        "inline_accepted_lines_added",
        "autocomplete_accepts",
        "autocomplete_shown",
    ]
    if daily.empty:
        board = pd.DataFrame(
            {"email": pd.Series(dtype="str"), "active_days": pd.Series(dtype="int64")}
            | {c: pd.Series(dtype="float64") for c in columns}
        )
    else:
        d = daily.assign(active=firebender_active(daily))
        numbers = d[columns].apply(_num)
        numbers["email"] = d["email"].astype("str")
        board = numbers.groupby("email", as_index=False)[columns].sum()
        days = d.loc[d["active"]].groupby("email")["date"].nunique()
        board["active_days"] = board["email"].map(days).fillna(0).astype("int64")
    board["accepted_lines"] = (
        board["agent_accepted_lines_added"] + board["inline_accepted_lines_added"]
    )
    board["agent_accept_rate"] = _ratio(board["agent_accepts"], board["agent_prompts"])
    board["autocomplete_accept_rate"] = _ratio(
        board["autocomplete_accepts"], board["autocomplete_shown"]
    )
    if requests is not None:
        per = requests_by_person(requests)
        board = board.merge(per, on="email", how="outer")
    first = [
        "email",
        "active_days",
        "accepted_lines",
        "agent_prompts",
        "agent_accepts",
        "agent_accept_rate",
        "inline_edits",
        "inline_edit_accepts",
        "autocomplete_accepts",
        "autocomplete_accept_rate",
    ]
    rest = [c for c in board.columns if c not in first]
    return board[first + rest].sort_values(
        ["accepted_lines", "email"], ascending=[False, True], ignore_index=True, na_position="last"
    )


def top_spenders(board: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """email, cost_usd for the n people with the highest model cost (from `leaderboard`)."""
    if "cost_usd" not in board:
        return pd.DataFrame(
            {"email": pd.Series(dtype="str"), "cost_usd": pd.Series(dtype="float64")}
        )
    return top_n(board.dropna(subset=["cost_usd"]), "email", "cost_usd", n=n)


def requests_by_person(requests: pd.DataFrame) -> pd.DataFrame:
    if requests.empty:
        return pd.DataFrame(
            {
                "email": pd.Series(dtype="str"),
                "model_requests": pd.Series(dtype="int64"),
                "total_tokens": pd.Series(dtype="float64"),
                "cost_usd": pd.Series(dtype="float64"),
            }
        )
    r = pd.DataFrame(
        {
            "email": requests["email"].astype("str"),
            "total_tokens": _num(requests["total_tokens"]),
            "cost_usd": _num(requests["cost_usd"]),
        }
    )
    out = r.groupby("email", as_index=False).agg(
        model_requests=("cost_usd", "size"),
        total_tokens=("total_tokens", "sum"),
        cost_usd=("cost_usd", "sum"),
    )
    return out


def requests_breakdown(requests: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of `by` (model, mode, spend_type): requests, tokens, cost, share of cost."""
    if requests.empty:
        return pd.DataFrame(
            {
                by: pd.Series(dtype="str"),
                "requests": pd.Series(dtype="int64"),
                "total_tokens": pd.Series(dtype="float64"),
                "cost_usd": pd.Series(dtype="float64"),
                "cost_share": pd.Series(dtype="float64"),
            }
        )
    r = pd.DataFrame(
        {
            by: requests[by].astype("str").fillna("(none)"),
            "total_tokens": _num(requests["total_tokens"]),
            "cost_usd": _num(requests["cost_usd"]),
        }
    )
    out = r.groupby(by, as_index=False).agg(
        requests=("cost_usd", "size"),
        total_tokens=("total_tokens", "sum"),
        cost_usd=("cost_usd", "sum"),
    )
    total = out["cost_usd"].sum()
    out["cost_share"] = out["cost_usd"] / total if total else np.nan
    return out.sort_values("cost_usd", ascending=False, ignore_index=True)


TOKEN_KINDS = {
    "input_tokens": "Input",
    "output_tokens": "Output",
    "cache_read_tokens": "Cache read",
    "cache_write_tokens": "Cache write",
}


def tokens_by_period(requests: pd.DataFrame, grain: str) -> pd.DataFrame:
    """period, kind (Input/Output/Cache read/Cache write), tokens."""
    sums = sum_by_period(requests, "timestamp", grain, list(TOKEN_KINDS))
    long = sums.melt(id_vars="period", var_name="kind", value_name="tokens")
    long["kind"] = long["kind"].map(TOKEN_KINDS)
    return long


def cost_by_period(requests: pd.DataFrame, grain: str, by: str = "spend_type") -> pd.DataFrame:
    return sum_by_period(requests, "timestamp", grain, ["cost_usd"], by=by)


# Builder ---------------------------------------------------------------------

BUILDER_TREND = {
    "lines_accepted": "Accepted lines",
    "lines_added": "Lines added",
    "lines_removed": "Lines removed",
    "total_lines": "Lines generated",
    "user_prompts": "Prompts",
    "users": "Users",
    "events": "Events",
}
BUILDER_TOKENS = {
    "tokens_input": "Input",
    "tokens_output": "Output",
    "tokens_cache_write": "Cache write",
    "tokens_cache_input": "Cache input",
}


def builder_trend(org: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """period, measure, value for the chosen organization columns."""
    present = [c for c in columns if c in org]
    long = org.melt(id_vars="period", value_vars=present, var_name="column", value_name="value")
    long["measure"] = long["column"].map(BUILDER_TREND)
    long["value"] = _num(long["value"])
    return long


def builder_org_table(org: pd.DataFrame, start: dt.date, end: dt.date, grain: str) -> pd.DataFrame:
    """The organization metrics on the full period index, with overview column names and the
    acceptance share."""
    index = periods(start, end, grain)
    table = index.merge(builder_by_period(org, index), on="period", how="left")
    total = org.assign(period=org["period"].astype(NS)).groupby("period")["total_lines"].sum()
    table["builder_total_lines"] = table["period"].map(_num(total)).fillna(0.0)
    table["builder_acceptance"] = _ratio(
        table["builder_lines_accepted"], table["builder_total_lines"]
    )
    return table


def space_series(spaces: pd.DataFrame, n: int = 6) -> pd.DataFrame:
    """period, space_name, lines_accepted; spaces beyond the n largest merged into "Other"."""
    named = spaces.assign(
        space_name=spaces["space_name"].fillna(spaces["space_id"]),
        lines_accepted=_num(spaces["lines_accepted"]),
    )
    return keep_top(
        named[["period", "space_name", "lines_accepted"]], "space_name", "lines_accepted", n=n
    )


def space_totals(spaces: pd.DataFrame) -> pd.DataFrame:
    """One row per space over the range: lines generated, accepted, added, removed, acceptance."""
    cols = ["total_lines", "lines_accepted", "lines_added", "lines_removed"]
    if spaces.empty:
        return pd.DataFrame(
            {"space_name": pd.Series(dtype="str")}
            | {c: pd.Series(dtype="float64") for c in cols + ["acceptance"]}
        )
    s = spaces[cols].apply(_num)
    s["space_name"] = spaces["space_name"].astype("str").fillna(spaces["space_id"].astype("str"))
    out = s.groupby("space_name", as_index=False)[cols].sum()
    out["acceptance"] = _ratio(out["lines_accepted"], out["total_lines"])
    return out.sort_values("lines_accepted", ascending=False, ignore_index=True)


def space_tokens(space: pd.DataFrame) -> pd.DataFrame:
    """period, kind, tokens for one space's metrics."""
    present = [c for c in BUILDER_TOKENS if c in space]
    long = space.melt(id_vars="period", value_vars=present, var_name="kind", value_name="tokens")
    long["kind"] = long["kind"].map(BUILDER_TOKENS)
    long["tokens"] = _num(long["tokens"])
    return long


def token_totals(space: pd.DataFrame) -> pd.DataFrame:
    """kind, tokens, share - a space's tokens over the whole range."""
    totals = [
        (name, float(_num(space[column]).sum()) if column in space else 0.0)
        for column, name in BUILDER_TOKENS.items()
    ]
    out = pd.DataFrame(totals, columns=["kind", "tokens"])
    whole = out["tokens"].sum()
    out["share"] = out["tokens"] / whole if whole else np.nan
    return out


def builder_users_table(users: pd.DataFrame) -> pd.DataFrame:
    """The users endpoint's rows, most accepted lines first, the useful columns first."""
    first = [
        "user_email",
        "last_active",
        "user_prompts",
        "lines_accepted",
        "lines_added",
        "total_lines",
        "events",
        "credits_used",
        "prs_merged",
        "design_exports",
        "tokens_total",
    ]
    present = [c for c in first if c in users]
    rest = [c for c in users.columns if c not in present]
    return users[present + rest].sort_values(
        ["lines_accepted", "user_email"], ascending=[False, True], ignore_index=True
    )


# Codefresh -------------------------------------------------------------------


def credits_by_key(credits: pd.DataFrame, grain: str) -> pd.DataFrame:
    """period, key, credits (e.g. per resource class)."""
    out = sum_by_period(credits, "period", grain, ["value"], by="key")
    return out.rename(columns={"value": "credits"})


def pipeline_ranking(pipelines: pd.DataFrame) -> pd.DataFrame:
    """pipeline, credits, share - from pipeline credit consumption with no granularity."""
    if pipelines.empty:
        return pd.DataFrame(
            {
                "pipeline": pd.Series(dtype="str"),
                "credits": pd.Series(dtype="float64"),
                "share": pd.Series(dtype="float64"),
            }
        )
    p = pd.DataFrame(
        {"pipeline": pipelines["key"].astype("str"), "credits": _num(pipelines["value"])}
    )
    out = p.groupby("pipeline", as_index=False)["credits"].sum()
    total = out["credits"].sum()
    out["share"] = out["credits"] / total if total else np.nan
    return out.sort_values("credits", ascending=False, ignore_index=True)


def committers_table(committers: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """period (month), active_committers, complete (False for a month still running on `end`)."""
    if committers.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype=NS),
                "active_committers": pd.Series(dtype="float64"),
                "complete": pd.Series(dtype="bool"),
            }
        )
    out = pd.DataFrame(
        {
            "period": floor_periods(committers["period"], "month"),
            "active_committers": _num(committers["value"]),
        }
    )
    last_days = out["period"] + pd.offsets.MonthEnd(0)
    out["complete"] = last_days <= pd.Timestamp(end)
    return out.sort_values("period", ignore_index=True)


# ---------------------------------------------------------------- filters (Explore)


def filter_frame(
    frame: pd.DataFrame,
    time_column: str | None,
    start: dt.date | None,
    end: dt.date | None,
    selections: dict[str, list],
) -> pd.DataFrame:
    """Rows inside [start, end] (by `time_column`) whose dimension values are among the
    selections (an empty selection keeps everything)."""
    mask = pd.Series(True, index=frame.index)
    if time_column and time_column in frame and (start or end):
        times = frame[time_column]
        if getattr(times.dtype, "tz", None) is not None:
            times = times.dt.tz_convert("UTC").dt.tz_localize(None)
        if start:
            mask &= times >= pd.Timestamp(start)
        if end:
            mask &= times < pd.Timestamp(end) + pd.Timedelta(days=1)
    for column, values in selections.items():
        if values and column in frame:
            mask &= frame[column].astype("str").isin([str(v) for v in values]).fillna(False)
    return frame.loc[mask.to_numpy()].reset_index(drop=True)


def dimension_values(frame: pd.DataFrame, column: str, limit: int = 500) -> list[str]:
    if column not in frame:
        return []
    values = frame[column].dropna().astype("str").unique().tolist()
    return sorted(values)[:limit]
