"""`python -m bench.store_probe PHASE JSON`: one phase of the store-at-scale benchmark
(bench/scale_store.py) in a fresh process, printed as one `BENCH-RESULT {json}` line.

    sync      the first full sync of [since, until] into an empty store (sync.plan + sync.run
              with live credentials against the sandbox server, as `python -m sync` does: the
              catalogue's datasets, every Builder space, Codefresh's offered reports), then the
              next day's sync on a copy of that store (the clock one day later, until one day
              later): requests per task, the longest cursor chain per window, wall per vendor
    overview  the Overview page (app.py) in AppTest, live mode, against the filled store:
              `prime` runs it once (it syncs what the view lacks: the range before, for totals);
              otherwise the first run in this process (keys not yet proven: the unsettled tail is
              fetched again), a cold run (Streamlit's caches cleared, nothing to fetch), warm
              reruns; time inside `analytics.overview_report.overview`, the aggregates the page holds
              and the raw rows behind them
    export    one Explore export of model requests: `analytics.queries.export_file` or the
              Streamlit download path (`ui.explore_raw._writer`), CSV or Parquet; time
              and the peak resident set it adds (VmHWM after clear_refs)
    range     the shortest trailing range of model requests holding at least N rows

Run by bench/scale_store.py with the environment it needs (keys and base URLs for live mode).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
APP = PROJECT_DIR / "app.py"
MODEL_REQUESTS = "firebender.model_requests"


# ---------------------------------------------------------------- small helpers


def status_kib(field: str, pid: int | str = "self") -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # the peak resident set (VmHWM) starts again from the current one
        return True
    except OSError:
        return False


def cpu_seconds(pid: int | str = "self") -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _admin(url: str, method: str, route: str):
    request = urllib.request.Request(url + route, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def server_requests(url: str) -> list[dict]:
    return _admin(url, "GET", "/_sandbox/requests")["requests"]


def clear_server_log(url: str) -> None:
    _admin(url, "DELETE", "/_sandbox/requests")


def store_size(path: str) -> dict:
    """Partition files and bytes on disk, per dataset."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for folder, _, names in os.walk(path):
        for name in names:
            if name.endswith(".parquet"):
                dataset = os.path.relpath(folder, path).split(os.sep)[0]
                per[dataset][0] += 1
                per[dataset][1] += os.path.getsize(os.path.join(folder, name))
    return {k: {"files": v[0], "bytes": v[1]} for k, v in sorted(per.items())}


def store_rows(store) -> dict[str, int]:
    """Rows per dataset over everything the store holds."""
    out = {}
    for dataset in sorted({key.dataset for key, _ in store.entries()}):
        files = [store.root.uri(e.path) for k, e in store.entries(dataset)]
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        frame = store.sql(
            f"SELECT count(*) AS n FROM read_parquet([{listed}], union_by_name = true)"
        )
        out[dataset] = int(frame["n"][0])
    return out


# ---------------------------------------------------------------- sync


class Meter:
    """Counts the answers each task of a sync receives, and the cursor pages of each
    model-request window (the chain that must run one page after another).

    `sync.run` makes a client for each window of a task, passing a `WindowProgress` that names
    the task; so each client is tied to its task, and every answer on the client's session
    counts for that task (the connector's window threads included)."""

    METADATA = -2  # Codefresh's report list, read before the plan

    def __init__(self):
        self._lock = threading.Lock()
        self._clients = itertools.count()
        self.client_task: dict[int, int] = {}  # client number -> task index
        self.answers: Counter = Counter()  # client number -> answers
        self.client_pages: dict[int, Counter] = defaultdict(Counter)  # client -> window -> pages
        self.index: dict[int, int] = {}  # id(task) -> task index

    def progress(self, task, done, total, number, tasks) -> None:
        """Nothing to do: clients are tied to their task when made (see `factory`)."""

    def _hook(self, client: int):
        def count(response, *args, **kwargs):
            with self._lock:
                self.answers[client] += 1
                body = response.request.body
                if body and response.request.path_url.endswith("/model-requests"):
                    try:
                        window = json.loads(body)
                        key = (window.get("startDate"), window.get("endDate"))
                        self.client_pages[client][key] += 1
                    except ValueError:
                        pass
            return response

        return count

    def attach(self, client, task: int | None = None) -> int:
        number = next(self._clients)
        if task is not None:
            self.client_task[number] = task
        apis = [client.api] + ([client.space_api] if hasattr(client, "space_api") else [])
        hook = self._hook(number)
        for session in {id(a.session): a.session for a in apis}.values():
            session.hooks.setdefault("response", []).append(hook)
        return number

    def factory(self, make):
        def make_client(vendor, space, progress=None):
            client = make(vendor, space, progress)
            number = self.attach(client)
            task = getattr(progress, "task", None)  # sync.run's WindowProgress
            if task is not None:
                with self._lock:
                    self.client_task[number] = self.index[id(task)]
            return client

        return make_client

    def requests(self) -> Counter:
        """task index -> answers (-1: answers of a client no task claimed)."""
        out: Counter = Counter()
        for client, answers in self.answers.items():
            out[self.client_task.get(client, -1)] += answers
        return out

    def chains(self) -> dict[int, int]:
        """task index -> the most cursor pages one model-request window took."""
        pages: dict[int, Counter] = defaultdict(Counter)
        for client, windows in self.client_pages.items():
            pages[self.client_task.get(client, -1)].update(windows)
        return {task: max(windows.values()) for task, windows in pages.items() if windows}


def tasks_at_once() -> int:
    """Tasks of one vendor `python -m sync` fetches side by side (1 before sync had it)."""
    import importlib

    command = importlib.import_module("sync.__main__")
    return int(getattr(command, "TASKS_AT_ONCE", 1))


def _one_sync(store, values: dict, since, until, now, pool: int, server_url, server_pid):
    import sync
    from connectors import endpoints
    from sync.sources import client_factory, live_credentials

    credentials = live_credentials(values)
    meter = Meter()
    make = meter.factory(client_factory(credentials))
    at_once = tasks_at_once()
    options = (
        {"tasks_at_once": at_once}
        if "tasks_at_once" in inspect.signature(sync.run).parameters
        else {}
    )
    clear_server_log(server_url)
    server_before = cpu_seconds(server_pid)
    cpu_before = time.process_time()
    started = time.perf_counter()
    # As `python -m sync` does: the reports Codefresh's metadata offers, then the plan.
    metadata_client = client_factory(credentials)("codefresh", None, None)
    meter.attach(metadata_client, task=Meter.METADATA)
    extra = endpoints.codefresh_reports(metadata_client.metadata())
    org_keys = {v for v, c in credentials.items() if c.key}
    chosen = sync.targets(credentials, credentials["builder"].space_keys, None, extra, org_keys)
    tasks = sync.plan(store, chosen, since, until, now=now)
    planned = time.perf_counter() - started
    meter.index = {id(t): i for i, t in enumerate(tasks)}
    summary = sync.run(store, tasks, make, progress=meter.progress, clock=lambda: now, **options)
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    server_after = cpu_seconds(server_pid)
    logged = len(server_requests(server_url))

    answers, chains = meter.requests(), meter.chains()
    per_task = []
    for i, task in enumerate(tasks):
        requests = answers.get(i, 0)
        chain = chains.get(i, 1)
        per_task.append(
            {
                "vendor": task.vendor,
                "dataset": task.dataset.key,
                "granularity": task.granularity,
                "scope": task.scope,
                "start": task.start.isoformat(),
                "end": task.end.isoformat(),
                "lacking": task.lacking,
                "tail": task.tail,
                "windows": task.requests,
                "requests": requests,
                "chain": chain,
                "rounds": max(chain, math.ceil(requests / pool)) if requests else 0,
            }
        )
    vendors = {}
    for vendor, result in summary.vendors.items():
        mine = [t for t in per_task if t["vendor"] == vendor]
        metadata = answers.get(Meter.METADATA, 0) if vendor == "codefresh" else 0
        first_round = 1 if metadata else 0  # the report list, read before any task
        rounds = [t["rounds"] for t in mine]
        vendors[vendor] = {
            "tasks": len(mine),
            "requests": sum(t["requests"] for t in mine) + metadata,
            "wall": result.seconds,
            # the vendor's tasks spread over `at_once` lanes: no faster than its longest task,
            # nor than its rounds shared evenly by the lanes
            "bound_rounds": max(max(rounds, default=0), math.ceil(sum(rounds) / at_once))
            + first_round,
            "serial_rounds": sum(rounds) + first_round,  # one task after another
            "error": result.error,
            "failures": result.failures[:20] if hasattr(result, "failures") else [],
            "added": result.written.added,
            "replaced": result.written.replaced,
            "removed": result.written.removed,
            "partitions": result.written.partitions,
        }
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "now": now.isoformat(),
        "tasks": len(tasks),
        "tasks_at_once": at_once,
        "unattributed": answers.get(-1, 0),
        "requests": sum(answers.values()),
        "server_requests": logged,
        "sync_requests": summary.requests,  # sync's own count (metadata excluded)
        "wall": wall,
        "plan_seconds": planned,
        "client_cpu": client_cpu,
        "server_cpu": None
        if server_before is None or server_after is None
        else server_after - server_before,
        "peak_rss_mb": (status_kib("VmHWM") or 0) / 1024,
        "vendors": vendors,
        "per_task": per_task,
        "failed": [f"{v.name}: {v.error}" for v in summary.failed],
    }


def sync_phase(options: dict) -> dict:
    from store import Store

    values = options["values"]
    since = dt.date.fromisoformat(options["since"])
    until = dt.date.fromisoformat(options["until"])
    now = dt.datetime.fromisoformat(options["now"])
    store_dir = options["store"]
    pool = options["pool"]
    url, pid = options["server_url"], options["server_pid"]
    out = {"first": _one_sync(Store(store_dir), values, since, until, now, pool, url, pid)}
    out["store"] = store_size(store_dir)
    out["rows"] = store_rows(Store(store_dir))
    # The next day: a copy of the store, the clock a day later, one more day to hold.
    with tempfile.TemporaryDirectory(prefix="bench-next-day-") as scratch:
        copy = os.path.join(scratch, "store")
        shutil.copytree(store_dir, copy, ignore=shutil.ignore_patterns(".sync.lock"))
        later = now + dt.timedelta(days=1)
        out["next"] = _one_sync(
            Store(copy),
            values,
            since + dt.timedelta(days=1),
            until + dt.timedelta(days=1),
            later,
            pool,
            url,
            pid,
        )
    return out


# ---------------------------------------------------------------- overview


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def _frame_size(frame) -> tuple[int, int]:
    try:
        return len(frame), int(frame.memory_usage(deep=True).sum())
    except (AttributeError, TypeError):
        return 0, 0


# Where the Overview's report and the app's loaders live: this tree's layout first, then the
# layout before the layers (analytics/overview.py, analytics/loaders.py with `fetch`), so the
# same probe measures a "before" commit of either (bench/overview_size.py).
OVERVIEW_MODULES = (
    ("analytics.overview_report", "ui.loaders"),
    ("analytics.overview", "analytics.loaders"),
)


def _overview_modules():
    import importlib

    for report, loaders in OVERVIEW_MODULES:
        try:
            return importlib.import_module(report), importlib.import_module(loaders)
        except ModuleNotFoundError as err:
            if err.name not in (report, loaders):
                raise  # a module they import is missing: not a layout question
    raise ModuleNotFoundError(f"none of {OVERVIEW_MODULES} could be imported")


def overview_phase(options: dict) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    overview_module, loaders = _overview_modules()

    url = options["server_url"]
    start, end = options["start"], options["end"]
    timeout = options.get("timeout", 1800)

    def app():
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.query_params["start"] = start
        at.query_params["end"] = end
        return at

    def failure(at) -> str | None:
        if at.exception:
            return "; ".join(str(getattr(e, "message", e))[:400] for e in at.exception)
        return None

    def live(at) -> bool:  # every vendor's badge says it answered this page's loads
        shown = [str(getattr(e, "value", "")) for e in _walk(at._tree)]
        vendors = ("Builder.io", "Firebender", "Codefresh")
        return all(any(f"{name}: live]" in text for text in shown) for name in vendors)

    built: list[float] = []
    fetched: list[list] = []  # [what, start, end, rows, bytes] per load the page made
    views: list = []
    fetch_name = "read_dataset" if hasattr(loaders, "read_dataset") else "fetch"
    original_overview, original_fetch = overview_module.overview, getattr(loaders, fetch_name)
    original_requests = getattr(loaders, "requests", None)

    def timed_overview(*args, **kwargs):
        began = time.perf_counter()
        view = original_overview(*args, **kwargs)
        built.append(time.perf_counter() - began)
        views.append(view)
        return view

    def recorded_fetch(source, endpoint, start=None, end=None, granularity=None, space=None):
        frame = original_fetch(source, endpoint, start, end, granularity, space)
        what = f"{endpoint} ({granularity or '-'})"
        fetched.append([what, str(start), str(end), *_frame_size(frame)])
        return frame

    def recorded_requests(source, start, end, by=(), per_day=True):
        frame = original_requests(source, start, end, by, per_day)
        what = f"{MODEL_REQUESTS} (summed by {', '.join(by) or 'nothing'}" + (
            ", per day)" if per_day else ")"
        )
        fetched.append([what, str(start), str(end), *_frame_size(frame)])
        return frame

    original_usage = getattr(loaders, "usage", None)

    def recorded_usage(source, start, end):
        daily, people = original_usage(source, start, end)
        for part, frame in (("summed per day", daily), ("distinct people per period", people)):
            what = f"firebender.daily_usage ({part}, rollups)"
            fetched.append([what, str(start), str(end), *_frame_size(frame)])
        return daily, people

    overview_module.overview = timed_overview
    setattr(loaders, fetch_name, recorded_fetch)
    if original_usage is not None:  # daily usage summed per day (the store's rollups)
        loaders.usage = recorded_usage
    if original_requests is not None:  # model requests as DuckDB sums (pages never get rows)
        loaders.requests = recorded_requests

    def timed_run(at):
        clear_server_log(url)
        began = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - began
        return seconds, len(server_requests(url))

    st.cache_data.clear()
    at = app()
    first, first_requests = timed_run(at)
    out = {
        "status": "ok",
        "first_seconds": first,
        "first_requests": first_requests,
        "first_build": built[-1] if built else None,
    }
    if failure(at):
        return {**out, "status": "error", "detail": failure(at)}
    out["live"] = live(at)
    if options.get("prime"):
        return out

    # Cold: Streamlit's caches emptied, a new session; the store holds everything, the keys
    # were proven by the first run and the tail is fresh, so nothing is fetched.
    st.cache_data.clear()
    fetched.clear()
    built.clear()
    views.clear()
    at = app()
    cold, cold_requests = timed_run(at)
    if failure(at):
        return {**out, "status": "error", "detail": failure(at)}
    out.update(cold_seconds=cold, cold_requests=cold_requests, cold_build=built[-1])
    out["aggregates"] = list(fetched)
    view = views[-1]
    out["derived"] = {
        name: _frame_size(getattr(view, name)) for name in ("table", "monthly", "history")
    }
    out["load_from"] = min((item[1] for item in fetched if item[1] != "None"), default=start)

    reruns, rerun_requests, rerun_builds = [], 0, []
    for _ in range(options.get("reruns", 10)):
        built.clear()
        seconds, requests = timed_run(at)
        reruns.append(seconds)
        rerun_requests += requests
        rerun_builds.append(built[-1] if built else None)
        if failure(at):
            return {**out, "status": "error", "detail": failure(at)}
    out.update(rerun_seconds=reruns, rerun_requests=rerun_requests, rerun_builds=rerun_builds)

    from bench.overview_probe import charts

    out["charts"] = charts(at)
    if options.get("profile", True):
        out["profile"] = _profile(app, at, st, reruns=max(3, options.get("reruns", 10) // 2))
    out["raw"] = raw_behind(options["store"], out["load_from"], end)
    out["peak_rss_mb"] = (status_kib("VmHWM") or 0) / 1024
    return out


def _profile(app, warm_app, st, reruns: int) -> dict:
    """Where a cold run and warm reruns spend their time (sampled, untimed): the innermost
    project function and the library it was calling."""
    from bench.stack_sampler import StackSampler

    page = str(PROJECT_DIR / "pages" / "overview.py")
    out = {}
    st.cache_data.clear()
    cold = app()
    with StackSampler(page, str(PROJECT_DIR)) as sampler:
        cold.run()
    out["cold"] = _top(sampler)
    with StackSampler(page, str(PROJECT_DIR)) as sampler:
        for _ in range(reruns):
            warm_app.run()
    out["warm"] = _top(sampler)
    return out


def _top(sampler) -> dict:
    return {
        "samples": sampler.samples,
        "functions": sampler.top_functions(8),
        "libraries": sampler.top_libraries(6),
        "lines": sampler.top(6),
    }


# ---------------------------------------------------------------- a page's data

# The app's loaders whose results a page holds (any of them a tree has): each frame they
# return is counted (rows, bytes), a tuple's frames each.
PAGE_LOADS = (
    "read_dataset",
    "fetch",
    "requests",
    "usage",
    "usage_by_day",
    "usage_by_person",
    "requests_of_people",
    "team_sums",
    "team_usage",
    "space_lines",
    "space_tokens",
    "builder_users",
    "usage_totals",
)


def page_phase(options: dict) -> dict:
    """One page (`page`: its file under pages/) in AppTest, live mode: a first run (it syncs
    what the view lacks), then a cold run (Streamlit's caches emptied) whose loads are counted:
    what the page holds."""
    import pandas as pd
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _, loaders = _overview_modules()
    fetched: list[list] = []

    def recorded(name, original):
        def load(*args, **kwargs):
            found = original(*args, **kwargs)
            held = found
            if dataclasses.is_dataclass(found):  # TeamSums: each frame it holds
                held = tuple(getattr(found, f.name) for f in dataclasses.fields(found))
            parts = held if isinstance(held, tuple) else (held,)
            for i, part in enumerate(parts):
                if isinstance(part, pd.DataFrame):
                    what = name + (f"[{i}]" if isinstance(held, tuple) else "")
                    if name == "team_sums":  # which dataset
                        what += f" {args[1] if len(args) > 1 else kwargs.get('endpoint')}"
                    dates = [str(a) for a in args if isinstance(a, dt.date)][:2]
                    fetched.append([what, *(dates + ["", ""])[:2], *_frame_size(part)])
            return found

        return load

    for name in PAGE_LOADS:
        if hasattr(loaders, name):
            setattr(loaders, name, recorded(name, getattr(loaders, name)))

    def run():
        at = AppTest.from_file(str(APP), default_timeout=options.get("timeout", 1800))
        for key in ("start", "end", "team"):
            if options.get(key):
                at.query_params[key] = options[key]
        at.switch_page(f"pages/{options['page']}.py")
        began = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - began
        if at.exception:
            raise RuntimeError("; ".join(str(getattr(e, "message", e))[:400] for e in at.exception))
        return seconds

    st.cache_data.clear()
    first = run()
    st.cache_data.clear()
    fetched.clear()
    cold = run()
    return {
        "status": "ok",
        "page": options["page"],
        "first_seconds": first,
        "cold_seconds": cold,
        "aggregates": list(fetched),
        "peak_rss_mb": (status_kib("VmHWM") or 0) / 1024,
    }


# The store datasets the Overview reads (analytics.overview_report.OVERVIEW_ENDPOINTS), by the
# granularity the store keeps them at.
OVERVIEW_STORED = (
    ("builder.org_metrics", "week"),
    ("firebender.daily_usage", "day"),
    (MODEL_REQUESTS, None),
    ("codefresh.credit_consumption", "day"),
    ("codefresh.active_committers", "month"),
)


def raw_behind(store_dir: str, start: str, end: str) -> dict:
    """Raw rows the store holds for the Overview's datasets over [start, end]."""
    from store import Store

    store = Store(store_dir)
    out = {}
    for dataset, granularity in OVERVIEW_STORED:
        source = store.source(
            dataset, granularity, ["org"], dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        )
        if source is None:
            out[dataset] = 0
            continue
        out[dataset] = int(store.sql("SELECT count(*) AS n FROM {src}", src=source)["n"][0])
    return out


# ---------------------------------------------------------------- export


def range_phase(options: dict) -> dict:
    """The shortest range ending `end` holding at least `rows` model requests (all, if fewer)."""
    from store import Store

    store = Store(options["store"])
    end = dt.date.fromisoformat(options["end"])
    source = store.source(MODEL_REQUESTS, None, None, None, end)
    if source is None:
        return {"status": "error", "detail": "no model requests in the store"}
    per_day = store.sql(
        "SELECT _label AS day, count(*) AS n FROM {src} GROUP BY 1 ORDER BY 1 DESC", src=source
    )
    total, start = 0, end
    for day, n in zip(per_day["day"], per_day["n"], strict=True):
        total += int(n)
        start = day.date() if hasattr(day, "date") else day
        if total >= options["rows"]:
            break
    return {"status": "ok", "start": start.isoformat(), "end": end.isoformat(), "rows": total}


def export_phase(options: dict) -> dict:
    from connectors import endpoints
    from store import Store

    store = Store(options["store"])
    spec = endpoints.get(MODEL_REQUESTS)
    start = dt.date.fromisoformat(options["start"])
    end = dt.date.fromisoformat(options["end"])
    fmt, path = options["format"], options["path"]
    import analytics.queries as queries

    if path == "writer":
        from types import SimpleNamespace

        from ui.explore_raw import _writer

        choice = SimpleNamespace(start=start, end=end)

        def call():
            # the page's writer, its audit record a no-op (the bench writes no audit log)
            data = _writer(store, spec, choice, fmt, {}, None, None, lambda _rows: None, 0)()
            return len(data), data

    else:

        def call():
            made = queries.export_file(store, spec, None, start, end, fmt)
            size = os.path.getsize(made)
            os.unlink(made)
            return size, None

    # set-up untimed: imports, DuckDB's first connection, the store's listing
    store.connect().close()
    store.files(MODEL_REQUESTS, None, None, start, end)
    import gc

    gc.collect()
    baseline = status_kib("VmRSS")
    method = "VmHWM after clear_refs" if reset_peak() else "ru_maxrss"
    began = time.perf_counter()
    size, held = call()
    seconds = time.perf_counter() - began
    peak = status_kib("VmHWM")
    del held
    return {
        "status": "ok",
        "format": fmt,
        "path": path,
        "seconds": seconds,
        "bytes": size,
        "baseline_mb": (baseline or 0) / 1024,
        "peak_mb": (peak or 0) / 1024,
        "added_mb": ((peak or 0) - (baseline or 0)) / 1024,
        "method": method,
    }


PHASES = {
    "sync": sync_phase,
    "overview": overview_phase,
    "page": page_phase,
    "range": range_phase,
    "export": export_phase,
}


def main(argv: list[str] | None = None) -> int:
    argv = argv or sys.argv[1:]
    phase, options = argv[0], json.loads(argv[1] if len(argv) > 1 else "{}")
    try:
        result = PHASES[phase](options)
    except Exception as err:  # reported, not raised: the parent says what went wrong
        import traceback

        result = {
            "status": "error",
            "detail": f"{type(err).__name__}: {err}",
            "trace": traceback.format_exc()[-3000:],
        }
    print("BENCH-RESULT " + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
