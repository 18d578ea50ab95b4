"""Filters for Explore: rows inside a day range and among chosen dimension values."""

from __future__ import annotations

import datetime as dt

import pandas as pd


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
