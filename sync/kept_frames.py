"""What the pages computed from a store, kept on disk so that a restarted server draws its first
chart without recomputing it: DuckDB's aggregates, the Overview's derived tables and answer, one
pickle per cache key.

Every key holds the store's version (`Store.version`: the ledger's paths, sizes and stamps), so a
sync's write makes new keys and nothing kept outlives the data it came from. The folder's name
holds a digest of every package's source (a change to any computation starts afresh) and, for
a live store, today's UTC date (nothing computed before midnight is read after it). Where:

- the demo's store: beside its day's folder, `demo-<day>-<version>.frames-<code>/`, removed
  with that folder (sync/demo_cache.py);
- any other store (HISTORY_DIR, a read-only viewer's mount, a bucket):
  `<FRAMES_CACHE_DIR or <project>/.cache/frames>/<store digest>-<day>.frames-<code>/`, never
  inside the store (the store is written by the sync alone, and a viewer's is read-only).
  Making a folder removes the same store's other folders and any store's folders of days
  before yesterday. `FRAMES_CACHE_DIR=off` keeps nothing on disk, and a store of one process
  alone (a typed key's, a fallback: `process_only`) keeps nothing there either.

The folders are made private to the server's user (0700; the pickles 0600): they hold what the
store holds. A file that cannot be read is computed again and rewritten, never an error; a folder
that cannot be written keeps nothing. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from connectors.ranges import utc_today

from . import demo_cache

ENV = "FRAMES_CACHE_DIR"
OFF = "off"
DEFAULT = demo_cache.PROJECT_DIR / ".cache" / "frames"
# What the frames depend on: every package's source.
COMPUTED = ("alerts", "analytics", "connectors", "safe", "store", "sync", "teams")
_LIVE_NAME = re.compile(r"^([0-9a-f]{16})-(\d{4}-\d{2}-\d{2})\.frames-[0-9a-f]+$")

_lock = threading.Lock()
_code: str | None = None
_made: set[Path] = set()
_process_only: set[str] = set()


def code_version() -> str:
    """A digest of every package's source: what the kept frames were computed with."""
    global _code
    if _code is None:
        _code = demo_cache.digest(demo_cache.PROJECT_DIR, COMPUTED)
    return _code


def base() -> Path | None:
    """Where a live store's frames are kept: FRAMES_CACHE_DIR, else `.cache/frames` in the
    project; None when FRAMES_CACHE_DIR is `off`."""
    configured = os.environ.get(ENV, "").strip()
    if configured.lower() == OFF:
        return None
    return Path(configured) if configured else DEFAULT


def process_only(store_url: str) -> None:
    """`store_url` is a store of this process alone (sync/on_demand.py's temporary ones: a typed
    key's, a fallback): deleted at exit and never read by another process, so nothing computed
    from it is kept on disk to outlive it."""
    _process_only.add(store_url)


def frames_for(store_url: str, today: dt.date | None = None) -> Path | None:
    """The folder of frames kept for the store at `store_url`, or None when nothing is kept."""
    if store_url in _process_only:
        return None
    if demo_cache.in_cache(store_url):  # the demo's store, or a name the demo cache does not make
        return demo_cache.store_frames(store_url, code_version())
    where = base()
    if where is None:
        return None
    day = (today or utc_today()).isoformat()  # the app's days are UTC days
    store = hashlib.sha256(store_url.encode()).hexdigest()[:16]
    return where / f"{store}-{day}.frames-{code_version()}"


def _prepare(folder: Path) -> None:
    """Make `folder` (private) once per process; a live store's folders of other days or code
    are removed then."""
    if folder in _made:
        return
    with _lock:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        named = _LIVE_NAME.match(folder.name)
        if named:
            oldest = (dt.date.fromisoformat(named.group(2)) - dt.timedelta(days=1)).isoformat()
            for entry in folder.parent.iterdir():
                other = _LIVE_NAME.match(entry.name)
                if other is None or entry == folder:
                    continue
                # This store's other days and code; any store's days before yesterday (a store
                # no longer read leaves nothing behind for long).
                if other.group(1) == named.group(1) or other.group(2) < oldest:
                    shutil.rmtree(entry, ignore_errors=True)
        _made.add(folder)


def remembered(folder: Path, key: str, build: Callable[[], object]):
    """`build()`, kept in `folder` under `key` (any text: it is hashed) and read back by later
    processes; a missing or unreadable file is built again and rewritten."""
    path = folder / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".pickle")
    try:
        with open(path, "rb") as kept:
            return pickle.load(kept)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001, S110 - damaged or from another library version: rebuilt
        pass
    value = build()
    try:
        _prepare(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # readers see the old file or the whole new one
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # not kept: computed again next time
    return value
