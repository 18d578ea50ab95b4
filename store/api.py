"""The store's API: `Store` reads partitions through DuckDB and hands writes to
`store.writer.Writer` (README, History)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from typing import TYPE_CHECKING

import pandas as pd

from connectors import endpoints
from connectors.base import period_floor
from connectors.frames import empty_frame

from .coverage import Run, holes, label_granularity, spans
from .files import Entry, Root
from .partitions import (
    PACKED,
    SPACE_COLUMN,
    Key,
    StoreError,
    decode,
    footer_record,
    spaces_of,
)

if TYPE_CHECKING:
    import duckdb

__all__ = ["Store", "StoreError", "Key", "Run", "ALERTS_PATH"]

# Alerts and their state (alerts/lifecycle.py), kept by sync's alert step beside the partitions.
ALERTS_PATH = "alerts/state.parquet"
# Where the writer moves a partition it cannot read (never a partition path: not read again).
QUARANTINE = "quarantine"
AUDIT_DIR = "audit"  # the audit log's events (sync/audit.py)
ROLLUP_DIR = "rollups"  # derived tables sync keeps beside the partitions (store/rollups.py)
PACKS_KEPT = 16  # packs of spaces kept decoded by a Store (read_partition)


class Store:
    def __init__(
        self, url: str, note: str | None = None, read_only: bool = False, **storage_options
    ):
        self.root = Root(url, **storage_options)
        # Why this store is not the one asked for (a HISTORY_DIR that cannot be used), for the
        # pages.
        self.note = note
        # A store others fill (cron's sync) mounted read-only: read, never synced into.
        self.read_only = read_only
        # path -> (stamp, size, runs, a pack's runs per space)
        self._footers: dict[str, tuple[str, int, list[Run], dict[str, list[Run]]]] = {}
        self._firsts: dict[str, tuple[str, int, dt.date | None]] = {}  # first_with_rows
        self._packs: dict[str, tuple[tuple, tuple]] = {}  # path -> (stamp, (rows, spaces))
        self._lock = threading.Lock()
        # Partitions found unreadable (path -> why), left out of every read: the ledger then
        # lacks their days, so the next sync fetches them again (quarantining the file).
        self._damaged: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Store({self.root.url!r})"

    @property
    def url(self) -> str:
        return self.root.url

    # ------------------------------------------------------------ listing and the ledger

    def entries(self, dataset: str | None = None) -> list[tuple[Key, Entry]]:
        """Every partition file (of `dataset`), with its key. Files outside the layout are
        left alone and not read."""
        found = []
        for entry in self.root.list(dataset or ""):
            key = Key.parse(entry.path)
            if key is not None:
                found.append((key, entry))
        return found

    def foreign(self) -> list[str]:
        """Files in the store that are not partitions of ours (they are never read)."""
        return [
            e.path
            for e in self.root.list("", suffix="")
            if Key.parse(e.path) is None
            and not e.path.split("/")[-1].startswith(".")
            and e.path != ALERTS_PATH
            and not e.path.startswith(QUARANTINE + "/")
            and not e.path.startswith(AUDIT_DIR + "/")
            and not e.path.startswith(ROLLUP_DIR + "/")
        ]

    def alerts(self) -> pd.DataFrame | None:
        """The alerts table sync's alert step keeps (None: no alert was ever evaluated)."""
        if not self.root.exists(ALERTS_PATH):
            return None
        import io

        import pyarrow.parquet as pq

        try:
            return pq.read_table(io.BytesIO(self.root.read(ALERTS_PATH))).to_pandas()
        except Exception as err:  # a damaged file: say so, never guess
            raise StoreError(f"the alerts file {ALERTS_PATH} could not be read: {err}") from None

    def version(self, dataset: str | None = None, granularity: str | None = None) -> str:
        """Changes whenever a partition (of `dataset`: a key, or several; of `granularity`
        alone when given) is written: Streamlit caches key on it. A view read from one
        granularity's files keys on those only, so a page that then syncs another granularity
        of the dataset (the Overview's weeks, then its answer's days) does not orphan it."""
        digest = hashlib.sha256()
        names = [dataset] if isinstance(dataset, str) or dataset is None else sorted(dataset)
        for name in names:
            for key, entry in self.entries(name):
                if granularity is not None and key.granularity != granularity:
                    continue
                digest.update(f"{entry.path}|{entry.size}|{entry.stamp}\n".encode())
        return digest.hexdigest()[:16]

    def _runs(self, entry: Entry) -> list[Run]:
        return self._record(entry)[0]

    def _spaces(self, entry: Entry) -> dict[str, list[Run]]:
        """A pack's runs per space (store/partitions.py)."""
        return self._record(entry)[1]

    def _record(self, entry: Entry) -> tuple[list[Run], dict[str, list[Run]]]:
        with self._lock:
            cached = self._footers.get(entry.path)
        if cached and cached[:2] == (entry.stamp, entry.size):
            return cached[2], cached[3]
        if self.root.local:
            runs, spaces = footer_record(self.root.full(entry.path), entry.path)
        else:
            with self.root.fs.open(self.root.full(entry.path), "rb") as handle:
                runs, spaces = footer_record(handle, entry.path)
        with self._lock:
            self._footers[entry.path] = (entry.stamp, entry.size, runs, spaces)
        return runs, spaces

    def _readable(self, entry: Entry) -> list[Run] | None:
        """The entry's runs, or None (remembered, for `damaged`) when it cannot be read."""
        try:
            runs = self._runs(entry)
        except StoreError as err:
            if self.root.exists(entry.path):  # not a listing from before a move or a rewrite
                with self._lock:
                    self._damaged[entry.path] = str(err)
            return None
        with self._lock:
            self._damaged.pop(entry.path, None)
        return runs

    def damaged(self) -> dict[str, str]:
        """Partitions left out of reads so far because they could not be read (path -> why)."""
        with self._lock:
            return dict(self._damaged)

    def quarantine(self, path: str) -> str:
        """Move an unreadable partition to quarantine/<UTC time>/<path>; returns where."""
        moved = f"{QUARANTINE}/{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}/{path}"
        self.root.move(path, moved)
        with self._lock:
            self._damaged.pop(path, None)
        return moved

    def ledger(self, dataset: str, granularity: str | None, scope: str = "org") -> list[Run]:
        """The coverage runs of one dataset, granularity and scope, over every month."""
        runs: list[Run] = []
        # Only this granularity and scope's folder: a dataset may hold thousands of spaces.
        loose = set()
        for key, entry in self._scope_entries(dataset, granularity, scope):
            loose.add(key.part)
            runs.extend(self._readable(entry) or [])
        if scope not in ("org", PACKED):
            # The space's runs in the packs, for the months it has no file of its own in.
            for key, entry in self._scope_entries(dataset, granularity, PACKED):
                if key.part not in loose and self._readable(entry) is not None:
                    runs.extend(self._spaces(entry).get(scope, []))
        return sorted(runs)

    def _scope_entries(self, dataset: str, granularity: str | None, scope: str):
        folder = Key(dataset, granularity, scope, "month", "2000-01").path.rsplit("/", 2)[0]
        return [
            (key, entry)
            for key, entry in self.entries(folder)
            if key.dataset == dataset and key.granularity == granularity and key.scope == scope
        ]

    def held(
        self, dataset: str, granularity: str | None, scope: str = "org"
    ) -> list[tuple[dt.date, dt.date]]:
        """Held labels as contiguous (first, last) spans."""
        return spans(self.ledger(dataset, granularity, scope), granularity)

    def unknown(
        self,
        dataset: str,
        granularity: str | None,
        scope: str = "org",
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[tuple[dt.date, dt.date]]:
        """Days of [start, end] this store cannot tell (sorted, merged spans): a damaged
        partition's days (left out of reads) and days between held periods the ledger lacks.
        Pages leave them empty and call a sum over them unknown, never zero."""
        runs = self.ledger(dataset, granularity, scope)  # notes damaged files on the way
        unreadable = []
        damaged = self.damaged()
        if damaged and scope not in ("org", PACKED):
            # A damaged pack: the space's days there, unless it has a file of its own then.
            own = {key.part for key, _ in self._scope_entries(dataset, granularity, scope)}
        for path in damaged:
            key = Key.parse(path)
            if key is None or (key.dataset, key.granularity) != (dataset, granularity):
                continue
            if key.scope == scope or (key.packed and scope != "org" and key.part not in own):
                unreadable.append((key.first_day, key.last_day))
        low = start or min([r.first for r in runs] + [u[0] for u in unreadable], default=None)
        high = end or max([r.last for r in runs] + [u[1] for u in unreadable], default=None)
        if low is None or high is None:
            return []
        return holes(runs, unreadable, low, high, granularity)

    def freshness(self, datasets=None) -> tuple[dt.datetime | None, dt.date | None, dt.date | None]:
        """(last fetch, first day held, last day held) over `datasets` (all when None), from
        the organisation-wide files. Cheap at any size: per dataset and granularity only the
        first and the last partition's footers are read (the ledger's ends live there)."""
        ends: dict[tuple, list[Entry]] = {}
        listed = (
            self.entries()
            if datasets is None
            else [found for name in sorted(datasets) for found in self.entries(name)]
        )
        for key, entry in listed:
            if key.scope != "org" or self._readable(entry) is None:
                continue
            group = ends.setdefault((key.dataset, key.granularity), [entry, entry])
            group[0] = min(group[0], entry, key=lambda e: e.path)
            group[1] = max(group[1], entry, key=lambda e: e.path)
        last_fetch = first = last = None
        for low, high in ends.values():
            for run in {*self._runs(low), *self._runs(high)}:
                last_fetch = max(last_fetch or run.fetched_at, run.fetched_at)
                first = min(first or run.first, run.first)
                last = max(last or run.last, run.last)
        return last_fetch, first, last

    def first_with_rows(self, datasets=None) -> dt.date | None:
        """The first day any of `datasets` (all when None) actually has rows for, from the
        organisation-wide files: the ledger's first day is the first day *asked for*, and a
        long range asked before the data start holds empty partitions (a store "holding
        2021-02-01" had data from Dec 2024). Daily data (and model requests) decide when there
        are any: a month's row is labelled with its 1st. Partitions are read in order until
        the first with rows (its footer's row count, then its `_label` column only); what a
        file held is remembered by its stamp and size."""
        groups: dict[tuple, list[tuple[Key, Entry]]] = {}
        listed = (
            self.entries()
            if datasets is None
            else [found for name in sorted(datasets) for found in self.entries(name)]
        )
        for key, entry in listed:
            if key.scope == "org":
                groups.setdefault((key.dataset, key.granularity), []).append((key, entry))
        daily = {g: e for g, e in groups.items() if g[1] in ("day", None)}
        found = None
        for entries in (daily or groups).values():
            for _key, entry in sorted(entries, key=lambda item: item[1].path):
                first = self._first_label(entry)
                if first is not None:
                    found = first if found is None else min(found, first)
                    break
        return found

    def _first_label(self, entry: Entry) -> dt.date | None:
        """The earliest `_label` among a partition's rows (None: no rows, or unreadable)."""
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        with self._lock:
            cached = self._firsts.get(entry.path)
        if cached and cached[:2] == (entry.stamp, entry.size):
            return cached[2]
        try:
            if self.root.local:
                source = self.root.full(entry.path)
                rows = pq.read_metadata(source).num_rows
                table = pq.read_table(source, columns=["_label"]) if rows else None
            else:
                with self.root.fs.open(self.root.full(entry.path), "rb") as handle:
                    rows = pq.read_metadata(handle).num_rows
                    table = pq.read_table(handle, columns=["_label"]) if rows else None
        except Exception:  # a damaged file: left out, as every read leaves it out
            return None
        first = None
        if table is not None and table.num_rows:
            low = pc.min(table["_label"]).as_py()
            first = low.date() if isinstance(low, dt.datetime) else low
        with self._lock:
            self._firsts[entry.path] = (entry.stamp, entry.size, first)
        return first

    def read_partition(self, key: Key) -> tuple[pd.DataFrame | None, list[Run]]:
        """One partition's rows and runs (None, [] when it does not exist). A space's month
        without a file of its own: its rows and runs in the pack (none when the pack cannot be
        read: the pack is left as it is, skipped by reads, and the compaction step moves it
        aside)."""
        if not self.root.exists(key.path):
            pack = self._pack(key.pack.path) if key.loose else None
            if pack is None or key.scope not in pack[1]:
                return None, []
            frame, spaces = pack
            mine = frame.loc[frame[SPACE_COLUMN] == key.scope].drop(columns=SPACE_COLUMN)
            return mine.reset_index(drop=True), spaces[key.scope]
        table, runs = decode(self.root.read(key.path), key.path)
        return table.to_pandas(), runs

    def _pack(self, path: str) -> tuple[pd.DataFrame, dict[str, list[Run]]] | None:
        """A pack's rows and runs per space (None: no such file, or unreadable), kept while
        the file is unchanged: a sync reads the pack once per space's window."""
        try:
            info = self.root.fs.info(self.root.full(path))
        except FileNotFoundError:
            return None
        stamp = (
            info.get("size"),
            info.get("mtime") or info.get("ETag") or info.get("LastModified"),
        )
        with self._lock:
            cached = self._packs.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            table, _ = decode(self.root.read(path), path)
            found = (table.to_pandas(), spaces_of(table.schema.metadata, path))
        except (StoreError, FileNotFoundError):
            return None
        with self._lock:
            if len(self._packs) >= PACKS_KEPT:
                self._packs.pop(next(iter(self._packs)))
            self._packs[path] = (stamp, found)
        return found

    # ------------------------------------------------------------ queries

    def files(
        self,
        dataset: str,
        granularity: str | None,
        scopes=None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[str]:
        """URIs of the partitions that may hold rows of [start, end] (pruned by partition;
        a pack, holding every space's rows, when one of `scopes` is a space)."""
        chosen = self._chosen(dataset, granularity, scopes, start, end)
        return [self.root.uri(entry.path) for _, entry in chosen]

    def _chosen(self, dataset, granularity, scopes, start, end) -> list[tuple[Key, Entry]]:
        chosen = []
        spaces = scopes is None or any(s not in ("org", PACKED) for s in scopes)
        for key, entry in self.entries(dataset):
            if key.granularity != granularity:
                continue
            if not (key.packed and spaces) and scopes is not None and key.scope not in scopes:
                continue
            if (start and key.last_day < start) or (end and key.first_day > end):
                continue
            if self._readable(entry) is None:
                continue  # a damaged file: the pages show the rest and say which it is
            chosen.append((key, entry))
        return chosen

    def _loose_parts(self, dataset, granularity) -> dict[str, set[str]]:
        """Per month, the spaces with a file of their own (listed, readable or not): those
        win over the pack's rows."""
        found: dict[str, set[str]] = {}
        for key, _ in self.entries(dataset):
            if key.granularity == granularity and key.loose:
                found.setdefault(key.part, set()).add(key.scope)
        return found

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A fresh in-memory DuckDB that can read the store's files (S3 through fsspec, so no
        extension is downloaded). DuckDB is imported here, on first use: a page drawn from kept
        frames (the demo's, analytics/demo_cache.py) never loads it."""
        import duckdb

        con = duckdb.connect(config={"threads": 2})
        con.execute("SET TimeZone = 'UTC'")  # instants read and written as UTC everywhere
        if not self.root.local:
            con.register_filesystem(self.root.fs)
        return con

    def source(
        self,
        dataset: str,
        granularity: str | None,
        scopes=None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> str | None:
        """A FROM-clause item reading the dataset's rows in [start, end] (None: nothing held).
        Rows are filtered by `_label`, the first day of each row's period: a period that
        began before `start` but reaches into it is included, whole."""
        if start is not None:
            start = period_floor(start, label_granularity(granularity))
        chosen = self._chosen(dataset, granularity, scopes, start, end)
        if not chosen:
            return None
        files = [self.root.uri(e.path) for k, e in chosen if not k.packed]
        packs = [(k, e) for k, e in chosen if k.packed]
        reads = []
        if files:
            listed = ", ".join(_quoted(f) for f in files)
            reads.append(
                f"SELECT * FROM read_parquet([{listed}], union_by_name = true, "
                f"hive_partitioning = false)"
            )
        if packs:
            loose = self._loose_parts(dataset, granularity)
            wanted = None if scopes is None else {s for s in scopes if s not in ("org", PACKED)}
            tests: dict[str, list[str]] = {}  # packs read with the same test read at once
            for key, entry in packs:
                hidden = loose.get(key.part, set())
                if wanted is None:
                    test = f"{SPACE_COLUMN} NOT IN ({_listed(hidden)})" if hidden else "true"
                elif wanted - hidden:
                    test = f"{SPACE_COLUMN} IN ({_listed(wanted - hidden)})"
                else:
                    continue  # every space asked for has a file of its own that month
                tests.setdefault(test, []).append(_quoted(self.root.uri(entry.path)))
            for test, uris in tests.items():
                reads.append(
                    f"SELECT * EXCLUDE ({SPACE_COLUMN}) FROM read_parquet([{', '.join(uris)}], "
                    f"union_by_name = true, hive_partitioning = false) WHERE {test}"
                )
        if not reads:
            return None
        where = []
        if start:
            where.append(f"_label >= DATE '{start.isoformat()}'")
        if end:
            where.append(f"_label <= DATE '{end.isoformat()}'")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        if len(reads) == 1 and not packs:
            return f"({reads[0]}{clause})"
        union = " UNION ALL BY NAME ".join(f"({read})" for read in reads)
        return f"(SELECT * FROM ({union}){clause})"

    def sql(self, text: str, params=None, **sources) -> pd.DataFrame:
        """Run `text`, where `{name}` stands for a FROM item given in `sources` (from
        `source`, which is None when nothing is held: callers check that first)."""
        import duckdb  # loaded by connect() just before

        con = self.connect()
        try:
            return con.execute(text.format(**sources), params or []).fetch_df()
        except (duckdb.IOException, duckdb.InvalidInputException) as err:  # a damaged file
            raise StoreError(f"the store could not be read: {str(err)[:300]}") from None
        finally:
            con.close()

    def rows(
        self,
        dataset: str | endpoints.Dataset,
        granularity: str | None,
        scopes=None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        bookkeeping: bool = False,
    ) -> pd.DataFrame:
        """The stored rows of [start, end] as the connector frame (same columns and dtypes),
        sorted by the natural key; with `bookkeeping`, the `_` columns too. `dataset`: a key
        of the catalogue, or a Dataset (Codefresh's extra reports are not in the catalogue)."""
        spec = dataset if isinstance(dataset, endpoints.Dataset) else endpoints.get(dataset)
        source = self.source(spec.key, granularity, scopes, start, end)
        empty = empty_frame(spec.schema)
        if source is None:
            return empty
        order = ", ".join(spec.natural_key)
        frame = self.sql(f"SELECT * FROM {{src}} ORDER BY {order}", src=source)
        if not bookkeeping:
            frame = frame[[c for c in frame.columns if not c.startswith("_")]]
        return typed(frame, empty)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _listed(values) -> str:
    return ", ".join(_quoted(v) for v in sorted(values))


def typed(frame: pd.DataFrame, empty: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the connector's dtypes for the columns it shares with `empty`."""
    casts = {}
    for name in empty.columns:
        if name not in frame:
            continue
        want = empty[name].dtype
        if isinstance(want, pd.DatetimeTZDtype):
            column = frame[name]
            if getattr(column.dtype, "tz", None) is None:
                frame[name] = pd.to_datetime(column).dt.tz_localize("UTC")
            else:
                frame[name] = column.dt.tz_convert("UTC")
            frame[name] = frame[name].astype(want)
            continue
        if isinstance(want, pd.CategoricalDtype):
            if not isinstance(frame[name].dtype, pd.CategoricalDtype):
                casts[name] = "category"  # categories are the values found
        elif frame[name].dtype != want:
            casts[name] = want
    return frame.astype(casts) if casts else frame
