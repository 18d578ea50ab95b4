"""The app's history: which store each source reads, filling what a view lacks through `sync`,
and the aggregates DuckDB computes for the pages (cached by the store's version).

- Demo sources share one store, the demo cache's folder for today (analytics/demo_cache.py):
  the sandbox's demo organisation, synced once a day and kept across restarts.
- Keys from configuration (environment, `.env`, Streamlit secrets) use HISTORY_DIR (default
  `.history/`; `s3://bucket/prefix` works too). A HISTORY_DIR that cannot be written falls back
  to a temporary store, and the pages say so.
- A key typed into the Connections page gets a temporary store of its own (it may belong to
  another organisation than the configured one; its data must not mix with theirs).
"""

from __future__ import annotations

import atexit
import datetime as dt
import errno
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass

import sync
from analytics import reader
from config.settings import DEFAULT_STORE, PROJECT_DIR, SESSION, Settings, Source
from connectors import endpoints, ranges
from connectors.endpoints import Dataset
from connectors.errors import VENDOR_NAMES, ConnectorError
from store import Store, StoreError
from store import files as store_files
from store.writer import StoreBusy
from sync import clients, demo_cache, kept_frames
from teams import files as team_files

# The app fetches an unsettled day again only when its copy is older than this (the command
# line fetches the tail on every run).
TAIL_FRESH_FOR = dt.timedelta(minutes=15)
# The demo's unsettled tail is fetched again only when its copy is older than this: the sandbox
# answers a day with the same bytes whatever the hour, and the demo cache's folder is a day's.
# "Sync now" (fresh_for None) fetches it again all the same.
DEMO_TAIL_FRESH_FOR = dt.timedelta(days=1)
# How long a page waits for a running `python -m sync` before showing what the store holds.
WAIT_FOR_SYNC_SECONDS = 20.0

_lock = threading.Lock()
_stores: dict[str, Store] = {}
_made: list[str] = []  # temporary folders this process made (deleted at exit)
_proven: set[str] = set()  # fingerprints of live keys a vendor answered in this process
_demo_days: dict[dt.date, Store] = {}  # the demo cache's store of each day seen


def new_page_run() -> None:
    """Called first in every page run (app.py): each store folder is then listed once in the
    run, not once per load (store/files.py)."""
    store_files.one_listing_per_run()


def prove(source: Source) -> None:
    """The vendor answered a load with this source's key (or nothing needed asking)."""
    if source.live:
        with _lock:
            _proven.add(source.fingerprint)


def proven(source: Source) -> bool:
    with _lock:
        return source.fingerprint in _proven


@dataclass(frozen=True)
class Shelf:
    """Where one source's history lives, and what the pages should say about it."""

    store: Store
    kind: str  # "demo", "configured", "session"


def _temporary(name: str, note: str | None = None) -> Store:
    """The process's temporary store called `name` (made on first use)."""
    with _lock:
        if name not in _stores:
            kind = name.split("-", 1)[0]  # demo, session, fallback: never a path or a key
            folder = tempfile.mkdtemp(prefix=f"ai-ci-{kind}-")
            _made.append(folder)
            _stores[name] = Store(folder, note=note)
            kept_frames.process_only(_stores[name].url)
        return _stores[name]


@atexit.register
def forget() -> None:
    """Drop this process's stores and delete the temporary ones (at exit, and for a fresh
    start in tests)."""
    import shutil

    with _lock:
        for folder in _made:  # only folders this process made: never a configured HISTORY_DIR
            shutil.rmtree(folder, ignore_errors=True)
        _made.clear()
        _stores.clear()
        _proven.clear()
        _demo_days.clear()  # kept on disk (the demo cache): only this process forgets it


def configured_store(history_dir: str | None) -> Store:
    """HISTORY_DIR as a Store, or a temporary one (with a note) when it cannot be written."""
    url = history_dir or str(PROJECT_DIR / DEFAULT_STORE)
    with _lock:
        if url in _stores:
            return _stores[url]
    try:
        store = Store(url)
        store.root.ensure()
    except (OSError, ValueError, ImportError) as err:
        if _readable_only(url, err):
            store = Store(url, read_only=True)
        else:
            # The reason without the path: the pages show it to every viewer.
            reason = getattr(err, "strerror", None) or type(err).__name__
            note = (
                f"HISTORY_DIR cannot be used ({reason}); history is kept in a temporary store "
                f"until the app stops. Point HISTORY_DIR at a folder."
            )
            store = _temporary(f"fallback-{url}", note)
    with _lock:
        return _stores.setdefault(url, store)


def _readable_only(url: str, err: Exception) -> bool:
    """Whether HISTORY_DIR is a store this app may read but not write (mounted read-only for
    viewers while cron's sync fills it)."""
    if getattr(err, "errno", None) not in (errno.EROFS, errno.EACCES, errno.EPERM):
        return False
    try:
        root = Store(url).root
        if root.local:
            return os.path.isdir(root.base)
        root.list("")
    except Exception:  # noqa: BLE001 - any failure to list: not a store we can read
        return False
    return True


def _demo_store() -> Store:
    """The demo's store: today's folder of the demo cache (analytics/demo_cache.py), kept
    across restarts; a temporary one when the cache cannot be written."""
    today = ranges.utc_today()
    with _lock:
        found = _demo_days.get(today)
    if found is not None:
        return found
    try:
        store = Store(str(demo_cache.folder(today)))
    except OSError:
        return _temporary("demo")
    with _lock:
        return _demo_days.setdefault(today, store)


def shelf(source: Source) -> Shelf:
    if source.demo:
        return Shelf(_demo_store(), "demo")
    if source.origin == SESSION or source.space_private_origin == SESSION:
        return Shelf(_temporary(f"session-{source.fingerprint}"), "session")
    return Shelf(configured_store(source.history_dir), "configured")


# ---------------------------------------------------------------- filling what a view lacks


def ensure(
    source: Source,
    dataset: Dataset,
    granularity: str | None,
    scope: str,
    start: dt.date,
    end: dt.date,
    progress=None,
    today: dt.date | None = None,
    fresh_for: dt.timedelta | None = TAIL_FRESH_FOR,
) -> str | None:
    """Sync what the store lacks of [start, end] (and the stale unsettled tail) through the
    same code as `python -m sync`. Raises the vendor's ConnectorError. Returns a note when
    another sync held the store too long (the view then shows what is held)."""
    store = shelf(source).store
    if store.read_only:
        return None  # filled by the scheduled sync: this app fetches nothing
    if source.demo and fresh_for is not None:
        fresh_for = max(fresh_for, DEMO_TAIL_FRESH_FOR)
    today = today or ranges.utc_today()
    until = min(end, today)
    if until < start:
        return None
    g = dataset.stored_as(granularity)
    held = _held_already(source, store, dataset, g, scope, start, until, fresh_for)
    if held is not None and held.exists():
        return None  # the demo's store, unchanged since a plan found nothing lacking here
    tasks = sync.plan(store, [sync.Target(dataset, g, scope)], start, until, fresh_for=fresh_for)
    if not tasks:
        if held is not None:
            _mark(held)
        return None
    try:
        summary = sync.run(
            store,
            tasks,
            clients.factory(source),
            progress=progress,
            wait=WAIT_FOR_SYNC_SECONDS,
            lock_to_write_only=True,  # a viewer waiting on a vendor never locks cron out
        )
    except StoreBusy as busy:
        return f"{busy} Showing what the store holds."
    for failed in summary.failed:
        if isinstance(failed.exception, ConnectorError):
            raise failed.exception
    if summary.quarantined:
        return " ".join(f"A damaged history file {q}." for q in summary.quarantined)
    if held is not None and not summary.failed:  # all fetched: nothing lacks at the new version
        _mark(_held_already(source, store, dataset, g, scope, start, until, fresh_for))
    return None


def _held_already(source, store, dataset, granularity, scope, start, until, fresh_for):
    """Where the demo's kept frames note that its store, at its present version, lacked nothing
    of [start, until] (None: not the demo's store, or a sync asked for regardless of age). A
    restarted server then does not read every partition's footer to plan nothing: the demo's
    store is a day's folder and its tail stays fresh for that day (DEMO_TAIL_FRESH_FOR); a write
    or a damaged file changes the version, and the plan is made again."""
    if not source.demo or fresh_for is None:
        return None
    kept = kept_frames.frames_for(store.url)
    if kept is None:
        return None
    # The version of this granularity's files only: a page syncing the dataset's days after
    # its weeks (the Overview's answer after its chart) leaves the weeks' note standing.
    version = store.version(dataset.key, granularity)
    what = repr(("held", dataset.key, granularity, scope, start, until, version))
    return kept / f"held-{hashlib.sha256(what.encode()).hexdigest()[:40]}"


def _mark(path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass  # not kept: planned again next time


# ---------------------------------------------------------------- what the pages read


def freshness_lines(settings: Settings, vendors) -> list[str]:
    """What each store behind `vendors` holds and when it was last synced, e.g. "History
    (Firebender): synced 2 h ago; holds 2025-01-01 - 2026-11-22", one line per store."""
    groups: dict[str, tuple[Shelf, list[str]]] = {}
    for vendor in vendors:
        place = shelf(settings.sources[vendor])
        groups.setdefault(place.store.url, (place, []))[1].append(vendor)
    lines = []
    for place, members in groups.values():
        # Organisation-wide datasets only: per-space files can number in the thousands.
        keys = [d.key for d in endpoints.stored() if d.vendor in members and d.scope == "org"]
        try:
            last, first, held_until, with_rows = _held_span(place, keys)
        except StoreError as err:
            lines.append(f"History unreadable: {err}")
            continue
        names = ", ".join(VENDOR_NAMES[v] for v in members)
        where = {"demo": "demo history", "session": "this session's history"}.get(
            place.kind, "history"
        )
        holds = (
            f"; holds {with_rows} - {held_until}"
            if with_rows
            else f"; no data in {first} - {held_until}"
            if first
            else ""
        )
        lines.append(f"{where.capitalize()} ({names}): {describe_age(last)}{holds}.")
        if place.store.read_only:
            # Said once, calmly: the days after `held_until` are not synced yet (the pages
            # leave their periods empty), which is the normal state between cron's runs.
            when = (
                f"through {held_until.day} {held_until:%b %Y} (last run {last:%Y-%m-%d %H:%M} UTC)"
                if last and held_until
                else "(not filled yet)"
            )
            lines.append(
                f"Read-only store, filled by the scheduled sync {when}; this app fetches "
                "nothing, so periods after that day are left empty until its next run."
            )
        if place.store.note:
            lines.append(place.store.note)
    return lines


def read_only_through(settings: Settings, vendors) -> dt.date | None:
    """The last day the read-only stores behind `vendors` hold (the earliest, when several), or
    None when none is read-only. A viewer deployment fetches nothing, so its pickers end there:
    a range ending today would leave every total unknown between cron's runs."""
    groups: dict[str, tuple[Shelf, list[str]]] = {}
    for vendor in vendors:
        if vendor in settings.sources:
            place = shelf(settings.sources[vendor])
            groups.setdefault(place.store.url, (place, []))[1].append(vendor)
    days = []
    for place, members in groups.values():
        if not place.store.read_only:
            continue
        keys = [d.key for d in endpoints.stored() if d.vendor in members and d.scope == "org"]
        try:
            held_until = place.store.freshness(keys)[2]
        except StoreError:
            continue  # the freshness line says why
        if held_until:
            days.append(held_until)
    return min(days) if days else None


def _held_span(place: Shelf, keys: list[str]):
    """(last fetch, first day asked for, last day held, first day with rows) of `keys` in the
    shelf's store, kept on disk by the store's version (sync/kept_frames.py): a restarted server
    reads one small file instead of every partition's footer before its first chart, and a
    rerun instead of going over every partition of the listing again."""

    def compute():
        last, first, held_until = place.store.freshness(keys)
        # The first day with rows, not the first day asked for: a long range asked before
        # the data start leaves empty partitions behind ("holds 2021-02-01" for data from Dec
        # 2024).
        with_rows = place.store.first_with_rows(keys) if first else None
        return last, first, held_until, with_rows

    kept = kept_frames.frames_for(place.store.url)
    if kept is None or not any(place.store.entries(key) for key in keys):
        return compute()  # nothing kept for this store, or nothing held yet (nothing to read)
    key = repr(("held_span", place.store.version(keys), tuple(keys)))
    return kept_frames.remembered(kept, key, compute)


def damaged_lines(settings: Settings, vendors) -> list[str]:
    """One warning per history file the reads left out because it could not be read (its
    path inside the store, never the server's)."""
    stores = {
        shelf(settings.sources[v]).store.url: shelf(settings.sources[v]).store for v in vendors
    }
    return [
        f"A history file could not be read and is left out: {path}. Its days are not shown; "
        f"the next sync moves it to quarantine/ and fetches them again."
        for store in stores.values()
        for path in sorted(store.damaged())
    ]


def unknown_days(
    source: Source,
    dataset: Dataset | str,
    granularity: str | None,
    start: dt.date,
    end: dt.date,
    scope: str = "org",
) -> list[tuple[dt.date, dt.date]]:
    """Days of [start, end] that `source`'s store cannot tell for `dataset`
    (`analytics.reader.unknown_days`). The demo's store notes, beside it, that it could tell
    every day at its present version, so a restarted server does not read every partition's
    footer to find none (a write or a damaged file changes the version)."""
    store = shelf(source).store
    spec = endpoints.get(dataset) if isinstance(dataset, str) else dataset
    kept = kept_frames.frames_for(store.url) if source.demo and spec.stored else None
    known = None
    if kept is not None:
        what = repr(("known", spec.key, granularity, scope, start, end, store.version(spec.key)))
        known = kept / f"known-{hashlib.sha256(what.encode()).hexdigest()[:40]}"
        if known.exists():
            return []
    found = reader.unknown_days(store, dataset, granularity, start, end, scope)
    if known is not None and not found and not store.damaged():
        _mark(known)
    return found


def where_lines(settings: Settings) -> list[str]:
    """Where each vendor's history is kept, one line per store, for the Connections page
    (never a key)."""
    kinds = {
        "demo": "a cache of demo data, made once a day and kept across restarts",
        "session": "a temporary store for the key typed in this session",
        "configured": "HISTORY_DIR",
    }
    groups: dict[str, tuple[Shelf, list[str]]] = {}
    for source in settings.sources.values():
        place = shelf(source)
        groups.setdefault(place.store.url, (place, []))[1].append(source.name)
    lines = []
    for place, names in groups.values():
        note = f" {place.store.note}" if place.store.note else ""
        # The folder's name only: the server's paths are not for every viewer to read.
        shown = f", `{team_files.shown(place.store.url)}`" if place.kind == "configured" else ""
        lines.append(f"{', '.join(names)}: {kinds[place.kind]}{shown}.{note}")
    return lines


def describe_age(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if when is None:
        return "not synced yet"
    seconds = max(0.0, ((now or dt.datetime.now(dt.UTC)) - when).total_seconds())
    if seconds < 90:
        return "synced just now"
    if seconds < 90 * 60:
        return f"synced {seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"synced {seconds / 3600:.0f} h ago"
    return f"synced {seconds / 86400:.0f} days ago"
