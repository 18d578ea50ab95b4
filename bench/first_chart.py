"""A newcomer's first chart: a fresh `streamlit run` server per round, Chromium, a bare page
against the app on demo data, alternating A B A B in one run.

Each round starts a new server ((a) a bare one-chart Streamlit page, (b) `app.py` with no keys:
demo data), waits for its health answer, opens it in a new browser context of one headless
Chromium and times from the navigation to the first chart visible (a canvas or svg inside
[data-testid="stVegaLiteChart"]). Also per round: the time from the server's launch, and the
server's CPU seconds (user + system, /proc) at the first chart. A round that fails is a FAILED
row and takes no part in any ratio.

The demo's data cache (DEMO_CACHE_DIR) is a folder of this run: empty before the first app round
(a first start ever), kept for the rounds after (every later start of the app on this machine,
the same day).

After the last app round, on its server: the warm rerun (Streamlit's "r", median of several),
an Overview control change (the granularity radio), then a visit to every page and the
server's resident set after them (VmRSS, and its peak VmHWM).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .store_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN,
    EXCEPTION,
    IDLE,
    StreamlitServer,
    _machine_cpu,
    _rss,
    available,
)
from .store_probe import cpu_seconds

BARE_PAGE = '''"""A bare one-chart Streamlit page: the floor a first chart is compared with."""

import pandas as pd
import streamlit as st

st.title("A bare page")
st.line_chart(pd.DataFrame({"credits": [3.0, 4.0, 2.5, 5.0, 4.5, 6.0]}))
'''
# Settings that would take the app out of demo mode, or point it at a user's folders.
SETTINGS = (
    "BUILDER_PRIVATE_KEY",
    "BUILDER_SPACE_PUBLIC_KEY",
    "BUILDER_SPACE_PRIVATE_KEY",
    "FIREBENDER_API_KEY",
    "CODEFRESH_API_KEY",
    "BUILDER_BASE_URL",
    "FIREBENDER_BASE_URL",
    "CODEFRESH_BASE_URL",
    "HISTORY_DIR",
    "TEAMS_FILE",
    "DEMO_CACHE_DIR",
)
# Every page, in the order of the navigation: (link, heading, draws a chart)
TOUR = (
    ("Builder", "Builder.io Fusion", True),
    ("Firebender", "Firebender", True),
    ("Codefresh", "Codefresh CI", True),
    ("Teams", "Teams", False),
    ("Alerts & budgets", "Alerts & budgets", False),
    ("Explore & export", "Explore & export", False),
    ("Connections", "Connections", False),
    ("Overview", "AI adoption vs CI credits", True),
)
# Counts the runs the page has finished (the app's script state turning to notRunning).
COUNT_RUNS = """() => {
  if (window.__runs !== undefined) return;
  window.__runs = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "notRunning") window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


def _browser_cpu(exclude: int) -> float | None:
    """CPU seconds (user + system) of this process's descendants other than `exclude` and its
    own: Playwright's driver and Chromium's processes, alive now (from /proc; None off Linux)."""
    try:
        parents, cpu = {}, {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    mine, total = os.getpid(), 0.0
    for pid in cpu:
        ancestor, seen = pid, 0
        while ancestor not in (0, 1, mine, exclude) and seen < 64:
            ancestor, seen = parents.get(ancestor, 0), seen + 1
        if ancestor == mine and pid != mine:
            total += cpu[pid]
    return total


@dataclass
class Round:
    which: str  # "bare" | "demo"
    number: int  # 1-based pair number
    first_chart: float | None = None  # seconds from the navigation to the first chart
    heading: float | None = None  # seconds from the navigation to the page's title (h1)
    from_launch: float | None = None  # seconds from the server's launch to the first chart
    server_start: float | None = None  # seconds from the launch to the health answer
    cpu: float | None = None  # the server's CPU seconds at the first chart
    browser_cpu: float | None = None  # Chromium's (and the driver's) CPU seconds, navigation
    # to first chart
    machine_cpu: float | None = None  # every process's CPU seconds in that time
    error: str | None = None
    cache_empty: bool = False  # the demo's data cache was empty when this server started


@dataclass
class FirstChartReport:
    status: str  # ok | skipped
    detail: str = ""
    rounds: list[Round] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)  # warm reruns ("r"), seconds
    rerun_cpu: float | None = None  # the server's CPU seconds per warm rerun (mean)
    control: list[float] = field(default_factory=list)  # Overview control changes, seconds
    tour: list[tuple[str, float, str | None]] = field(default_factory=list)  # (page, s, error)
    rss_mb: float | None = None  # the server after every page
    hwm_mb: float | None = None
    after_error: str | None = None  # the warm part failed
    load: tuple[float, float, float] | None = None  # load average at the end
    gc_setting: str = field(default_factory=lambda: _configured_gc())

    def pairs(self) -> list[tuple[Round, Round]]:
        bare = {r.number: r for r in self.rounds if r.which == "bare"}
        demo = {r.number: r for r in self.rounds if r.which == "demo"}
        return [(bare[n], demo[n]) for n in sorted(bare) if n in demo]


def _configured_gc() -> str:
    """What the app's own config sets for runner.postScriptGC (Streamlit's default: on)."""
    config = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
    try:
        value = tomllib.loads(config.read_text()).get("runner", {}).get("postScriptGC", True)
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown (.streamlit/config.toml unreadable)"
    return f"as .streamlit/config.toml says ({'on' if value else 'off'})"


def _env(cache_dir: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(APP_DOTENV="", APP_READ_SECRETS="0", PYTHONUNBUFFERED="1")
    env["DEMO_CACHE_DIR"] = str(cache_dir)
    env.update(extra or {})
    return env


async def _first_chart(browser, one: Round, server: StreamlitServer, launched: float, timeout):
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = await context.new_page()
        browser_before, machine_before = _browser_cpu(server.pid), _machine_cpu()
        began = time.perf_counter()
        await page.goto(server.url, wait_until="commit")
        await page.wait_for_selector("h1", state="visible", timeout=timeout)
        one.heading = time.perf_counter() - began
        await page.wait_for_selector(DRAWN, state="visible", timeout=timeout)
        now = time.perf_counter()
        one.first_chart = now - began
        one.from_launch = now - launched
        one.cpu = cpu_seconds(server.pid)
        browser_after, machine_after = _browser_cpu(server.pid), _machine_cpu()
        if browser_before is not None and browser_after is not None:
            one.browser_cpu = browser_after - browser_before
        if machine_before is not None and machine_after is not None:
            one.machine_cpu = machine_after - machine_before
        await page.wait_for_selector(IDLE, timeout=timeout)
        if await page.locator(EXCEPTION).count():
            one.error = "the page raised: " + (await page.locator(EXCEPTION).first.inner_text())[
                :200
            ].replace("\n", " ")
        return context, page
    except BaseException:
        await context.close()
        raise


async def _runs(page) -> int:
    return await page.evaluate("() => window.__runs")


async def _timed_run(page, action, timeout) -> float:
    """Seconds from `action` to the end of the run it starts."""
    before = await _runs(page)
    began = time.perf_counter()
    await action()
    await page.wait_for_function(f"() => window.__runs > {before}", timeout=timeout)
    await page.wait_for_selector(IDLE, timeout=timeout)
    return time.perf_counter() - began


async def _warm(report: FirstChartReport, page, pid: int, reruns: int, timeout) -> None:
    await page.evaluate(COUNT_RUNS)
    before = cpu_seconds(pid)
    for _ in range(reruns):
        report.reruns.append(await _timed_run(page, lambda: page.keyboard.press("r"), timeout))
    after = cpu_seconds(pid)
    if before is not None and after is not None and reruns:
        report.rerun_cpu = (after - before) / reruns
    week = page.get_by_role("radio", name="Week", exact=True).first
    labels = ("Month", "Week")
    if await week.get_attribute("aria-checked") != "true":
        labels = ("Week", "Month")
    for label in labels * ((reruns + 1) // 2):  # each click changes the granularity
        radio = page.get_by_role("radio", name=label, exact=True).first
        report.control.append(await _timed_run(page, radio.click, timeout))
    for link, heading, charts in TOUR:
        began = time.perf_counter()
        error = None
        try:
            await page.get_by_role("link", name=link).first.click()
            await page.get_by_role("heading", name=heading, exact=True).first.wait_for(
                timeout=timeout
            )
            await page.wait_for_selector(IDLE, timeout=timeout)
            if charts:
                await page.wait_for_selector(DRAWN, state="visible", timeout=timeout)
            if await page.locator(EXCEPTION).count():
                error = "the page raised"
        except Exception as err:  # noqa: BLE001 - reported with the results
            error = f"{type(err).__name__}: {str(err)[:200]}"
        report.tour.append((link, time.perf_counter() - began, error))
    report.rss_mb, report.hwm_mb = _rss(pid)


async def _drive(report, rounds, reruns, timeout, extra_env, log) -> None:
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-first-chart-"))
    bare = folder / "bare_page.py"
    bare.write_text(BARE_PAGE)
    cache = folder / "demo-cache"
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                for number in range(1, rounds + 1):
                    for which in ("bare", "demo"):
                        one = Round(which, number, cache_empty=which == "demo" and number == 1)
                        report.rounds.append(one)
                        last = which == "demo" and number == rounds
                        script = str(bare) if which == "bare" else "app.py"
                        launched = time.perf_counter()
                        try:
                            with StreamlitServer(_env(cache, extra_env), script=script) as server:
                                one.server_start = time.perf_counter() - launched
                                context, page = await _first_chart(
                                    browser, one, server, launched, timeout
                                )
                                try:
                                    if last and one.error is None:
                                        try:
                                            await _warm(report, page, server.pid, reruns, timeout)
                                        except Exception as err:  # noqa: BLE001
                                            report.after_error = (
                                                f"{type(err).__name__}: {str(err)[:300]}"
                                            )
                                finally:
                                    await context.close()
                        except Exception as err:  # noqa: BLE001 - a FAILED row
                            one.error = f"{type(err).__name__}: {str(err)[:300]}"
                        log(
                            f"    round {number} {which}: "
                            + (
                                f"FAILED {one.error}"
                                if one.error
                                else f"first chart {one.first_chart:.2f} s, "
                                f"server CPU {one.cpu or 0:.2f} s"
                            )
                        )
            finally:
                await browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(
    rounds: int = 5, reruns: int = 5, timeout: float = 180.0, extra_env=None, log=print
) -> FirstChartReport:
    """`rounds` pairs (bare, demo), each on a fresh server. `extra_env`: more environment for
    both servers (e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false)."""
    why = available()
    report = FirstChartReport("skipped" if why else "ok", why or "")
    if extra_env:
        report.gc_setting = ", ".join(f"{k}={v}" for k, v in extra_env.items())
    if why:
        return report
    asyncio.run(_drive(report, rounds, reruns, timeout * 1000, extra_env, log))
    report.load = os.getloadavg()
    return report


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def section(report: FirstChartReport):
    """The Markdown section and its targets."""
    from .report import Target, table

    title = "## A newcomer's first chart: demo against a bare page (fresh server each round)"
    if report.status != "ok":
        return f"{title}\n\nSkipped: {report.detail}", []
    rows = []
    kept, first_ever = [], []
    for bare, demo in report.pairs():
        for one in (bare, demo):
            label = "bare page" if one.which == "bare" else "demo app"
            if one.cache_empty:
                label += " (demo cache empty)"
            if one.error:
                rows.append([str(one.number), label, f"**FAILED**: {one.error}", *[""] * 7])
        ok = bare.error is None and demo.error is None
        ratio = demo.first_chart / bare.first_chart if ok else None
        cpu_ratio = demo.cpu / bare.cpu if ok and demo.cpu is not None and bare.cpu else None
        if ok:
            (first_ever if demo.cache_empty else kept).append((ratio, cpu_ratio))
            rows.append(
                [
                    str(bare.number) + (" (cache empty)" if demo.cache_empty else ""),
                    "bare · demo",
                    f"{_s(bare.first_chart)} · {_s(demo.first_chart)}",
                    f"**{ratio:.2f}×**",
                    f"{_s(bare.from_launch)} · {_s(demo.from_launch)}",
                    f"{_s(bare.cpu)} · {_s(demo.cpu)}",
                    "—" if cpu_ratio is None else f"{cpu_ratio:.2f}×",
                    f"{_s(bare.browser_cpu)} · {_s(demo.browser_cpu)}",
                    f"{_s(bare.machine_cpu)} · {_s(demo.machine_cpu)}",
                    f"{_s(bare.server_start)} · {_s(demo.server_start)}",
                ]
            )
        else:
            rows.append([str(bare.number), "pair", "**FAILED** (no ratio)", *[""] * 7])
    text = [
        title,
        f"{len(report.pairs())} rounds, alternating bare page, demo app; each a new `streamlit "
        "run` server and a new Chromium context; runner.postScriptGC: "
        f"{report.gc_setting}; load average at the end: "
        + (" / ".join(f"{x:.2f}" for x in report.load) if report.load else "unknown")
        + ". First chart: from the navigation (server healthy) to a chart's canvas or svg "
        "visible. From launch: from starting the server process. CPU: the server process's "
        "user + system seconds at the first chart. Browser CPU: Chromium's processes (and "
        "Playwright's driver) from the navigation to the first chart; machine CPU: every "
        "process on the machine in that time (other sessions included: the load). The demo's "
        "data cache is empty in round 1 only (a first start ever on this machine and day).",
        table(
            [
                "round",
                "page",
                "first chart",
                "demo ÷ bare",
                "from launch",
                "server CPU",
                "CPU demo ÷ bare",
                "browser CPU",
                "machine CPU (all processes)",
                "server start",
            ],
            rows,
            "llrrrrrrrr",
        ),
    ]
    targets = []
    ratios = [r for r, _ in kept]
    if ratios:
        med = median(ratios)
        cpu_med = median([c for _, c in kept])
        text.append(
            f"Cache kept (rounds 2–{len(report.pairs())}): first chart demo ÷ bare median "
            f"**{med:.2f}×** (min {min(ratios):.2f}, max {max(ratios):.2f}, {len(ratios)} "
            "rounds)" + (f"; server CPU demo ÷ bare median {cpu_med:.2f}×" if cpu_med else "") + "."
        )
        kept_pairs = [
            (b, d) for b, d in report.pairs() if not d.cache_empty and not (b.error or d.error)
        ]
        medians = {
            name: (
                median([getattr(b, name) for b, _ in kept_pairs]),
                median([getattr(d, name) for _, d in kept_pairs]),
            )
            for name in ("heading", "first_chart", "cpu", "browser_cpu", "machine_cpu")
        }
        text.append(
            "Medians, bare · demo: "
            + "; ".join(
                f"{label} {_s(medians[name][0])} · {_s(medians[name][1])}"
                for name, label in (
                    ("heading", "title (h1) visible"),
                    ("first_chart", "first chart"),
                    ("cpu", "server CPU"),
                    ("browser_cpu", "browser CPU"),
                    ("machine_cpu", "machine CPU"),
                )
            )
            + "."
        )
        targets.append(
            Target(
                "demo: first chart ÷ a bare page (fresh server, cache kept)",
                f"{med:.2f}×",
                "≤ 1.5×",
                f"{(1.5 - med) / 1.5:+.0%}",
                med <= 1.5,
            )
        )
    if first_ever:
        text.append(
            f"Cache empty (round 1, the first start ever): demo ÷ bare {first_ever[0][0]:.2f}×."
        )
    warm = []
    if report.reruns:
        warm.append(
            f'warm rerun ("r") median {median(report.reruns) * 1000:,.0f} ms '
            f"(min {min(report.reruns) * 1000:,.0f}, max {max(report.reruns) * 1000:,.0f}, "
            f"{len(report.reruns)} reruns"
            + (
                f", server CPU {report.rerun_cpu * 1000:,.0f} ms a rerun"
                if report.rerun_cpu is not None
                else ""
            )
            + ")"
        )
    if report.control:
        warm.append(
            f"Overview granularity change median {median(report.control) * 1000:,.0f} ms "
            f"(max {max(report.control) * 1000:,.0f}, {len(report.control)} changes)"
        )
    if report.tour:
        visits = ", ".join(
            f"{name} {seconds:.1f} s" + (f" **FAILED** ({error})" if error else "")
            for name, seconds, error in report.tour
        )
        warm.append(f"every page visited once: {visits}")
    if report.rss_mb is not None:
        warm.append(
            f"server RSS after every page **{report.rss_mb:,.0f} MB** "
            f"(peak {report.hwm_mb:,.0f} MB)"
        )
    if report.after_error:
        warm.append(f"**FAILED** warm part: {report.after_error}")
    if warm:
        text.append("On the last demo server, after its first chart: " + "; ".join(warm) + ".")
    return "\n\n".join(text), targets
