"""How often the within-team answer is right, on sandbox scenarios whose truth is known.

For each seed, a sandbox world of the scenario serves 12 finished months through the real
connectors (in-process transport): Firebender daily usage and model requests (summed per day and
email), Codefresh credits per pipeline and day, Builder lines per space and day. The team table
is built as the Teams page builds it (analytics/teams_report.py): the demo's teams mapping
(connectors/sandbox/teams.py), the weekly team table from the range's first day (the 52 finished
weeks of the range), the privacy merge with PRIVACY_MIN_GROUP 5 (Internal tools, 3 people, is
not shown), then the within-team answer.

- team_no_link, team_trends, holidays, ci_step: no link between a team's AI use and its CI
  credits (team_trends: each team has its own CI trend and the organisation holidays; holidays
  and ci_step are organisation scenarios, whose pipelines all follow the organisation's load);
  the right answer is not "Evidence" (target: at most 6% of seeds).
- team_effect, team_trends_effect: a team's CI load is multiplied by 1 + 0.7 x the team's AI
  share (planted); the right answer is "Evidence of more CI credits with more AI use" (target:
  at least 85%).

Besides the app's method ("week": team and week fixed effects, each team's own linear trend,
Driscoll-Kraay errors), the same seeds are answered by the method it replaced ("week_fe": team
and week fixed effects, classical errors, no team trends), so the change is decided on the same
seeds.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FALSE_POSITIVE_TARGET = 0.06  # at most: "evidence" on a scenario without a link
DETECTION_TARGET = 0.85  # at least: "more credits" found on team_effect
TODAY = dt.date(2026, 11, 1)  # fixed, so runs on different days measure the same months
START = dt.date(2025, 11, 1)
END = dt.date(2026, 10, 31)
MIN_GROUP = 5  # the app's default PRIVACY_MIN_GROUP
# Every sandbox scenario but the demo: the organisation-only ones too, read with the demo's teams
# mapping (their pipelines all follow the organisation's load, so a team's own AI use has no
# effect on its own credits there: the truth within teams is 0, whatever the organisation's).
SCENARIOS = (
    "team_no_link",
    "team_trends",
    "no_link",
    "holidays",
    "ci_step",
    "ci_autocorrelated",
    "anomalies",
    "effect",
    "holidays_effect",
    "builder_effect",
    "lagged_effect",
    "team_effect",
    "team_trends_effect",
)
EFFECTS = ("team_effect", "team_trends_effect")
METHODS = ("week", "week_fe")
APP = "week"


@dataclass
class Rates:
    scenario: str
    seeds: int
    openings: dict = field(default_factory=dict)  # method -> one opening per seed
    effects: dict = field(default_factory=dict)  # method -> estimated effect per seed (or None)
    covered: dict = field(default_factory=dict)  # method -> whether the interval holds the truth
    shapes: list = field(default_factory=list)  # per seed: (teams, weeks)
    seconds: float = 0.0

    def share(self, method: str, opening: str) -> float:
        found = self.openings[method]
        return sum(o == opening for o in found) / len(found)

    def evidence(self, method: str) -> float:
        """The share of seeds answered "Evidence of ..." (more or fewer)."""
        from analytics.metrics.verdict import UNCLEAR

        found = self.openings[method]
        return sum(o != UNCLEAR for o in found) / len(found)

    def mean_effect(self, method: str) -> float:
        known = [e for e in self.effects[method] if e is not None]
        return float(np.mean(known)) if known else float("nan")

    def median_effect(self, method: str) -> float:
        known = [e for e in self.effects[method] if e is not None]
        return float(np.median(known)) if known else float("nan")

    def coverage(self, method: str) -> float:
        known = [c for c in self.covered[method] if c is not None]
        return sum(known) / len(known) if known else float("nan")


def truth(scenario: str) -> float:
    """The planted % change in credits per person per +10 points of a team's AI share (0 where
    CI does not follow a team's AI use)."""
    from connectors.sandbox import scenarios

    if not scenarios.get(scenario).by_team:
        return 0.0
    return scenarios.effect_per_10_points(scenario) * 100


# ---------------------------------------------------------------- the rows, as the app gets them


def clients(sandbox):
    """Firebender, Codefresh and Builder clients answering from `sandbox` in-process."""
    from connectors import BuilderClient, CodefreshClient, FirebenderClient
    from connectors.http import new_session
    from connectors.sandbox import DEFAULT_HOSTS, SandboxTransport, keys

    def client(cls, vendor, key):
        session = new_session(vendor, transport=SandboxTransport(sandbox))
        return cls(key, base_url=DEFAULT_HOSTS[vendor], session=session)

    return (
        client(FirebenderClient, "firebender", keys.FIREBENDER_KEY),
        client(CodefreshClient, "codefresh", keys.CODEFRESH_KEY),
        client(BuilderClient, "builder", keys.BUILDER_ORG_KEY),
    )


def requests_per_day(raw: pd.DataFrame) -> pd.DataFrame:
    """Model requests summed per UTC day and email (what analytics.queries.requests_summed gives
    the Teams page): timestamp (the day at UTC midnight), email, requests, cost_usd."""
    days = raw["timestamp"].dt.tz_convert("UTC").dt.floor("D")
    summed = (
        raw.assign(timestamp=days)
        .groupby(["timestamp", "email"], observed=True)
        .agg(requests=("request_id", "size"), cost_usd=("cost_usd", "sum"))
        .reset_index()
    )
    summed["requests"] = summed["requests"].astype("int64")
    return summed


def team_inputs(sandbox, start: dt.date, end: dt.date, raw_requests: bool = False):
    """TeamInputs for [start, end] as analytics/team_view.inputs fetches them, from `sandbox`;
    with `raw_requests`, also the model requests row by row: (inputs, raw or None)."""
    from analytics import metrics
    from analytics.metrics import teams as team_metrics
    from connectors import ranges

    firebender, codefresh, builder = clients(sandbox)
    found = team_metrics.TeamInputs()
    found.daily = firebender.daily_usage(start, end)
    earliest = ranges.rules_for("firebender.model_requests").earliest
    raw = None
    if end >= earliest:
        raw = firebender.model_requests(max(start, earliest), end)
        found.requests = requests_per_day(raw)
        found.requests_from = earliest
    found.credits = codefresh.pipeline_credit_consumption(start, end, "day")
    found.credits_span = metrics.coverage.span(found.credits, "period", ["value"], start, end)
    found.spaces = builder.org_space_metrics(start, end, "day")
    return found, (raw if raw_requests else None)


def demo_mapping():
    from connectors.sandbox import teams as demo_teams
    from teams import mapping

    return mapping.parse(demo_teams.demo_teams_csv(), "teams.example.csv")


def shown(
    inputs, mapping, granularity="month", start=START, end=END, today=TODAY, min_group=MIN_GROUP
):
    """The team table the Teams page's verdict reads: built, small teams merged or hidden for
    privacy (groups from the monthly table, as analytics/team_view.team_view does), Unassigned
    blanked when too few."""
    from analytics.metrics import teams as team_metrics
    from teams import privacy
    from teams.mapping import UNASSIGNED

    monthly = team_metrics.team_table(inputs, mapping, start, end, "month", None, today)
    sizes = team_metrics.team_sizes(monthly)
    sizes.pop(UNASSIGNED, None)
    groups = privacy.groups(sizes, min_group)
    raw = (
        monthly
        if granularity == "month"
        else team_metrics.team_table(inputs, mapping, start, end, granularity, None, today)
    )
    table = team_metrics.merged(raw, groups.label, groups.hidden)
    merged_monthly = team_metrics.merged(monthly, groups.label, groups.hidden)
    if team_metrics.unassigned_too_small(merged_monthly, min_group):
        table = team_metrics.blank_unassigned(table)
    return table


# ---------------------------------------------------------------- the method it replaced


def replaced(points: pd.DataFrame):
    """(slope, low, high) in log points per unit of AI share: team and week fixed effects and
    log(people), classical OLS errors, no team trends (the answer before issue 17)."""
    import statsmodels.api as sm

    from analytics.metrics.verdict import LEVEL

    teams = pd.get_dummies(points["team"], prefix="team", drop_first=True, dtype="float64")
    weeks = pd.get_dummies(
        points["period"].astype(str), prefix="week", drop_first=True, dtype="float64"
    )
    x = pd.concat([points["ai_share"].astype("float64").rename("ai_share"), teams, weeks], axis=1)
    x["log_people"] = np.log(points["people"].to_numpy("float64"))
    x.insert(0, "const", 1.0)
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        x = x.drop(columns="log_people")
        if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
            return None
    if len(points) - x.shape[1] < 6:
        return None
    y = np.log(points["credits_per_person"].to_numpy("float64"))
    fit = sm.OLS(y, x.to_numpy("float64")).fit()
    low, high = fit.conf_int(alpha=1 - LEVEL)[1]
    return float(fit.params[1]), float(low), float(high)


def _answer(fit, unclear, more, fewer):
    if fit is None:
        return unclear, None, None, None
    from analytics.metrics.team_verdict import _percent

    slope, low, high = fit
    opening = more if low > 0 else fewer if high < 0 else unclear
    return opening, _percent(slope), _percent(low), _percent(high)


# ---------------------------------------------------------------- one seed, many seeds


def one_seed(scenario: str, seed: int) -> dict:
    """{method: (opening, effect, low, high)} and "_shape": (teams, weeks)."""
    from analytics.metrics import team_verdict, verdict
    from connectors.sandbox import Sandbox

    sandbox = Sandbox(today=TODAY, scenario=scenario, seed=seed)
    inputs, _ = team_inputs(sandbox, START, END)
    table = shown(inputs, demo_mapping(), "week")
    answer = team_verdict.team_verdict(table, granularity="week")
    points = team_verdict.panel(table)
    return {
        "week": (answer.opening, answer.effect, answer.low, answer.high),
        "week_fe": _answer(replaced(points), verdict.UNCLEAR, verdict.MORE, verdict.FEWER),
        "_shape": (answer.teams, answer.months),
    }


def run(seeds: int = 100, log=print, scenarios=SCENARIOS) -> list[Rates]:
    """Every scenario over `seeds` seeds, in this process (the machine is shared)."""
    results = []
    from analytics.metrics import verdict

    for scenario in scenarios:
        started = time.perf_counter()
        rates = Rates(scenario, seeds)
        true = truth(scenario)
        for seed in range(1, seeds + 1):
            found = one_seed(scenario, seed)
            rates.shapes.append(found.pop("_shape"))
            for method, (opening, effect, low, high) in found.items():
                rates.openings.setdefault(method, []).append(opening)
                rates.effects.setdefault(method, []).append(effect)
                inside = None if low is None else bool(low <= true <= high)
                rates.covered.setdefault(method, []).append(inside)
        rates.seconds = time.perf_counter() - started
        log(
            f"   {scenario}: {seeds} seeds in {rates.seconds:.0f} s; "
            + ", ".join(
                f"{m} evidence {rates.evidence(m):.1%} "
                f"(more {rates.share(m, verdict.MORE):.1%}, median {rates.median_effect(m):+.2f}%)"
                for m in METHODS
            )
        )
        results.append(rates)
    return results
