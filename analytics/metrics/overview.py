"""The overview table: every vendor's measures on one period index, and the derived metrics.

Every table built here has one row per period of the range, even where a vendor had no rows
(NA for "not loaded", 0 for "no activity"), plus `period_end` and `complete` (whether the range
covers the whole period)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import definitions
from .calendar import NS, floor_periods, periods
from .common import _num, _ratio
from .coverage import Span, blank_outside
from .definitions import AI_SOURCES


def _frame(index: pd.DataFrame, parts: dict[str, pd.Series]) -> pd.DataFrame:
    out = index[["period"]].copy()
    unknown = {}
    for name, series in parts.items():
        out[name] = out["period"].map(series).astype("float64")
        # A period whose sum is NaN (a row's documented number sent as null: a sum with an
        # unknown part) stays unknown; `_fill` zeroes only periods without rows.
        unknown[name] = out["period"].isin(series.index[series.isna()]).to_numpy()
    out.attrs["unknown"] = unknown
    return out


def builder_by_period(org: pd.DataFrame | None, index: pd.DataFrame) -> pd.DataFrame:
    """Builder.io organization metrics (already at the granularity) on the period index."""
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


firebender_active = definitions.ai_active  # the one definition of an AI-active day


def summed_by_day(daily: pd.DataFrame | None) -> bool:
    """Whether `daily` is the organisation's daily usage summed per day (the store's rollup:
    `active_people` per day) rather than one row per person and day."""
    return daily is not None and "active_people" in daily.columns


def firebender_by_period(
    daily: pd.DataFrame | None,
    index: pd.DataFrame,
    granularity: str,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Firebender's measures per period, from rows per person and day, or from the
    organisation's daily sums with `people`, the distinct people using AI per period
    (`period_kind`, `period`, `people`: DuckDB counted them, no person reaches pandas)."""
    names = (
        "firebender_active_users",
        "firebender_agent_prompts",
        "firebender_accepted_lines",
        "firebender_autocomplete_accepts",
        "firebender_daily_active",
    )
    if daily is None:
        return index[["period"]].assign(**{name: np.nan for name in names})
    if summed_by_day(daily):
        return _fill(_frame(index, _summed_parts(daily, index, granularity, people)), names)
    d = daily.assign(period=floor_periods(daily["date"], granularity))
    # People using AI on an average day of the period (every day of it, quiet ones as 0).
    days = pd.date_range(index["period"].min(), index["period_end"].max(), freq="D")
    per_day = d.loc[firebender_active(d)].groupby(floor_periods(d["date"], "day"))["email"]
    per_day = per_day.nunique().reindex(days, fill_value=0).astype("float64")
    daily_active = per_day.groupby(floor_periods(pd.Series(days), granularity).to_numpy()).mean()
    d["accepted_lines"] = definitions.accepted_lines(d)
    grouped = d.groupby("period")
    parts = {
        "firebender_active_users": d.loc[firebender_active(d)].groupby("period")["email"].nunique(),
        "firebender_agent_prompts": _num(grouped["agent_prompts"].sum(skipna=False)),
        "firebender_accepted_lines": grouped["accepted_lines"].sum(),
        "firebender_autocomplete_accepts": _num(grouped["autocomplete_accepts"].sum(skipna=False)),
        "firebender_daily_active": daily_active,
    }
    return _fill(_frame(index, parts), names)


def _summed_parts(daily, index, granularity, people) -> dict[str, pd.Series]:
    """firebender_by_period's measures from the organisation's daily sums."""
    if people is None:
        raise ValueError("daily usage summed per day needs its distinct people per period")
    d = daily.assign(period=floor_periods(daily["date"], granularity))
    days = pd.date_range(index["period"].min(), index["period_end"].max(), freq="D")
    per_day = d.groupby(floor_periods(d["date"], "day"))["active_people"].sum()
    per_day = per_day.reindex(days, fill_value=0).astype("float64")
    daily_active = per_day.groupby(floor_periods(pd.Series(days), granularity).to_numpy()).mean()
    counted = people[people["period_kind"] == granularity]
    active = pd.Series(
        counted["people"].to_numpy("float64"),
        index=pd.DatetimeIndex(counted["period"]).astype(NS),
    )
    grouped = d.groupby("period")
    return {
        "firebender_active_users": active,
        "firebender_agent_prompts": _num(grouped["agent_prompts"].sum(skipna=False)),
        "firebender_accepted_lines": grouped["accepted_lines"].sum().pipe(_num),
        "firebender_autocomplete_accepts": _num(grouped["autocomplete_accepts"].sum(skipna=False)),
        "firebender_daily_active": daily_active,
    }


def spend_by_period(
    requests: pd.DataFrame | None,
    index: pd.DataFrame,
    granularity: str,
    served_from: dt.date | None = None,
) -> pd.DataFrame:
    """Model spend per period. Periods before `served_from` (no request data exists) are NA,
    not zero."""
    if requests is None:
        return index[["period"]].assign(model_spend_usd=np.nan)
    r = pd.DataFrame(
        {
            "period": floor_periods(requests["timestamp"], granularity),
            "cost": _num(requests["cost_usd"]),
        }
    )
    out = _fill(
        _frame(index, {"model_spend_usd": r.groupby("period")["cost"].sum(skipna=False)}),
        ["model_spend_usd"],
    )
    if served_from is not None:
        # A period that starts before the first day with data would be partly empty: NA.
        out.loc[out["period"] < pd.Timestamp(served_from), "model_spend_usd"] = np.nan
    return out


def credits_by_period(
    credits: pd.DataFrame | None,
    index: pd.DataFrame,
    granularity: str,
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """Codefresh credits (daily or monthly rows, any keys) summed per period."""
    if credits is None:
        return index[["period"]].assign(ci_credits=np.nan, ci_spend_usd=np.nan)
    c = pd.DataFrame(
        {"period": floor_periods(credits["period"], granularity), "value": _num(credits["value"])}
    )
    summed = c.groupby("period")["value"].sum(skipna=False)
    out = _fill(_frame(index, {"ci_credits": summed}), ["ci_credits"])
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
    """A loaded vendor with no row for a period had no activity then: 0, not NA (a period
    whose sum is unknown stays NA)."""
    unknown = frame.attrs.get("unknown", {})
    for name in columns:
        frame[name] = frame[name].fillna(0.0)
        if name in unknown:
            frame.loc[unknown[name], name] = np.nan
    return frame


# ---------------------------------------------------------------- the overview table


@dataclass
class OverviewInputs:
    """What the overview is built from; None = not loaded (not connected or failed)."""

    builder: pd.DataFrame | None = None  # org_metrics at the granularity
    firebender: pd.DataFrame | None = None  # daily_usage (per person, or summed per day)
    # With `firebender` summed per day: distinct people using AI per period (period_kind,
    # period, people), counted by DuckDB from the store's rollup.
    firebender_people: pd.DataFrame | None = None
    requests: pd.DataFrame | None = None  # model_requests
    credits: pd.DataFrame | None = None  # credit_consumption (day granularity)
    committers: pd.DataFrame | None = None  # active_committers (monthly)
    requests_from: dt.date | None = None  # first day model requests exist
    # Which days each source has data for ("builder", "firebender", "requests", "codefresh"):
    # periods outside are NA, never 0.
    spans: dict[str, Span] = field(default_factory=dict)
    # Vendors whose load failed (not merely left out): a sum with their part is unknown.
    failed: frozenset[str] = frozenset()


VENDOR_COLUMNS = {
    "builder": ["builder_users", "builder_prompts", "builder_lines_accepted"],
    "firebender": [
        "firebender_active_users",
        "firebender_daily_active",
        "firebender_agent_prompts",
        "firebender_accepted_lines",
        "firebender_autocomplete_accepts",
    ],
    "requests": ["model_spend_usd"],
    "codefresh": ["ci_credits", "ci_spend_usd", "active_committers"],
}


def _both(a: pd.Series, b: pd.Series, a_loaded: bool, b_loaded: bool) -> pd.Series:
    """a + b where both are known; where a vendor is left out on purpose (not connected, or
    not split by team), the other alone. A vendor that failed counts as loaded: its part is NA,
    so the sum is unknown, not a smaller number."""
    if a_loaded and b_loaded:
        return a + b
    return a if a_loaded else b


def committers_per_period(committers: pd.DataFrame | None, index: pd.DataFrame) -> pd.Series:
    """Active committers for each period of `index` (period, period_end): the counts of the
    months holding its days, averaged over its days (a month still running: its count so far).
    NA where a month it touches has no count."""
    if committers is None or committers.empty or index.empty:
        return pd.Series(np.nan, index=index.index, dtype="float64")
    c = committers.assign(period=floor_periods(committers["period"], "month"))
    by_month = _num(c.groupby("period")["value"].max())
    by_month.index = pd.DatetimeIndex(by_month.index).astype(NS)
    days = pd.date_range(index["period"].min(), index["period_end"].max(), freq="D")
    per_day = by_month.reindex(days.to_period("M").start_time.astype(NS)).to_numpy("float64")
    which = np.searchsorted(index["period"].to_numpy(), days.to_numpy(), side="right") - 1
    frame = pd.DataFrame({"which": which, "heads": per_day})
    grouped = frame.groupby("which")["heads"]
    mean = grouped.mean().where(~frame["heads"].isna().groupby(frame["which"]).any())
    return pd.Series(mean.reindex(range(len(index))).to_numpy(), index=index.index)


def either_people(first: pd.Series, second: pd.Series, committers: pd.Series) -> pd.Series:
    """People active in either of two tools whose users cannot be matched by person, from each
    tool's count and the committers: first + second - first x second / N, as if using one tool
    said nothing about using the other (the share the answer uses: answer_weeks.either_share).
    N is the committers, or the larger tool's count where that is more (people use AI without
    committing), so the estimate lies between the larger tool's count and the two added and
    counts nobody twice. NA where any part is NA (a total with an unknown part is unknown)."""
    heads = pd.concat([committers, first, second], axis=1).max(axis=1, skipna=False)
    heads = heads.where(heads > 0)
    out = first + second - first * second / heads
    both_zero = first.eq(0) & second.eq(0) & committers.notna()
    return out.mask(both_zero, 0.0)


# The joined table's column naming what "ai_active_developers" counts, when the source is
# either tool: the estimate, or the fallback where it cannot be made (exported with the table).
COUNTED_COLUMN = "ai_active_counted_from"
COUNTED_EITHER = "either tool, each person once (estimated with Codefresh's committers)"
COUNTED_FALLBACK = {
    "committers": "Firebender's active users only: Codefresh's committers are unavailable, and "
    "the either-tool estimate needs them",
    "builder": "Firebender's active users only: Builder.io's users are unavailable, and the "
    "either-tool estimate needs them",
}


def either_or_firebender(
    firebender: pd.Series, builder: pd.Series, committers: pd.Series, complete: pd.Series
) -> tuple[pd.Series, str]:
    """(AI-active people, what they count) for "either tool, each person once": the estimate
    (`either_people`) when it can be made for every finished period Firebender covers;
    otherwise Firebender's active users in every period (one measure per table, never a mix:
    a range's average over both would mean neither), named by why (COUNTED_FALLBACK: the
    committers, else Builder.io's users, were unknown). Firebender's own count is a lower
    bound of the people using either tool; the two are never added (someone using both would
    count twice). Where Firebender is unknown, the estimate is unknown too, and stays so."""
    either = either_people(firebender, builder, committers)
    finished = complete.astype(bool).to_numpy() & firebender.notna().to_numpy()
    if not either[finished].isna().any():
        return either, COUNTED_EITHER
    lacking = finished & either.isna().to_numpy()
    why = "committers" if committers[lacking].isna().any() else "builder"
    return firebender.astype("float64"), COUNTED_FALLBACK[why]


def counted_from(table: pd.DataFrame) -> str | None:
    """What the table's AI-active developers count when the source is either tool (the
    estimate or the fallback), or None (one tool's own users, as the source says)."""
    if COUNTED_COLUMN not in table or table.empty:
        return None
    return str(table[COUNTED_COLUMN].iloc[0])


def fallen_back(table: pd.DataFrame) -> bool:
    """Whether the table's AI-active developers are the fallback (Firebender's users only)."""
    return counted_from(table) in COUNTED_FALLBACK.values()


def overview_table(
    inputs: OverviewInputs,
    start: dt.date,
    end: dt.date,
    granularity: str,
    ai_source: str = "firebender",
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """One row per period of [start, end] at `granularity` with every vendor measure and the derived
    metrics. Monthly-only metrics (active committers, adoption rate) are filled only when
    granularity == "month"; at other granularities they are absent, never interpolated."""
    if ai_source not in AI_SOURCES:
        raise ValueError(f"ai_source must be one of {sorted(AI_SOURCES)}")
    index = periods(start, end, granularity)
    table = index.copy()
    for part in (
        builder_by_period(inputs.builder, index),
        firebender_by_period(inputs.firebender, index, granularity, inputs.firebender_people),
        spend_by_period(inputs.requests, index, granularity, inputs.requests_from),
        credits_by_period(inputs.credits, index, granularity, usd_per_credit),
    ):
        table = table.merge(part, on="period", how="left")
    for source, columns in VENDOR_COLUMNS.items():
        table = blank_outside(table, columns, inputs.spans.get(source))
    builder_users, firebender_users = table["builder_users"], table["firebender_active_users"]
    has_builder = inputs.builder is not None or "builder" in inputs.failed
    has_firebender = inputs.firebender is not None or "firebender" in inputs.failed
    if ai_source == "firebender":
        table["ai_active_developers"] = firebender_users
    elif ai_source == "builder":
        table["ai_active_developers"] = builder_users
    elif has_builder and has_firebender:
        # Either tool, each person once: estimated, never the two counts added; where the
        # estimate cannot be made, Firebender's active users alone, and the table says so.
        heads = committers_per_period(inputs.committers, index)
        heads = blank_outside(
            index[["period", "period_end"]].assign(heads=heads),
            ["heads"],
            inputs.spans.get("codefresh"),
        )["heads"]
        people, counted = either_or_firebender(
            firebender_users, builder_users, heads, table["complete"]
        )
        table["ai_active_developers"] = people
        table[COUNTED_COLUMN] = counted
    else:  # one tool left out on purpose (not connected): the other alone
        table["ai_active_developers"] = _both(
            builder_users, firebender_users, has_builder, has_firebender
        )
    table["ai_accepted_lines"] = _both(
        table["builder_lines_accepted"],
        table["firebender_accepted_lines"],
        has_builder,
        has_firebender,
    )
    table["credits_per_ai_developer"] = _ratio(table["ci_credits"], table["ai_active_developers"])
    table["credits_per_accepted_line"] = _ratio(table["ci_credits"], table["ai_accepted_lines"])
    table["ai_share_of_spend"] = _ratio(
        table["model_spend_usd"], table["model_spend_usd"] + table["ci_spend_usd"]
    )
    if granularity == "month":
        table = table.merge(committers_by_month(inputs.committers, index), on="period", how="left")
        table = blank_outside(table, ["active_committers"], inputs.spans.get("codefresh"))
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
    """The overview at month granularity (the only granularity with active committers)."""
    return overview_table(inputs, start, end, "month", ai_source, usd_per_credit)
