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
from it (sync/kept_frames.py, which keeps any other store's elsewhere), removed with it.

No Streamlit here: analytics/history.py decides when the demo uses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import threading
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
ENV = "DEMO_CACHE_DIR"
DEFAULT = PROJECT_DIR / ".cache" / "demo"
# The code a demo store's bytes depend on (packages under the project).
SOURCES = ("connectors", "store", "sync", "teams")
_NAME = re.compile(r"^demo-(\d{4}-\d{2}-\d{2})-[0-9a-f]+(\.frames-[0-9a-f]+)?$")

_lock = threading.Lock()
_version: str | None = None


def base() -> Path:
    """The cache's folder: DEMO_CACHE_DIR, else `.cache/demo` in the project."""
    configured = os.environ.get(ENV, "").strip()
    return Path(configured) if configured else DEFAULT


def digest(project: Path, packages) -> str:
    hashed = hashlib.sha256()
    for package in packages:
        for path in sorted((project / package).rglob("*.py")):
            hashed.update(path.relative_to(project).as_posix().encode())
            hashed.update(b"\0")
            hashed.update(path.read_bytes())
            hashed.update(b"\0")
    return hashed.hexdigest()[:16]


def version(project: Path = PROJECT_DIR) -> str:
    """A digest of the source of the code that decides the demo store's bytes (read once per
    process for the project's own folder)."""
    global _version
    if project != PROJECT_DIR:
        return digest(project, SOURCES)
    if _version is None:
        _version = digest(project, SOURCES)
    return _version


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


def store_frames(store_url: str, code: str, where: Path | None = None) -> Path | None:
    """The folder of frames kept beside the demo store at `store_url` (sync/kept_frames.py),
    or None when that is not a demo cache's store."""
    path = Path(store_url)
    where = where or base()
    if path.parent != where or not _NAME.match(path.name) or ".frames-" in path.name:
        return None
    return where / f"{path.name}.frames-{code}"


def in_cache(store_url: str, where: Path | None = None) -> bool:
    """Whether `store_url` names a folder inside the demo cache (a store or its frames)."""
    return Path(store_url).parent == (where or base())
