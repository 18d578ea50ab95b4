"""Carry out a plan: fetch each task's windows through the connectors and commit each window's
partitions as it arrives.

Vendors run side by side (one thread each); within a vendor, up to `at_once` windows side by
side, each its own client call (so the connector's time budget bounds one window) and its own
atomic write. A window that fails is named and left for the next run, which plans from the
ledger again and so asks only for what was not committed; a vendor stops early when its key is
refused or after `STOP_AFTER_FAILED` failed windows (it is down: the rest would fail too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import pandas as pd

from connectors.errors import VENDOR_NAMES, AuthError, ConnectorError
from connectors.http import MAX_WORKERS
from store import Store
from store.writer import LOCK_WAIT_SECONDS, Writer, Written

from . import gaps
from .progress import DatasetProgress, Tracker
from .tasks import Task

# (vendor, Builder space public key or None, progress(done, total)) -> a connector client
ClientFactory = Callable[[str, str | None, Callable[[int, int], None] | None], object]
# progress(task, windows committed, windows in the task, task number, tasks of its vendor),
# called as each window starts and as it is committed
Progress = Callable[[Task, int, int, int, int], None]
# [guess] A vendor whose windows fail this often is down: the rest wait for the next run.
STOP_AFTER_FAILED = 3


@dataclass
class VendorResult:
    vendor: str
    tasks: int = 0  # windows to commit
    done: int = 0  # windows committed
    written: Written = field(default_factory=Written)
    requests: int = 0
    seconds: float = 0.0
    error: str | None = None  # the first failure's message
    exception: Exception | None = field(default=None, repr=False)  # for callers that re-raise
    failures: list[str] = field(default_factory=list)  # "window: why", each failed window
    stopped: str | None = None  # why windows were left untried (the next run fetches them)
    # Fields left out or null in what was fetched (gaps.Gap -> (rows without, rows)): warnings.
    gaps: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return VENDOR_NAMES.get(self.vendor, self.vendor)

    def line(self) -> str:
        w = self.written
        text = (
            f"{self.name}: {self.done}/{self.tasks} window(s), {w.added:,} row(s) added, "
            f"{w.replaced:,} replaced, {w.removed:,} removed, {self.requests:,} request(s), "
            f"{self.seconds:.1f} s"
        )
        text += "".join(f" - DAMAGED FILE: {q}" for q in w.quarantined)
        return text + (f" - FAILED: {self.error}" if self.error else "")

    def failure_lines(self) -> list[str]:
        """Each failed window by name, and what was left untried; the next run retries them."""
        lines = [gaps.line(gap, *counts) for gap, counts in sorted(self.gaps.items())]
        lines += [f"failed: {failure}" for failure in self.failures]
        if self.stopped:
            untried = self.tasks - self.done - len(self.failures)
            lines.append(f"{untried} window(s) not tried: {self.stopped}")
        return lines


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
        out = []
        for v in self.vendors.values():
            out.append(v.line())
            out.extend("  " + line for line in v.failure_lines())
        return out


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
    tasks_at_once: int = MAX_WORKERS,
    on_dataset: Callable[[DatasetProgress], None] | None = None,
    stop: threading.Event | None = None,
    lock_to_write_only: bool = False,
) -> Summary:
    """Fetch and commit every window of every task; raises StoreBusy when another sync holds
    the store. `tasks_at_once`: windows of one vendor fetched side by side. `progress` and
    `on_dataset` (a dataset's figures after each of its windows) are called on the thread
    that called `run` when one vendor is synced (a page's), else on that vendor's thread.
    `stop`: once set, no new window starts (those running finish). `lock_to_write_only`: take
    the store's lock for each write alone, not while waiting on a vendor (the app's page
    loads: a slow vendor must not lock cron's sync out)."""
    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    stop = stop or threading.Event()
    by_vendor: dict[str, list[Task]] = {}
    for task in tasks:
        by_vendor.setdefault(task.vendor, []).append(task)
    results = {
        v: VendorResult(v, tasks=sum(len(t.parts) for t in ts)) for v, ts in by_vendor.items()
    }
    tracker = Tracker([w for t in tasks for w in t.parts])
    step = _Step(make_client, progress, clock, tracker, stop, on_dataset)
    held = contextlib.nullcontext(_LockPerWrite(store, wait)) if lock_to_write_only else None
    with held or Writer(store, wait=wait) as writer:
        if len(by_vendor) <= 1:
            for vendor, ts in by_vendor.items():
                _vendor_then_fold(writer, ts, results[vendor], step, tasks_at_once)
        else:
            with ThreadPoolExecutor(max_workers=len(by_vendor)) as pool:
                futures = [
                    pool.submit(_vendor_then_fold, writer, ts, results[v], step, tasks_at_once)
                    for v, ts in by_vendor.items()
                ]
                _wait(futures, stop)
    return Summary(results)


def _wait(futures, stop: threading.Event, between=None) -> None:
    """Each future's result, calling `between` as they finish; on Ctrl-C (or any error) no
    window not yet started starts, so the pool's shutdown waits only for those running (each
    commits whole or not at all)."""
    try:
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            if between:
                between()
            for future in finished:
                future.result()
        if between:
            between()
    except BaseException:
        stop.set()
        raise


def _feed(pool, one, work: list, stop: threading.Event, between, ahead: int) -> None:
    """`one(*item)` for every item of `work`, in order, with at most `ahead` submitted and not
    yet finished: the pool's workers always have the next window queued, and each poll waits
    on those few futures only. (Submitting every window at once made each 0.1 s poll install
    and remove a waiter on all of them: ~2,500 Builder.io windows at 2,000 developers, a
    tenth of the samples holding the GIL in a py-spy profile of a first sync.) As `_wait`: `between` after each poll and at the end; on
    Ctrl-C or any error `stop` is set and nothing more is submitted (those running finish)."""
    items = iter(work)
    pending: set = set()
    try:
        while True:
            while len(pending) < ahead and not stop.is_set():
                item = next(items, None)
                if item is None:
                    break
                pending.add(pool.submit(one, *item))
            if not pending:
                break
            finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            between()
            for future in finished:
                future.result()
        between()
    except BaseException:
        stop.set()
        raise


@dataclass
class _Step:
    """What every window of a run shares."""

    make_client: ClientFactory
    progress: Progress | None
    clock: Callable[[], dt.datetime]
    tracker: Tracker
    stop: threading.Event
    on_dataset: Callable[[DatasetProgress], None] | None = None


@dataclass(frozen=True)
class WindowProgress:
    """What `make_client` gets as `progress` for a window: the connector's own windows within
    it are not reported (the window is), but who instruments clients (the benchmark) can tell
    which task and window a client serves."""

    task: Task
    window: Task

    def __call__(self, done: int, total: int) -> None:
        pass


def _vendor_then_fold(writer, tasks, result: VendorResult, step: _Step, at_once: int) -> None:
    """A vendor's windows; then, for Builder.io, its spaces' files folded into their packs at
    once (store/compaction.py), while the other vendors are still fetching, instead of after
    the slowest of them (the writer's own fold, when it is done, then finds nothing left). Not
    when the run was stopped, nor for a page's writes (each folds its own when it ends)."""
    _vendor(writer, tasks, result, step, at_once)
    spaces = any(t.dataset.scope == "space" for t in tasks)
    if spaces and isinstance(writer, Writer) and not step.stop.is_set():
        started = time.monotonic()
        writer.compact()
        result.seconds += time.monotonic() - started


def _vendor(writer: Writer, tasks, result: VendorResult, step: _Step, at_once: int) -> None:
    started = time.monotonic()
    count = _Counter()
    halt = threading.Event()  # this vendor's: its key refused, or too many windows failed
    lock = threading.Lock()
    committed: dict[int, int] = {}  # task number -> windows committed
    # Callbacks run on this thread, never a worker's: a page's progress bar can only be drawn
    # from the script's own thread.
    told: queue.SimpleQueue = queue.SimpleQueue()

    def tell(callback, *args) -> None:
        if callback is not None:
            told.put((callback, args))

    def one(number: int, task: Task, window: Task) -> None:
        if halt.is_set() or step.stop.is_set():
            return
        space = window.scope if window.dataset.scope == "space" else None
        try:
            client = step.make_client(window.vendor, space, WindowProgress(task, window))
        except ConnectorError as err:  # a key that cannot be sent: this vendor only
            with lock:
                if result.error is None:
                    result.error, result.exception = str(err), err
                result.stopped = result.stopped or "its key cannot be sent"
            halt.set()
            return
        count.attach(client)
        ok = False
        try:
            step.tracker.start(window)
            with lock:
                done = committed.get(number, 0)
            tell(step.progress, task, done, len(task.parts), number, len(tasks))
            frame = fetch(client, window)
            written = writer.replace(
                window.dataset,
                window.granularity,
                window.scope,
                window.first,
                window.last,
                frame,
                step.clock(),
            )
            ok = True
            with lock:
                gaps.add(result.gaps, gaps.count(window.dataset, frame))
                result.written += written
                result.done += 1
                committed[number] = done = committed.get(number, 0) + 1
            tell(step.progress, task, done, len(task.parts), number, len(tasks))
        except ConnectorError as err:
            with lock:
                if result.error is None:
                    result.error, result.exception = str(err), err
                result.failures.append(f"{window.name()}: {err}")
                if isinstance(err, AuthError):
                    result.stopped = "the key was refused"
                elif len(result.failures) >= STOP_AFTER_FAILED:
                    result.stopped = f"{len(result.failures)} windows failed"
                if result.stopped:
                    halt.set()
        finally:
            count.detach(client)
            tell(step.on_dataset, step.tracker.finish(window, ok))

    def run_told() -> None:
        while True:
            try:
                callback, args = told.get_nowait()
            except queue.Empty:
                return
            callback(*args)

    work = [(n, t, w) for n, t in enumerate(tasks, start=1) for w in t.parts]
    # Windows that are chains of cursor pages (model requests, a file per day), newest first:
    # the busiest weeks (adoption grows) start first, so the lanes finish together instead of
    # the last weeks' long chains running alone at the end, and a sync cut short holds the most
    # recent days.
    work.sort(key=lambda item: (item[0], -item[2].first.toordinal() if _chained(item[2]) else 0))
    try:
        if at_once <= 1:
            for item in work:
                one(*item)
                run_told()
        else:
            with ThreadPoolExecutor(max_workers=at_once) as pool:
                _feed(pool, one, work, step.stop, run_told, ahead=2 * at_once)
    finally:
        result.requests = count.value
        result.seconds = time.monotonic() - started
        if step.stop.is_set() and result.done + len(result.failures) < result.tasks:
            result.stopped = result.stopped or "the sync was stopped"


def _chained(window: Task) -> bool:
    """A window whose requests follow one another (cursor pages): model requests."""
    return window.dataset.partition_by == "day"


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
