"""Rollups: derived tables `sync` keeps beside the raw partitions, so pages read rows per day and
measure (or per period) instead of every person's every request.

    HISTORY_DIR/rollups/model_spend/month=YYYY-MM/data.parquet
        day, email, model, mode, spend_type, requests, the token sums, cost_usd
        (firebender.model_requests per UTC day x person x model x mode x spend type)
    HISTORY_DIR/rollups/pipeline_credits/month=YYYY-MM/data.parquet
        day, key (the pipeline), credits   (codefresh.pipeline_credit_consumption per day)
    HISTORY_DIR/rollups/daily_usage/month=YYYY-MM/data.parquet
        day, people (rows: people with a row that day), active_people (using AI that day),
        agent_prompts, inline_edits, autocomplete_accepts, accepted_lines
        (firebender.daily_usage per day, the organisation's)
    HISTORY_DIR/rollups/active_people/source=<firebender|requests>/month=YYYY-MM/data.parquet
        period_kind (day, week, month), period (its first day), people: distinct people using
        AI (daily usage) or sending a model request, counted by DuckDB over the period

A rollup partition holds the rows whose day (or period label) lies in its month. It is written
whole, from the raw rows, when the store's writer that replaced a raw partition it depends on
is done (once per month, however many windows touched it), atomically like the raw writes, and
it records which raw files it was built from (their paths, sizes and stamps). A reader checks
that record against the raw files listed: a partition that is missing or out of date (a sync
killed or stopped by an error before its writer was done, a store written before rollups
existed) is computed from the raw rows in the query instead, so a read is never stale.
`python -m sync` writes any missing or stale partition after its run (so does the next writer
after a killed one); `python -m sync --rebuild-rollups` rewrites them all from the raw rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .partitions import FILE_NAME, Key, StoreError

ROLLUP_DIR = "rollups"
META_KEY = b"ai_ci_rollup"
FORMAT = 1
ONE_DAY = dt.timedelta(days=1)

_TOKENS = ("input_tokens", "cache_read_tokens", "output_tokens", "cache_write_tokens",
           "total_tokens")  # fmt: skip
# The facts the measures registry (analytics/metrics/definitions.py) names, declared here, at
# the lowest layer that computes them. A Firebender daily-usage row shows AI use (not just an
# opened IDE) when one of these is above zero:
AI_ACTIVITY_COLUMNS = ("agent_prompts", "inline_edits", "autocomplete_accepts")
USAGE_ACTIVE = "(" + " OR ".join(f"coalesce({c}, 0) > 0" for c in AI_ACTIVITY_COLUMNS) + ")"
# Accepted AI lines: lines added by accepted agent suggestions and inline edits.
ACCEPTED_LINES_COLUMNS = ("agent_accepted_lines_added", "inline_accepted_lines_added")
ACCEPTED_LINES_SQL = " + ".join(f"coalesce({c}, 0)" for c in ACCEPTED_LINES_COLUMNS)
# Model spend: Firebender model requests' `costUsd`, summed.


def known_sum(expr: str) -> str:
    """SQL: the sum of `expr`, NULL when any of its rows is NULL (a vendor sent a documented
    number as null): a sum with an unknown part is unknown, never the known part's sum. The
    null count travels with the sum as the NULL itself: every later sum of it is a
    `known_sum` too."""
    return f"CASE WHEN count(*) = count({expr}) THEN sum({expr}) END"


MODEL_SPEND_SQL = f"CAST({known_sum('cost_usd')} AS DOUBLE)"


def _month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_last(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - ONE_DAY


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, month = [], _month_first(first)
    while month <= last:
        found.append(month)
        month = _month_last(month) + ONE_DAY
    return found


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_span(month: dt.date) -> tuple[dt.date, dt.date]:
    return month, _month_last(month)


def _weeks_span(month: dt.date) -> tuple[dt.date, dt.date]:
    """The raw days behind a month of period labels: the month, and the rest of the week whose
    Monday is its last (a week is labelled by its Monday, in the Monday's month)."""
    last = _month_last(month)
    return month, max(last, _monday(last) + dt.timedelta(days=6))


def _days_affected(first: dt.date, last: dt.date) -> list[dt.date]:
    return _months(first, last)


def _weeks_affected(first: dt.date, last: dt.date) -> list[dt.date]:
    """Raw days first..last rewritten: the months holding their days', weeks' and months'
    labels (a week that began in the month before is labelled there)."""
    return _months(min(first, _monday(first)), last)


@dataclass(frozen=True)
class Rollup:
    name: str
    folder: str  # under rollups/: the table, and any Hive-style key of it (source=...)
    source: str  # the raw dataset it is built from
    granularity: str | None  # the source's stored granularity
    label: str  # the column holding each row's day (or period's first day)
    sql: str  # over {src}: the rows of a month's raw span, in a fixed order
    span: Callable[[dt.date], tuple[dt.date, dt.date]]  # month -> the raw days it reads
    affected: Callable[[dt.date, dt.date], list[dt.date]]  # raw days -> months to rewrite

    def path(self, month: dt.date) -> str:
        return f"{ROLLUP_DIR}/{self.folder}/month={month:%Y-%m}/{FILE_NAME}"

    @property
    def prefix(self) -> str:
        return f"{ROLLUP_DIR}/{self.folder}"


def _active_sql(active: str) -> str:
    """Distinct people per day, week (Monday) and month, counted by DuckDB."""
    return (
        "WITH a AS (SELECT DISTINCT CAST(_label AS DATE) AS day, CAST(email AS VARCHAR) AS "
        f"email FROM {{src}} WHERE email IS NOT NULL AND {active}) "
        "SELECT * FROM ("
        "SELECT 'day' AS period_kind, day AS period, count(*) AS people FROM a GROUP BY 2 "
        "UNION ALL SELECT 'week', CAST(date_trunc('week', day) AS DATE), "
        "count(DISTINCT email) FROM a GROUP BY 2 "
        "UNION ALL SELECT 'month', CAST(date_trunc('month', day) AS DATE), "
        "count(DISTINCT email) FROM a GROUP BY 2"
        ") ORDER BY period, period_kind"
    )


_SUM_TOKENS = ", ".join(f"CAST({known_sum(t)} AS BIGINT) AS {t}" for t in _TOKENS)

ROLLUPS: dict[str, Rollup] = {
    r.name: r
    for r in (
        Rollup(
            "model_spend",
            "model_spend",
            "firebender.model_requests",
            None,
            "day",
            # Model spend per day: the one definition (pages, --alert and --digest read it).
            "SELECT CAST(_label AS DATE) AS day, CAST(email AS VARCHAR) AS email, "
            "CAST(model AS VARCHAR) AS model, CAST(mode AS VARCHAR) AS mode, "
            "CAST(spend_type AS VARCHAR) AS spend_type, count(*) AS requests, "
            f"{_SUM_TOKENS}, {MODEL_SPEND_SQL} AS cost_usd "
            "FROM {src} GROUP BY ALL ORDER BY ALL",
            _month_span,
            _days_affected,
        ),
        Rollup(
            "pipeline_credits",
            "pipeline_credits",
            "codefresh.pipeline_credit_consumption",
            "day",
            "day",
            "SELECT CAST(_label AS DATE) AS day, CAST(key AS VARCHAR) AS key, "
            f"CAST({known_sum('value')} AS DOUBLE) AS credits FROM {{src}} GROUP BY ALL "
            "ORDER BY ALL",
            _month_span,
            _days_affected,
        ),
        Rollup(
            "daily_usage",
            "daily_usage",
            "firebender.daily_usage",
            "day",
            "day",
            "SELECT CAST(_label AS DATE) AS day, count(*) AS people, "
            f"count(DISTINCT CASE WHEN {USAGE_ACTIVE} THEN email END) AS active_people, "
            f"CAST({known_sum('agent_prompts')} AS BIGINT) AS agent_prompts, "
            f"CAST({known_sum('inline_edits')} AS BIGINT) AS inline_edits, "
            f"CAST({known_sum('autocomplete_accepts')} AS BIGINT) AS autocomplete_accepts, "
            f"CAST(sum({ACCEPTED_LINES_SQL}) AS BIGINT) AS accepted_lines "
            "FROM {src} GROUP BY 1 ORDER BY 1",
            _month_span,
            _days_affected,
        ),
        Rollup(
            "active_firebender",
            "active_people/source=firebender",
            "firebender.daily_usage",
            "day",
            "period",
            _active_sql(USAGE_ACTIVE),
            _weeks_span,
            _weeks_affected,
        ),
        Rollup(
            "active_requests",
            "active_people/source=requests",
            "firebender.model_requests",
            None,
            "period",
            _active_sql("true"),
            _weeks_span,
            _weeks_affected,
        ),
    )
}


def of_dataset(dataset: str, granularity: str | None, scope: str = "org") -> list[Rollup]:
    """The rollups built from (dataset, granularity) of the organisation."""
    if scope != "org":
        return []
    return [r for r in ROLLUPS.values() if r.source == dataset and r.granularity == granularity]


# ---------------------------------------------------------------- which raw files, and staleness


def _fingerprint(entries) -> str:
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.path):
        digest.update(f"{entry.path}|{entry.size}|{entry.stamp}\n".encode())
    return digest.hexdigest()[:24]


def _raw_by_month(store, rollup: Rollup, months: list[dt.date]) -> dict[dt.date, str]:
    """month -> the fingerprint of the raw files behind it (months without any left out)."""
    listing = _raw_listing(store, rollup) if months else []
    out = {}
    for month in months:
        mine = _within(listing, *rollup.span(month))
        if mine:
            out[month] = _fingerprint(e for _, e in mine)
    return out


_META_CACHE: dict[tuple[str, str], tuple[str, int, str | None]] = {}
_META_LOCK = threading.Lock()


def _built_from(store, entry) -> str | None:
    """The fingerprint a rollup file records (None: unreadable or not a rollup of ours)."""
    cache_key = (store.url, entry.path)
    with _META_LOCK:
        cached = _META_CACHE.get(cache_key)
    if cached and cached[:2] == (entry.stamp, entry.size):
        return cached[2]
    try:
        if store.root.local:
            metadata = pq.read_schema(store.root.full(entry.path)).metadata
        else:
            with store.root.fs.open(store.root.full(entry.path), "rb") as handle:
                metadata = pq.read_schema(handle).metadata
        found = json.loads((metadata or {})[META_KEY])["built_from"]
    except (pa.ArrowInvalid, OSError, KeyError, ValueError, TypeError):
        found = None
    with _META_LOCK:
        _META_CACHE[cache_key] = (entry.stamp, entry.size, found)
    return found


def _held(store, rollup: Rollup) -> dict[dt.date, tuple]:
    """month -> (entry, the fingerprint it was built from) of the rollup's files."""
    held = {}
    for entry in store.root.list(rollup.prefix):
        parts = entry.path.split("/")
        if parts[-1] != FILE_NAME or not parts[-2].startswith("month="):
            continue
        if "/".join(parts[:-2]) != rollup.prefix:
            continue
        try:
            month = dt.date.fromisoformat(parts[-2][len("month=") :] + "-01")
        except ValueError:
            continue
        held[month] = (entry, _built_from(store, entry))
    return held


def status(store, rollup: Rollup, first: dt.date, last: dt.date):
    """(current, stale) over the months of [first, last]: rollup files that match their raw
    files, and months whose raw rows must be read instead (missing or out of date)."""
    months = _months(first, last)
    raw = _raw_by_month(store, rollup, months)
    held = _held(store, rollup)
    current, stale = [], []
    for month in months:
        if month not in raw:
            continue  # nothing held: nothing to roll up
        entry, built = held.get(month, (None, None))
        if entry is not None and built == raw[month]:
            current.append(entry)
        else:
            stale.append(month)
    return current, stale


# ---------------------------------------------------------------- building


def _raw_listing(store, rollup: Rollup) -> list:
    """(key, entry) of every organisation-wide raw partition the rollup is built from (one
    listing of its granularity's folder)."""
    folder = Key(rollup.source, rollup.granularity, "org", "month", "2000-01").path
    found = []
    for key, entry in store.entries(folder.rsplit("/", 2)[0]):
        same = key.dataset == rollup.source and key.granularity == rollup.granularity
        if same and key.scope == "org":
            found.append((key, entry))
    return found


def _within(listing, first: dt.date, last: dt.date) -> list:
    return [(k, e) for k, e in listing if not (k.last_day < first or k.first_day > last)]


def _raw_source(store, listing, first: dt.date, last: dt.date) -> str | None:
    """A FROM item with the raw rows of days first..last, as `Store.source` gives it, from an
    existing listing (damaged files left out, as every read does)."""
    chosen = [store.root.uri(e.path) for _, e in listing if store._readable(e) is not None]
    if not chosen:
        return None
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in chosen)
    return (
        f"(SELECT * FROM read_parquet([{listed}], union_by_name = true, "
        f"hive_partitioning = false) WHERE _label >= DATE '{first.isoformat()}' AND "
        f"_label <= DATE '{last.isoformat()}')"
    )


def _compute_sql(store, rollup: Rollup, month: dt.date, listing=None) -> str | None:
    """The query giving a month's rollup rows from the raw rows (None: no raw rows held)."""
    first, last = rollup.span(month)
    listing = _raw_listing(store, rollup) if listing is None else listing
    source = _raw_source(store, _within(listing, first, last), first, last)
    if source is None:
        return None
    own_first, own_last = _month_span(month)
    return (
        f"SELECT * FROM ({rollup.sql.format(src=source)}) WHERE {rollup.label} BETWEEN "
        f"DATE '{own_first.isoformat()}' AND DATE '{own_last.isoformat()}'"
    )


def _write_one(store, con, rollup: Rollup, month: dt.date, listing) -> bool:
    """Write a month of the rollup from the raw rows, atomically, recording which raw files it
    was built from (False: no raw file behind the month, nothing written)."""
    mine = _within(listing, *rollup.span(month))
    if not mine:
        return False
    query = _compute_sql(store, rollup, month, mine)
    if query is None:
        return False
    try:
        table = con.sql(query).to_arrow_table()
    except Exception as err:  # noqa: BLE001 - a damaged raw file: named, never guessed around
        raise StoreError(f"rollup {rollup.name} {month:%Y-%m}: {str(err)[:300]}") from None
    meta = {"format": FORMAT, "rollup": rollup.name, "source": rollup.source,
            "month": f"{month:%Y-%m}", "built_from": _fingerprint(e for _, e in mine)}  # fmt: skip
    table = table.replace_schema_metadata({META_KEY: json.dumps(meta, sort_keys=True).encode()})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    store.root.write(rollup.path(month), out.getvalue())
    return True


def write_months(store, months) -> int:
    """Write the rollup months `months` ((rollup name, month) pairs) from the raw rows: one
    listing per rollup and one DuckDB connection for them all. Returns how many were written."""
    chosen: dict[str, set] = {}
    for name, month in months:
        chosen.setdefault(name, set()).add(month)
    written = 0
    con = store.connect()
    try:
        for name, wanted in sorted(chosen.items()):
            rollup = ROLLUPS[name]
            listing = _raw_listing(store, rollup)
            for month in sorted(wanted):
                written += _write_one(store, con, rollup, month, listing)
    finally:
        con.close()
    return written


def write(store, rollup: Rollup, month: dt.date) -> bool:
    """Write one month of one rollup from the raw rows."""
    return bool(write_months(store, [(rollup.name, month)]))


def months_held(store, rollup: Rollup) -> list[dt.date]:
    """Every month with raw rows behind it."""
    months = set()
    for key, _entry in _raw_listing(store, rollup):
        months.update(rollup.affected(key.first_day, key.last_day))
    return sorted(months)


def touched(dataset: str, granularity, scope, first: dt.date, last: dt.date) -> set:
    """(rollup name, month) of every rollup month that depends on raw days first..last of
    (dataset, granularity, scope)."""
    return {
        (rollup.name, month)
        for rollup in of_dataset(dataset, granularity, scope)
        for month in rollup.affected(first, last)
    }


def refresh(store, dataset: str, granularity, scope, first: dt.date, last: dt.date) -> int:
    """After raw days first..last of (dataset, granularity, scope) were rewritten: rewrite every
    rollup month that depends on them."""
    return write_months(store, touched(dataset, granularity, scope, first, last))


def refresh_stale(store, names=None) -> int:
    """Write every rollup month that is missing or out of date; returns how many."""
    stale_months = []
    for rollup in ROLLUPS.values():
        if names is not None and rollup.name not in names:
            continue
        months = months_held(store, rollup)
        if not months:
            continue
        _current, stale = status(store, rollup, months[0], _month_last(months[-1]))
        stale_months += [(rollup.name, month) for month in stale]
    return write_months(store, stale_months) if stale_months else 0


def rebuild(store) -> int:
    """Every rollup month written anew from the raw rows; returns how many."""
    return write_months(
        store, [(r.name, month) for r in ROLLUPS.values() for month in months_held(store, r)]
    )


# ---------------------------------------------------------------- reading


def source(store, name: str, start: dt.date, end: dt.date) -> str | None:
    """A FROM-clause item with the rollup's rows whose day (or period label) lies in
    [start, end]: its files where they match the raw files, the raw rows rolled up in the query
    where they do not (never stale). None: no raw rows held there."""
    rollup = ROLLUPS[name]
    current, stale = status(store, rollup, start, end)
    parts = []
    if current:
        listed = ", ".join("'" + store.root.uri(e.path).replace("'", "''") + "'" for e in current)
        parts.append(f"SELECT * FROM read_parquet([{listed}], hive_partitioning = false)")
    for month in stale:
        query = _compute_sql(store, rollup, month)
        if query is not None:
            parts.append(query)
    if not parts:
        return None
    union = " UNION ALL BY NAME ".join(f"({p})" for p in parts)
    return (
        f"(SELECT * FROM ({union}) WHERE {rollup.label} BETWEEN DATE '{start.isoformat()}' "
        f"AND DATE '{end.isoformat()}')"
    )


def frame(store, name: str, start: dt.date, end: dt.date):
    """The rollup's rows of [start, end] as a DataFrame, in the rollup's order (None: no raw
    rows held)."""
    src = source(store, name, start, end)
    if src is None:
        return None
    rollup = ROLLUPS[name]
    order = "period, period_kind" if rollup.label == "period" else "ALL"
    return store.sql(f"SELECT * FROM {{src}} ORDER BY {order}", src=src)


# ---------------------------------------------------------------- what readers ask for

SPEND_BY = ("email", "model", "mode", "spend_type")


def spend(store, start: dt.date, end: dt.date, by=(), per_day: bool = True, narrow=None,
          params=None):  # fmt: skip
    """Model spend from the `model_spend` rollup, summed by `by` (some of SPEND_BY) and, with
    `per_day`, by UTC day (`timestamp`): `requests`, the token sums and `cost_usd` (`narrow`:
    src -> a FROM item keeping some of its rows, `params` its query's). The
    pages, `sync --alert` and `--digest` all read model spend through here: defined once, in
    the rollup's SQL. None: no model request held in [start, end]."""
    unknown = set(by) - set(SPEND_BY)
    if unknown:
        raise ValueError(f"cannot sum model spend by {sorted(unknown)}")
    src = source(store, "model_spend", start, end)
    if src is None:
        return None
    if narrow is not None:  # only some rows (a team's: analytics.queries.within_team)
        src = narrow(src)
    select = (["day AS timestamp"] if per_day else []) + list(by)
    sums = ", ".join(
        ["CAST(coalesce(sum(requests), 0) AS BIGINT) AS requests"]
        + [f"CAST({known_sum(m)} AS BIGINT) AS {m}" for m in _TOKENS]
        + [f"CAST({known_sum('cost_usd')} AS DOUBLE) AS cost_usd"]
    )
    head = ", ".join(select) + ", " if select else ""
    tail = " GROUP BY ALL ORDER BY ALL" if select else ""
    return store.sql(f"SELECT {head}{sums} FROM {{src}}{tail}", params, src=src)


def usage(store, start: dt.date, end: dt.date):
    """Firebender's daily usage as the organisation's views read it: (daily, people), or None
    when nothing is held.

    daily:  one row per day of [start, end] with a row held: `date`, `people`,
            `active_people`, `agent_prompts`, `inline_edits`, `autocomplete_accepts`,
            `accepted_lines` (agent and inline lines added)
    people: distinct people using AI per period: `period_kind` (day, week, month), `period`
            (its first day, from `start` on), `people`. A week or month that `end` cuts is
            counted over its days up to `end` (by DuckDB, over the raw rows of those days).

    One DuckDB connection for every query (opening one costs more than these queries)."""
    daily_src = source(store, "daily_usage", start, end)
    if daily_src is None:
        return None
    people_src = source(store, "active_firebender", start, end)
    # Periods the range cuts (its first, when `start` is not its first day; its last, when
    # `end` is not its last): (kind, label, first day counted, last day counted).
    cut = []
    for kind, floor, period_last in (
        ("week", _monday, lambda d: _monday(d) + dt.timedelta(days=6)),
        ("month", _month_first, _month_last),
    ):
        for label in sorted({floor(start), floor(end)}):
            lo, hi = max(label, start), min(period_last(label), end)
            if (lo, hi) != (label, period_last(label)):
                cut.append((kind, label, lo, hi))
    raw = None
    if cut:
        first = min(lo for *_, lo, _hi in cut)
        raw = _raw_source(store, _within(_raw_listing(store, ROLLUPS["daily_usage"]), first, end),
                          first, end)  # fmt: skip
    con = store.connect()
    try:
        daily = con.execute(f"SELECT * FROM {daily_src} ORDER BY ALL").fetch_df()
        if people_src is not None:
            people = con.execute(
                f"SELECT * FROM {people_src} ORDER BY period, period_kind"
            ).fetch_df()
        else:
            people = pd.DataFrame({"period_kind": [], "period": [], "people": []})
        counts = {}
        if raw is not None:
            columns = ", ".join(
                f"count(DISTINCT CASE WHEN _label BETWEEN DATE '{lo.isoformat()}' AND "
                f"DATE '{hi.isoformat()}' THEN email END)"
                for _, _, lo, hi in cut
            )
            found = con.execute(
                f"SELECT {columns} FROM {raw} WHERE email IS NOT NULL AND {USAGE_ACTIVE}"
            ).fetchone()
            counts = {(k, label): int(n) for (k, label, _, _), n in zip(cut, found, strict=True)}
    except Exception as err:  # noqa: BLE001 - a damaged file: named, never guessed around
        raise StoreError(f"the store could not be read: {str(err)[:300]}") from None
    finally:
        con.close()
    people = people.assign(period=people["period"].astype("datetime64[ns]"))
    people = people.loc[people["period"] >= pd.Timestamp(start)]  # the cut ones come back below
    for kind, label, _, _ in cut:
        at = (people["period_kind"] == kind) & (people["period"] == pd.Timestamp(label))
        people = people.loc[~at]
        if counts.get((kind, label)):
            row = {"period_kind": kind, "period": label, "people": counts[(kind, label)]}
            people = _concat(people, row)
    daily = daily.rename(columns={"day": "date"})
    daily["date"] = daily["date"].astype("datetime64[ns]")
    return daily.reset_index(drop=True), people.reset_index(drop=True)


def _concat(frame, row: dict):
    added = pd.DataFrame([row]).astype({"period": "datetime64[ns]", "people": "int64"})
    return pd.concat([frame.astype({"period": "datetime64[ns]"}), added], ignore_index=True)
