"""How often the overview's answer is right, on sandbox scenarios whose truth is known.

For each seed, a sandbox world of the scenario serves the year before TODAY through the real
connectors (in-process transport): Firebender daily usage, Builder.io organization metrics by
day, Codefresh credits by day and active committers by month, as the overview loads them for its
answer. The answer (analytics.metrics.verdict.answer) reads the last 52 finished weeks ending on
END, with AI use counted from either connected tool, each person once ("both": the share of
committers active in either tool, estimated from the two tools' daily counts; every page's
default when both tools are connected) and, side by side on the same seeds, from Firebender
alone (the default when it is the only AI tool connected).

Per scenario: how often it says "Evidence" of either direction (on a no-effect scenario, a false
positive; target at most 6%), how often it finds the planted effect ("Evidence of more"; target
at least 85% on effect and holidays_effect, 70% on builder_effect and lagged_effect), the median
estimate against the truth (% credits per committer per +10 points of the share; the truth is
stated per 10 points of the share the scenario plants: any tool's, Builder.io's in
builder_effect, the mean of 2-4 weeks before in lagged_effect) and how often the 95% interval
holds the truth.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np

TODAY = dt.date(2026, 11, 1)  # fixed, so runs on different days measure the same weeks
END = dt.date(2026, 10, 31)
FALSE_TARGET = 0.06
# scenario -> detection target (None: no effect, the false-evidence target applies)
SCENARIOS = {
    "no_link": None,
    "holidays": None,
    "ci_step": None,
    "ci_autocorrelated": None,
    "anomalies": None,
    "team_no_link": None,
    "team_trends": None,
    "effect": 0.85,
    "holidays_effect": 0.85,
    "builder_effect": 0.70,
    "lagged_effect": 0.70,
    "team_effect": None,  # an effect per team: reported, no target for the organisation's answer
    "team_trends_effect": None,
}
DETECTION = {name: target for name, target in SCENARIOS.items() if target is not None}
SOURCES = ("both", "firebender")  # "both" (the default): either tool, each person once; the
# targets read it


@dataclass
class Rates:
    scenario: str
    seeds: int
    openings: dict = field(default_factory=dict)  # source -> one opening per seed
    effects: dict = field(default_factory=dict)  # source -> effect per seed (None: no model)
    covered: dict = field(default_factory=dict)  # source -> interval holds the truth
    seconds: float = 0.0

    def evidence(self, source: str) -> float:
        from analytics.metrics.verdict import FEWER, MORE

        found = self.openings[source]
        return sum(o in (MORE, FEWER) for o in found) / len(found)

    def share(self, source: str, opening: str) -> float:
        found = self.openings[source]
        return sum(o == opening for o in found) / len(found)

    def median(self, source: str) -> float:
        known = [e for e in self.effects[source] if e is not None]
        return float(np.median(known)) if known else float("nan")

    def coverage(self, source: str) -> float:
        known = [c for c in self.covered[source] if c is not None]
        return sum(known) / len(known) if known else float("nan")


def truth(scenario: str) -> float:
    """The planted % change per +10 points of the share the scenario's effect acts through."""
    from connectors.sandbox import scenarios

    if scenarios.get(scenario).by_team and scenarios.true_effect(scenario):
        return float("nan")  # planted per team, not the organisation's share
    return scenarios.effect_per_10_points(scenario) * 100


def inputs_for(sandbox):
    """AnswerInputs for the answer's window, fetched through the connectors from `sandbox`."""
    from analytics.metrics import answer_weeks
    from connectors import BuilderClient, CodefreshClient, FirebenderClient
    from connectors.http import new_session
    from connectors.sandbox import DEFAULT_HOSTS, SandboxTransport, keys

    def client(cls, vendor, key):
        session = new_session(vendor, transport=SandboxTransport(sandbox))
        return cls(key, base_url=DEFAULT_HOSTS[vendor], session=session)

    first, end = answer_weeks.window(END)
    codefresh = client(CodefreshClient, "codefresh", keys.CODEFRESH_KEY)
    return answer_weeks.AnswerInputs(
        firebender=client(FirebenderClient, "firebender", keys.FIREBENDER_KEY).daily_usage(
            first, end
        ),
        builder=client(BuilderClient, "builder", keys.BUILDER_ORG_KEY).org_metrics(
            first, end, "day"
        ),
        credits=codefresh.credit_consumption(first, end, "day"),
        committers=codefresh.active_committers(first, end),
    )


def one_seed(scenario: str, seed: int) -> dict:
    """{source: (opening, effect, low, high)} for one seed."""
    from analytics.metrics import verdict
    from connectors.sandbox import Sandbox

    found = inputs_for(Sandbox(today=TODAY, scenario=scenario, seed=seed))
    out = {}
    for source in SOURCES:
        a = verdict.answer(found, END, source, today=TODAY)
        out[source] = (a.opening, a.effect, a.low, a.high)
    return out


def run(seeds: int = 200, log=print, scenarios=tuple(SCENARIOS)) -> list[Rates]:
    """Every scenario over `seeds` seeds, in this process (the machine is shared)."""
    results = []
    for scenario in scenarios:
        started = time.perf_counter()
        rates = Rates(scenario, seeds)
        true = truth(scenario)
        for seed in range(1, seeds + 1):
            for source, (opening, effect, low, high) in one_seed(scenario, seed).items():
                rates.openings.setdefault(source, []).append(opening)
                rates.effects.setdefault(source, []).append(effect)
                inside = None if low is None or np.isnan(true) else bool(low <= true <= high)
                rates.covered.setdefault(source, []).append(inside)
        rates.seconds = time.perf_counter() - started
        log(
            f"   {scenario}: {seeds} seeds in {rates.seconds:.0f} s; "
            + ", ".join(
                f"{s} evidence {rates.evidence(s):.1%} median {rates.median(s):+.1f}%"
                for s in SOURCES
            )
        )
        results.append(rates)
    return results
