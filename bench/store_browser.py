"""The app as people meet it, for the store-at-scale benchmark (bench/scale_store.py):
`streamlit run app.py` in live mode against the sandbox server and a filled store, driven by
Chromium through Playwright.

    tour      one browser session visits every page over the range (Overview, Builder,
              Firebender, Codefresh, Teams with a mapping, Alerts, Explore, Connections), each
              until its script has finished (and its first chart is drawn where it has
              charts): time per page, the vendor requests it caused (the server's log), the
              server's resident set after each
    sessions  then N browser sessions (contexts) open the Overview at once: time from each
              navigation to its first chart visible (a canvas or svg inside
              [data-testid="stVegaLiteChart"]) and to its run finished

Resident set: VmRSS (and the peak, VmHWM) of the `streamlit run` process from /proc.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .server_process import PROJECT_DIR
from .store_probe import clear_server_log, cpu_seconds, server_requests, status_kib

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART = "[data-testid='stVegaLiteChart']"
DRAWN = f"{CHART} canvas, {CHART} svg"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"
# (name, URL path, the page's heading, whether it draws charts)
PAGES = (
    ("Overview", "/", "AI adoption vs CI credits", True),
    ("Builder", "/builder", "Builder.io Fusion", True),
    ("Firebender", "/firebender", "Firebender", True),
    ("Codefresh", "/codefresh", "Codefresh CI", True),
    ("Teams", "/teams", "Teams", True),  # with a mapping (TEAMS_FILE): bench/team_mapping.py
    ("Alerts", "/alerts", "Alerts & budgets", True),
    ("Explore", "/explore", "Explore & export", False),
    ("Connections", "/connections", "Connections", False),
)


@dataclass
class PageVisit:
    name: str
    seconds: float
    requests: int  # vendor requests the page caused (syncing what it lacked)
    rss_mb: float  # the server's resident set after the page
    error: str | None = None
    store_age_s: float | None = None  # seconds since the first sync, when the page opened
    hwm_mb: float = 0.0  # the server's peak resident set so far (VmHWM), after the page


@dataclass
class BrowserReport:
    status: str  # ok | skipped | error
    detail: str = ""
    start_rss_mb: float = 0.0  # the server before any page (imports done, health answered)
    visits: list[PageVisit] = field(default_factory=list)
    after_tour_rss_mb: float = 0.0
    after_tour_hwm_mb: float = 0.0
    first_chart: list[float] = field(default_factory=list)  # seconds, one per session
    finished: list[float] = field(default_factory=list)  # seconds to the run's end
    session_errors: list[str] = field(default_factory=list)
    after_sessions_rss_mb: float = 0.0
    after_sessions_hwm_mb: float = 0.0
    alone_first_chart: float | None = None  # one new session by itself, just before the N
    alone_finished: float | None = None
    sessions_wall: float = 0.0  # from the start of the N sessions to the last one's end
    sessions_server_cpu: float | None = None  # the Streamlit server's CPU in that time
    sessions_machine_cpu: float | None = None  # every process's CPU in that time (/proc/stat)


def available() -> str | None:
    """Why the browser part cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _machine_cpu() -> float | None:
    """CPU seconds every process on the machine has used (user + nice + system), /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
        return (int(fields[0]) + int(fields[1]) + int(fields[2])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _rss(pid: int) -> tuple[float, float]:
    return (status_kib("VmRSS", pid) or 0) / 1024, (status_kib("VmHWM", pid) or 0) / 1024


class StreamlitServer:
    """`streamlit run app.py` (or `script`) on a free loopback port with exactly `env`; stopped
    (by its own pid) on exit. Its output goes to a log file in a temporary folder."""

    def __init__(self, env: dict[str, str], start_timeout: float = 120.0, script: str = "app.py"):
        self.env = env
        self.script = script
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""
        self._log = None

    def __enter__(self) -> StreamlitServer:
        port = _free_port()
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the server
            "w+", prefix="bench-streamlit-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start; see {self._log.name}")
            time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            os.unlink(self._log.name)
            self._log = None

    @property
    def pid(self) -> int:
        return self.process.pid


async def _visit(page, base: str, query: str, visit, timeout_ms: float) -> None:
    name, path, heading, charts = visit
    await page.goto(f"{base}{path}?{query}", wait_until="commit")
    await page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout_ms)
    await page.wait_for_selector(IDLE, timeout=timeout_ms)
    if charts:
        await page.wait_for_selector(DRAWN, state="visible", timeout=timeout_ms)


async def _one_session(
    browser, url: str, ready: asyncio.Event, start_together: asyncio.Event, timeout_ms: float
):
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    ready.set()
    await start_together.wait()
    began = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit")
        await page.wait_for_selector(DRAWN, state="visible", timeout=timeout_ms)
        first = time.perf_counter() - began
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        done = time.perf_counter() - began
        error = None if not await page.locator(EXCEPTION).count() else "the page raised"
        return first, done, error
    except Exception as err:  # noqa: BLE001 - reported with the results
        return None, None, f"{type(err).__name__}: {str(err)[:200]}"
    finally:
        await context.close()


async def _drive(
    app_url: str,
    pid: int,
    sandbox_url: str,
    query: str,
    sessions: int,
    timeout_ms: float,
    log,
    synced_at: dt.datetime | None = None,
    pages: tuple = PAGES,
) -> BrowserReport:
    from playwright.async_api import async_playwright

    report = BrowserReport("ok")
    report.start_rss_mb = _rss(pid)[0]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport={"width": 1440, "height": 1000})
            page = await context.new_page()
            for visit in pages:
                clear_server_log(sandbox_url)
                age = (dt.datetime.now(dt.UTC) - synced_at).total_seconds() if synced_at else None
                began = time.perf_counter()
                error = None
                try:
                    await _visit(page, app_url, query, visit, timeout_ms)
                    if await page.locator(EXCEPTION).count():
                        error = (await page.locator(EXCEPTION).first.inner_text())[:300]
                except Exception as err:  # noqa: BLE001 - reported with the results
                    error = f"{type(err).__name__}: {str(err)[:300]}"
                seconds = time.perf_counter() - began
                requests = len(server_requests(sandbox_url))
                rss, hwm = _rss(pid)
                result = PageVisit(visit[0], seconds, requests, rss, error, age, hwm)
                report.visits.append(result)
                log(
                    f"    {visit[0]}: {seconds:.1f} s, {requests} vendor request(s), server "
                    f"{result.rss_mb:,.0f} MB" + (f" - {error}" if error else "")
                )
            await context.close()
            report.after_tour_rss_mb, report.after_tour_hwm_mb = _rss(pid)
            if sessions:
                alone, alone_ready = asyncio.Event(), asyncio.Event()
                task = asyncio.create_task(
                    _one_session(browser, f"{app_url}/?{query}", alone_ready, alone, timeout_ms)
                )
                await alone_ready.wait()
                alone.set()
                report.alone_first_chart, report.alone_finished, error = await task
                if error:
                    report.session_errors.append(f"alone: {error}")
                together = asyncio.Event()
                ready = [asyncio.Event() for _ in range(sessions)]
                waiting = [
                    asyncio.create_task(
                        _one_session(browser, f"{app_url}/?{query}", made, together, timeout_ms)
                    )
                    for made in ready
                ]
                for made in ready:  # every context and page made before they all start
                    await made.wait()
                server_before, machine_before = cpu_seconds(pid), _machine_cpu()
                began = time.perf_counter()
                together.set()
                outcomes = await asyncio.gather(*waiting)
                report.sessions_wall = time.perf_counter() - began
                server_after, machine_after = cpu_seconds(pid), _machine_cpu()
                if server_before is not None and server_after is not None:
                    report.sessions_server_cpu = server_after - server_before
                if machine_before is not None and machine_after is not None:
                    report.sessions_machine_cpu = machine_after - machine_before
                for first, done, error in outcomes:
                    if first is not None:
                        report.first_chart.append(first)
                        report.finished.append(done)
                    if error:
                        report.session_errors.append(error)
                report.after_sessions_rss_mb, report.after_sessions_hwm_mb = _rss(pid)
        finally:
            await browser.close()
    return report


def run(
    env: dict[str, str],
    sandbox_url: str,
    start,
    end,
    sessions: int = 10,
    timeout: float = 900.0,
    log=print,
    synced_at: dt.datetime | None = None,
    pages: tuple = PAGES,
) -> BrowserReport:
    """`pages`: the names of PAGES to visit (default: every one)."""
    why = available()
    if why:
        return BrowserReport("skipped", why)
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    try:
        with StreamlitServer(env) as app:
            return asyncio.run(
                _drive(
                    app.url,
                    app.pid,
                    sandbox_url,
                    query,
                    sessions,
                    timeout * 1000,
                    log,
                    synced_at,
                    tuple(p for p in PAGES if p in pages or p[0] in pages),
                )
            )
    except Exception as err:  # noqa: BLE001 - reported with the results
        return BrowserReport("error", f"{type(err).__name__}: {str(err)[:500]}")
