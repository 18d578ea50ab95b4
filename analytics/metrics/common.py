"""Numeric helpers the topic modules share."""

from __future__ import annotations

import pandas as pd


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.where(denominator > 0)
    return numerator / den
