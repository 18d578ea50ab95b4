"""Association between an adoption measure and CI credits: lagged pairs and Pearson's r of the
levels (a picture, not evidence: see `statistics` for the verdict)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .definitions import label


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
