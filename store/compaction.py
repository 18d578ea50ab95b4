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


def compact(store) -> int:
    """Fold every space's own file into its pack; returns how many files were folded."""
    folded = 0
    for pack, keys in sorted(loose_files(store).items()):
        folded += _fold(store, pack, sorted(keys))
    return folded


READERS = 4  # files read at once (a first sync at 2,000 developers folds ~12,000)


def _read(store, key: Key):
    try:
        table, runs = decode(store.root.read(key.path), key.path)
    except (StoreError, FileNotFoundError):
        return None  # left as it is: it keeps winning over the pack, its days unknown
    return table.to_pandas().assign(**{SPACE_COLUMN: key.scope}), runs


def _fold(store, pack: Key, keys: list[Key]) -> int:
    frames: list[pd.DataFrame] = []
    spaces = {}
    taken: list[Key] = []
    with ThreadPoolExecutor(READERS) as pool:
        read = list(pool.map(lambda key: _read(store, key), keys))
    for key, found in zip(keys, read, strict=True):
        if found is None:
            continue
        frames.append(found[0])
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
            old = table.to_pandas()
            kept = old.loc[~old[SPACE_COLUMN].isin(spaces)]
            if len(kept):
                frames.insert(0, kept)
            for space, runs in held.items():
                spaces.setdefault(space, runs)
    frames = [f for f in frames if len(f)] or frames[:1]
    combined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    combined = combined.sort_values([SPACE_COLUMN, "_label"], kind="stable", ignore_index=True)
    store.root.write(pack.path, encode_pack(_plain(combined), spaces, pack))
    for key in taken:
        store.root.remove(key.path)
    return len(taken)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in one type whatever file they came from (categories differ between files)."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype("str")
    return out


def pack_rows(store, pack: Key) -> pd.DataFrame:
    """A pack's rows, `_space` included (for tests and tools)."""
    return pq.read_table(io.BytesIO(store.root.read(pack.path))).to_pandas()
