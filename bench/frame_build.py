"""Part 2: a million Firebender model-request records -> typed DataFrame.

Times the three paths of frame_paths.py side by side (interleaved rounds, best of `repeat`,
garbage collected between runs), measures each path's peak memory in its own subprocess
(memory_probe.py; never timed with tracemalloc), and checks that ours and the baseline hold the
same content.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import frame_paths, model_pages
from .server_process import PROJECT_DIR

FASTER_THAN_BASELINE = 2.5  # ours at least this many times faster than json_normalize
FLOOR_RATIO = 2.5  # ours at most this many times the orjson floor
MEMORY_RATIO = 2.0  # ours' peak at most this many times the JSON bytes


@dataclass
class FrameReport:
    records: int
    pages: int
    json_bytes: int
    repeat: int
    generate_seconds: float
    times: dict[str, list[float]] = field(default_factory=dict)
    memory: dict[str, dict] = field(default_factory=dict)
    ours_summary: dict = field(default_factory=dict)
    baseline_summary: dict = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    dtypes: dict[str, str] = field(default_factory=dict)

    def best(self, path: str) -> float:
        return min(self.times[path])

    @property
    def speedup(self) -> float:
        return self.best("baseline") / self.best("ours")

    @property
    def floor_ratio(self) -> float:
        return self.best("ours") / self.best("floor")

    def memory_ratio(self, path: str) -> float | None:
        probe = self.memory.get(path)
        return probe["added_bytes"] / self.json_bytes if probe else None


def _timed(path: str, pages: list[bytes]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    result = frame_paths.PATHS[path](pages)
    return time.perf_counter() - started, result


def probe_memory(path: str, pages_file: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe", path, str(pages_file)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"memory probe {path} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    records: int = model_pages.RECORDS,
    per_page: int = model_pages.PER_PAGE,
    repeat: int = 3,
    memory: bool = True,
    log=print,
) -> FrameReport:
    started = time.perf_counter()
    pages = model_pages.make_pages(records, per_page)
    report = FrameReport(
        records, len(pages), sum(map(len, pages)), repeat, time.perf_counter() - started
    )
    log(
        f"  {records:,} records in {len(pages):,} pages, {report.json_bytes / 1e6:.0f} MB of "
        f"JSON (made in {report.generate_seconds:.1f} s)"
    )

    # Content first (untimed): ours and the baseline must describe the same records.
    ours = frame_paths.ours(pages)
    report.ours_summary = frame_paths.summary(ours)
    report.dtypes = {name: str(dtype) for name, dtype in ours.dtypes.items()}
    del ours
    base = frame_paths.baseline(pages)
    report.baseline_summary = frame_paths.summary(base, camel=True)
    del base
    report.differences = frame_paths.differences(report.ours_summary, report.baseline_summary)
    parsed = frame_paths.floor(pages)
    if parsed != records:
        report.differences.append(f"floor parsed {parsed} records, not {records}")

    for round_ in range(repeat):  # side by side: interleaved rounds
        for path in frame_paths.PATHS:
            seconds, result = _timed(path, pages)
            del result
            report.times.setdefault(path, []).append(seconds)
        log(
            f"  round {round_ + 1}/{repeat}: "
            + ", ".join(f"{p} {report.times[p][-1]:.2f} s" for p in frame_paths.PATHS)
        )
    if memory:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
            pages_file = Path(folder) / "pages.jsonl"
            model_pages.write_pages(pages_file, pages)
            del pages
            gc.collect()
            for path in frame_paths.PATHS:
                report.memory[path] = probe_memory(path, pages_file)
                log(f"  peak memory {path}: +{report.memory[path]['added_bytes'] / 1e6:.0f} MB")
    return report
