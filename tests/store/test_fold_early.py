"""A sync folds Builder.io's spaces' files into their packs as soon as Builder.io's windows are
done, while the other vendors are still fetching, instead of after the slowest of them."""

from __future__ import annotations

import threading
import time

import sync
from connectors import endpoints
from store import Store

from .conftest import NOW, SINCE, UNTIL, demo_client_factory
from .test_packs import FOLDER, SPACES

WAIT_SECONDS = 20.0


def test_builders_spaces_are_packed_while_another_vendor_is_still_fetching(tmp_path):
    targets = [sync.Target(endpoints.get(FOLDER), "day", s) for s in SPACES]
    targets.append(sync.Target(endpoints.get("firebender.model_requests"), None))
    root = tmp_path / "history"
    store = Store(str(root))
    tasks = sync.plan(store, targets, SINCE, UNTIL, now=NOW)
    make = demo_client_factory(NOW.date())
    packed, asked = threading.Event(), threading.Lock()

    def packs_only() -> bool:
        files = list((root / FOLDER).rglob("*.parquet"))
        return bool(files) and all("scope=spaces" in p.parts for p in files)

    def make_client(vendor, space, progress=None):
        client = make(vendor, space, progress)
        if vendor == "firebender":
            fetch = client.model_requests

            def waits_for_the_packs(*args, **kwargs):
                # Firebender's first window waits (at most WAIT_SECONDS) until every file of
                # Builder.io's spaces is a pack: Firebender is still fetching meanwhile.
                if asked.acquire(blocking=False):
                    deadline = time.monotonic() + WAIT_SECONDS
                    while not packs_only() and time.monotonic() < deadline:
                        time.sleep(0.05)
                    if packs_only():
                        packed.set()
                return fetch(*args, **kwargs)

            client.model_requests = waits_for_the_packs
        return client

    summary = sync.run(store, tasks, make_client, clock=lambda: NOW, tasks_at_once=2)
    assert not summary.failed, summary.lines()
    assert packed.is_set(), "Builder.io's spaces were not packed while Firebender fetched"
    assert packs_only()
