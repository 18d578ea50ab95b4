"""Sync against the sandbox: its HTTP server on loopback (latency adjustable while it runs),
clients built the way `python -m sync` builds them (from the app's setting names) with "today"
pinned and retry waits that are counted instead of slept, and helpers to compare stores.

Time is pinned: the sandbox's last day with data is TODAY, and the sync runs on the morning of
TODAY (NOW), holding SINCE..UNTIL (yesterday).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import sync
from config.names import BASE_URL_SETTINGS, HISTORY_DIR, KEY_SETTINGS, SPACES
from connectors import endpoints, ranges
from connectors.http import new_session, retry_policy
from connectors.sandbox import Sandbox, keys
from connectors.sandbox.server import SandboxServer
from store import Store
from sync import sources

PROJECT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 7, 1)  # a Wednesday: the sandbox's last day with data
NOW = dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)  # the sync runs that morning
SINCE = dt.date(2026, 4, 1)
UNTIL = dt.date(2026, 6, 30)  # yesterday
VENDORS = ("builder", "firebender", "codefresh")
SPACE_KEYS = tuple(keys.BUILDER_SPACES)


def clock() -> dt.datetime:
    return NOW


# ---------------------------------------------------------------- the sandbox server


@dataclasses.dataclass
class Served:
    sandbox: Sandbox
    server: SandboxServer
    url: str

    def log(self) -> list[dict]:
        return self.sandbox.request_log()

    @property
    def latency(self) -> float:
        return self.server.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.server.latency = seconds


@contextlib.contextmanager
def serve(latency: float = 0.0, today: dt.date = TODAY):
    """The sandbox over loopback HTTP; `served.latency` may be changed while it runs."""
    sandbox = Sandbox(today=today)
    server = SandboxServer(("127.0.0.1", 0), sandbox, latency=latency)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Served(sandbox, server, f"http://{host}:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def served():
    with serve() as s:
        yield s


# ---------------------------------------------------------------- settings and clients


def settings(url: str) -> dict[str, str]:
    """The app's settings for the sandbox's demo organisation at `url` (no `.env` read)."""
    values = {
        KEY_SETTINGS["builder"]: keys.BUILDER_ORG_KEY,
        KEY_SETTINGS["firebender"]: keys.FIREBENDER_KEY,
        KEY_SETTINGS["codefresh"]: keys.CODEFRESH_KEY,
        SPACES: ",".join(
            f"{public}:{private}" for public, (_, private) in keys.BUILDER_SPACES.items()
        ),
        "APP_DOTENV": "",
    }
    values.update({BASE_URL_SETTINGS[v]: url for v in VENDORS})
    return values


class RetryClock:
    """Retry waits are recorded, not slept."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def make_client_factory(url: str, retry_clock: RetryClock | None = None, today: dt.date = TODAY):
    """`make_client(vendor, space, progress)` as `python -m sync` builds it from settings
    (`sources.live_credentials` + `sources.client_factory`), with "today" pinned."""
    retry_clock = retry_clock or RetryClock()
    credentials = sources.live_credentials(settings(url))

    def session_factory(vendor):
        return lambda: new_session(
            vendor, retry=retry_policy(vendor, clock=retry_clock.time, sleeper=retry_clock.sleep)
        )

    credentials = {
        v: dataclasses.replace(c, session_factory=session_factory(v))
        for v, c in credentials.items()
    }
    make = sources.client_factory(credentials)

    def make_client(vendor, space, progress=None):
        client = make(vendor, space, progress)
        client.today = today
        return client

    return make_client


def all_targets(make_client) -> list[sync.Target]:
    """Every stored dataset of the three vendors, each space, and Codefresh's extra reports
    (as `python -m sync` finds them in the account's metadata)."""
    extra = endpoints.codefresh_reports(make_client("codefresh", None, None).metadata())
    return sync.targets(VENDORS, SPACE_KEYS, extra=extra)


def sync_once(store: Store, url: str, chosen, since=SINCE, until=UNTIL, now=NOW, **kw):
    """Plan and run one sync; returns (tasks, summary)."""
    tasks = sync.plan(store, chosen, since, until, now=now)
    make_client = make_client_factory(url, today=now.date())
    summary = sync.run(store, tasks, make_client, clock=lambda: now, **kw)
    return tasks, summary


@pytest.fixture(scope="session")
def clean_sync(tmp_path_factory):
    """One clean sync of SINCE..UNTIL, every target, over HTTP: the reference store."""
    with serve() as s:
        make_client = make_client_factory(s.url)
        chosen = all_targets(make_client)
        store = Store(str(tmp_path_factory.mktemp("clean") / "history"))
        tasks, summary = sync_once(store, s.url, chosen)
    assert not summary.failed, summary.lines()
    return store, chosen, tasks, summary


# ---------------------------------------------------------------- comparing stores


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in natural order with categories read as their values (a store's categories are
    the values it holds, a fetch's those of its answer)."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(str)
    return out


def target_rows(store: Store, target: sync.Target, start=None, end=None) -> pd.DataFrame:
    return store.rows(
        target.dataset, target.granularity, scopes=[target.scope], start=start, end=end
    )


def describe(target: sync.Target) -> str:
    return f"{target.dataset.key} by {target.granularity} [{target.scope}]"


def assert_same_store(store: Store, reference: Store, chosen) -> None:
    """Same rows (bookkeeping aside), no repeated natural key, same coverage without a gap."""
    for target in chosen:
        got, want = target_rows(store, target), target_rows(reference, target)
        natural = list(target.dataset.natural_key)
        assert not got.duplicated(subset=natural).any(), describe(target)
        pd.testing.assert_frame_equal(comparable(got), comparable(want), obj=describe(target))
        key = (target.dataset.key, target.granularity, target.scope)
        assert store.held(*key) == reference.held(*key), describe(target)
        assert len(store.held(*key)) == 1, describe(target)  # one run of labels: no gap


def expected_span(target: sync.Target, since=SINCE, until=UNTIL) -> tuple[dt.date, dt.date]:
    """The labels a sync of since..until holds: from the period that holds `since` (or the
    dataset's first day) to the period that holds `until`."""
    g = "day" if target.granularity is None else target.granularity
    first = max(since, target.dataset.earliest or since)
    return ranges_floor(first, g), ranges_floor(until, g)


def ranges_floor(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def no_temp_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


# ---------------------------------------------------------------- the command line


def cli_env(url: str, store: Path | str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTING_NAMES}
    env.update(settings(url))
    env[HISTORY_DIR] = str(store)
    env["PYTHONPATH"] = str(PROJECT)
    return env


_SETTING_NAMES = {
    *KEY_SETTINGS.values(),
    *BASE_URL_SETTINGS.values(),
    SPACES,
    HISTORY_DIR,
    "BUILDER_SPACE_PUBLIC_KEY",
    "BUILDER_SPACE_PRIVATE_KEY",
}


def start_cli(url: str, store: Path | str, *args: str) -> subprocess.Popen:
    """`python -m sync ARGS` against the sandbox at `url`, writing `store`."""
    return subprocess.Popen(
        [sys.executable, "-m", "sync", *args],
        cwd=PROJECT,
        env=cli_env(url, store),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout: float, what: str, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def request_ranges(log: list[dict]) -> list[tuple]:
    """(path, granularity, first day, last day) of each logged vendor request."""
    out = []
    for r in log:
        if r["vendor"] == "firebender":
            body = r["json"] or {}
            first = dt.datetime.fromtimestamp(body["startDate"] / 1000, dt.UTC).date()
            last = dt.datetime.fromtimestamp(body["endDate"] / 1000, dt.UTC).date()
            out.append((r["path"], None, first, last))
        elif r["vendor"] == "builder":
            q = r["query"]
            out.append(
                (
                    r["path"],
                    q["granularity"][0],
                    dt.date.fromisoformat(q["startDate"][0]),
                    dt.date.fromisoformat(q["endDate"][0]),
                )
            )
        elif r["path"].startswith("/api/analytics/reports/"):
            q = r["query"]
            first, last = q["dateRange"]
            g = q.get("granularity", [None])[0]
            out.append((r["path"], g, dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
        else:
            out.append((r["path"], None, None, None))
    return out


def planned_ranges(tasks, today: dt.date = TODAY) -> set[tuple]:
    """(path, granularity, first day, last day) of every window the tasks plan."""
    out = set()
    for task in tasks:
        d = task.dataset
        path = d.path.format(space=task.scope, report=d.report)
        plan = ranges.plan(d.rules, task.start, task.end, task.granularity, today)
        g = None if d.vendor == "firebender" else task.granularity  # not a parameter there
        out.update((path, g, w.start, w.end) for w in plan.windows)
    return out
