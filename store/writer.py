"""The store's only writer (used by `sync`): one at a time, whole partitions replaced atomically.

A fetched range replaces, in each partition it touches, every row whose period lies in the range
(rows the vendor no longer sends go too), adds the new rows unique by natural key, and records
the range as held, fetched now. Killed at any moment, the store holds each partition either as
it was or as it became: the next sync sees the missing coverage and fetches it again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from connectors.endpoints import Dataset
from connectors.frames import empty_frame

from . import ALERTS_PATH, Store, StoreError, compaction, rollups
from .coverage import Run, labels, replace
from .partitions import Key, encode_table, labels_of, part_of

LOCK_WAIT_SECONDS = 10.0


class StoreBusy(Exception):
    """Another sync holds the store; the message says which and what to do."""


@dataclass
class Written:
    added: int = 0  # rows whose natural key was not held before
    replaced: int = 0  # rows held before, written again (possibly revised)
    removed: int = 0  # rows held before that the vendor no longer sent
    partitions: int = 0
    # Unreadable partitions moved to quarantine before being written anew: "path (why)".
    quarantined: list[str] = field(default_factory=list)

    def __iadd__(self, other: Written) -> Written:
        self.quarantined = self.quarantined + other.quarantined
        self.added += other.added
        self.replaced += other.replaced
        self.removed += other.removed
        self.partitions += other.partitions
        return self


class Writer:
    """`with Writer(store) as w: w.replace(...)`. Entering takes the store's lock, waiting up
    to `wait` seconds for another writer, then raises StoreBusy."""

    def __init__(self, store: Store, wait: float = LOCK_WAIT_SECONDS):
        self.store = store
        self.wait = wait
        self._handle = None
        # Tasks written side by side may share a partition: one at a time per file.
        self._guard = threading.Lock()
        self._files: dict[str, threading.Lock] = {}
        self._touched: set = set()  # (rollup, month) to rewrite when done
        # The spaces' files this writer wrote, as Arrow rows and runs (what reading the file
        # back gives): the compaction step folds them without reading ~12,000 files back.
        self._loose: dict[str, tuple[pa.Table, list[Run]]] = {}

    def __enter__(self) -> Writer:
        path = self.store.root.lock_path()
        handle = open(path, "a+")  # noqa: SIM115 (held open for the lock's lifetime)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    handle.close()
                    raise StoreBusy(
                        f"another sync is writing {self.store.url} ({holder}); waited "
                        f"{self.wait:.0f} s. Try again when it has finished."
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        # A writer leaves the lock file empty when it ends; its words still there mean it was
        # killed, and only then may temporary files be left (walking the whole store on every
        # page view that syncs a day cost a cold Overview 6% at 2,000 developers).
        killed = bool(handle.read().strip())
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
        handle.flush()
        self._handle = handle
        if killed:
            self.store.root.remove_leftovers()
            # A rollup month whose raw partition was written just before the kill: rewritten.
            rollups.refresh_stale(self.store)
        return self

    def __exit__(self, kind, *exc) -> None:
        try:
            if kind is None:
                # A writer stopped by an error leaves its rollup months out of date: readers
                # then roll those months up from the raw rows, and the next sync rewrites them.
                self.write_rollups()
                # The spaces' files of this writer (and any a killed one left, or a store
                # written before packs) folded into their months' packs (store/compaction.py).
                self.compact()
        finally:
            self._release()

    def _release(self) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def put_alerts(self, table: pd.DataFrame) -> None:
        """Replace the alerts table (alerts/lifecycle.py) in one atomic write."""
        import io

        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        self.store.root.write(ALERTS_PATH, buffer.getvalue())

    def replace(
        self,
        dataset: Dataset,
        granularity: str | None,
        scope: str,
        first: dt.date,
        last: dt.date,
        frame: pd.DataFrame,
        fetched_at: dt.datetime,
    ) -> Written:
        """Make the store hold `frame` for labels first..last of (dataset, granularity, scope)."""
        if self._handle is None:
            raise RuntimeError("Writer.replace outside `with Writer(store)`")
        by = dataset.partition_by
        groups: dict[str, pd.DataFrame] = {}
        if len(frame):
            # Once for the whole fetch (not per partition): labels, bookkeeping, key order.
            frame = _prepared(frame, dataset, first, last, fetched_at)
            groups = _partitioned(frame, by)
        held = labels(first, last, granularity)
        written = Written()
        by_part: dict[str, list[dt.date]] = {}  # the labels of each partition, in order
        for label in held:
            if first <= label <= last:
                by_part.setdefault(part_of(label, by), []).append(label)
        for part in sorted(by_part):
            key = Key(dataset.key, granularity, scope, by, part)
            low, high = key.first_day, key.last_day
            own = [x for x in by_part[part] if low <= x <= high]
            if not own:
                continue
            rows = groups.get(part)
            if rows is None:  # built only when needed: a sync commits many small windows
                rows = _normalise(_empty_with_bookkeeping(dataset))
            run = Run(own[0], own[-1], fetched_at)
            written += self._write(key, dataset, rows, run, granularity)
        # The rollup months that depend on the days just written: rewritten, each whole, when
        # this writer is done (once per month however many windows touched it).
        with self._guard:
            self._touched |= rollups.touched(dataset.key, granularity, scope, first, last)
        return written

    def compact(self) -> int:
        """Fold the spaces' own files into their packs (store/compaction.py): those this
        writer wrote from the rows it holds, any other (a killed writer's) read back."""
        with self._guard:
            written, self._loose = self._loose, {}
        return compaction.compact(self.store, written)

    def write_rollups(self) -> int:
        """Rewrite the rollup months the writes so far touched (store/rollups.py)."""
        with self._guard:
            months, self._touched = self._touched, set()
        return rollups.write_months(self.store, months) if months else 0

    def _write(self, key: Key, dataset: Dataset, rows, run: Run, granularity) -> Written:
        """`rows`: a DataFrame, or a `_Part` of the fetch (its Arrow rows made once per fetch)."""
        with self._guard:
            lock = self._files.setdefault(key.path, threading.Lock())
        with lock:
            return self._write_one(key, dataset, rows, run, granularity)

    def _write_one(self, key: Key, dataset: Dataset, rows, run: Run, granularity) -> Written:
        """One partition: `rows` (normalised, unique, in key order) replace its rows of `run`."""
        quarantined = []
        try:
            old, runs = self.store.read_partition(key)
        except StoreError as damaged:
            # Its days are not in the ledger (the store skipped it): written anew from the
            # fetch, the rest fetched again by the next sync; the file is kept, moved aside.
            moved = self.store.quarantine(key.path)
            reason = str(damaged).split(" (", 1)[0]  # "<path> is not a readable Parquet file"
            quarantined.append(f"{reason}: moved to {moved}, its days fetched again")
            old, runs = None, []
        natural = list(dataset.natural_key)
        if old is None or not len(old):
            # A new (or empty) partition: the fetch's rows are the whole file.
            held = replace(runs, run, granularity)
            if isinstance(rows, _Part) and rows.table is not None:
                table = rows.table  # no pandas conversion per file
            else:
                table = _arrow(_frame_of(rows).reset_index(drop=True))
            self._put(key, table, held)
            return Written(added=len(rows), partitions=1, quarantined=quarantined)
        rows = _frame_of(rows)
        if old is not None and len(old):
            inside = (old["_label"] >= pd.Timestamp(run.first)) & (
                old["_label"] <= pd.Timestamp(run.last)
            )
            dropped, kept = old.loc[inside], old.loc[~inside]
        else:
            dropped, kept = None, old
        before = _keys(dropped, natural)
        after = _keys(rows, natural)
        written = Written(
            added=len(after - before),
            replaced=len(after & before),
            removed=len(before - after),
            partitions=1,
        )
        parts = [p for p in (kept, rows) if p is not None and len(p)]
        if parts:
            combined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            combined = combined.drop_duplicates(subset=natural, keep="last")
            combined = combined.sort_values(natural, ignore_index=True)
        else:
            combined = _empty_with_bookkeeping(dataset)
        combined = _normalise(combined)
        self._put(key, _arrow(combined), replace(runs, run, granularity))
        return written

    def _put(self, key: Key, table: pa.Table, runs: list[Run]) -> None:
        """Write a partition file; a space's file is kept for the compaction step too."""
        self.store.root.write(key.path, encode_table(table, runs, key))
        if key.loose:
            # The runs as the file's footer gives them back (sorted, through JSON).
            kept = [Run.from_json(r.to_json()) for r in sorted(runs)]
            with self._guard:
                self._loose[key.path] = (table, kept)


class _Part:
    """One partition's rows of a fetch: positions in the fetch's normalised, sorted frame.
    Its Arrow rows are sliced from the fetch's one Arrow conversion (`table`, None when the
    frame has a column of Python objects, whose Arrow type follows the values: then each
    partition is converted from pandas, as before); its pandas rows are made only when a
    partition already holds rows to merge with."""

    def __init__(self, frame: pd.DataFrame, positions, whole: pa.Table | None):
        self._frame, self._positions = frame, positions
        if whole is None:
            self.table = None
        elif len(positions) == len(frame):
            self.table = whole
        else:
            self.table = whole.take(pa.array(positions))

    def __len__(self) -> int:
        return len(self._positions)

    def frame(self) -> pd.DataFrame:
        if len(self._positions) == len(self._frame):
            return self._frame
        return self._frame.iloc[self._positions]


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """A partition's rows as `store.partitions.encode` converts them."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def _frame_of(rows) -> pd.DataFrame:
    return rows.frame() if isinstance(rows, _Part) else rows


def _partitioned(frame: pd.DataFrame, by: str) -> dict[str, _Part]:
    """The fetch's rows by partition ("YYYY-MM-DD" or "YYYY-MM" of `_label`), each in the
    frame's order, and the frame converted to Arrow once for all of them."""
    unit = "D" if by == "day" else "M"
    periods = frame["_label"].to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{unit}]")
    objects = any(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes)
    whole = None if objects else pa.Table.from_pandas(frame, preserve_index=False)
    distinct = np.unique(periods)
    if len(distinct) == 1:
        return {str(distinct[0]): _Part(frame, np.arange(len(frame)), whole)}
    return {str(p): _Part(frame, np.flatnonzero(periods == p), whole) for p in distinct}


def _prepared(frame: pd.DataFrame, dataset: Dataset, first, last, fetched_at) -> pd.DataFrame:
    """The rows of a fetch labelled first..last, with their bookkeeping columns (`_label`,
    `_fetched_at`), unique by natural key (the last row of a key kept) and in key order: what
    `frame.assign(_label=...)`, `.loc[inside]`, `_normalise`, `drop_duplicates(keep="last")`
    and `sort_values` give, in one step. The usual fetch has neither a repeated key nor a
    missing one: its keys are sorted once (stable) and found unique by comparing neighbours
    instead of hashing each (a week of model requests: 100,000 request ids); any other fetch
    takes the steps one by one."""
    natural = list(dataset.natural_key)
    label = labels_of(frame, dataset).to_numpy(dtype="datetime64[ns]")
    inside = (label >= np.datetime64(first, "ns")) & (label <= np.datetime64(last, "ns"))
    everything = bool(inside.all())
    keys = [_key_values(frame[name]) for name in natural]
    if not everything:
        keys = [k[inside] if isinstance(k, np.ndarray) else k.filter(inside) for k in keys]
    order = _unique_key_order(keys)
    if order is None:  # a key repeated or missing: step by step, as it always was
        frame = frame.assign(_label=label).loc[inside]
        frame = _normalise(frame.assign(_fetched_at=pd.Timestamp(fetched_at)))
        frame = frame.drop_duplicates(subset=natural, keep="last")
        return frame.sort_values(natural, ignore_index=True)
    positions = order if everything else np.flatnonzero(inside)[order]
    out = frame.take(positions)
    out.index = pd.RangeIndex(len(out))
    out["_label"] = label[positions]
    out["_fetched_at"] = pd.Timestamp(fetched_at)
    return _normalise(out, copy=False)


def _key_values(column: pd.Series):
    """A key column as numpy values (numbers, times) or an Arrow array (anything else)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iufmM":
        return column.to_numpy()
    return pa.array(column, from_pandas=True)  # text: Arrow's own buffers, no Python strings


def _ordered_as_pandas(kind: pa.DataType) -> bool:
    """Arrow sorts these as pandas' `sort_values` does (text by code point, numbers, times)."""
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_timestamp(kind)
    )


def _unique_key_order(keys: list) -> np.ndarray | None:
    """Positions in key order of the rows whose keys (one array per key column) are given, or
    None when a key is missing or repeated. Numbers and times are sorted by numpy, anything
    else (text) by Arrow (a stable sort, in the order pandas' `sort_values` gives)."""
    if all(isinstance(k, np.ndarray) for k in keys):
        if any(np.isnan(k).any() for k in keys if k.dtype.kind in "fmM"):
            return None
        order = np.lexsort(keys[::-1]) if len(keys) > 1 else np.argsort(keys[0], kind="stable")
        ranked = [k[order] for k in keys]
    else:
        table = pa.table({str(i): pa.array(k, from_pandas=True) for i, k in enumerate(keys)})
        if any(
            column.null_count or not _ordered_as_pandas(column.type) for column in table.columns
        ):
            return None  # a missing key, or a type left to pandas (categories: by their codes)
        order = pc.sort_indices(table, [(name, "ascending") for name in table.column_names])
        ranked = [column.take(order) for column in table.columns]
        order = order.to_numpy()
    if len(order) > 1:
        same = np.ones(len(order) - 1, dtype=bool)
        for values in ranked:
            if isinstance(values, np.ndarray):
                same &= values[1:] == values[:-1]
            else:
                same &= pc.equal(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
        if same.any():
            return None
    return order


def _keys(frame, natural: list[str]) -> set:
    if frame is None or not len(frame):
        return set()
    return set(frame[natural].astype(str).itertuples(index=False, name=None))


def _empty_with_bookkeeping(dataset: Dataset) -> pd.DataFrame:
    frame = empty_frame(dataset.schema)
    return frame.assign(
        _label=pd.Series(dtype="datetime64[ns]"),
        _fetched_at=pd.Series(dtype="datetime64[ns, UTC]"),
    )


_LABEL = pd.api.types.pandas_dtype("datetime64[ns]")
_FETCHED = pd.api.types.pandas_dtype("datetime64[ns, UTC]")
_TEXT = pd.api.types.pandas_dtype("str")


def _normalise(frame: pd.DataFrame, copy: bool = True) -> pd.DataFrame:
    """Bookkeeping columns in one type in every file: `_label` a date, `_fetched_at` UTC.
    `copy=False`: `frame` is the caller's own, changed in place."""
    out = frame.copy() if copy else frame
    dtypes = out.dtypes  # once: a column looked up by name is a new Series each time
    if dtypes["_label"] != _LABEL:  # converted only when not already in its type
        out["_label"] = pd.to_datetime(out["_label"]).astype(_LABEL)
    if dtypes["_fetched_at"] != _FETCHED:
        out["_fetched_at"] = pd.to_datetime(out["_fetched_at"], utc=True).astype(_FETCHED)
    for name, dtype in dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            out[name] = _as_text(out[name])  # categories differ between fetches
    return out


def _as_text(column: pd.Series) -> pd.Series:
    """`column.astype("str")` of a categorical column: its text categories taken by code (one
    Arrow take; `astype` made a Python object per row first)."""
    codes, categories = column.array.codes, column.array.categories
    if categories.dtype != _TEXT:
        return column.astype("str")
    return pd.Series(
        categories.array.take(codes, allow_fill=True), index=column.index, name=column.name
    )
