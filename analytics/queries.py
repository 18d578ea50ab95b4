"""The aggregates DuckDB computes from the store for the pages: a dataset at the granularity a
view asks for, model requests rolled up per day and person, and pages of raw rows for Explore.

Results have the connector frame's columns and dtypes, so the metrics built on the connectors'
frames work on them unchanged. Model requests are the exception: one row per day, person,
model, mode and spend type with a `requests` count, never the raw requests.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass

import pandas as pd

from connectors import endpoints
from connectors.endpoints import Dataset
from connectors.frames import empty_frame
from store import Store, StoreError, rollups, typed
from teams import mapping as team_mapping
from teams import privacy
from teams.mapping import UNASSIGNED

from .export import decimals
from .metrics import vendors

_NUMERIC = ("int", "float")
_TRUNC = {"week": "week", "month": "month", "quarter": "quarter"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _measures(dataset: Dataset) -> list[str]:
    return [f.column for f in dataset.schema if f.kind in _NUMERIC]


def _dimensions(dataset: Dataset) -> list[str]:
    time = dataset.time_column
    return [f.column for f in dataset.schema if f.kind not in _NUMERIC and f.column != time]


def rows(
    store: Store, dataset: Dataset, granularity, scopes, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """The stored rows of [start, end] at the stored `granularity` (periods a view asked
    for at the granularity they are stored by)."""
    return store.rows(dataset.key, granularity, scopes, start, end)


def rolled_up(
    store: Store, dataset: Dataset, granularity: str | None, scopes, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """An additive dataset kept by day, summed into `granularity` (None: one row per key over
    the whole range, labelled by its first day, as Codefresh answers without granularity).
    Days outside [start, end] are left out, as a vendor's answer for the range would."""
    empty = empty_frame(dataset.schema)
    source = store.source(dataset.key, "day", scopes, start, end)
    if source is None:
        return empty
    time = _quote(dataset.time_column)
    keys = [c for c in dataset.natural_key if c != dataset.time_column]
    others = [c for c in _dimensions(dataset) if c not in keys]
    measures = _measures(dataset)
    if granularity is None:
        period = f"TIMESTAMP '{start.isoformat()}'"
    else:
        period = f"date_trunc('{_TRUNC[granularity]}', {time})"
    select = [f"{period} AS {time}"] + [_quote(k) for k in keys]
    select += [f"any_value({_quote(c)}) AS {_quote(c)}" for c in others]
    # A sum with an unknown part (a documented number sent as null) is unknown, not the sum
    # of the known part.
    select += [f"{rollups.known_sum(_quote(c))} AS {_quote(c)}" for c in measures]
    group = ", ".join(["1"] + [str(i + 2) for i in range(len(keys))])
    order = ", ".join([time] + [_quote(k) for k in keys])
    frame = store.sql(
        f"SELECT {', '.join(select)} FROM {{src}} GROUP BY {group} ORDER BY {order}", src=source
    )
    if granularity is None:
        frame = frame[[c for c in ("key", dataset.time_column, "value") if c in frame]]
    else:
        frame = frame[[c for c in empty.columns if c in frame]]
    return typed(frame, empty)


def _as_csv(field, dataset: str) -> str:
    """A column as the page's CSV exports write it (export.py): floats rounded by what they
    mean, instants as ISO-8601 with their UTC offset (2026-01-07 16:51:47.018+00:00)."""
    name = _quote(field.column)
    if field.kind == "float":
        places = decimals(field.column, dataset)
        return name if places is None else f"round({name}, {places}) AS {name}"
    if field.kind == "instant":
        return f"strftime({name}, '%Y-%m-%d %H:%M:%S.%g+00:00') AS {name}"
    if field.kind in ("str", "category"):  # a model's name is a vendor's text too
        # As export.to_csv does (safe.text.cell): control characters removed, and a text a
        # spreadsheet would run as a formula gets a leading "'" (OWASP's CSV injection list).
        # Carriage returns become line feeds (safe.text.csv_cell), which the writer quotes.
        cleaned = f"regexp_replace({name}, '{CELL_CONTROLS}', '', 'g')"
        lines = f"replace(replace({cleaned}, chr(13) || chr(10), chr(10)), chr(13), chr(10))"
        return (
            f"CASE WHEN regexp_matches({cleaned}, '{CELL_FORMULA}') "
            f"THEN chr(39) || {lines} ELSE {lines} END AS {name}"
        )
    return name


# safe.text's CONTROLS and FORMULA_START as RE2 patterns for DuckDB.
CELL_CONTROLS = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{200b}-\x{200f}\x{2028}\x{2029}"
    r"\x{202a}-\x{202e}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{feff}]"
)
CELL_FORMULA = r"^[=+\-@\t\r]"


REQUEST_DIMENSIONS = ("email", "model", "mode", "spend_type")


def requests_summed(
    store: Store,
    dataset: Dataset,
    start: dt.date,
    end: dt.date,
    by: tuple[str, ...] = (),
    per_day: bool = True,
    team=None,
    salt: str | None = None,
) -> pd.DataFrame:
    """Model requests summed by `by` (some of email, model, mode, spend_type) and, with
    `per_day`, by UTC day (`timestamp`, the day at UTC midnight): `requests`, the token counts
    and `cost_usd`. Each view asks for the few columns it shows, so the page holds a few
    thousand rows where a large organisation has millions of requests. `team`: (mapping,
    members): only the requests of its people on their days in it (`within_team`)."""
    unknown = set(by) - set(REQUEST_DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot sum model requests by {sorted(unknown)}")
    measures = _measures(dataset)
    schema = empty_frame(dataset.schema)
    keys = (["timestamp"] if per_day else []) + list(by)
    empty = schema[keys].copy() if keys else pd.DataFrame()
    empty["requests"] = pd.Series(dtype="int64")
    for column in measures:
        empty[column] = schema[column]
    # Model spend per day x person x model x mode x spend type is defined once, in the
    # rollup sync keeps (store/rollups.py); this sums its rows, never the raw requests.
    narrow = None
    if team is not None:
        narrow = lambda src: within_team(src, *team, salt, "day")  # noqa: E731
    frame = rollups.spend(store, start, end, by, per_day, narrow, _team_params(salt))
    if frame is None:
        return empty
    if per_day:
        frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.tz_localize("UTC")
    frame["requests"] = frame["requests"].astype("int64")
    return typed(frame[list(empty.columns)], empty)


def unfilled(
    store: Store,
    dataset: Dataset,
    granularity: str | None,
    start: dt.date,
    end: dt.date,
    scopes=None,
) -> list[tuple[object, int, int]]:
    """(field, rows without a value, rows) for each field the vendor left out or sent as null
    in [start, end]: a field its docs call optional, or a documented number."""
    chosen = [f for f in dataset.schema if f.optional or f.kind in ("int", "float")]
    source = store.source(dataset.key, granularity, scopes, start, end)
    if source is None or not chosen:
        return []
    counts = ", ".join(f"count({_quote(f.column)})" for f in chosen)
    row = store.sql(f"SELECT count(*), {counts} FROM {{src}}", src=source).iloc[0]
    rows = int(row.iloc[0])
    return [
        (f, rows - int(held), rows)
        for f, held in zip(chosen, row.iloc[1:], strict=True)
        if rows - int(held) > 0
    ]


# ---------------------------------------------------------------- Explore: raw rows


def _where(selections: dict[str, tuple], team: tuple | None = None) -> tuple[str, list]:
    """A WHERE clause keeping rows whose dimension values are among those chosen, and with
    `team` ((person, first day, last day), ...), rows of those people on those days (an empty
    tuple: no row; None: everyone's)."""
    parts, params = [], []
    for column, values in sorted(selections.items()):
        if values:
            parts.append(f"CAST({_quote(column)} AS VARCHAR) IN ({', '.join('?' * len(values))})")
            params.extend(str(v) for v in values)
    if team is not None:
        if not team:
            parts.append("false")
        else:
            rows = ", ".join("(?, CAST(? AS DATE), CAST(? AS DATE))" for _ in team)
            parts.append(
                f"EXISTS (SELECT 1 FROM (VALUES {rows}) AS t(p, f, l) "
                "WHERE lower(email) = t.p AND _label BETWEEN t.f AND t.l)"
            )
            for person, first, last in team:
                params.extend([person, str(first), str(last)])
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


def _people(source: str, dataset: Dataset, salt: str | None) -> tuple[str, list]:
    """The FROM item with every person column replaced by its pseudonym when `salt` is given
    (so filters, pages and exports only ever see pseudonyms), and its parameters."""
    columns = [f.column for f in dataset.schema if f.column in privacy.PERSON_COLUMNS]
    if not salt or not columns:
        return source, []
    replaced = ", ".join(f"{privacy.sql_pseudonym(_quote(c), '?')} AS {_quote(c)}" for c in columns)
    return f"(SELECT * REPLACE ({replaced}) FROM {source}) AS people", [salt] * len(columns)


def distinct(
    store: Store, dataset: Dataset, granularity, start, end, column: str, salt=None
) -> list[str]:
    source = store.source(dataset.key, granularity, None, start, end)
    if source is None:
        return []
    source, params = _people(source, dataset, salt)
    name = _quote(column)
    found = store.sql(
        f"SELECT DISTINCT CAST({name} AS VARCHAR) AS v FROM {{src}} WHERE {name} IS NOT NULL "
        f"ORDER BY 1",
        params,
        src=source,
    )
    return found["v"].tolist()


def count(
    store: Store, dataset: Dataset, granularity, start, end, selections=None, salt=None, team=None
) -> int:
    source = store.source(dataset.key, granularity, None, start, end)
    if source is None:
        return 0
    source, people = _people(source, dataset, salt)
    where, params = _where(selections or {}, team)
    return int(
        store.sql(f"SELECT count(*) AS n FROM {{src}}{where}", people + params, src=source)["n"][0]
    )


def page(
    store: Store,
    dataset: Dataset,
    granularity,
    start,
    end,
    offset: int,
    limit: int,
    selections=None,
    salt=None,
    team=None,
) -> pd.DataFrame:
    """Rows offset..offset+limit in natural-key order, as the connector frame."""
    empty = empty_frame(dataset.schema)
    source = store.source(dataset.key, granularity, None, start, end)
    if source is None:
        return empty
    source, people = _people(source, dataset, salt)
    # The order the store's files hold rows in (partition, then natural key): an export
    # streams them in that order without sorting, so a page and its download agree.
    order = ", ".join(["_label"] + [_quote(c) for c in dataset.natural_key])
    columns = ", ".join(_quote(c) for c in empty.columns)
    where, params = _where(selections or {}, team)
    frame = store.sql(
        f"SELECT {columns} FROM {{src}}{where} ORDER BY {order} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        people + params,
        src=source,
    )
    # Text as the files DuckDB writes hold it (not categories), so a page equals its download.
    return typed(frame, empty.astype({c: "str" for c in _dimensions(dataset) if c in empty}))


def export_file(
    store: Store,
    dataset: Dataset,
    granularity,
    start,
    end,
    fmt: str,
    selections=None,
    salt=None,
    team=None,
) -> str | None:
    """Every chosen row of the range written by DuckDB straight to a temporary file (CSV or
    Parquet), never held in Python and never sorted (the files' order: day, then request id):
    the caller streams it out and deletes it. None: nothing held."""
    source = store.source(dataset.key, granularity, None, start, end)
    if source is None:
        return None
    source, people = _people(source, dataset, salt)
    where, params = _where(selections or {}, team)
    handle, path = tempfile.mkstemp(suffix=f".{fmt}", prefix="ai-ci-export-")
    os.close(handle)
    columns = ", ".join(
        _as_csv(f, dataset.key) if fmt == "csv" else _quote(f.column) for f in dataset.schema
    )
    options = "(FORMAT csv, HEADER true)" if fmt == "csv" else "(FORMAT parquet)"
    quoted = path.replace("'", "''")
    con = store.connect()
    try:
        con.execute(
            f"COPY (SELECT {columns} FROM {source}{where}) TO '{quoted}' {options}",
            people + params,
        )
    finally:
        con.close()
    return path


DAILY_USAGE = "firebender.daily_usage"
USAGE_COLUMNS = {
    "date": "datetime64[ns]",
    "people": "int64",
    "active_people": "int64",
    "agent_prompts": "Int64",
    "inline_edits": "Int64",
    "autocomplete_accepts": "Int64",
    "accepted_lines": "Int64",
}
PEOPLE_COLUMNS = {"period_kind": "str", "period": "datetime64[ns]", "people": "int64"}


def usage_summed(store: Store, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Firebender's daily usage as the organisation's views read it: summed per day, and the
    distinct people using AI per day, week and month counted by DuckDB (the store's rollups,
    `store.rollups.usage`): a few hundred rows whatever the headcount, no person in them."""
    found = rollups.usage(store, start, end)
    if found is None:
        daily = pd.DataFrame({c: pd.Series(dtype=t) for c, t in USAGE_COLUMNS.items()})
        people = pd.DataFrame({c: pd.Series(dtype=t) for c, t in PEOPLE_COLUMNS.items()})
        return daily, people
    return found


# ---------------------------------------------------------------- the Firebender page's sums


def usage_by_day(store: Store, start, end) -> pd.DataFrame:
    """Firebender's daily usage summed per day of [start, end] (every measure of the dataset,
    `people` with a row that day, `active_people` using AI, `accepted_lines`): the
    organisation's rows for the page's tiles, active users and acceptance rates, one a day
    whatever the headcount. Nothing held: no row."""
    dataset = endpoints.get(DAILY_USAGE)
    measures = _measures(dataset)
    source = store.source(DAILY_USAGE, "day", ["org"], start, end)
    columns = {"date": "datetime64[ns]", "people": "int64", "active_people": "int64",
               **{m: "float64" for m in measures}, "accepted_lines": "float64"}  # fmt: skip
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    sums = ", ".join(f"CAST(sum({_quote(m)}) AS DOUBLE) AS {_quote(m)}" for m in measures)
    frame = store.sql(
        "SELECT CAST(_label AS TIMESTAMP) AS date, count(*) AS people, "
        f"count(DISTINCT CASE WHEN {rollups.USAGE_ACTIVE} THEN email END) AS active_people, "
        f"{sums}, CAST(sum({rollups.ACCEPTED_LINES_SQL}) AS DOUBLE) AS accepted_lines "
        "FROM {src} GROUP BY 1 ORDER BY 1",
        src=source,
    )
    return frame.astype(columns)


def usage_by_person(
    store: Store, start, end, limit: int | None = vendors.BOARD_PEOPLE, team=None, salt=None
) -> tuple[pd.DataFrame, int]:
    """Firebender's daily usage summed per person over [start, end], the `limit` people with
    the most accepted lines (then by email), with `active_days` (days using AI), and how many
    people there are in all: the page's people table, never every person's every day (None:
    everyone, for the export a person asks for).
    `team`: (mapping, members): its people's rows on their days in it (`within_team`)."""
    dataset = endpoints.get(DAILY_USAGE)
    measures = _measures(dataset)
    source = store.source(DAILY_USAGE, "day", ["org"], start, end)
    columns = {"email": "str", **{m: "float64" for m in measures}, "active_days": "int64"}
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()}), 0
    # As the per-row metrics sum them: a missing value counts 0 in a person's total.
    sums = ", ".join(
        f"CAST(coalesce(sum({_quote(m)}), 0) AS DOUBLE) AS {_quote(m)}" for m in measures
    )
    lines = " + ".join(f"coalesce(sum({c}), 0)" for c in rollups.ACCEPTED_LINES_COLUMNS)
    query = (
        "SELECT CAST(email AS VARCHAR) AS email, "
        f"{sums}, count(DISTINCT CASE WHEN {rollups.USAGE_ACTIVE} THEN _label END) AS active_days, "
        f"{lines} AS _lines, count(*) OVER () AS _people "
        "FROM {src} WHERE email IS NOT NULL GROUP BY 1 "
        "ORDER BY _lines DESC, email" + ("" if limit is None else f" LIMIT {int(limit)}")
    )
    if team is not None:
        source = within_team(source, *team, salt)
    frame = store.sql(query, _team_params(salt), src=source)
    total = int(frame["_people"].iloc[0]) if len(frame) else 0
    return frame.drop(columns=["_lines", "_people"]).astype(columns), total


def requests_of_people(
    store: Store,
    dataset: Dataset,
    start,
    end,
    emails: tuple | None,
    top: int = 10,
    team=None,
    salt: str | None = None,
) -> pd.DataFrame:
    """Model requests summed per person over [start, end] (as `requests_summed` by email):
    everyone's when `emails` is None, else only the people in `emails` and the `top` people
    with the highest cost (the page's people table and its top spenders), chosen by DuckDB."""
    if emails is None:
        return requests_summed(store, dataset, start, end, ("email",), False, team, salt)
    schema = empty_frame(dataset.schema)
    empty = schema[["email"]].copy()
    empty["requests"] = pd.Series(dtype="int64")
    for column in _measures(dataset):
        empty[column] = schema[column]
    src = rollups.source(store, "model_spend", start, end)
    if src is None:
        return empty
    if team is not None:
        src = within_team(src, *team, salt, "day")
    sums = ", ".join(
        ["CAST(coalesce(sum(requests), 0) AS BIGINT) AS requests"]
        + [
            f"CAST(sum({_quote(m)}) AS {'DOUBLE' if m == 'cost_usd' else 'BIGINT'}) AS {_quote(m)}"
            for m in _measures(dataset)
        ]
    )
    frame = store.sql(
        f"WITH p AS (SELECT email, {sums} FROM {{src}} GROUP BY email) "
        "SELECT * FROM p WHERE email IN (SELECT unnest(CAST($emails AS VARCHAR[]))) OR email IN "
        f"(SELECT email FROM p ORDER BY cost_usd DESC NULLS LAST, email LIMIT {int(top)}) "
        "ORDER BY email",
        {"emails": list(emails), **_team_params(salt)},
        src=src,
    )
    frame["requests"] = frame["requests"].astype("int64")
    return typed(frame[list(empty.columns)], empty)


# ---------------------------------------------------------------- the Teams page's sums

TEAM_SUMS = {
    "firebender.daily_usage": ("firebender_lines", "ai_active"),
    "firebender.model_requests": ("ai_spend_usd",),
    "codefresh.pipeline_credit_consumption": ("ci_credits",),
    "builder.org_space_metrics": ("builder_lines",),
}


@dataclass
class TeamSums:
    """One dataset summed per team and period by DuckDB, the teams mapping joined on key and day
    (`team_sums`). `sums`: granularity, team, period and the dataset's measures (TEAM_SUMS).
    `days` (Codefresh credits): period (a day), value (1 where some pipeline's credits are not
    0): where its data start and end. `movers` (daily usage): the rows of the people the
    mapping puts in more than one team in the range (email, date, the AI activity columns),
    for the moves table: a few people's days, never everyone's."""

    sums: pd.DataFrame
    days: pd.DataFrame | None = None
    movers: pd.DataFrame | None = None


def _empty_team_sums(endpoint: str, columns: dict) -> TeamSums:
    sums = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    days = movers = None
    if endpoint == "codefresh.pipeline_credit_consumption":
        days = pd.DataFrame(
            {"period": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="int64")}
        )
    if endpoint == "firebender.daily_usage":
        movers = pd.DataFrame(
            {"email": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[ns]")}
            | {c: pd.Series(dtype="float64") for c in rollups.AI_ACTIVITY_COLUMNS}
        )
    return TeamSums(sums, days, movers)


def _team_map(mapping, kind: str, values) -> pd.DataFrame:
    """value, team, lo, hi (midnights): each value's team intervals (`teams.mapping.resolve`: the
    same precedence, globs included), for DuckDB to join on the value and the day."""
    found = team_mapping.resolve(mapping, kind, values)
    return pd.DataFrame(
        {
            "value": found["value"].astype(str),
            "team": found["team"].astype(str),
            "lo": found["valid_from"].astype("datetime64[ns]"),
            "hi": found["valid_to"].astype("datetime64[ns]"),
        }
    )


def _on_day(alias: str, day: str) -> str:
    """SQL: `day` lies in the mapping interval of the row aliased `alias`."""
    return f"{day} BETWEEN CAST({alias}.lo AS DATE) AND CAST({alias}.hi AS DATE)"


def _person(column: str, salt: str | None) -> str:
    """SQL: a person as the mapping names them: the email lowered, or its pseudonym when people
    are pseudonymised (the mapping is pseudonymised alike)."""
    name = _quote(column)
    return f"lower({privacy.sql_pseudonym(name, '$salt')})" if salt else f"lower({name})"


def _per_granularity(base: str, granularities, measures: str) -> str:
    """SQL: the rows of CTE `base` (day, team, ...) grouped by team and period, one block per
    granularity."""
    blocks = [
        f"SELECT '{g}' AS granularity, team, "
        f"CAST(date_trunc('{_TRUNC[g]}', day) AS TIMESTAMP) AS period, {measures} "
        f"FROM {base} GROUP BY 2, 3"
        for g in granularities
    ]
    return " UNION ALL ".join(blocks)


def _team_sql(store: Store, query: str, params: dict, tables: dict) -> pd.DataFrame:
    import duckdb  # loaded by connect()

    con = store.connect()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        used = {k: v for k, v in params.items() if f"${k}" in query}
        return con.execute(query, used).fetch_df()
    except (duckdb.IOException, duckdb.InvalidInputException) as err:  # a damaged file
        raise StoreError(f"the store could not be read: {str(err)[:300]}") from None
    finally:
        con.close()


def _distinct(store: Store, src: str, column: str) -> list[str]:
    name = _quote(column)
    found = store.sql(
        f"SELECT DISTINCT CAST({name} AS VARCHAR) AS v FROM {{src}} WHERE {name} IS NOT NULL",
        src=src,
    )
    return found["v"].tolist()


def team_sums(
    store: Store, endpoint: str, mapping, start, end, granularities, salt: str | None = None
) -> TeamSums:
    """`endpoint` (one of TEAM_SUMS) over [start, end] summed per team and period of each of
    `granularities`, every row counted for the team its person, pipeline or space was in that
    day (Unassigned where the mapping says nothing): what `analytics.metrics.teams.team_table`
    computes from each row, computed by DuckDB with the mapping joined as a small table, so
    the page holds rows per team and period whatever the headcount. Sums as that table sums
    them (a missing value left out; the table blanks a source's holes). Nothing held: empty."""
    granularities = tuple(dict.fromkeys(granularities))
    params = {"salt": salt} if salt else {}
    measures = TEAM_SUMS[endpoint]
    columns = {"granularity": "str", "team": "str", "period": "datetime64[ns]"}
    columns.update({m: ("int64" if m == "ai_active" else "float64") for m in measures})
    if endpoint == "firebender.model_requests":
        src = rollups.source(store, "model_spend", start, end)
    else:
        src = store.source(endpoint, "day", ["org"], start, end)
    if src is None:  # nothing held: empty, as an empty load of the rows would be
        return _empty_team_sums(endpoint, columns)
    days = movers = None
    if endpoint == "firebender.daily_usage":
        person = _person("email", salt)
        people = {r.match.lower() for r in mapping.rules if r.kind == "person"}
        tables = {"team_map": _team_map(mapping, "person", sorted(people))}
        base = (
            f"SELECT CAST(r._label AS DATE) AS day, coalesce(m.team, '{UNASSIGNED}') AS team, "
            f"{person} AS person, {rollups.ACCEPTED_LINES_SQL} AS lines, "
            f"{rollups.USAGE_ACTIVE} AS active FROM {src} AS r LEFT JOIN team_map AS m "
            f"ON m.value = {person} AND {_on_day('m', 'CAST(r._label AS DATE)')}"
        )
        sums = (
            "CAST(sum(lines) AS DOUBLE) AS firebender_lines, "
            "count(DISTINCT CASE WHEN active THEN person END) AS ai_active"
        )
        members = team_mapping.memberships(mapping, start, end)
        several = members.groupby("person")["team"].nunique()
        moving = sorted(several[several > 1].index)
        if moving:
            activity = ", ".join(_quote(c) for c in rollups.AI_ACTIVITY_COLUMNS)
            movers = _team_sql(
                store,
                f"SELECT {person} AS email, CAST(_label AS TIMESTAMP) AS date, {activity} "
                f"FROM {src} WHERE {person} IN (SELECT value FROM moving) ORDER BY 2, 1",
                params,
                {"moving": pd.DataFrame({"value": moving})},
            )
        else:
            movers = _empty_team_sums(endpoint, columns).movers
        movers["date"] = movers["date"].astype("datetime64[ns]")
    elif endpoint == "firebender.model_requests":
        person = _person("email", salt)
        people = {r.match.lower() for r in mapping.rules if r.kind == "person"}
        tables = {"team_map": _team_map(mapping, "person", sorted(people))}
        # Model spend per day and person as `requests_summed` gives it, then per team.
        spend = (
            f"SELECT day, email, {rollups.known_sum('cost_usd')} AS cost FROM {src} GROUP BY ALL"
        )
        base = (
            f"SELECT r.day, coalesce(m.team, '{UNASSIGNED}') AS team, r.cost FROM ({spend}) AS r "
            f"LEFT JOIN team_map AS m ON m.value = {person} AND {_on_day('m', 'r.day')}"
        )
        sums = f"CAST({rollups.known_sum('cost')} AS DOUBLE) AS ai_spend_usd"
    elif endpoint == "codefresh.pipeline_credit_consumption":
        tables = {"team_map": _team_map(mapping, "pipeline", _distinct(store, src, "key"))}
        value = "TRY_CAST(r.value AS DOUBLE)"
        base = (
            f"SELECT CAST(r._label AS DATE) AS day, coalesce(m.team, '{UNASSIGNED}') AS team, "
            f"{value} AS value FROM {src} AS r LEFT JOIN team_map AS m "
            f"ON m.value = CAST(r.key AS VARCHAR) AND {_on_day('m', 'CAST(r._label AS DATE)')}"
        )
        sums = f"CAST({rollups.known_sum('value')} AS DOUBLE) AS ci_credits"
        days = store.sql(
            "SELECT CAST(_label AS TIMESTAMP) AS period, max(CASE WHEN coalesce("
            "TRY_CAST(value AS DOUBLE), 0) <> 0 THEN 1 ELSE 0 END) AS value FROM {src} "
            "GROUP BY 1 ORDER BY 1",
            src=src,
        )
        days["period"] = days["period"].astype("datetime64[ns]")
    elif endpoint == "builder.org_space_metrics":
        tables = {
            "by_id": _team_map(mapping, "space", _distinct(store, src, "space_id")),
            "by_name": _team_map(mapping, "space", _distinct(store, src, "space_name")),
        }
        day = "CAST(r._label AS DATE)"
        base = (
            f"SELECT {day} AS day, coalesce(i.team, n.team, '{UNASSIGNED}') AS team, "
            "coalesce(TRY_CAST(r.lines_accepted AS DOUBLE), 0) AS lines FROM "
            f"{src} AS r LEFT JOIN by_id AS i ON i.value = CAST(r.space_id AS VARCHAR) "
            f"AND {_on_day('i', day)} LEFT JOIN by_name AS n "
            f"ON n.value = CAST(r.space_name AS VARCHAR) AND {_on_day('n', day)}"
        )
        sums = "CAST(sum(lines) AS DOUBLE) AS builder_lines"
    else:
        raise KeyError(f"{endpoint} is not summed per team")
    query = f"WITH base AS ({base}) " + _per_granularity("base", granularities, sums)
    frame = _team_sql(store, query + " ORDER BY 1, 2, 3", params, tables)
    frame = frame.astype({c: t for c, t in columns.items() if c in frame})
    return TeamSums(frame[list(columns)], days, movers)


# ---------------------------------------------------------------- a team's rows, chosen in SQL


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def within_team(
    src: str, mapping, members, salt: str | None = None, day: str = "CAST(_label AS DATE)"
) -> str:
    """A FROM item: the rows of `src` (a person's `email`, a day) whose person the mapping puts
    in one of `members` on the row's day (Unassigned: in no team that day), as
    `analytics.lens.Lens.people` keeps them, chosen by DuckDB: the mapping's people join as a
    small table of intervals, so no person's row leaves DuckDB. With `salt`, people are matched
    by their pseudonyms (the mapping is pseudonymised alike; the query takes `$salt`)."""
    people = sorted({r.match.lower() for r in mapping.rules if r.kind == "person"})
    found = _team_map(mapping, "person", people)
    rows = ", ".join(
        f"({_text(v)}, {_text(t)}, DATE '{lo.date().isoformat()}', DATE '{hi.date().isoformat()}')"
        for v, t, lo, hi in zip(
            found["value"], found["team"], found["lo"], found["hi"], strict=True
        )
    )
    if not rows:  # no person in the mapping: everyone is Unassigned
        rows = "(NULL, NULL, NULL, NULL)"
    person = _person("email", salt)
    wanted = ", ".join(_text(m) for m in sorted(members)) or "NULL"
    return (
        f"(SELECT r.* FROM {src} AS r LEFT JOIN (VALUES {rows}) AS m(value, team, lo, hi) "
        f"ON m.value = {person} AND {day} BETWEEN m.lo AND m.hi "
        f"WHERE coalesce(m.team, '{UNASSIGNED}') IN ({wanted}))"
    )


def _team_params(salt: str | None) -> dict:
    return {"salt": salt} if salt else {}


def team_usage(
    store: Store, start, end, mapping, members, salt: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A team's Firebender daily usage summed per day (as `usage_by_day`), and its distinct
    people using AI per day, week and month of [start, end] (as `usage_summed`'s people, counted
    over the range's days): the Firebender page with a team picked, no person in them."""
    dataset = endpoints.get(DAILY_USAGE)
    measures = _measures(dataset)
    source = store.source(DAILY_USAGE, "day", ["org"], start, end)
    columns = {"date": "datetime64[ns]", "people": "int64", "active_people": "int64",
               **{m: "float64" for m in measures}, "accepted_lines": "float64"}  # fmt: skip
    people_empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in PEOPLE_COLUMNS.items()})
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()}), people_empty
    src = within_team(source, mapping, members, salt)
    params = _team_params(salt)
    sums = ", ".join(f"CAST(sum({_quote(m)}) AS DOUBLE) AS {_quote(m)}" for m in measures)
    daily = store.sql(
        "SELECT CAST(_label AS TIMESTAMP) AS date, count(*) AS people, "
        f"count(DISTINCT CASE WHEN {rollups.USAGE_ACTIVE} THEN email END) AS active_people, "
        f"{sums}, CAST(sum({rollups.ACCEPTED_LINES_SQL}) AS DOUBLE) AS accepted_lines "
        "FROM {src} GROUP BY 1 ORDER BY 1",
        params,
        src=src,
    ).astype(columns)
    people = store.sql(rollups._active_sql(rollups.USAGE_ACTIVE), params, src=src)
    people = people.astype({"period": "datetime64[ns]", "people": "int64"})
    return daily, people[list(PEOPLE_COLUMNS)].astype(PEOPLE_COLUMNS)


# ---------------------------------------------------------------- the Builder.io page's spaces

ORG_SPACE_METRICS = "builder.org_space_metrics"
SPACE_METRICS = "builder.space_metrics"
SPACE_LINES = ("total_lines", "lines_accepted", "lines_added", "lines_removed")
OTHER = "Other"


@dataclass
class SpaceLines:
    """The Builder.io page's lines per space (`space_lines`): `series` (period, space_name,
    lines_accepted: the `top` spaces with the most accepted lines, the rest as one "Other"),
    `totals` (the `table` spaces with the most accepted lines over the range: space_name, the
    lines, acceptance) and `spaces`: how many spaces there are in all."""

    series: pd.DataFrame
    totals: pd.DataFrame
    spaces: int


def _space_period(store: Store, dataset: Dataset, granularity: str, start, end):
    """(FROM item, SQL of a row's period) for `dataset` at `granularity`: its stored rows
    when kept at that granularity, else its days, each in the period it falls in."""
    stored = dataset.stored_as(granularity)
    src = store.source(dataset.key, stored, ["org"], start, end)
    time = _quote(dataset.time_column)
    period = time if stored == granularity else f"date_trunc('{_TRUNC[granularity]}', {time})"
    return src, f"CAST({period} AS TIMESTAMP)"


def space_lines(
    store: Store, start, end, granularity: str, top: int = 6, table: int = 20, team=None
) -> SpaceLines:
    """Builder.io's lines per space over [start, end] at `granularity`, for the page: rows per
    period x (`top` + 1) spaces and `table` spaces' totals, whatever the number of spaces, with
    the count of them all. Sums with an unknown part (a number sent as null) are unknown
    (`rollups.known_sum`); a space without a name is named by its id. `team`: (mapping,
    members): only the periods a space is in one of `members` on the period's first day (by
    its id, else its name, as `analytics.lens.Lens.spaces` keeps them), chosen by DuckDB with
    the mapping's spaces joined as a small table."""
    dataset = endpoints.get(ORG_SPACE_METRICS)
    series_columns = {"period": "datetime64[ns]", "space_name": "str", "lines_accepted": "float64"}
    total_columns = {"space_name": "str", **{c: "float64" for c in SPACE_LINES},
                     "acceptance": "float64"}  # fmt: skip
    src, period = _space_period(store, dataset, granularity, start, end)
    if src is None:
        return SpaceLines(
            pd.DataFrame({c: pd.Series(dtype=t) for c, t in series_columns.items()}),
            pd.DataFrame({c: pd.Series(dtype=t) for c, t in total_columns.items()}),
            0,
        )
    lines = ", ".join(f"TRY_CAST({_quote(c)} AS DOUBLE) AS {_quote(c)}" for c in SPACE_LINES)
    named = "coalesce(CAST(r.space_name AS VARCHAR), CAST(r.space_id AS VARCHAR))"
    rows = f"(SELECT {period} AS period, space_id, space_name, {lines} FROM {src})"
    tables: dict = {}
    if team is None:
        chosen = f"{rows} AS r"
    else:
        mapping, members = team
        tables = {
            "by_id": _team_map(mapping, "space", _distinct(store, src, "space_id")),
            "by_name": _team_map(mapping, "space", _distinct(store, src, "space_name")),
        }
        day = "CAST(r.period AS DATE)"
        wanted = ", ".join(_text(m) for m in sorted(members)) or "NULL"
        chosen = (
            f"{rows} AS r LEFT JOIN by_id AS i ON i.value = CAST(r.space_id AS VARCHAR) "
            f"AND {_on_day('i', day)} LEFT JOIN by_name AS n "
            f"ON n.value = CAST(r.space_name AS VARCHAR) AND {_on_day('n', day)} "
            f"WHERE coalesce(i.team, n.team, '{UNASSIGNED}') IN ({wanted})"
        )
    measures = ", ".join(f"r.{_quote(c)}" for c in SPACE_LINES)
    base = f"SELECT r.period, {named} AS space_name, {measures} FROM {chosen}"
    ranked = (
        "SELECT space_name, row_number() OVER (ORDER BY sum(lines_accepted) DESC NULLS LAST, "
        "space_name) AS rank FROM base GROUP BY space_name"
    )
    series = _team_sql(
        store,
        f"WITH base AS ({base}), ranked AS ({ranked}) SELECT b.period, CASE WHEN r.rank <= "
        f"{int(top)} THEN b.space_name ELSE {_text(OTHER)} END AS space_name, "
        f"CAST({rollups.known_sum('b.lines_accepted')} AS DOUBLE) AS lines_accepted "
        "FROM base AS b JOIN ranked AS r USING (space_name) GROUP BY 1, 2 ORDER BY 1, 2",
        {},
        tables,
    ).astype(series_columns)
    sums = ", ".join(
        f"CAST({rollups.known_sum(_quote(c))} AS DOUBLE) AS {_quote(c)}" for c in SPACE_LINES
    )
    totals = _team_sql(
        store,
        f"WITH base AS ({base}), per AS (SELECT space_name, {sums} FROM base GROUP BY 1) "
        "SELECT *, lines_accepted / CASE WHEN total_lines > 0 THEN total_lines END "
        "AS acceptance, count(*) OVER () AS _spaces FROM per "
        f"ORDER BY lines_accepted DESC NULLS LAST, space_name LIMIT {int(table)}",
        {},
        tables,
    )
    spaces = int(totals["_spaces"].iloc[0]) if len(totals) else 0
    return SpaceLines(series, totals[list(total_columns)].astype(total_columns), spaces)


def space_tokens(
    store: Store,
    start,
    end,
    granularity: str,
    spaces: dict[str, str],
    top: int | None = None,
) -> pd.DataFrame:
    """Builder.io's space metrics of `spaces` (key -> name) over [start, end], every space in
    ONE query (a space a column: `space_id`, `space_name` beside the dataset's columns), rows
    per period x space. With `top`: period, space, tokens_total only, the `top` spaces with the
    most tokens over the range kept and the rest summed as one "Other" (a sum with an unknown
    part is unknown)."""
    dataset = endpoints.get(SPACE_METRICS)
    stored = dataset.stored_as(granularity)
    schema = empty_frame(dataset.schema)
    empty = schema.assign(space_id=pd.Series(dtype="str"), space_name=pd.Series(dtype="str"))
    if top is not None:
        empty = pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                "space": pd.Series(dtype="str"),
                "tokens_total": pd.Series(dtype="float64"),
            }  # fmt: skip
        )
    reads = []
    for key, name in spaces.items():
        src = store.source(dataset.key, stored, [key], start, end)
        if src is not None:
            reads.append(f"(SELECT {_text(key)} AS space_id, {_text(name)} AS space_name, * "
                         f"FROM {src})")  # fmt: skip
    if not reads:
        return empty
    time = _quote(dataset.time_column)
    period = time if stored == granularity else f"date_trunc('{_TRUNC[granularity]}', {time})"
    union = " UNION ALL BY NAME ".join(reads)
    if top is None:
        frame = store.sql(f"SELECT * FROM ({{src}}) ORDER BY space_id, {time}", src=union)
        frame = frame[[c for c in empty.columns if c in frame]]
        return typed(frame, empty)
    base = (
        f"SELECT CAST({period} AS TIMESTAMP) AS period, space_name, "
        "TRY_CAST(tokens_total AS DOUBLE) AS tokens FROM ({src})"
    )
    ranked = (
        "SELECT space_name, row_number() OVER (ORDER BY sum(tokens) DESC NULLS LAST, "
        "space_name) AS rank FROM base GROUP BY space_name"
    )
    frame = store.sql(
        f"WITH base AS ({base}), ranked AS ({ranked}) SELECT b.period, CASE WHEN r.rank <= "
        f"{int(top)} THEN b.space_name ELSE {_text(OTHER)} END AS space, "
        f"CAST({rollups.known_sum('b.tokens')} AS DOUBLE) AS tokens_total "
        "FROM base AS b JOIN ranked AS r USING (space_name) GROUP BY 1, 2 ORDER BY 1, 2",
        src=union,
    )
    return frame.astype({c: str(t) for c, t in empty.dtypes.items()})


# ---------------------------------------------------------------- totals over everyone


def usage_totals(store: Store, start, end, team=None, salt: str | None = None) -> pd.DataFrame:
    """Firebender's daily usage over [start, end] summed over every person (of the team, each
    on their days in it): one row, `people` (how many), each measure and `accepted_lines`.
    Beside a people table that shows the top few: the total over all of them, from DuckDB,
    never the sum of the rows shown; a sum with an unknown part (a number sent as null) is
    unknown."""
    dataset = endpoints.get(DAILY_USAGE)
    measures = _measures(dataset)
    columns = {"people": "int64", **{m: "float64" for m in measures}, "accepted_lines": "float64"}
    source = store.source(DAILY_USAGE, "day", ["org"], start, end)
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    if team is not None:
        source = within_team(source, *team, salt)
    sums = ", ".join(
        f"CAST({rollups.known_sum(_quote(m))} AS DOUBLE) AS {_quote(m)}" for m in measures
    )
    lines = " + ".join(
        f"CAST({rollups.known_sum(_quote(c))} AS DOUBLE)" for c in rollups.ACCEPTED_LINES_COLUMNS
    )
    frame = store.sql(
        f"SELECT count(DISTINCT email) AS people, {sums}, {lines} AS accepted_lines "
        "FROM {src} WHERE email IS NOT NULL",
        _team_params(salt),
        src=source,
    )
    return frame[list(columns)].astype(columns)
