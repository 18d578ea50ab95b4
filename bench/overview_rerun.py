"""Part 3: warm reruns of the Overview page (AppTest) with 365 days loaded, and the rows each
chart sends to the browser. Runs overview_probe.py in a fresh process whose environment holds no
key, no base URL, no .env and no secrets (cwd and HOME are an empty temporary folder), so the
app is in demo mode on its in-process sandbox."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from .server_process import PROJECT_DIR

RERUN_TARGET_MS = 150.0
ROWS_TARGET = 5_000
SETTING_SUFFIXES = ("_KEY", "_BASE_URL", "_USD_PER_CREDIT")


@dataclass
class OverviewReport:
    status: str  # ok | missing | error
    detail: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def reruns_ms(self) -> list[float]:
        return [s * 1000 for s in self.raw.get("rerun_seconds", [])]

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.reruns_ms) if self.reruns_ms else None

    @property
    def rerun_met(self) -> bool | None:
        return None if self.median_ms is None else self.median_ms <= RERUN_TARGET_MS

    @property
    def max_rows(self) -> int | None:
        rows = [c["rows"] for charts in self.raw.get("charts", {}).values() for c in charts]
        return max(rows) if rows else None

    @property
    def rows_met(self) -> bool | None:
        return None if self.max_rows is None else self.max_rows <= ROWS_TARGET


def hermetic_env(home: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(SETTING_SUFFIXES)
        and not k.startswith(("BUILDER_", "FIREBENDER_", "CODEFRESH_", "STREAMLIT_"))
    }
    env.update(APP_DOTENV="", APP_READ_SECRETS="0", HOME=home, PYTHONPATH=str(PROJECT_DIR))
    # Benches measure computing a view; one that measures reading kept frames
    # (sync/kept_frames.py) gives a folder of its own.
    env["FRAMES_CACHE_DIR"] = "off"
    return env


def run(
    reruns: int = 10,
    days: int = 365,
    granularities=("day", "week", "month"),
    profile: bool = True,
    timeout: float = 900.0,
    log=print,
) -> OverviewReport:
    options = {
        "days": days,
        "reruns": reruns,
        "granularities": list(granularities),
        "profile": profile,
    }
    with tempfile.TemporaryDirectory(prefix="bench-overview-") as home:
        done = subprocess.run(
            [sys.executable, "-m", "bench.overview_probe", json.dumps(options)],
            cwd=home,
            env=hermetic_env(home),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    line = next(
        (ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("BENCH-RESULT ")), None
    )
    if line is None:
        return OverviewReport(
            "error", f"the probe exited with {done.returncode}: {done.stderr.strip()[-1500:]}"
        )
    raw = json.loads(line.removeprefix("BENCH-RESULT "))
    report = OverviewReport(raw.get("status", "error"), raw.get("detail", ""), raw)
    if report.status == "ok":
        log(
            f"  cold run {raw['cold_seconds']:.1f} s, warm rerun median {report.median_ms:.0f} ms, "
            f"most rows in one chart {report.max_rows}"
        )
    else:
        log(f"  overview: {report.status}: {report.detail}")
    return report
