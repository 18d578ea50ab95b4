"""Per-vendor views: the reshaping behind the Builder, Firebender and Codefresh pages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import definitions
from .calendar import NS, floor_periods, periods
from .common import _num, _ratio
from .definitions import METRICS, label
from .overview import (
    builder_by_period,
    credits_by_period,
    firebender_active,
    firebender_by_period,
)


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
    granularity: str,
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
    data = pd.DataFrame({"period": floor_periods(frame[time_column], granularity)})
    if by:
        data[by] = frame[by].astype("str").to_numpy()
    for column in value_columns:
        data[column] = _num(frame[column]).to_numpy()
    # A sum with an unknown part (a documented number sent as null) is unknown.
    return data.groupby(keys, as_index=False, observed=True)[value_columns].sum(skipna=False)


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


def firebender_table(
    daily: pd.DataFrame | None,
    start: dt.date,
    end: dt.date,
    granularity: str,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Firebender's measures (active users, agent prompts, accepted lines, autocomplete
    accepts) on the full period index with `complete`: the same numbers as the overview's
    columns of those names, without building the overview. `daily`: rows per person and day,
    or the organisation's daily sums with `people` (distinct people per period, DuckDB's)."""
    index = periods(start, end, granularity)
    return index.merge(
        firebender_by_period(daily, index, granularity, people), on="period", how="left"
    )


def active_users(
    daily: pd.DataFrame,
    granularity: str,
    start: dt.date,
    end: dt.date,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """period, complete, firebender_active_users (distinct people in the period) and
    avg_daily_active_users (mean over the period's days in the range, zero days included).
    `daily`: rows per person and day, or daily sums with `people` (as `firebender_table`)."""
    index = periods(start, end, granularity)
    part = firebender_by_period(daily, index, granularity, people)[
        ["period", "firebender_active_users"]
    ]
    table = index.merge(part, on="period", how="left")
    days = periods(start, end, "day")
    per_day = firebender_by_period(daily, days, "day", people)[
        ["period", "firebender_active_users"]
    ]
    per_day = per_day.assign(period=floor_periods(per_day["period"], granularity))
    table["avg_daily_active_users"] = table["period"].map(
        per_day.groupby("period")["firebender_active_users"].mean()
    )
    return table


def active_users_long(table: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """period, measure, users - for the active-users chart (one series at day granularity)."""
    columns = {
        "firebender_active_users": "Daily active users"
        if granularity == "day"
        else f"Distinct active users per {granularity}"
    }
    if granularity != "day":
        columns["avg_daily_active_users"] = "Average daily active users"
    long = table.melt(
        id_vars="period", value_vars=list(columns), var_name="column", value_name="users"
    )
    long["measure"] = long["column"].map(columns)
    return long.drop(columns="column")


def acceptance_rates(
    daily: pd.DataFrame, granularity: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """period, rate (label), value (0..1), accepted, offered - per period and rate."""
    index = periods(start, end, granularity)
    needed = sorted({c for _, a, o, _ in RATES.values() for c in (a, o)})
    sums = sum_by_period(daily, "date", granularity, needed)
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
    requests, tokens and cost when given. Sorted by accepted lines. `daily`: rows per person
    and day, or already summed per person with `active_days` (`queries.usage_by_person`)."""
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
    if "active_days" in daily.columns and not daily.empty:  # summed per person (DuckDB's)
        numbers = daily[columns].apply(_num).fillna(0.0)
        numbers["email"] = daily["email"].astype("str")
        board = numbers.assign(active_days=daily["active_days"].astype("int64"))
    elif daily.empty:
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
    board["accepted_lines"] = definitions.accepted_lines(board)
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


def request_weights(requests: pd.DataFrame) -> pd.Series:
    """How many requests each row stands for: its `requests` count in a rollup
    (`analytics.queries.requests_summed`), else one per row (the connector's raw rows)."""
    if "requests" in requests:
        return requests["requests"].astype("int64")
    return pd.Series(1, index=requests.index, dtype="int64")


def request_count(requests: pd.DataFrame) -> int:
    return int(request_weights(requests).sum()) if len(requests) else 0


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
            "requests": request_weights(requests),
            "total_tokens": _num(requests["total_tokens"]),
            "cost_usd": _num(requests["cost_usd"]),
        }
    )
    out = r.groupby("email", as_index=False).agg(
        model_requests=("requests", "sum"),
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
            "requests": request_weights(requests),
            "total_tokens": _num(requests["total_tokens"]),
            "cost_usd": _num(requests["cost_usd"]),
        }
    )
    out = r.groupby(by, as_index=False).agg(
        requests=("requests", "sum"),
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


def tokens_by_period(requests: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """period, kind (Input/Output/Cache read/Cache write), tokens."""
    sums = sum_by_period(requests, "timestamp", granularity, list(TOKEN_KINDS))
    long = sums.melt(id_vars="period", var_name="kind", value_name="tokens")
    long["kind"] = long["kind"].map(TOKEN_KINDS)
    return long


def cost_by_period(
    requests: pd.DataFrame, granularity: str, by: str = "spend_type"
) -> pd.DataFrame:
    return sum_by_period(requests, "timestamp", granularity, ["cost_usd"], by=by)


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
# One name for one thing across vendors: Builder.io's `cacheInput` is the input read from the
# prompt cache, Firebender's `cacheReadTokens` (Builder's docs do not define it; in their
# sample it is 113x the fresh input, as cache reads are in long agent sessions), so both are
# "Cache read".
BUILDER_TOKENS = {
    "tokens_input": "Input",
    "tokens_output": "Output",
    "tokens_cache_write": "Cache write",
    "tokens_cache_input": "Cache read",
}


def builder_trend(org: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """period, measure, value for the chosen organization columns."""
    present = [c for c in columns if c in org]
    long = org.melt(id_vars="period", value_vars=present, var_name="column", value_name="value")
    long["measure"] = long["column"].map(BUILDER_TREND)
    long["value"] = _num(long["value"])
    return long


def builder_org_table(
    org: pd.DataFrame, start: dt.date, end: dt.date, granularity: str
) -> pd.DataFrame:
    """The organization metrics on the full period index, with overview column names and the
    acceptance share."""
    index = periods(start, end, granularity)
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


# How many spaces the Builder.io page charts together: each is a request of its own [a choice].
MAX_SPACES_CHARTED = 12
# The people tables of the vendor pages (Firebender, Builder.io): the top this many, the count of
# all and the totals over all of them said beside them; the page's export (built when asked for)
# and Explore hold everyone.
BOARD_PEOPLE = 50


def tokens_per_space(spaces: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """period, space, tokens_total: each space's total tokens per period (space name -> its
    space metrics)."""
    parts = [
        pd.DataFrame(
            {"period": frame["period"], "space": name, "tokens_total": _num(frame["tokens_total"])}
        )
        for name, frame in spaces.items()
        if len(frame)
    ]
    if not parts:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                "space": pd.Series(dtype="str"),
                "tokens_total": pd.Series(dtype="float64"),
            }
        )
    return pd.concat(parts, ignore_index=True)


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


def builder_users_top(
    users: pd.DataFrame, limit: int = BOARD_PEOPLE
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """(the `limit` people with the most accepted lines as `builder_users_table` orders them,
    how many people there are, one row of totals over all of them): the page holds a page of
    people, and its totals are over everyone, never the sum of the rows shown. A total with an
    unknown part (a number sent as null) is unknown."""
    table = builder_users_table(users)
    numbers = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    totals = pd.DataFrame(
        {c: [_num(table[c]).sum(skipna=False) if len(table) else 0.0] for c in numbers}
    )
    return table.head(limit).reset_index(drop=True), len(table), totals


# Codefresh -------------------------------------------------------------------


def credits_table(
    credits: pd.DataFrame | None,
    start: dt.date,
    end: dt.date,
    granularity: str,
    usd_per_credit: float | None = None,
) -> pd.DataFrame:
    """CI credits (and CI spend, given a price) on the full period index with `complete`: the
    same numbers as the overview's columns of those names, without building the overview."""
    index = periods(start, end, granularity)
    part = credits_by_period(credits, index, granularity, usd_per_credit)
    return index.merge(part, on="period", how="left")


def credits_by_key(credits: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """period, key, credits (e.g. per resource class)."""
    out = sum_by_period(credits, "period", granularity, ["value"], by="key")
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
