"""Carry out a plan: fetch each task through the connectors and replace its partitions.

Vendors run side by side (one thread each; within a vendor, tasks one after another and each
task's windows in the connector's bounded pool). A vendor that fails stops its own remaining
tasks; what it already wrote stays, and the other vendors go on. The next run plans from the
ledger again, so it resumes where this one stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from connectors.errors import VENDOR_NAMES, ConnectorError
from store import Store
from store.writer import LOCK_WAIT_SECONDS, Writer, Written

from .plan import Task

# (vendor, Builder space public key or None, progress(done, total)) -> a connector client
ClientFactory = Callable[[str, str | None, Callable[[int, int], None] | None], object]
# progress(task, windows done, windows in the task, task number, tasks of its vendor)
Progress = Callable[[Task, int, int, int, int], None]


@dataclass
class VendorResult:
    vendor: str
    tasks: int = 0
    done: int = 0
    written: Written = field(default_factory=Written)
    requests: int = 0
    seconds: float = 0.0
    error: str | None = None
    exception: Exception | None = field(default=None, repr=False)  # for callers that re-raise

    @property
    def name(self) -> str:
        return VENDOR_NAMES.get(self.vendor, self.vendor)

    def line(self) -> str:
        w = self.written
        text = (
            f"{self.name}: {self.done}/{self.tasks} task(s), {w.added:,} row(s) added, "
            f"{w.replaced:,} replaced, {w.removed:,} removed, {self.requests:,} request(s), "
            f"{self.seconds:.1f} s"
        )
        text += "".join(f" - DAMAGED FILE: {q}" for q in w.quarantined)
        return text + (f" - FAILED: {self.error}" if self.error else "")


@dataclass
class Summary:
    vendors: dict[str, VendorResult]

    @property
    def failed(self) -> list[VendorResult]:
        return [v for v in self.vendors.values() if v.error]

    @property
    def quarantined(self) -> list[str]:
        return [q for v in self.vendors.values() for q in v.written.quarantined]

    @property
    def requests(self) -> int:
        return sum(v.requests for v in self.vendors.values())

    @property
    def written(self) -> Written:
        total = Written()
        for v in self.vendors.values():
            total += v.written
        return total

    def lines(self) -> list[str]:
        return [v.line() for v in self.vendors.values()]


def fetch(client, task: Task) -> pd.DataFrame:
    """The connector call that serves one task."""
    key, s, e, g = task.dataset.key, task.start, task.end, task.granularity
    if task.dataset.report:
        return client.report(task.dataset.report, s, e, g, dataset=task.dataset)
    calls = {
        "builder.org_metrics": lambda: client.org_metrics(s, e, g),
        "builder.org_space_metrics": lambda: client.org_space_metrics(s, e, g),
        "builder.space_metrics": lambda: client.space_metrics(s, e, g),
        "firebender.daily_usage": lambda: client.daily_usage(s, e),
        "firebender.model_requests": lambda: client.model_requests(s, e),
    }
    return calls[key]()


def run(
    store: Store,
    tasks: list[Task],
    make_client: ClientFactory,
    progress: Progress | None = None,
    wait: float = LOCK_WAIT_SECONDS,
    clock: Callable[[], dt.datetime] | None = None,
    tasks_at_once: int = 1,
    lock_to_write_only: bool = False,
) -> Summary:
    """Fetch and write every task; raises StoreBusy when another sync holds the store.
    `tasks_at_once`: tasks of one vendor fetched side by side (many small ones, such as one
    request per Builder.io space, are latency-bound); `progress` is then called from worker
    threads. `lock_to_write_only`: take the store's lock for each write alone, not while
    waiting on a vendor (the app's page loads: a slow vendor must not lock cron's sync out)."""
    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    by_vendor: dict[str, list[Task]] = {}
    for task in tasks:
        by_vendor.setdefault(task.vendor, []).append(task)
    results = {v: VendorResult(v, tasks=len(ts)) for v, ts in by_vendor.items()}
    held = contextlib.nullcontext(_LockPerWrite(store, wait)) if lock_to_write_only else None
    with held or Writer(store, wait=wait) as writer:
        if len(by_vendor) <= 1:
            for vendor, ts in by_vendor.items():
                _vendor(writer, ts, make_client, results[vendor], progress, clock, tasks_at_once)
        else:
            with ThreadPoolExecutor(max_workers=len(by_vendor)) as pool:
                futures = [
                    pool.submit(
                        _vendor,
                        writer,
                        ts,
                        make_client,
                        results[v],
                        progress,
                        clock,
                        tasks_at_once,
                    )
                    for v, ts in by_vendor.items()
                ]
                for future in futures:
                    future.result()
    return Summary(results)


def _vendor(
    writer: Writer, tasks, make_client, result: VendorResult, progress, clock, at_once: int = 1
) -> None:
    started = time.monotonic()
    count = _Counter()
    failed = threading.Event()  # the first failure stops the tasks not yet started
    lock = threading.Lock()

    def one(number: int, task: Task) -> None:
        if failed.is_set():
            return
        space = task.scope if task.dataset.scope == "space" else None

        def window_progress(done, total):
            if progress:
                progress(task, done, total, number, len(tasks))

        try:
            client = make_client(task.vendor, space, window_progress)
        except ConnectorError as err:  # a key that cannot be sent: this vendor only
            with lock:
                if not failed.is_set():
                    result.error, result.exception = str(err), err
            failed.set()
            return
        count.attach(client)
        try:
            if progress:
                progress(task, 0, task.requests, number, len(tasks))
            frame = fetch(client, task)
            written = writer.replace(
                task.dataset,
                task.granularity,
                task.scope,
                task.first,
                task.last,
                frame,
                clock(),
            )
            with lock:
                result.written += written
                result.done += 1
        except ConnectorError as err:
            with lock:
                if not failed.is_set():
                    result.error, result.exception = str(err), err
            failed.set()
        finally:
            count.detach(client)

    try:
        if at_once <= 1:
            for number, task in enumerate(tasks, start=1):
                one(number, task)
        else:
            with ThreadPoolExecutor(max_workers=at_once) as pool:
                for future in [pool.submit(one, n, t) for n, t in enumerate(tasks, start=1)]:
                    future.result()
    finally:
        result.requests = count.value
        result.seconds = time.monotonic() - started


class _LockPerWrite:
    """A Writer's `replace` that takes the store's lock for that one write."""

    def __init__(self, store: Store, wait: float):
        self.store, self.wait = store, wait
        self._one_at_a_time = threading.Lock()  # this run's writes queue here, not at the file

    def replace(self, *args) -> Written:
        with self._one_at_a_time, Writer(self.store, wait=self.wait) as writer:
            return writer.replace(*args)


class _Counter:
    """Counts the HTTP answers a client's session receives (a retried request counts once)."""

    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def __call__(self, response, *args, **kwargs):
        with self._lock:
            self.value += 1
        return response

    def _sessions(self, client):
        apis = [client.api] + ([client.space_api] if hasattr(client, "space_api") else [])
        return {id(api.session): api.session for api in apis}.values()

    def attach(self, client) -> None:
        for session in self._sessions(client):
            session.hooks.setdefault("response", []).append(self)

    def detach(self, client) -> None:
        for session in self._sessions(client):
            hooks = session.hooks.get("response", [])
            if self in hooks:
                hooks.remove(self)
