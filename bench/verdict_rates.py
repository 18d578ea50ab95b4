"""How often the overview's verdict is right, on sandbox scenarios whose truth is known.

For each seed, a sandbox world of the scenario serves 12 finished months (and the weeks in them)
through the real connectors (in-process transport); the overview's tables are built as the app
builds them and the verdict is asked at week and at month granularity, with the app's method
("trend") and the first-differences alternative ("changes") side by side.

- no_link: AI use and CI credits both grow (headcount, adoption, a credits drift) with no link;
  the right answer is "No clear evidence" (target: in at least 95% of seeds).
- effect: credits per committer rise with AI share (planted); the right answer is "Evidence of
  more CI credits with more AI use" (target: at least 90% of seeds, at week or month).
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

FALSE_POSITIVE_TARGET = 0.05  # at most: "evidence" on no_link
DETECTION_TARGET = 0.90  # at least: "more credits" found on effect
TODAY = dt.date(2026, 11, 1)  # fixed, so runs on different days measure the same months
START = dt.date(2025, 11, 1)
END = dt.date(2026, 10, 31)
GRANULARITIES = ("week", "month")


@dataclass
class Rates:
    scenario: str
    seeds: int
    # (granularity, method) -> list of openings, one per seed
    openings: dict = field(default_factory=dict)
    effects: dict = field(default_factory=dict)  # (granularity, method) -> estimated effects
    seconds: float = 0.0

    def share(self, granularity: str, method: str, opening: str) -> float:
        found = self.openings[(granularity, method)]
        return sum(o == opening for o in found) / len(found)


def one_seed(scenario: str, seed: int) -> dict:
    """{(granularity, method): (opening, effect)} for one seed."""
    from analytics import metrics
    from connectors import CodefreshClient, FirebenderClient
    from connectors.http import new_session
    from connectors.sandbox import DEFAULT_HOSTS, Sandbox, SandboxTransport, keys

    sandbox = Sandbox(today=TODAY, scenario=scenario, seed=seed)

    def client(cls, vendor, key):
        session = new_session(vendor, transport=SandboxTransport(sandbox))
        return cls(key, base_url=DEFAULT_HOSTS[vendor], session=session)

    firebender = client(FirebenderClient, "firebender", keys.FIREBENDER_KEY)
    codefresh = client(CodefreshClient, "codefresh", keys.CODEFRESH_KEY)
    load_from = metrics.snap_start(metrics.snap_start(START, "week"), "month")
    load_from = min(load_from, metrics.snap_start(START, "week"))
    inputs = metrics.OverviewInputs(
        firebender=firebender.daily_usage(load_from, END),
        credits=codefresh.credit_consumption(load_from, END, "day"),
        committers=codefresh.active_committers(metrics.snap_start(load_from, "month"), END),
    )
    months = metrics.monthly_table(
        inputs, metrics.snap_start(load_from, "month"), END, "firebender"
    )
    out = {}
    for granularity in GRANULARITIES:
        start = metrics.snap_start(START, granularity)
        table = metrics.overview_table(inputs, start, END, granularity)
        table["complete"] = table["complete"] & (table["period"] >= f"{START}")
        for method in metrics.verdict.METHODS:
            answer = metrics.verdict.verdict(table, months, granularity, method=method)
            out[(granularity, method)] = (answer.opening, answer.effect)
    return out


def run(seeds: int = 200, log=print, workers: int | None = None) -> list[Rates]:
    import time

    from analytics.metrics import verdict

    results = []
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    for scenario in ("no_link", "effect"):
        started = time.perf_counter()
        rates = Rates(scenario, seeds)
        with ProcessPoolExecutor(workers) as pool:
            answers = list(pool.map(one_seed, [scenario] * seeds, range(1, seeds + 1)))
        for found in answers:
            for key, (opening, effect) in found.items():
                rates.openings.setdefault(key, []).append(opening)
                rates.effects.setdefault(key, []).append(effect)
        rates.seconds = time.perf_counter() - started
        log(
            f"   {scenario}: {seeds} seeds in {rates.seconds:.0f} s; "
            + ", ".join(
                f"{g}/{m} evidence-of-more {rates.share(g, m, verdict.MORE):.1%}"
                for g, m in rates.openings
            )
        )
        results.append(rates)
    return results
