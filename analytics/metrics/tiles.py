"""KPI tiles: a measure in the latest complete period against the period before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .definitions import METRICS, definition, label


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


def latest_complete(table: pd.DataFrame, step: int = 1) -> tuple[int | None, int | None]:
    """Row positions of the latest finished period and of the period `step` rows before it
    (None when there is none: an unfinished period is never a tile's value)."""
    if table.empty:
        return None, None
    complete = np.flatnonzero(table["complete"].to_numpy())
    if not len(complete):
        return None, None
    last = int(complete[-1])
    return last, (last - step if last >= step else None)


def kpis(table: pd.DataFrame, columns: list[str], granularity: str) -> list[Kpi]:
    """Each column's value in the latest finished period and in the period before it; a day is
    compared with the same weekday a week before (a Sunday with a Saturday says nothing)."""
    last, before = latest_complete(table, step=7 if granularity == "day" else 1)
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


# ---------------------------------------------------------------- totals: range vs range before


@dataclass(frozen=True)
class Totals:
    """The chosen range's finished periods against as many periods just before them."""

    start: dt.date | None  # the finished periods' first and last day (None: no finished period)
    end: dt.date | None
    previous_start: dt.date | None
    previous_end: dt.date | None
    tiles: list[Kpi]
    periods: int  # finished periods in each range


TOTALS = {
    # column: (label, how: "sum" over periods | "mean" per period, unit, definition)
    "model_spend_usd": ("AI model spend", "sum", "usd", None),
    "ai_spend_per_developer": (
        "AI spend per developer",
        "per_dev:model_spend_usd",
        "usd",
        "AI model spend in the range / active committers (Codefresh; the months' average).",
    ),
    "ci_credits": ("CI credits", "sum", "credits", None),
    "ci_spend_usd": ("CI spend", "sum", "usd", None),
    "ci_spend_per_developer": (
        "CI spend per developer",
        "per_dev:ci_spend_usd",
        "usd",
        "CI spend in the range / active committers (Codefresh; the months' average).",
    ),
    "ai_active_developers": ("AI-active devs", "mean", "count", None),  # "(avg)" follows
    "ai_accepted_lines": ("Accepted AI lines", "sum", "count", None),
}


def range_totals(
    table: pd.DataFrame, committers: pd.Series, start: dt.date, granularity: str
) -> Totals:
    """Totals over the finished periods of `table` from `start` on, and over as many periods
    just before them. `table` holds both ranges; `committers` is the headcount per row of
    `table` (see verdict.headcount). A total with an unknown period is unknown: a sum of the
    known part would look like a drop."""
    rows = table.reset_index(drop=True)
    committers = committers.reset_index(drop=True)
    inside = np.flatnonzero(
        (rows["period"] >= pd.Timestamp(start)).to_numpy() & rows["complete"].to_numpy()
    )
    if not len(inside):
        return Totals(None, None, None, None, [], 0)
    first, last = int(inside[0]), int(inside[-1])
    count = last - first + 1
    before = (first - count, first - 1) if first - count >= 0 else None

    def total(column: str, lo: int, hi: int) -> float | None:
        how = TOTALS[column][1]
        part = rows.iloc[lo : hi + 1]
        if how.startswith("per_dev:"):
            money = total(how.split(":", 1)[1], lo, hi)
            # Headcount moves slowly: the running month's (unknown yet) is the others' mean.
            heads = committers.iloc[lo : hi + 1].dropna()
            if money is None or len(heads) * 2 < hi - lo + 1:
                return None
            return money / float(heads.mean())
        if column not in part or part[column].isna().any():
            return None
        values = pd.to_numeric(part[column], errors="coerce")
        return float(values.sum() if how == "sum" else values.mean())

    tiles = []
    for column, (name, how, unit, text) in TOTALS.items():
        if how == "mean":
            name = f"{name} (avg)"  # short: a tile's label is one line; its help says per what
            text = f"{definition(column)} The average per {granularity} of the range."
            # An average of people has a decimal: "+0 (+2%)" with an arrow read as no change.
            unit = "average" if unit == "count" else unit
        value = total(column, first, last)
        previous = total(column, *before) if before else None
        tiles.append(
            Kpi(
                column,
                name,
                value,
                previous,
                None,
                None,
                text or definition(column),
                unit,
            )
        )
    day = lambda t: pd.Timestamp(t).date()  # noqa: E731
    return Totals(
        day(rows["period"].iloc[first]),
        day(rows["period_end"].iloc[last]),
        day(rows["period"].iloc[before[0]]) if before else None,
        day(rows["period_end"].iloc[before[1]]) if before else None,
        tiles,
        count,
    )


def _scalar(value) -> float | None:
    return None if pd.isna(value) else float(value)
