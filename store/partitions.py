"""One partition file: the rows of one dataset, granularity, scope and month, and (in the file's
own Parquet metadata) the coverage runs it holds, so rows and ledger are replaced together.

Layout, Hive-style so that DuckDB, pyarrow.dataset, Spark, Trino, Athena and BigQuery read it:

    <root>/<dataset key>/granularity=<day|week|month|quarter|none>/scope=<org|space key>/
           month=<YYYY-MM>/data.parquet

Columns are the connector frame's, plus bookkeeping columns that start with "_": `_label` (the
first day of the row's period: what coverage counts) and `_fetched_at` (UTC).

A Builder space is a column, not a folder: the rows of every space of a dataset, granularity and
month live in one file, `scope=spaces/month=<YYYY-MM>/data.parquet` (a "pack"), with a `_space`
column (the space's public key) and each space's coverage runs in the footer. A sync writes a
space's month as a file of its own first (`scope=<space key>/…`, the layout before packs), and the
writer's compaction step (store/compaction.py) folds those into the pack when it is done. Such a
loose file wins over the pack's rows of its space and month until it is folded, so a store is read
the same at every moment of a compaction, and a store written before packs is read as it is and
packed by the next sync.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.endpoints import Dataset

from .coverage import Run

FILE_NAME = "data.parquet"
META_KEY = b"ai_ci_coverage"
FORMAT = 1
NONE = "none"  # the granularity of data kept per row (model requests)
PACKED = "spaces"  # the scope folder of a pack: every space's rows, `_space` saying whose
SPACE_COLUMN = "_space"


class StoreError(Exception):
    """The store cannot be read or written as it is; the message names the file and what to
    do. Nothing is deleted on the way."""


@dataclass(frozen=True, order=True)
class Key:
    dataset: str
    granularity: str | None
    scope: str
    by: str  # "month" (YYYY-MM) or "day" (YYYY-MM-DD: model requests, millions a month)
    part: str

    @property
    def path(self) -> str:
        return (
            f"{self.dataset}/granularity={self.granularity or NONE}/"
            f"scope={quote(self.scope, safe='-_.')}/{self.by}={self.part}/{FILE_NAME}"
        )

    @classmethod
    def parse(cls, path: str) -> Key | None:
        """The key of a path in the layout, or None for a file that is not ours."""
        parts = path.split("/")
        if len(parts) != 5 or parts[4] != FILE_NAME:
            return None
        dataset, g, scope, part = parts[:4]
        if not (g.startswith("granularity=") and scope.startswith("scope=")):
            return None
        by, _, value = part.partition("=")
        if by not in PART_FORMATS or len(value) != len(PART_FORMATS[by]):
            return None
        granularity = g.split("=", 1)[1]
        if granularity not in GRANULARITIES:
            return None
        try:  # "month=2026-6x" is someone else's folder, not a partition of ours
            dt.date.fromisoformat(value if by == "day" else f"{value}-01")
        except ValueError:
            return None
        return cls(
            dataset,
            None if granularity == NONE else granularity,
            unquote(scope.split("=", 1)[1]),
            by,
            value,
        )

    @property
    def packed(self) -> bool:
        """The file holds every space's rows (of its dataset, granularity and month)."""
        return self.scope == PACKED

    @property
    def loose(self) -> bool:
        """The file of one Builder space (folded into the pack by the compaction step)."""
        return self.scope not in ("org", PACKED)

    @property
    def pack(self) -> Key:
        """The pack a space's file is folded into."""
        return Key(self.dataset, self.granularity, PACKED, self.by, self.part)

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.part if self.by == "day" else f"{self.part}-01")

    @property
    def last_day(self) -> dt.date:
        if self.by == "day":
            return self.first_day
        first = self.first_day
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)


PART_FORMATS = {"month": "YYYY-MM", "day": "YYYY-MM-DD"}
GRANULARITIES = ("day", "week", "month", "quarter", NONE)


def part_of(day: dt.date, by: str) -> str:
    return day.isoformat() if by == "day" else day.isoformat()[:7]


def labels_of(frame: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """Each row's label: the day of its time column (periods are labelled by their first day)."""
    times = frame[dataset.time_column]
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times.dt.normalize()


def encode(frame: pd.DataFrame, runs: list[Run], key: Key) -> bytes:
    return _write(pa.Table.from_pandas(frame, preserve_index=False), key, runs=runs)


def encode_table(table: pa.Table, runs: list[Run], key: Key) -> bytes:
    """As `encode`, from rows already converted to Arrow (as `pa.Table.from_pandas` gives
    them, without the index)."""
    return _write(table, key, runs=runs)


def encode_pack(rows: pd.DataFrame | pa.Table, spaces: dict[str, list[Run]], key: Key) -> bytes:
    """A pack: every space's rows (`_space` says whose) and each space's runs in the footer."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    return _write(table, key, runs=[], spaces=spaces)


def _write(table: pa.Table, key: Key, runs: list[Run], spaces=None) -> bytes:
    """The Parquet bytes of `table` with the store's record (what it covers) in the footer."""
    meta = {
        "format": FORMAT,
        "dataset": key.dataset,
        "granularity": key.granularity,
        "scope": key.scope,
        "part": f"{key.by}={key.part}",
        "runs": [run.to_json() for run in sorted(runs)],
    }
    if spaces is not None:
        meta["spaces"] = {
            space: [run.to_json() for run in sorted(found)]
            for space, found in sorted(spaces.items())
        }
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), META_KEY: json.dumps(meta).encode()}
    )
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def spaces_of(metadata: dict | None, where: str) -> dict[str, list[Run]]:
    """A pack's runs per space (from its footer's record; {} for a file of one scope)."""
    runs_of(metadata, where)  # raises StoreError for a file without a readable record
    try:
        meta = json.loads(metadata[META_KEY])
        return {
            space: [Run.from_json(item) for item in items]
            for space, items in (meta.get("spaces") or {}).items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise StoreError(
            f"{where} has an unreadable coverage record ({err}). Move it out of HISTORY_DIR "
            f"and run `python -m sync` to fetch its days again."
        ) from None


def runs_of(metadata: dict | None, where: str) -> list[Run]:
    raw = (metadata or {}).get(META_KEY)
    if raw is None:
        raise StoreError(
            f"{where} is a Parquet file without this store's coverage record: it was not "
            f"written by `python -m sync`. Move it out of HISTORY_DIR; nothing else is affected."
        )
    try:
        meta = json.loads(raw)
        return [Run.from_json(item) for item in meta["runs"]]
    except (ValueError, KeyError, TypeError) as err:
        raise StoreError(
            f"{where} has an unreadable coverage record ({err}). Move it out of HISTORY_DIR "
            f"and run `python -m sync` to fetch its days again."
        ) from None


def decode(data: bytes, where: str) -> tuple[pa.Table, list[Run]]:
    """A file's rows and runs. `ParquetFile.read` gives the table `pq.read_table` gives (the
    same schema, metadata and rows) in half the CPU: `read_table` goes through the dataset
    layer, 0.9 ms a file of a Builder space's month, against 0.46 ms (the compaction step
    reads ~12,000 such files in a first sync at 2,000 developers)."""
    try:
        table = pq.ParquetFile(pa.BufferReader(data)).read()
    except (pa.ArrowInvalid, OSError) as err:
        raise StoreError(
            f"{where} is not a readable Parquet file ({str(err)[:160]}). Move it out of "
            f"HISTORY_DIR (nothing else is affected) and run `python -m sync` to fetch its "
            f"days again."
        ) from None
    return table, runs_of(table.schema.metadata, where)


def footer_runs(data_source, where: str) -> list[Run]:
    """The coverage runs from a file's footer alone (no rows read)."""
    return footer_record(data_source, where)[0]


def footer_record(data_source, where: str) -> tuple[list[Run], dict[str, list[Run]]]:
    """A file's runs and (a pack's) runs per space, from its footer alone (no rows read)."""
    try:
        metadata = pq.read_schema(data_source).metadata
    except (pa.ArrowInvalid, OSError) as err:
        raise StoreError(
            f"{where} is not a readable Parquet file ({str(err)[:160]}). Move it out of "
            f"HISTORY_DIR (nothing else is affected) and run `python -m sync` to fetch its "
            f"days again."
        ) from None
    return runs_of(metadata, where), spaces_of(metadata, where)
