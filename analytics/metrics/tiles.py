"""KPI tiles: a measure in the latest complete period against the period before."""

from __future__ import annotations

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
