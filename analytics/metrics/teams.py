"""Per team and period: people, AI use and spend, accepted lines, CI credits - from the vendors'
per-person, per-pipeline and per-space rows and the organisation's teams mapping.

Each day's activity counts for the team its person, pipeline or space was in that day (a person
who moves splits their history at the move). A team's people in a period are those the mapping
puts in it on at least one day of the period (so someone who moves mid-month counts in both
teams that month, and the teams' people can add up to more than the organisation's). Whatever
the mapping does not cover is "Unassigned"; nobody knows how many people that is, so its
per-person measures are empty, never guessed.

A vendor that was not loaded leaves its columns empty (NA); a loaded vendor with no row for a
team in a period is 0. Periods before a vendor's first day with data are empty too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from teams import mapping as team_mapping
from teams.mapping import UNASSIGNED, Mapping

from . import definitions
from .calendar import NS, floor_periods, periods
from .common import _num
from .coverage import Span, blank_holes
from .overview import firebender_active

MEASURES = (
    "people",
    "ai_active",
    "ai_share",
    "ai_spend_usd",
    "ai_spend_per_person",
    "accepted_lines",
    "ci_credits",
    "ci_spend_usd",
    "credits_per_person",
)
LABELS = {
    "people": "People in the team",
    "ai_active": "AI-active people",
    "ai_share": "AI-active share",
    "ai_spend_usd": "AI spend (USD)",
    "ai_spend_per_person": "AI spend per person (USD)",
    "accepted_lines": "Accepted AI lines",
    "ci_credits": "CI credits",
    "ci_spend_usd": "CI spend (USD)",
    "credits_per_person": "CI credits per person",
}


# The team table's columns each source's data make (a hole in a source blanks them).
HOLE_COLUMNS = {
    "firebender": ["ai_active", "firebender_lines"],
    "requests": ["ai_spend_usd"],
    "codefresh": ["ci_credits"],
    "builder": ["builder_lines"],
}


@dataclass
class TeamInputs:
    """The rows a team table is built from (None: that vendor was not loaded)."""

    daily: pd.DataFrame | None = None  # Firebender daily usage: date, email, activity
    requests: pd.DataFrame | None = None  # model requests summed per day and email
    requests_from: dt.date | None = None  # Firebender keeps requests from this day
    credits: pd.DataFrame | None = None  # Codefresh pipeline credits per day: period, key, value
    spaces: pd.DataFrame | None = None  # Builder lines per day and space: period, space_*
    credits_span: Span | None = None  # where Codefresh's data start and end
    # Days a source's history cannot tell (a damaged file): "firebender", "requests",
    # "codefresh", "builder" -> (first, last) spans; their periods are empty, never 0.
    holes: dict = field(default_factory=dict)
    # The same sources summed per team and period by DuckDB (`analytics.queries.team_sums`:
    # granularity, team, period and the source's measures), read where its rows above are
    # None: "firebender", "requests", "codefresh", "builder" -> frame.
    summed: dict = field(default_factory=dict)
    # Daily usage rows of the people who move between teams in the range (the moves table),
    # when `daily` is summed.
    movers: pd.DataFrame | None = None

    def has(self, source: str) -> bool:
        """Whether `source` was loaded, as rows or as sums."""
        rows = {"firebender": self.daily, "requests": self.requests,
                "codefresh": self.credits, "builder": self.spaces}[source]  # fmt: skip
        return rows is not None or source in self.summed


def _team_of(mapping: Mapping, kind: str, keys, days, alt_keys=None) -> pd.Series:
    return team_mapping.assign(mapping, kind, keys, days, alt_keys=alt_keys).astype(str)


def people_by_period(mapping: Mapping, index: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """team, period, person: who the mapping puts in each team on some day of each period (up
    to `end`)."""
    start = index["period"].min().date()
    members = team_mapping.memberships(mapping, start, end)
    if members.empty:
        return pd.DataFrame(
            {
                "team": pd.Series(dtype=str),
                "period": pd.Series(dtype=NS),
                "person": pd.Series(dtype=str),
            }
        )
    first = pd.to_datetime(members["first"]).astype(NS)
    last = pd.to_datetime(members["last"]).astype(NS)
    pairs = members.assign(first=first, last=last).merge(
        index[["period", "period_end"]], how="cross"
    )
    inside = (pairs["first"] <= pairs["period_end"]) & (pairs["last"] >= pairs["period"])
    return pairs.loc[inside, ["team", "period", "person"]].drop_duplicates(ignore_index=True)


def _summed(inputs: TeamInputs, source: str, granularity: str, column: str) -> pd.Series:
    """A source's sums per team and period at `granularity` (as `_per_team_period` gives them
    from rows)."""
    frame = inputs.summed[source]
    own = frame.loc[frame["granularity"] == granularity, ["team", "period", column]]
    own = own.assign(period=own["period"].astype(NS))
    return own.set_index(["team", "period"])[column]


def _per_team_period(frame: pd.DataFrame, value: str, how: str = "sum") -> pd.Series:
    grouped = frame.groupby(["team", "period"])[value]
    # skipna=False: a documented number sent as null makes its team's sum unknown.
    return grouped.nunique() if how == "nunique" else grouped.sum(skipna=False)


def team_table(
    inputs: TeamInputs,
    mapping: Mapping,
    start: dt.date,
    end: dt.date,
    granularity: str,
    usd_per_credit: float | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per team and period of [start, end]: team, period, period_end, complete, and
    MEASURES. Teams are every team of the mapping, plus Unassigned when anything is."""
    index = periods(start, end, granularity, today)
    people = people_by_period(mapping, index, min(end, today or end))
    parts: dict[str, pd.Series] = {"people": people.groupby(["team", "period"])["person"].nunique()}
    active_people = []
    if inputs.daily is not None:
        d = inputs.daily
        d = d.assign(
            period=floor_periods(d["date"], granularity),
            team=_team_of(mapping, "person", d["email"], d["date"]),
            lines=definitions.accepted_lines(d),
        )
        active_people.append(d.loc[firebender_active(d), ["team", "period", "email"]])
        parts["firebender_lines"] = _per_team_period(d, "lines")
    if inputs.requests is not None:
        r = inputs.requests
        r = r.assign(
            period=floor_periods(r["timestamp"], granularity),
            team=_team_of(mapping, "person", r["email"], r["timestamp"]),
            cost=_num(r["cost_usd"]),
        )
        parts["ai_spend_usd"] = _per_team_period(r, "cost")
    if active_people:
        active = pd.concat(active_people, ignore_index=True)
        active["email"] = active["email"].str.lower()
        parts["ai_active"] = _per_team_period(active, "email", "nunique")
    # Sums DuckDB made per team and period, for the sources not loaded as rows.
    summed = {
        "firebender": (inputs.daily, ("firebender_lines", "ai_active")),
        "requests": (inputs.requests, ("ai_spend_usd",)),
        "codefresh": (inputs.credits, ("ci_credits",)),
        "builder": (inputs.spaces, ("builder_lines",)),
    }
    for source, (rows, columns) in summed.items():
        if rows is None and source in inputs.summed:
            for column in columns:
                parts[column] = _summed(inputs, source, granularity, column)
    if inputs.credits is not None:
        c = inputs.credits
        c = c.assign(
            period=floor_periods(c["period"], granularity),
            team=_team_of(mapping, "pipeline", c["key"], c["period"]),
            value=_num(c["value"]),
        )
        parts["ci_credits"] = _per_team_period(c, "value")
    if inputs.spaces is not None:
        s = inputs.spaces
        s = s.assign(
            period=floor_periods(s["period"], granularity),
            team=_team_of(mapping, "space", s["space_id"], s["period"], s["space_name"]),
            lines=_num(s["lines_accepted"]).fillna(0),
        )
        parts["builder_lines"] = _per_team_period(s, "lines")

    names = set(mapping.teams)
    for series in parts.values():
        names |= set(series.index.get_level_values("team"))
    grid = pd.MultiIndex.from_product([sorted(names), index["period"]], names=["team", "period"])
    table = pd.DataFrame(index=grid).reset_index()
    table = table.merge(index, on="period", how="left")
    key = pd.MultiIndex.from_frame(table[["team", "period"]])
    absent = {}  # no row for the team and period: nothing happened (0 once loaded)
    for name, series in parts.items():
        table[name] = series.reindex(key).to_numpy("float64")
        absent[name] = ~key.isin(series.index)

    loaded = {
        "people": True,
        "ai_active": inputs.has("firebender"),
        "ai_spend_usd": inputs.has("requests"),
        "firebender_lines": inputs.has("firebender"),
        "builder_lines": inputs.has("builder"),
        "ci_credits": inputs.has("codefresh"),
    }
    for name, was_loaded in loaded.items():
        if name not in table:
            table[name] = np.nan
        elif was_loaded:
            # Only where no row was summed: a sum that came back unknown stays unknown.
            table.loc[absent[name], name] = table.loc[absent[name], name].fillna(0.0)
    # A team the mapping gives no pipeline has an unknown CI bill: empty, not a line at zero.
    # (Unassigned at zero is a fact: every pipeline that ran is some team's.)
    piped = {rule.team for rule in mapping.rules if rule.kind == "pipeline"} | {UNASSIGNED}
    table.loc[~table["team"].isin(piped), "ci_credits"] = np.nan
    if inputs.has("requests") and inputs.requests_from is not None:
        table.loc[table["period"] < pd.Timestamp(inputs.requests_from), "ai_spend_usd"] = np.nan
    span = inputs.credits_span
    if span is not None and span.first is not None:
        table.loc[table["period"] < pd.Timestamp(span.first), "ci_credits"] = np.nan
    if span is not None and span.empty:
        table["ci_credits"] = np.nan
    for source, columns in HOLE_COLUMNS.items():
        table = blank_holes(table, columns, inputs.holes.get(source))

    lines = table[["firebender_lines", "builder_lines"]]
    table["accepted_lines"] = lines.sum(axis=1, min_count=1)
    for source in ("firebender", "builder"):  # a sum with an unknown part is unknown
        table = blank_holes(table, ["accepted_lines"], inputs.holes.get(source))
    table["ci_spend_usd"] = (
        table["ci_credits"] * usd_per_credit if usd_per_credit is not None else np.nan
    )
    unassigned = table["team"] == UNASSIGNED
    table.loc[unassigned, "people"] = np.nan  # nobody knows how many people that is
    heads = table["people"].where(table["people"] > 0)
    table["ai_share"] = table["ai_active"] / heads
    table["ai_spend_per_person"] = table["ai_spend_usd"] / heads
    table["credits_per_person"] = table["ci_credits"] / heads
    columns = ["team", "period", "period_end", "complete", *MEASURES]
    return table[columns + ["firebender_lines", "builder_lines"]].reset_index(drop=True)


def team_sizes(table: pd.DataFrame) -> dict[str, float]:
    """Each team's fewest people in a period it had anyone in (what privacy limits compare)."""
    sizes = {}
    for team, rows in table.groupby("team"):
        people = rows["people"].dropna()
        people = people[people > 0]
        if team == UNASSIGNED:
            # Unknown headcount: the people seen active stand in (at least that many exist).
            people = rows["ai_active"].dropna()
            people = people[people > 0]
        sizes[team] = float(people.min()) if len(people) else 0.0
    return sizes


def merged(table: pd.DataFrame, label: dict[str, str], hidden) -> pd.DataFrame:
    """The table with teams relabelled (small ones as Other teams) and summed; hidden teams
    dropped. People are summed too: a small team's people are other small teams' people only
    in a month someone moved between them."""
    kept = table[~table["team"].isin(hidden)].copy()
    kept["team"] = kept["team"].map(lambda t: label.get(t, t))
    sums = ["people", "ai_active", "ai_spend_usd", "ci_credits", "ci_spend_usd"]
    sums += ["firebender_lines", "builder_lines", "accepted_lines"]
    grouped = kept.groupby(["team", "period"], sort=True)
    out = grouped[sums].sum(min_count=1, skipna=False).reset_index()
    firsts = grouped[["period_end", "complete"]].first().reset_index(drop=True)
    out[["period_end", "complete"]] = firsts
    heads = out["people"].where(out["people"] > 0)
    out["ai_share"] = out["ai_active"] / heads
    out["ai_spend_per_person"] = out["ai_spend_usd"] / heads
    out["credits_per_person"] = out["ci_credits"] / heads
    return out[table.columns].reset_index(drop=True)


PERSONAL = ("ai_active", "ai_share", "ai_spend_usd", "ai_spend_per_person")
PERSONAL_LINES = ("accepted_lines", "firebender_lines")
UNASSIGNED_NOTE = (
    f"'{UNASSIGNED}' has fewer people than the privacy minimum in some month, so only its "
    "pipelines' credits and Builder spaces' lines are shown; map those people to teams to see "
    "them."
)


def unassigned_too_small(monthly: pd.DataFrame, min_group: int) -> bool:
    """Whether fewer than `min_group` unmapped people are seen in some month."""
    seen = monthly.loc[monthly["team"] == UNASSIGNED, "ai_active"].dropna()
    seen = seen[seen > 0]
    return bool(len(seen)) and seen.min() < min_group


def blank_unassigned(table: pd.DataFrame) -> pd.DataFrame:
    """Unassigned's measures of people blanked (its pipelines' credits stay: nobody's)."""
    out = table.copy()
    out.loc[out["team"] == UNASSIGNED, [*PERSONAL, *PERSONAL_LINES]] = np.nan
    out["accepted_lines"] = out[["firebender_lines", "builder_lines"]].sum(axis=1, min_count=1)
    return out


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Each team's change in credits per person from its first to its last finished period of
    the table (teams with both known), with its AI share change, largest rise first."""
    done = table[table["complete"].astype(bool) & table["credits_per_person"].gt(0)]
    rows = []
    for team, own in done.sort_values("period").groupby("team"):
        if len(own) < 2:
            continue
        first, last = own.iloc[0], own.iloc[-1]
        rows.append(
            {
                "team": team,
                "first_period": first["period"],
                "first_value": first["credits_per_person"],
                "last_period": last["period"],
                "last_value": last["credits_per_person"],
                "change": last["credits_per_person"] / first["credits_per_person"] - 1,
                "ai_share_change": last["ai_share"] - first["ai_share"],
            }
        )
    columns = ["team", "first_period", "first_value", "last_period", "last_value", "change"]
    out = pd.DataFrame(rows, columns=[*columns, "ai_share_change"])
    return out.sort_values("change", ascending=False, ignore_index=True)


def moves(mapping: Mapping, daily: pd.DataFrame | None, start: dt.date, end: dt.date):
    """People the mapping puts in more than one team within [start, end]: person, team, first,
    last (their days in it) and the days of AI use counted for that team."""
    members = team_mapping.memberships(mapping, start, end)
    several = members.groupby("person")["team"].transform("nunique") > 1
    out = members[several].sort_values(["person", "first"]).reset_index(drop=True)
    out["ai_days"] = 0
    if daily is not None and not out.empty:
        d = daily.loc[firebender_active(daily), ["email", "date"]]
        d = d.assign(person=d["email"].str.lower(), day=pd.to_datetime(d["date"]).dt.normalize())
        for i, row in out.iterrows():
            own = d[d["person"] == row["person"]]
            inside = (own["day"] >= pd.Timestamp(row["first"])) & (
                own["day"] <= pd.Timestamp(row["last"])
            )
            out.loc[i, "ai_days"] = int(inside.sum())
    elif daily is None:
        out["ai_days"] = np.nan
    return out
