"""A viewer's first chart on a filled store against a bare one-chart page, for the store-at-scale
benchmark (bench/scale_store.py): a fresh `streamlit run` server each round, alternating the bare
page (bench/first_chart.BARE_PAGE) and `app.py`, A B A B, in one headless Chromium.

`app.py` runs the way a viewer deployment does: the live settings (keys, spaces) and HISTORY_DIR
the store the sync filled, mounted read-only (`mount --bind -o ro`), so the app reads the store
and fetches nothing (README, "Which store"). Where this machine cannot mount, the store is used
as it is (writable: the app may then fetch what the view lacks) and the report says so.

The app keeps what it computed from the store on disk (sync/kept_frames.py) in a folder of this
run, empty before round 1: round 1's app is the first server after a sync (it computes the view
and keeps it), later rounds are fresh servers that read what round 1 kept. Both are reported.

Per round: from the navigation to the first chart visible (a canvas or svg inside
[data-testid="stVegaLiteChart"]), from the server's launch, the server's CPU seconds (user +
system, /proc) at the first chart, Chromium's CPU over the same time. A round that fails is a
failed row and takes no part in a ratio.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from config.names import HISTORY_DIR

from .first_chart import BARE_PAGE, Round, _first_chart
from .store_browser import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, available

ROUNDS = 3
TARGET = 2.0  # first chart on the filled store at 2,000 developers <= 2 x a bare page


def _mount_read_only(source: str, view: str) -> str | None:
    """Why `source` could not be mounted read-only at `view`, or None when it is."""
    try:
        done = subprocess.run(
            ["mount", "--bind", "-o", "ro", source, view], capture_output=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"{type(err).__name__}: {err}"
    if done.returncode != 0:
        return done.stderr.decode(errors="replace").strip()[:200] or f"exit {done.returncode}"
    try:  # a bind mount ignores "ro" on some kernels: prove it
        Path(view, ".bench-write-probe").touch()
    except OSError:
        return None
    Path(view, ".bench-write-probe").unlink()
    subprocess.run(["umount", view], capture_output=True, check=False)
    return "the mount accepted a write"


async def _rounds(env_app, env_bare, bare_script, rounds, timeout_ms, log) -> list[Round]:
    from playwright.async_api import async_playwright

    done: list[Round] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for number in range(1, rounds + 1):
                for which in ("bare", "app"):
                    one = Round(which, number, cache_empty=which == "app" and number == 1)
                    done.append(one)
                    env, script = (
                        (env_bare, bare_script) if which == "bare" else (env_app, "app.py")
                    )
                    launched = time.perf_counter()
                    try:
                        with StreamlitServer(env, script=script) as server:
                            one.server_start = time.perf_counter() - launched
                            context, _ = await _first_chart(
                                browser, one, server, launched, timeout_ms
                            )
                            await context.close()
                    except Exception as err:  # noqa: BLE001 - a failed row
                        one.error = f"{type(err).__name__}: {str(err)[:300]}"
                    log(
                        f"    first chart round {number} {which}: "
                        + (
                            f"FAILED {one.error}"
                            if one.error
                            else f"{one.first_chart:.2f} s, server CPU {one.cpu or 0:.2f} s"
                        )
                    )
        finally:
            await browser.close()
    return done


def run(
    env: dict[str, str], store: str, rounds: int = ROUNDS, timeout: float = 300.0, log=print
) -> dict:
    """`rounds` pairs (bare page, app on `store` read-only), each on a fresh server."""
    why = available()
    if why:
        return {"status": "skipped", "detail": why}
    folder = tempfile.mkdtemp(prefix="bench-store-first-chart-")
    bare = os.path.join(folder, "bare_page.py")
    Path(bare).write_text(BARE_PAGE)
    view = os.path.join(folder, "store")
    os.makedirs(view)
    refused = _mount_read_only(store, view)
    mode = "read-only mount" if refused is None else f"writable (no read-only mount: {refused})"
    frames = os.path.join(folder, "frames")  # empty: round 1 computes and keeps
    env_app = {**env, HISTORY_DIR: view if refused is None else store, "FRAMES_CACHE_DIR": frames}
    try:
        found = asyncio.run(_rounds(env_app, env, bare, rounds, timeout * 1000, log))
    except Exception as err:  # noqa: BLE001 - reported with the results
        return {"status": "error", "detail": f"{type(err).__name__}: {str(err)[:500]}"}
    finally:
        if refused is None:
            subprocess.run(["umount", view], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "status": "ok",
        "store": mode,
        "rounds": [asdict(one) for one in found],
        "load": list(os.getloadavg()),
    }


def pairs(result: dict) -> list[tuple[dict, dict]]:
    """(bare, app) rounds by number, both present."""
    bare = {r["number"]: r for r in result.get("rounds", []) if r["which"] == "bare"}
    app = {r["number"]: r for r in result.get("rounds", []) if r["which"] == "app"}
    return [(bare[n], app[n]) for n in sorted(bare) if n in app]


def failure(result: dict) -> str | None:
    """Why the comparison has no ratio at all, or which rounds failed (None: every round ran)."""
    if not result or result.get("status") == "skipped":
        return None
    if result.get("status") != "ok":
        return str(result.get("detail") or result.get("status"))
    broken = [
        f"round {r['number']} {r['which']}: {r['error']}"
        for r in result.get("rounds", [])
        if r.get("error")
    ]
    return "; ".join(broken) or None


def ratios(result: dict) -> list[float]:
    """app ÷ bare per round where both drew their chart."""
    return [
        a["first_chart"] / b["first_chart"]
        for b, a in pairs(result)
        if not b.get("error") and not a.get("error") and b.get("first_chart")
    ]


def first_after_sync(result: dict) -> float | None:
    """app ÷ bare in the round whose app started with nothing kept (round 1), if it ran."""
    found = [
        a["first_chart"] / b["first_chart"]
        for b, a in pairs(result)
        if a.get("cache_empty") and not b.get("error") and not a.get("error")
    ]
    return found[0] if found else None


def median_of(result: dict, which: str, name: str) -> float | None:
    values = [
        r[name]
        for r in result.get("rounds", [])
        if r["which"] == which and not r.get("error") and r.get(name) is not None
    ]
    return statistics.median(values) if values else None
