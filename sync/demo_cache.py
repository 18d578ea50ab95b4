"""Where the demo's history store is kept across restarts: made once a day, not once a start.

The demo store is what the in-process sandbox answers, written through `sync` like any store.
Its bytes depend only on the day (the sandbox answers every day up to today, the same bytes in
any process) and on the code that makes them (the sandbox, the connectors, the store, sync and
the teams file format). So it is kept in a folder named by both,

    <DEMO_CACHE_DIR or <project>/.cache/demo>/demo-<YYYY-MM-DD>-<version>/

where version is a digest of that code's source: a new day, or any change to that code, starts
a new folder (filled on the first view, as before), and folders of days before yesterday are
deleted. It is never the user's HISTORY_DIR (`.cache/` is git-ignored). A damaged file in it is
handled like one in any store: left out, quarantined by the next sync and fetched again.

Beside each day's store, `demo-<day>-<version>.frames-<code>/` keeps what the pages computed
from it (DuckDB's aggregates, the overview's derived tables), one pickle per cache key, so a
restarted server draws its first chart without recomputing them. `code` is a digest of every
package's source (a change to any computation starts afresh); the key holds the store's version.
A file that cannot be read is computed again and rewritten, never an error. Only demo data go
there (analytics/loaders.py asks `frames_for` with the store's URL: None for any other store).

No Streamlit here: analytics/history.py decides when the demo uses it.
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

PROJECT_DIR = Path(__file__).resolve().parents[1]
ENV = "DEMO_CACHE_DIR"
DEFAULT = PROJECT_DIR / ".cache" / "demo"
# The code a demo store's bytes depend on (packages under the project).
SOURCES = ("connectors", "store", "sync", "teams")
# What the frames kept beside the store depend on: every package's source.
COMPUTED = ("alerts", "analytics", "connectors", "safe", "store", "sync", "teams")
_NAME = re.compile(r"^demo-(\d{4}-\d{2}-\d{2})-[0-9a-f]+(\.frames-[0-9a-f]+)?$")

_lock = threading.Lock()
_version: str | None = None
_code: str | None = None


def base() -> Path:
    """The cache's folder: DEMO_CACHE_DIR, else `.cache/demo` in the project."""
    configured = os.environ.get(ENV, "").strip()
    return Path(configured) if configured else DEFAULT


def _digest(project: Path, packages) -> str:
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted((project / package).rglob("*.py")):
            digest.update(path.relative_to(project).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def version(project: Path = PROJECT_DIR) -> str:
    """A digest of the source of the code that decides the demo store's bytes (read once per
    process for the project's own folder)."""
    global _version
    if project != PROJECT_DIR:
        return _digest(project, SOURCES)
    if _version is None:
        _version = _digest(project, SOURCES)
    return _version


def code_version() -> str:
    """A digest of every package's source: what the kept frames were computed with."""
    global _code
    if _code is None:
        _code = _digest(PROJECT_DIR, COMPUTED)
    return _code


def folder(today: dt.date, where: Path | None = None, code: str | None = None) -> Path:
    """The demo store's folder for `today` (made if missing); older days' folders removed.
    Raises OSError when the cache cannot be written (the demo then uses a temporary store)."""
    where = where or base()
    path = where / f"demo-{today.isoformat()}-{code or version()}"
    with _lock:
        path.mkdir(parents=True, exist_ok=True)
        _prune(where, today)
    return path


def _prune(where: Path, today: dt.date) -> None:
    """Delete the folders of days before yesterday (yesterday's may still serve a process
    started before midnight). Only folders this module names: nothing else in `where`."""
    oldest = today - dt.timedelta(days=1)
    for entry in where.iterdir():
        named = _NAME.match(entry.name)
        if not named or not entry.is_dir():
            continue
        try:
            day = dt.date.fromisoformat(named.group(1))
        except ValueError:
            continue
        if day < oldest:
            shutil.rmtree(entry, ignore_errors=True)


# ---------------------------------------------------------------- frames computed from it


def frames_for(store_url: str, where: Path | None = None) -> Path | None:
    """The folder of frames kept for the demo store at `store_url`, or None when that is not a
    demo cache's store (then nothing is kept on disk)."""
    path = Path(store_url)
    where = where or base()
    if path.parent != where or not _NAME.match(path.name) or ".frames-" in path.name:
        return None
    return where / f"{path.name}.frames-{code_version()}"


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
        folder.mkdir(parents=True, exist_ok=True)
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
