"""A small store synced from the in-process sandbox (its "today" and the sync's clock pinned),
for tests that read, damage or copy a store."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import sync
from connectors import endpoints
from connectors.sandbox import Sandbox
from store import Store
from sync import sources

TODAY = dt.date(2026, 7, 1)
NOW = dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)
SINCE, UNTIL = dt.date(2026, 5, 25), dt.date(2026, 6, 30)
TARGETS = [
    sync.Target(endpoints.get("builder.org_metrics"), "day"),
    sync.Target(endpoints.get("builder.org_metrics"), "week"),
    sync.Target(endpoints.get("builder.space_metrics"), "day", "demo-space-web"),
    sync.Target(endpoints.get("firebender.daily_usage"), "day"),
    sync.Target(endpoints.get("firebender.model_requests"), None),
    sync.Target(endpoints.get("codefresh.credit_consumption"), "day"),
    sync.Target(endpoints.get("codefresh.active_committers"), "month"),
]


def demo_client_factory(today: dt.date = TODAY):
    """The sandbox's demo organisation in process (as `python -m sync --demo`), today pinned."""
    make = sources.client_factory(sources.demo_credentials(Sandbox(today=today)))

    def make_client(vendor, space, progress=None):
        client = make(vendor, space, progress)
        client.today = today
        return client

    return make_client


def sync_into(store: Store, targets=TARGETS, since=SINCE, until=UNTIL, now=NOW):
    tasks = sync.plan(store, targets, since, until, now=now)
    summary = sync.run(store, tasks, demo_client_factory(now.date()), clock=lambda: now)
    assert not summary.failed, summary.lines()
    return summary


@pytest.fixture(scope="session")
def synced_root(tmp_path_factory) -> Path:
    """A store holding TARGETS over SINCE..UNTIL (copy it before changing it)."""
    root = tmp_path_factory.mktemp("synced") / "history"
    sync_into(Store(str(root)))
    return root


@pytest.fixture
def store_copy(synced_root, tmp_path) -> Path:
    root = tmp_path / "history"
    shutil.copytree(synced_root, root)
    return root


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under root and its bytes (to prove nothing was deleted or changed)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".sync.lock"
    }
