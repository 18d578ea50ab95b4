"""Daily series for alerts and forecasts, in the long form of `alerts/__init__.py`, built from
the frames the store's aggregates give (the app's loaders and `sync` read the same ones).

Within the days a vendor's data covers, a person or pipeline with no row that day spent or used
nothing (0.0); outside them nothing is known (no row, never zero). A team's series sums its
people's (or pipelines') days by the team each belonged to that day; Unassigned has none.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from teams.mapping import UNASSIGNED, Mapping, assign

from . import SERIES_COLUMNS


def _days(values: pd.Series) -> pd.Series:
    """Days (midnight, no time zone) of instants or dates, taken in UTC."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _grid(frame: pd.DataFrame, key: str, span: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """`frame` (key, day, value) with every key on every day of `span` (0.0 where absent)."""
    if span is None:
        if frame.empty:
            return frame
        span = (frame["day"].min().date(), frame["day"].max().date())
    days = pd.date_range(span[0], span[1], freq="D").astype("datetime64[ns]")
    keys = frame[key].dropna().unique()
    if len(keys) == 0 or len(days) == 0:
        return frame.iloc[0:0]
    full = pd.MultiIndex.from_product([keys, days], names=[key, "day"])
    summed = frame.groupby([key, "day"], sort=False)["value"].sum()
    summed = summed[summed.index.get_level_values("day").isin(days)]
    return summed.reindex(full, fill_value=0.0).reset_index()


def _long(frame: pd.DataFrame, kind: str, subject: str | None = None) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "kind": kind,
            "subject": frame["subject"] if subject is None else subject,
            "day": frame["day"].to_numpy(),
            "value": frame["value"].astype("float64").to_numpy(),
        }
    )
    return out[list(SERIES_COLUMNS)]


def _by_team(
    grid: pd.DataFrame, key: str, kind: str, mapping: Mapping, mapping_kind: str
) -> pd.DataFrame:
    teams = assign(mapping, mapping_kind, grid[key].astype("string"), grid["day"])
    summed = (
        grid.assign(subject=teams.to_numpy())
        .loc[lambda f: f["subject"] != UNASSIGNED]
        .groupby(["subject", "day"], sort=True, as_index=False)["value"]
        .sum()
    )
    return _long(summed, kind)


def from_frames(
    requests: pd.DataFrame | None = None,
    pipeline_credits: pd.DataFrame | None = None,
    org_credits: pd.DataFrame | None = None,
    mapping: Mapping | None = None,
    ai_span: tuple[dt.date, dt.date] | None = None,
    ci_span: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """The series frame.

    requests:          Firebender model requests per person: `timestamp` (day or instant),
                       `email`, `cost_usd` (summed per day and email, or raw rows)
    pipeline_credits:  Codefresh pipeline credit consumption by day: `key`, `period`, `value`
    org_credits:       Codefresh credit consumption by day (`key` is a resource class): the
                       organisation's credits; without it, the pipelines' sum
    mapping:           teams: team series too
    ai_span, ci_span:  the days each vendor's data covers (default: first to last day seen)
    """
    parts = []
    if requests is not None and not requests.empty:
        frame = pd.DataFrame(
            {
                "email": requests["email"].astype("string"),
                "day": _days(requests["timestamp"]),
                "value": pd.to_numeric(requests["cost_usd"], errors="coerce"),
            }
        )
        grid = _grid(frame, "email", ai_span)
        if not grid.empty:
            parts.append(_long(grid.rename(columns={"email": "subject"}), "person_ai_spend_usd"))
            org = grid.groupby("day", as_index=False)["value"].sum()
            parts.append(_long(org, "org_ai_spend_usd", "org"))
            if mapping:
                parts.append(_by_team(grid, "email", "team_ai_spend_usd", mapping, "person"))
    elif ai_span is not None:
        days = pd.date_range(*ai_span, freq="D").astype("datetime64[ns]")
        parts.append(_long(pd.DataFrame({"day": days, "value": 0.0}), "org_ai_spend_usd", "org"))
    if pipeline_credits is not None and not pipeline_credits.empty:
        frame = pd.DataFrame(
            {
                "pipeline": pipeline_credits["key"].astype("string"),
                "day": _days(pipeline_credits["period"]),
                "value": pd.to_numeric(pipeline_credits["value"], errors="coerce"),
            }
        )
        grid = _grid(frame, "pipeline", ci_span)
        if not grid.empty:
            parts.append(_long(grid.rename(columns={"pipeline": "subject"}), "pipeline_ci_credits"))
            if org_credits is None:
                org = grid.groupby("day", as_index=False)["value"].sum()
                parts.append(_long(org, "org_ci_credits", "org"))
            if mapping:
                parts.append(_by_team(grid, "pipeline", "team_ci_credits", mapping, "pipeline"))
    if org_credits is not None and not org_credits.empty:
        frame = pd.DataFrame(
            {
                "key": "org",
                "day": _days(org_credits["period"]),
                "value": pd.to_numeric(org_credits["value"], errors="coerce"),
            }
        )
        grid = _grid(frame, "key", ci_span)
        parts.append(_long(grid, "org_ci_credits", "org"))
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    out["kind"] = out["kind"].astype("string")
    out["subject"] = out["subject"].astype("string")
    out["value"] = out["value"].astype("float64")
    return out


def without_unknown(frame: pd.DataFrame, holes: dict[str, list]) -> pd.DataFrame:
    """`frame` with the value of every day the store cannot tell unknown (NaN): `holes` maps
    "ai" (Firebender's kinds) and "ci" (Codefresh's) to (first, last) day spans. A day nobody
    can tell is neither judged (no alert fires on it) nor quiet (it resolves nothing), and a
    sum over it is unknown."""
    if frame.empty or not any(holes.values()):
        return frame
    frame = frame.copy()
    day = pd.to_datetime(frame["day"])
    for prefix, spans in holes.items():
        ours = frame["kind"].str.contains(f"_{prefix}_", regex=False).to_numpy(dtype=bool)
        for first, last in spans or ():
            inside = ((day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))).to_numpy()
            frame.loc[ours & inside, "value"] = float("nan")
    return frame


def without_teams(frame: pd.DataFrame, teams) -> pd.DataFrame:
    """`frame` without the series of `teams` (those too small to be shown on their own)."""
    if not teams or frame.empty:
        return frame
    dropped = frame["kind"].str.startswith("team_") & frame["subject"].isin(list(teams))
    return frame[~dropped].reset_index(drop=True)


def empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Series(dtype="string"),
            "subject": pd.Series(dtype="string"),
            "day": pd.Series(dtype="datetime64[ns]"),
            "value": pd.Series(dtype="float64"),
        }
    )


def one(series: pd.DataFrame, kind: str, subject: str = "org") -> pd.Series:
    """One series as values by day (a forecast's input)."""
    chosen = series[(series["kind"] == kind) & (series["subject"] == subject)]
    return pd.Series(
        chosen["value"].to_numpy(dtype=np.float64),
        index=pd.DatetimeIndex(chosen["day"]),
        name=f"{kind}:{subject}",
    ).sort_index()
