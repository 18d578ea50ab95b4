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


# ---------------------------------------------------------------- a team's rows

# What ties a dataset's rows to a team: (kind, key column, day column). A day column of None:
# the rows have no day (totals over the range) and count on the range's last day.
TEAM_KEYS: dict[str, tuple[str, str, str | None]] = {
    "firebender.daily_usage": ("person", "email", "date"),
    "firebender.model_requests": ("person", "email", "timestamp"),
    "builder.org_users": ("person", "user_email", None),
    "builder.org_space_metrics": ("space", "space_id", "period"),
    "builder.space_metrics": ("space", "space_id", "period"),  # one space: `space` gives it
}
NO_DAY = "_team_day"


def team_keys(dataset: str) -> tuple[str, str, str | None] | None:
    """How `dataset`'s rows are split by team (None: they cannot be). Codefresh reports by
    pipeline (the catalogue's and those the account's metadata adds, `pipelineBuilds`) name the
    pipeline in `key`."""
    if dataset in TEAM_KEYS:
        return TEAM_KEYS[dataset]
    if dataset.startswith("codefresh.pipeline"):
        return ("pipeline", "key", "period")
    return None


def team_rows(
    lens,
    frame: pd.DataFrame,
    dataset: str,
    end: dt.date,
    space: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """The rows of `frame` (a `dataset`) that the team `lens` (ui.lens.Lens)
    holds, each on its day; rows without a day count on `end`. One space's metrics
    (builder.space_metrics) need `space`: (its id, its name). Raises KeyError for a dataset
    that cannot be split (`team_keys` is None)."""
    found = team_keys(dataset)
    if found is None:
        raise KeyError(f"{dataset} cannot be split by team")
    kind, key, day = found
    if frame is None or frame.empty:
        return frame
    added = []
    if day is None:
        frame, day = frame.assign(**{NO_DAY: pd.Timestamp(end)}), NO_DAY
        added.append(NO_DAY)
    if dataset == "builder.space_metrics":
        if space is None:
            raise ValueError("one space's metrics need the space: (id, name)")
        frame = frame.assign(space_id=space[0], space_name=space[1])
        added += ["space_id", "space_name"]
    keep = {"person": lens.people, "pipeline": lens.pipelines, "space": lens.spaces}[kind]
    return keep(frame, key, day).drop(columns=added)


def team_spaces(lens, names: dict[str, str], start: dt.date, end: dt.date) -> dict[str, str]:
    """The spaces of `names` (id -> name) that the team holds on some day of [start, end]."""
    days = pd.date_range(start, end, freq="D")
    grid = pd.DataFrame(
        [(key, name, day) for key, name in names.items() for day in days],
        columns=["space_id", "space_name", "period"],
    )
    kept = set(lens.spaces(grid, "space_id", "period", "space_name")["space_id"])
    return {key: name for key, name in names.items() if key in kept}
