"""The history store at scale: an organisation of 36 developers (the demo's roster) and one of
2,000, side by side in one run, over 365 days ending yesterday, against the sandbox server
(its own process, 100 ms latency per request), in live mode (the sandbox's demo keys):

    1 sync       the first full sync into an empty store (sync.plan + sync.run, as
                 `python -m sync` does), requests and wall time against the critical path
                 (see BOUND below)
    2 next day   the next day's sync (clock and `until` one day later, on a copy of the store):
                 requests against the full reload
    3 overview   the Overview page (AppTest, live mode) on the filled store: the first run in a
                 fresh process, cold (Streamlit's caches empty), warm reruns; the aggregates the
                 page holds against the raw rows behind them
    4 memory     `streamlit run app.py`'s resident set after Chromium visited every page
                 (Teams with a mapping scaled to the roster: bench/team_mapping.py; Alerts)
    5 sessions   N browser sessions opening the Overview at once: time to the first chart,
                 the server's resident set after them
    7 first chart  a fresh `streamlit run app.py` on the filled store mounted read-only (a
                 viewer deployment) against a bare one-chart page, A B A B, each round a fresh
                 server: time to the first chart in Chromium, server CPU seconds
                 (bench/store_first_chart.py)
    6 export     Explore's export of model requests (at least 1,000,000 rows at 2,000
                 developers): `analytics.queries.export_file` and the Streamlit download path
                 (`ui.explore_raw._writer`), CSV and Parquet, each in its own process

BOUND (the critical path of a sync): `sync.run` runs vendors side by side and up to
`sync.__main__.TASKS_AT_ONCE` tasks of one vendor side by side (1 before it had that), each
task's windows in the connector's pool of `connectors.http.MAX_WORKERS`; cursor pages of one
model-request window follow one another. So a task cannot take fewer than
rounds = max(longest cursor chain, ceil(requests / pool)) round trips; a vendor, fewer than
max(its longest task, ceil(sum of its tasks' rounds / tasks at once)) (+1 for Codefresh's report
list, read first); the sync, fewer than its slowest vendor: bound = that x latency. Target:
wall <= 1.5 x bound. Beside it, the same tasks one after another (the sum of their rounds).

`python -m bench --only scale_store` runs it and writes bench/results-store.md;
`python -m bench.scale_store --json FILE` keeps the raw figures, `--render FILE` prints them again;
`--only-sync` measures parts 1 and 2 alone (no pages, browser or exports).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field

from config.names import BASE_URL_SETTINGS, HISTORY_DIR, KEY_SETTINGS, SPACES, TEAMS_FILE
from connectors.http import MAX_WORKERS
from connectors.sandbox import keys

from . import cold_load, store_browser, store_first_chart, team_mapping
from .overview_rerun import hermetic_env
from .server_process import PROJECT_DIR, SandboxProcess
from .store_probe import OVERVIEW_STORED

SIZES: tuple[int | None, ...] = (None, 2000)  # None: the demo's roster of 36
LATENCY_MS = 100.0
BOUND_TARGET = 1.5  # first sync: wall <= 1.5 x the critical path
COLD_TARGET_S = 1.0  # the Overview with the store filled and Streamlit's caches empty
WARM_TARGET_MS = 150.0  # a warm rerun of the Overview
RSS_TARGET_MB = 400.0  # the Streamlit server after every page, at 2,000 developers
SESSIONS_RSS_TARGET_MB = 500.0  # the Streamlit server after the N sessions, at 2,000
FIRST_CHART_TARGET = store_first_chart.TARGET  # first chart ÷ a bare page's, at 2,000
AGGREGATE_GROWTH_TARGET = 2.0  # the Overview's aggregates at 2,000 vs 36 developers, at most
EXPORT_ROWS = 1_000_000
SESSIONS = 10
EXPORTS = (("export_file", "csv"), ("export_file", "parquet"), ("writer", "csv"),
           ("writer", "parquet"))  # fmt: skip


@dataclass
class SizeRun:
    developers: int | None  # as asked (None: the demo's roster)
    headcount: int
    spaces: int
    since: str
    until: str
    latency_ms: float
    warm_seconds: float = 0.0  # the untimed pass that warmed the server's data caches
    sync: dict = field(default_factory=dict)  # store_probe sync phase
    prime: dict = field(default_factory=dict)  # the Overview's first view after the sync
    overview: dict = field(default_factory=dict)  # store_probe overview phase
    browser: dict = field(default_factory=dict)  # store_browser.BrowserReport as a dict
    first_chart: dict = field(default_factory=dict)  # store_first_chart.run's result
    teams: dict = field(default_factory=dict)  # the mapping the Teams page had: rows, teams
    export_range: dict = field(default_factory=dict)
    exports: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return "36 (demo)" if self.developers is None else f"{self.developers:,}"


@dataclass
class ScaleStoreReport:
    latency_ms: float
    pool: int
    days: int
    sessions: int
    export_rows: int
    sizes: list[SizeRun]
    revision: str = ""  # the commit measured (and whether the product's files differed from it)
    machine: dict = field(default_factory=dict)  # machine.describe() when the run started


def revision() -> str:
    """The commit checked out, and "+ local changes" when files outside bench/ and tests/ differ
    from it (the product measured is then not exactly that commit). BENCH_REVISION, when set,
    says it instead (a run from an exported copy of a commit, which has no .git)."""
    if os.environ.get("BENCH_REVISION"):
        return os.environ["BENCH_REVISION"]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    product = [line[3:] for line in changed if not line[3:].startswith(("bench/", "tests/"))]
    return head + (f" + local changes to {', '.join(product)}" if product else "")


def live_settings(url: str, developers: int | None, history_dir: str) -> dict[str, str]:
    """The app's settings for live mode against the sandbox server at `url`: its demo keys,
    every Builder space of a world of `developers`, the store."""
    spaces = keys.builder_spaces(developers)
    values = {
        KEY_SETTINGS["builder"]: keys.BUILDER_ORG_KEY,
        KEY_SETTINGS["firebender"]: keys.FIREBENDER_KEY,
        KEY_SETTINGS["codefresh"]: keys.CODEFRESH_KEY,
        SPACES: ",".join(f"{public}:{private}" for public, (_, private) in spaces.items()),
        HISTORY_DIR: history_dir,
    }
    values.update({name: url for name in BASE_URL_SETTINGS.values()})
    return values


def _worker(phase: str, options: dict, env: dict, cwd: str, timeout: float) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.store_probe", phase, json.dumps(options)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    line = next(
        (ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("BENCH-RESULT ")), None
    )
    if line is None:
        return {
            "status": "error",
            "detail": f"{phase} exited with {done.returncode}: {done.stderr.strip()[-1500:]}",
        }
    return json.loads(line.removeprefix("BENCH-RESULT "))


def measure(
    developers: int | None,
    days: int,
    latency_ms: float,
    reruns: int,
    sessions: int,
    export_rows: int,
    browser: bool,
    timeout: float,
    log,
    exports: tuple = EXPORTS,
    profile: bool = True,
    pages: tuple = store_browser.PAGES,
    first_chart_rounds: int = store_first_chart.ROUNDS,
    only_sync: bool = False,
) -> SizeRun:
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    until = today - dt.timedelta(days=1)
    since = until - dt.timedelta(days=days - 1)
    spaces = keys.space_count(developers)
    run = SizeRun(
        developers,
        36 if developers is None else developers,
        spaces,
        since.isoformat(),
        until.isoformat(),
        latency_ms,
    )
    started = time.perf_counter()
    home = tempfile.mkdtemp(prefix="bench-scale-store-")
    store_dir = f"{home}/store"
    try:
        with SandboxProcess(latency_ms, today, developers=developers) as server:
            settings = live_settings(server.url, developers, store_dir)
            # The app's processes get a temporary folder of their own, beside the store: the
            # app deletes, at exit, every store of its process under the temporary folder
            # (sync.on_demand.forget), HISTORY_DIR included.
            scratch = os.path.join(home, "tmp")
            os.makedirs(scratch, exist_ok=True)
            env = {**hermetic_env(home), **settings, "PYTHONUNBUFFERED": "1", "TMPDIR": scratch}
            log(f"  {run.label} developers: sandbox {' '.join(server.command[3:])}")
            began = time.perf_counter()
            _warm(server.url, today, since)
            run.warm_seconds = time.perf_counter() - began
            log(f"    server caches warmed (untimed): {run.warm_seconds:.0f} s")

            synced_at = dt.datetime.now(dt.UTC)  # the sync's clock: what the ledger records
            options = {
                "values": settings,
                "since": since.isoformat(),
                "until": until.isoformat(),
                "now": synced_at.isoformat(),
                "store": store_dir,
                "pool": MAX_WORKERS,
                "server_url": server.url,
                "server_pid": server.process.pid,
            }
            run.sync = _worker("sync", options, env, home, timeout)
            if run.sync.get("status") == "error":
                log(f"    sync: {run.sync['detail']}")
                return run
            first, following = run.sync["first"], run.sync["next"]
            log(
                f"    first sync: {first['requests']:,} requests, {first['wall']:.1f} s; next "
                f"day: {following['requests']:,} requests, {following['wall']:.1f} s"
            )
            if only_sync:  # --only-sync: the first and next day's syncs, nothing else
                run.overview = run.prime = {"status": "skipped", "detail": "--only-sync"}
                run.browser = {"status": "skipped", "detail": "--only-sync"}
                return run

            view = {
                "server_url": server.url,
                "store": store_dir,
                "start": since.isoformat(),
                "end": until.isoformat(),
                "reruns": reruns,
                "profile": profile,
            }
            run.prime = _worker("overview", {**view, "prime": True}, env, home, timeout)
            log(
                f"    overview, first view after the sync (fills the range before): "
                f"{run.prime.get('first_seconds', 0):.1f} s, "
                f"{run.prime.get('first_requests', 0)} requests"
            )
            run.overview = _worker("overview", view, env, home, timeout)
            if run.overview.get("status") == "ok":
                o = run.overview
                log(
                    f"    overview: fresh process {o['first_seconds']:.2f} s, cold "
                    f"{o['cold_seconds']:.2f} s, warm median "
                    f"{sorted(o['rerun_seconds'])[len(o['rerun_seconds']) // 2] * 1000:.0f} ms"
                )
            else:
                log(f"    overview: {run.overview.get('detail')}")

            if browser:
                # The Teams page with a real mapping: the demo's, scaled to the roster.
                mapping = team_mapping.teams_csv(developers)
                teams_file = os.path.join(home, "teams.csv")
                with open(teams_file, "w") as handle:
                    handle.write(mapping)
                rows = [line for line in mapping.splitlines()[2:] if line]
                run.teams = {
                    "rows": len(rows),
                    "teams": len({line.split(",")[2] for line in rows}),
                    "people": sum(line.startswith("person,") for line in rows),
                }
                app_env = {**env, TEAMS_FILE: teams_file}
                log("    browser: every page, then the sessions")
                report = store_browser.run(
                    app_env,
                    server.url,
                    since,
                    until,
                    sessions=sessions,
                    timeout=timeout,
                    log=log,
                    synced_at=synced_at,
                    pages=pages,
                )
                run.browser = asdict(report)
                if report.status != "ok":
                    log(f"    browser: {report.status}: {report.detail}")
                elif report.first_chart:
                    log(
                        f"    server {report.after_tour_rss_mb:,.0f} MB after every page; "
                        f"{len(report.first_chart)} sessions: first chart worst "
                        f"{max(report.first_chart):.1f} s"
                    )
                if first_chart_rounds:
                    log(f"    first chart vs a bare page: {first_chart_rounds} rounds")
                    run.first_chart = store_first_chart.run(
                        app_env, store_dir, first_chart_rounds, log=log
                    )
            else:
                run.browser = {"status": "skipped", "detail": "not asked for"}

        if export_rows:
            run.export_range = _worker(
                "range", {"store": store_dir, "end": until.isoformat(), "rows": export_rows},
                env, home, timeout,
            )  # fmt: skip
            if run.export_range.get("status") == "ok":
                for path, fmt in exports:
                    options = {
                        "store": store_dir,
                        "start": run.export_range["start"],
                        "end": run.export_range["end"],
                        "format": fmt,
                        "path": path,
                    }
                    result = _worker("export", options, env, home, timeout)
                    run.exports.append(result)
                    if result.get("status") == "ok":
                        log(
                            f"    export {path} {fmt}: {run.export_range['rows']:,} rows, "
                            f"{result['seconds']:.1f} s, +{result['added_mb']:,.0f} MB peak"
                        )
                    else:
                        log(f"    export {path} {fmt}: {result.get('detail')}")
        return run
    finally:
        run.seconds = time.perf_counter() - started
        shutil.rmtree(home, ignore_errors=True)


def run(
    sizes: tuple[int | None, ...] = SIZES,
    days: int = 365,
    latency_ms: float = LATENCY_MS,
    reruns: int = 10,
    sessions: int = SESSIONS,
    export_rows: int = EXPORT_ROWS,
    browser: bool = True,
    timeout: float = 3600.0,
    log=print,
    exports: tuple = EXPORTS,
    profile: bool = True,
    pages: tuple = store_browser.PAGES,
    first_chart_rounds: int = store_first_chart.ROUNDS,
    only_sync: bool = False,
) -> ScaleStoreReport:
    """Each size in turn, with a sandbox server, store and app processes of its own.
    `pages`: the pages the browser visits (names or store_browser.PAGES entries)."""
    from . import machine

    measured, about = revision(), machine.describe()
    results = [
        measure(
            n,
            days,
            latency_ms,
            reruns,
            sessions,
            export_rows,
            browser,
            timeout,
            log,
            exports,
            profile,
            pages,
            first_chart_rounds,
            only_sync,
        )
        for n in sizes
    ]
    return ScaleStoreReport(
        latency_ms, MAX_WORKERS, days, sessions, export_rows, results, measured, about
    )


# ---------------------------------------------------------------- figures from the raw results


def sync_failure(s: SizeRun, which: str = "first") -> str | None:
    """Why the first (or the next day's) sync did not complete, or None when it did. A sync
    that failed has no ratio: its wall time is that of a partial store."""
    if s.sync.get("status") == "error":
        return str(s.sync.get("detail") or "the sync phase failed")
    if not s.sync:
        return None
    run = s.sync.get(which)
    if run is None:
        return "not run (the first sync failed)" if which == "next" else "not run"
    if run.get("failed"):
        return "; ".join(run["failed"])
    return None


def overview_failure(s: SizeRun) -> str | None:
    if not s.overview or s.overview.get("status") in ("ok", "skipped"):  # skipped: --only-sync
        return None
    return str(s.overview.get("detail") or s.overview.get("status") or "failed")


def browser_failure(s: SizeRun) -> str | None:
    """Why the tour of every page did not complete: the browser part failed, or a page did."""
    b = s.browser
    if not b or b.get("status") == "skipped":
        return None
    if b.get("status") != "ok":
        return str(b.get("detail") or b.get("status"))
    pages = [f"{v['name']}: {v['error']}" for v in b.get("visits", []) if v.get("error")]
    return "; ".join(pages) or None


def session_failure(s: SizeRun, sessions: int) -> str | None:
    """Why not every session drew its first chart (None: each did)."""
    b = s.browser
    if not b or b.get("status") != "ok" or not sessions:
        return None
    errors = b.get("session_errors") or []
    drawn = len(b.get("first_chart") or [])
    if not errors and drawn >= sessions:
        return None
    return f"{drawn} of {sessions} drew a chart" + (f": {'; '.join(errors)}" if errors else "")


def first(s: SizeRun) -> dict:
    return s.sync["first"]


def following(s: SizeRun) -> dict:
    return s.sync["next"]


def bound(s: SizeRun) -> float:
    """Seconds: the slowest vendor's critical path (see BOUND in the module docstring)."""
    return max(v["bound_rounds"] for v in first(s)["vendors"].values()) * s.latency_ms / 1000


def serial(s: SizeRun) -> float:
    """Seconds: the slowest vendor's tasks one after another, each in rounds of the pool."""
    return max(v["serial_rounds"] for v in first(s)["vendors"].values()) * s.latency_ms / 1000


def over_bound(s: SizeRun) -> float:
    return first(s)["wall"] / bound(s)


def next_day_met(s: SizeRun) -> bool:
    """Only the new period and the unsettled tail: no task fetches more than one period the
    store lacked, and none fetches a settled one (every fetched period is lacking or tail)."""
    tasks = following(s)["per_task"]
    return bool(tasks) and all(t["lacking"] <= 1 for t in tasks)


def warm_median(s: SizeRun) -> float:
    return statistics.median(s.overview["rerun_seconds"])


def cold_met(s: SizeRun) -> bool | None:
    return s.overview["cold_seconds"] <= COLD_TARGET_S if "cold_seconds" in s.overview else None


def warm_met(s: SizeRun) -> bool | None:
    if not s.overview.get("rerun_seconds"):
        return None
    return warm_median(s) * 1000 <= WARM_TARGET_MS


def aggregate_rows(s: SizeRun) -> int:
    """Rows of every frame the Overview's loads returned (what the page holds)."""
    return sum(item[3] for item in s.overview["aggregates"])


def aggregate_mb(s: SizeRun) -> float:
    return sum(item[4] for item in s.overview["aggregates"]) / 1e6


def raw_rows(s: SizeRun) -> int:
    return sum(s.overview["raw"].values())


def growth(sizes: list[SizeRun]) -> tuple[float, float] | None:
    """(aggregate rows, raw rows) at the largest size ÷ at the smallest."""
    done = [s for s in sizes if s.overview.get("status") == "ok"]
    if len(done) < 2:
        return None
    small, large = done[0], done[-1]
    return (
        aggregate_rows(large) / max(1, aggregate_rows(small)),
        raw_rows(large) / max(1, raw_rows(small)),
    )


def aggregate_growth_met(sizes: list[SizeRun]) -> bool | None:
    found = growth(sizes)
    return None if found is None else found[0] <= AGGREGATE_GROWTH_TARGET


def rss_met(s: SizeRun) -> bool | None:
    if s.browser.get("status") != "ok":
        return None
    return s.browser["after_tour_rss_mb"] <= RSS_TARGET_MB


def sessions_rss_failure(s: SizeRun, sessions: int) -> str | None:
    """Why the resident set after the sessions is no figure: the tour or a session failed."""
    return browser_failure(s) or session_failure(s, sessions)


def sessions_rss_met(s: SizeRun) -> bool | None:
    if s.browser.get("status") != "ok" or not s.browser.get("after_sessions_rss_mb"):
        return None
    return s.browser["after_sessions_rss_mb"] <= SESSIONS_RSS_TARGET_MB


def first_chart_failure(s: SizeRun) -> str | None:
    return store_first_chart.failure(s.first_chart)


def first_chart_ratio(s: SizeRun) -> float | None:
    """The app's first chart ÷ the bare page's, median of the rounds (None: none measured)."""
    found = store_first_chart.ratios(s.first_chart)
    return statistics.median(found) if found else None


def first_chart_met(s: SizeRun) -> bool | None:
    ratio = first_chart_ratio(s)
    return None if ratio is None else ratio <= FIRST_CHART_TARGET


def session_median(s: SizeRun) -> float:
    return statistics.median(s.browser["first_chart"])


def export(s: SizeRun, path: str, fmt: str) -> dict:
    return next(e for e in s.exports if e.get("path") == path and e.get("format") == fmt)


def targets(report: ScaleStoreReport) -> list:
    """The report's targets, for the table of targets (report.Target)."""
    from .report import Target, _at_most

    out = []
    for s in report.sizes:
        big = s.developers is not None and s.developers >= 2000
        out.extend(_sync_targets(s))
        broken = overview_failure(s)
        if broken:
            for what in ("Overview cold (store filled, caches empty)", "Overview warm rerun"):
                out.append(Target(f"store {s.label}: {what}", failed(broken), "", "", False))
        elif s.overview.get("status") == "ok":
            out.append(
                Target(
                    f"store {s.label}: Overview cold (store filled, caches empty)",
                    f"{s.overview['cold_seconds']:.2f} s",
                    f"≤ {COLD_TARGET_S:g} s" + ("" if big else " (at 2,000)"),
                    _at_most(s.overview["cold_seconds"], COLD_TARGET_S),
                    cold_met(s) if big else None,
                )
            )
            out.append(
                Target(
                    f"store {s.label}: Overview warm rerun median",
                    f"{warm_median(s) * 1000:,.0f} ms",
                    f"≤ {WARM_TARGET_MS:g} ms" + ("" if big else " (at 2,000)"),
                    _at_most(warm_median(s) * 1000, WARM_TARGET_MS),
                    warm_met(s) if big else None,
                )
            )
        broken = browser_failure(s)
        if broken:
            what = f"store {s.label}: Streamlit server resident set after every page"
            out.append(Target(what, failed(broken), f"≤ {RSS_TARGET_MB:g} MB", "", False))
        elif s.browser.get("status") == "ok":
            rss = s.browser["after_tour_rss_mb"]
            out.append(
                Target(
                    f"store {s.label}: Streamlit server resident set after every page",
                    f"{rss:,.0f} MB",
                    f"≤ {RSS_TARGET_MB:g} MB" + ("" if big else " (at 2,000)"),
                    _at_most(rss, RSS_TARGET_MB),
                    rss_met(s) if big else None,
                )
            )
        broken = session_failure(s, report.sessions)
        if broken:
            what = f"store {s.label}: every browser session draws its first chart"
            out.append(Target(what, failed(broken), "every session", "", False))
        what = f"store {s.label}: Streamlit server resident set after {report.sessions} sessions"
        broken = sessions_rss_failure(s, report.sessions)
        if broken:
            out.append(Target(what, failed(broken), f"≤ {SESSIONS_RSS_TARGET_MB:g} MB", "", False))
        elif sessions_rss_met(s) is not None:
            rss = s.browser["after_sessions_rss_mb"]
            out.append(
                Target(
                    what,
                    f"{rss:,.0f} MB",
                    f"≤ {SESSIONS_RSS_TARGET_MB:g} MB" + ("" if big else " (at 2,000)"),
                    _at_most(rss, SESSIONS_RSS_TARGET_MB),
                    sessions_rss_met(s) if big else None,
                )
            )
        what = f"store {s.label}: first chart, fresh server, read-only store ÷ a bare page"
        broken = first_chart_failure(s)
        ratio = first_chart_ratio(s)
        if broken:
            out.append(Target(what, failed(broken), f"≤ {FIRST_CHART_TARGET:g}×", "", False))
        elif ratio is not None:
            out.append(
                Target(
                    what,
                    f"{ratio:.2f}× (median of {len(store_first_chart.ratios(s.first_chart))})",
                    f"≤ {FIRST_CHART_TARGET:g}×" + ("" if big else " (at 2,000)"),
                    _at_most(ratio, FIRST_CHART_TARGET),
                    first_chart_met(s) if big else None,
                )
            )
    found = growth(report.sizes)
    if found is not None:
        out.append(
            Target(
                "store: the Overview's aggregates grow less than the raw rows (36 → 2,000)",
                f"aggregates {found[0]:.1f}×, raw rows {found[1]:.1f}×",
                f"aggregates ≤ {AGGREGATE_GROWTH_TARGET:g}×",
                _at_most(found[0], AGGREGATE_GROWTH_TARGET),
                found[0] <= AGGREGATE_GROWTH_TARGET,
            )
        )
    return out


def failed(why: str, limit: int = 300) -> str:
    """A failure as a table cell: never a figure."""
    why = " ".join(why.split())
    return f"FAILED: {why[:limit]}" + ("…" if len(why) > limit else "")


def _sync_targets(s: SizeRun) -> list:
    from .report import Target, _at_most, _x

    if not s.sync:
        return []
    what = f"store {s.label}: first full sync wall ÷ critical path"
    broken = sync_failure(s, "first")
    if broken:
        out = [Target(what, failed(broken), f"≤ {BOUND_TARGET:g}×", "", False)]
    else:
        ratio = over_bound(s)
        out = [
            Target(
                what,
                f"{_x(ratio)} ({first(s)['wall']:.1f} s ÷ {bound(s):.1f} s)",
                f"≤ {BOUND_TARGET:g}×",
                _at_most(ratio, BOUND_TARGET),
                ratio <= BOUND_TARGET,
            )
        ]
    what = f"store {s.label}: next day's sync fetches the new day and the tail only"
    broken = sync_failure(s, "next") or (
        "the first sync failed, so a full reload is unknown" if sync_failure(s) else None
    )
    if broken:
        return [*out, Target(what, failed(broken), "new day + tail", "", False)]
    share = following(s)["requests"] / first(s)["requests"]
    measured = f"{following(s)['requests']:,} requests ({share:.1%} of a full reload)"
    return [*out, Target(what, measured, "new day + tail", "", next_day_met(s))]


def to_json(report: ScaleStoreReport) -> str:
    return json.dumps(asdict(report), indent=1, default=str)


def from_json(text: str) -> ScaleStoreReport:
    raw = json.loads(text)
    sizes = [SizeRun(**size) for size in raw.pop("sizes")]
    return ScaleStoreReport(**raw, sizes=sizes)


def _size(text: str) -> int | None:
    if text == "demo":
        return None
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("a size is at least 1")
    return value


def _warm(url: str, today: dt.date, since: dt.date) -> None:
    """Untimed: every endpoint asked for every day once, a calendar month at a time, so the
    server's data caches hold the year (one load of a year of model requests at 2,000
    developers does not fit a load's time budget, `connectors.http.LOAD_BUDGET_SECONDS`)."""
    start = since
    while start <= today:
        month_end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = min(today, month_end - dt.timedelta(days=1))
        cold_load.load_all(url, today, start, end)
        start = end + dt.timedelta(days=1)


def main(argv: list[str] | None = None) -> int:
    from . import report as render

    parser = argparse.ArgumentParser(
        prog="python -m bench.scale_store",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--developers", type=_size, nargs="*", default=None, metavar="N")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--latency-ms", type=float, default=LATENCY_MS)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--export-rows", type=int, default=EXPORT_ROWS)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--first-chart-rounds",
        type=int,
        default=store_first_chart.ROUNDS,
        help="rounds of (bare page, app on the read-only store), each a fresh server; 0: none",
    )
    parser.add_argument(
        "--only-sync", action="store_true", help="measure the syncs only (no pages, no exports)"
    )
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--render", help="print the Markdown of a --json file; measure nothing")
    args = parser.parse_args(argv)
    if args.render:
        with open(args.render) as handle:
            report = from_json(handle.read())
    else:
        report = run(
            tuple(args.developers) if args.developers else SIZES,
            args.days,
            args.latency_ms,
            sessions=args.sessions,
            export_rows=args.export_rows,
            browser=not args.no_browser and not args.only_sync,
            first_chart_rounds=args.first_chart_rounds,
            only_sync=args.only_sync,
            log=lambda text: print(text, file=sys.stderr, flush=True),
        )
        if args.json:
            with open(args.json, "w") as handle:
                handle.write(to_json(report))
    text, _ = render.scale_store_section(report)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["OVERVIEW_STORED", "PROJECT_DIR", "ScaleStoreReport", "SizeRun", "measure", "run"]
