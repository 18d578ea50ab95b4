"""Part 1: cold loads of every endpoint against the sandbox server (separate process, fixed
latency per request): requests sent, wall time, the sequential sum and the concurrency bound.

For each load, on fresh clients (new sessions, new connections):

    sequential = requests x latency               (one request at a time)
    bound      = max(longest chain, requests / pool) x latency
                 pool = connectors.http.MAX_WORKERS; longest chain = most pages in one
                 model-request window (cursor pages depend on each other), 1 otherwise
    speed-up   = sequential / wall     (target >= 4x where the ideal, sequential / bound, allows)
    wall/bound = wall / bound          (target <= 1.5x)

Requests are counted from the server's own log (GET /_sandbox/requests), cleared between loads.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors import BuilderClient, CodefreshClient, FirebenderClient
from connectors.firebender import MODEL_REQUESTS
from connectors.http import MAX_WORKERS
from connectors.sandbox import keys

from .server_process import SandboxProcess
from .transport_replay import replay

LATENCY_MS = 100.0
SPEEDUP_TARGET = 4.0
BOUND_TARGET = 1.5
SPACE = next(iter(keys.BUILDER_SPACES))  # the first space of every sandbox world
MODEL_REQUESTS_PATH = MODEL_REQUESTS.path


def _builder(url, today):
    return BuilderClient(keys.BUILDER_ORG_KEY, space_public_key=SPACE, base_url=url, today=today)


def _firebender(url, today):
    return FirebenderClient(keys.FIREBENDER_KEY, base_url=url, today=today)


def _codefresh(url, today):
    return CodefreshClient(keys.CODEFRESH_KEY, base_url=url, today=today)


# name -> load(url, today, start, end): each call builds its own fresh client.
LOADS: dict[str, Callable] = {
    "Builder org_metrics (day)": lambda u, t, s, e: _builder(u, t).org_metrics(s, e, "day"),
    "Builder org_space_metrics (day)": lambda u, t, s, e: _builder(u, t).org_space_metrics(
        s, e, "day"
    ),
    "Builder space_metrics (day)": lambda u, t, s, e: _builder(u, t).space_metrics(s, e, "day"),
    "Builder org_users": lambda u, t, s, e: _builder(u, t).org_users(s, e),
    "Firebender daily_usage": lambda u, t, s, e: _firebender(u, t).daily_usage(s, e),
    "Firebender model_requests": lambda u, t, s, e: _firebender(u, t).model_requests(s, e),
    "Codefresh credit_consumption (day)": lambda u, t, s, e: _codefresh(u, t).credit_consumption(
        s, e, "day"
    ),
    "Codefresh pipeline_credit_consumption (day)": lambda u, t, s, e: _codefresh(
        u, t
    ).pipeline_credit_consumption(s, e, "day"),
    "Codefresh active_committers": lambda u, t, s, e: _codefresh(u, t).active_committers(s, e),
}
ALL_AT_ONCE = "All endpoints at once"


def load_all(url, today, start, end) -> dict:
    """Every load side by side, one thread each (each client with its own session and pool)."""
    results, errors = {}, []

    def run(name, load):
        try:
            results[name] = load(url, today, start, end)
        except BaseException as err:  # re-raised below, in the caller's thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=item, name=item[0]) for item in LOADS.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@dataclass
class LoadResult:
    name: str
    requests: int
    chain: int
    walls: list[float] = field(default_factory=list)  # seconds, one per repetition
    client_cpu: list[float] = field(default_factory=list)  # this process, all threads
    server_cpu: list[float] = field(default_factory=list)  # the server process
    transport: list[float] = field(default_factory=list)  # the same requests, bare (seconds)
    rows: int = 0
    latency_ms: float = LATENCY_MS
    pool: int = MAX_WORKERS

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def transport_wall(self) -> float | None:
        return statistics.median(self.transport) if self.transport else None

    @property
    def sequential(self) -> float:
        return self.requests * self.latency_ms / 1000

    @property
    def bound(self) -> float:
        return max(self.chain, self.requests / self.pool) * self.latency_ms / 1000

    @property
    def speedup(self) -> float:
        return self.sequential / self.wall

    @property
    def ideal_speedup(self) -> float:
        return self.sequential / self.bound

    @property
    def over_bound(self) -> float:
        return self.wall / self.bound

    @property
    def speedup_applies(self) -> bool:
        """4x is only reachable when even a perfect load (wall = bound) would beat it."""
        return self.ideal_speedup > SPEEDUP_TARGET

    @property
    def speedup_met(self) -> bool | None:
        return self.speedup >= SPEEDUP_TARGET if self.speedup_applies else None

    @property
    def bound_met(self) -> bool:
        return self.over_bound <= BOUND_TARGET


def count(log: list[dict]) -> tuple[int, int]:
    """(requests, longest chain): the chain is the most pages one model-request window took."""
    pages = Counter()
    for record in log:
        body = record.get("json")
        if record["path"] == MODEL_REQUESTS_PATH and isinstance(body, dict):
            pages[(body.get("startDate"), body.get("endDate"), body.get("email"))] += 1
    return len(log), max(pages.values(), default=1)


def _rows(result) -> int:
    if isinstance(result, dict):
        return sum(len(frame) for frame in result.values())
    return len(result)


def measure(
    server: SandboxProcess,
    name: str,
    load: Callable,
    today: dt.date,
    start: dt.date,
    end: dt.date,
    repeat: int,
    replay_transport: bool = True,
) -> LoadResult:
    result = None
    for _ in range(repeat):
        server.clear()
        server_before = server.cpu_seconds()
        cpu_before = time.process_time()
        started = time.perf_counter()
        frames = load(server.url, today, start, end)
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - cpu_before
        server_after = server.cpu_seconds()
        log = server.requests()
        requests, chain = count(log)
        if result is None:
            result = LoadResult(
                name, requests, chain, rows=_rows(frames), latency_ms=server.latency_ms
            )
        elif (requests, chain) != (result.requests, result.chain):
            raise AssertionError(
                f"{name}: {requests} requests (chain {chain}) in one run, "
                f"{result.requests} (chain {result.chain}) in another"
            )
        result.walls.append(wall)
        result.client_cpu.append(client_cpu)
        if server_before is not None and server_after is not None:
            result.server_cpu.append(server_after - server_before)
        if replay_transport:
            result.transport.append(replay(server.url, log))
    return result


@dataclass
class ColdLoadReport:
    start: dt.date
    end: dt.date
    latency_ms: float
    repeat: int
    server_command: str
    warm_seconds: float
    results: list[LoadResult]


def run(
    days: int = 365,
    latency_ms: float = LATENCY_MS,
    repeat: int = 3,
    today: dt.date | None = None,
    stock_server: bool = False,
    only: list[str] | None = None,
    log=print,
    developers: int | None = None,
) -> ColdLoadReport:
    """`developers`: the sandbox organisation's size (None: the demo's 36 developers)."""
    today = today or dt.datetime.now(dt.UTC).date()
    start, end = today - dt.timedelta(days=days - 1), today
    names = [n for n in [*LOADS, ALL_AT_ONCE] if only is None or n in only]
    with SandboxProcess(latency_ms, today, stock=stock_server, developers=developers) as server:
        log(f"  sandbox server: {' '.join(server.command[1:])} -> {server.url}")
        started = time.perf_counter()
        load_all(server.url, today, start, end)  # untimed: warms the server's caches
        warm = time.perf_counter() - started
        log(f"  warm-up pass (untimed): {warm:.1f} s")
        results = []
        for name in names:
            load = load_all if name == ALL_AT_ONCE else LOADS[name]
            # all at once: nine pools in the load, so a one-pool replay would not compare
            result = measure(
                server, name, load, today, start, end, repeat, replay_transport=name != ALL_AT_ONCE
            )
            log(
                f"  {name}: {result.requests} requests, wall {result.wall * 1000:.0f} ms "
                f"(bound {result.bound * 1000:.0f} ms)"
            )
            results.append(result)
        command = " ".join(["python", *server.command[1:]])
    return ColdLoadReport(start, end, latency_ms, repeat, command, warm, results)
