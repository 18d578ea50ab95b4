"""The compaction step: a Builder space's files folded into its month's pack (store/partitions.py).

A sync writes a space's month as a file of its own (`scope=<space key>/month=<YYYY-MM>/`), cheap to
rewrite window by window; when the writer is done, every such file is folded into the pack of its
dataset, granularity and month (`scope=spaces/month=<YYYY-MM>/`): the pack is written anew,
atomically, holding its other spaces' rows and runs as they were and the folded spaces' as their
files held them; then the folded files are deleted. Until a file is deleted it wins over the pack's
rows of its space and month, and holds exactly what the pack now holds for them: killed at any
moment, the store reads the same, and the next writer folds what is left. A store written before
packs existed is packed the same way by its first sync.

A file of a space that cannot be read is left where it is (its days stay unknown until the writer
quarantines and refetches it, as for any damaged partition); a pack that cannot be read is moved to
quarantine (nothing deleted) and written anew from the spaces' files, the other spaces' days in it
then lacking from the ledger, so the next sync fetches them again.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from connectors import endpoints

from .partitions import SPACE_COLUMN, Key, StoreError, decode, encode_pack, spaces_of


def loose_files(store) -> dict[Key, list[Key]]:
    """The spaces' own files, by the pack they fold into. Only the datasets kept per space
    are listed (a store of thousands of files is not walked)."""
    found: dict[Key, list[Key]] = {}
    for dataset in endpoints.stored():
        if dataset.scope != "space":
            continue
        for key, _entry in store.entries(dataset.key):
            if key.loose:
                found.setdefault(key.pack, []).append(key)
    return found


def compact(store, written: dict | None = None) -> int:
    """Fold every space's own file into its pack; returns how many files were folded.
    `written`: path -> (Arrow rows, runs) of files the caller (the writer) has just written,
    exactly what reading them back gives: used instead of reading them (a first sync at 2,000
    developers folds ~12,000, at ~0.5 ms of CPU each to read back)."""
    folded, folders = 0, set()
    found = loose_files(store)
    if not found:
        return 0
    written = written or {}
    with ThreadPoolExecutor(READERS) as pool:  # one pool for every pack (a thread start is ms)
        for pack, keys in sorted(found.items()):
            folded += _fold(store, pack, sorted(keys), pool, written)
            folders |= {key.path.rsplit("/", 2)[0] for key in keys}
    for folder in sorted(folders):  # the spaces' `scope=` folders, once each, when emptied
        store.root.prune(folder)
    return folded


READERS = 4  # files read at once (a first sync at 2,000 developers folds ~12,000)


def _read(store, key: Key, written: dict):
    """A space's file as an Arrow table with its `_space` column, and its runs (None: it
    cannot be read, and is left as it is: it keeps winning over the pack, its days unknown).
    A file in `written` is taken from there, not read."""
    held = written.get(key.path)
    if held is not None:
        table, runs = held
    else:
        try:
            table, runs = decode(store.root.read(key.path), key.path)
        except (StoreError, FileNotFoundError):
            return None
    space = pa.array([key.scope] * table.num_rows, pa.string())
    return _bare(table).append_column(SPACE_COLUMN, space), runs


def _bare(table: pa.Table) -> pa.Table:
    """Without the file's metadata (each file's ledger record and pandas' notes differ)."""
    return table.replace_schema_metadata(None)


def _fold(store, pack: Key, keys: list[Key], pool: ThreadPoolExecutor, written: dict) -> int:
    tables: list[pa.Table] = []
    spaces = {}
    taken: list[Key] = []
    unread = sum(key.path not in written for key in keys)
    if unread < READERS:
        read = [_read(store, key, written) for key in keys]
    else:
        read = list(pool.map(lambda key: _read(store, key, written), keys))
    for key, found in zip(keys, read, strict=True):
        if found is None:
            continue
        tables.append(found[0])
        spaces[key.scope] = found[1]
        taken.append(key)
    if not taken:
        return 0
    if store.root.exists(pack.path):
        try:
            table, _ = decode(store.root.read(pack.path), pack.path)
            held = spaces_of(table.schema.metadata, pack.path)
        except StoreError:
            store.quarantine(pack.path)
        else:
            folded = pa.array(sorted(spaces), pa.string())
            kept = table.filter(pc.invert(pc.is_in(table[SPACE_COLUMN], value_set=folded)))
            tables.insert(0, _bare(kept))
            for space, runs in held.items():
                spaces.setdefault(space, runs)
    combined = pa.concat_tables(tables, promote_options="permissive")
    combined = combined.sort_by([(SPACE_COLUMN, "ascending"), ("_label", "ascending")])
    store.root.write(pack.path, encode_pack(combined, spaces, pack))
    # Deleted side by side (each waits on the disk; in any order: each holds what the pack does).
    list(pool.map(store.root.remove, [key.path for key in taken]))
    return len(taken)


def pack_rows(store, pack: Key) -> pd.DataFrame:
    """A pack's rows, `_space` included (for tests and tools)."""
    return pq.read_table(io.BytesIO(store.root.read(pack.path))).to_pandas()
