"""How often the within-team verdict is right, on sandbox scenarios whose truth is known.

For each seed, a sandbox world of the scenario serves 12 finished months through the real
connectors (in-process transport): Firebender daily usage and model requests (summed per day and
email), Codefresh credits per pipeline and day, Builder lines per space and day. The team table
is built as the Teams page builds it (analytics/team_view.py): the demo's teams mapping
(connectors/sandbox/teams.py), the team table by month (and by week, the 51 finished weeks of
the range), the privacy merge with PRIVACY_MIN_GROUP 5 (Internal tools, 3 people, is not shown),
then the within-team verdict.

- team_no_link: teams adopt AI at different times and have their own busy and quiet AI weeks, CI
  load follows each team's committers and a shared drift, with no link to AI use; the right
  answer is "No clear evidence either way" (target: "evidence" in at most 5% of seeds).
- team_effect: a team's CI load is multiplied by 1 + 0.7 x the team's AI share (planted); the
  right answer is "Evidence of more CI credits with more AI use" (reported; target 80%).

Besides the app's method (the monthly table; OLS with team and month fixed effects, classical t
interval), the same seeds are answered with alternatives side by side (see METHODS), so a change
of method is decided on the same seeds.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FALSE_POSITIVE_TARGET = 0.05  # at most: "evidence" on team_no_link
DETECTION_TARGET = 0.80  # at least: "more credits" found on team_effect
TODAY = dt.date(2026, 11, 1)  # fixed, so runs on different days measure the same months
START = dt.date(2025, 11, 1)
END = dt.date(2026, 10, 31)
MIN_GROUP = 5  # the app's default PRIVACY_MIN_GROUP
SCENARIOS = ("team_no_link", "team_effect")
# The methods measured side by side on the same seeds. "month" is what the Teams page asks now
# (team_verdict over the monthly table: OLS, team and month fixed effects, classical t interval);
# "month_cluster" the same fit with team-clustered errors (CR1, t with teams - 1 degrees of
# freedom); "month_hac" with Newey-West errors within each team's months (1 lag); "week" the
# team_verdict over the weekly table (week fixed effects), "week_hac" that with Newey-West
# errors within each team's weeks (4 lags).
METHODS = ("month", "month_cluster", "month_hac", "week", "week_hac")
APP = "week"  # what analytics/team_view.py asks at the time of writing


@dataclass
class Rates:
    scenario: str
    seeds: int
    openings: dict = field(default_factory=dict)  # method -> one opening per seed
    effects: dict = field(default_factory=dict)  # method -> estimated effect per seed (or None)
    covered: dict = field(default_factory=dict)  # method -> whether the interval holds the truth
    shapes: list = field(default_factory=list)  # per seed: {granularity: (teams, periods)}
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

    def coverage(self, method: str) -> float:
        known = [c for c in self.covered[method] if c is not None]
        return sum(known) / len(known) if known else float("nan")


def truth(scenario: str) -> float:
    """The planted % change in credits per person per +10 points of a team's AI share."""
    from connectors.sandbox import scenarios

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


# ---------------------------------------------------------------- alternatives to the app's fit


def _design(points: pd.DataFrame):
    """The app's design matrix (share, team and month effects, log people when it adds
    anything); None when it is rank deficient."""
    teams = pd.get_dummies(points["team"], prefix="team", drop_first=True, dtype="float64")
    months = pd.get_dummies(
        points["period"].astype(str), prefix="month", drop_first=True, dtype="float64"
    )
    x = pd.concat([points["ai_share"].astype("float64").rename("ai_share"), teams, months], axis=1)
    x["log_people"] = np.log(points["people"].to_numpy("float64"))
    x.insert(0, "const", 1.0)
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        x = x.drop(columns="log_people")
        if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
            return None
    return x.to_numpy("float64")


def alternative(points: pd.DataFrame, method: str, lags: int = 1):
    """(slope, low, high) in log points per unit of AI share: the app's design refitted with
    team-clustered errors ("cluster") or Newey-West errors within each team ("hac", `lags`)."""
    import statsmodels.api as sm
    from scipy import stats

    from analytics.metrics.verdict import LEVEL

    x = _design(points)
    if x is None or len(points) - x.shape[1] < 6:
        return None
    y = np.log(points["credits_per_person"].to_numpy("float64"))
    groups = pd.factorize(points["team"])[0]
    if method == "cluster":
        g = len(set(groups))
        fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
        # statsmodels' CR1 factor: G/(G-1) x (N-1)/(N-K); t with G-1 degrees of freedom.
        se = float(fit.bse[1])
        q = stats.t.ppf(0.5 + LEVEL / 2, g - 1)
    elif method == "hac":
        order = points.assign(_g=groups).sort_values(["_g", "period"]).index
        xs, ys, gs = x[order], y[order], groups[order]
        fit = sm.OLS(ys, xs).fit(cov_type="hac-panel", cov_kwds={"groups": gs, "maxlags": lags})
        se = float(fit.bse[1])
        q = stats.t.ppf(0.5 + LEVEL / 2, len(ys) - xs.shape[1])
    else:
        raise ValueError(method)
    slope = float(fit.params[1])
    return slope, slope - q * se, slope + q * se


def _answer(fit, unclear, more, fewer):
    if fit is None:
        return unclear, None, None, None
    from analytics.metrics.team_verdict import _percent

    slope, low, high = fit
    opening = more if low > 0 else fewer if high < 0 else unclear
    return opening, _percent(slope), _percent(low), _percent(high)


# ---------------------------------------------------------------- one seed, many seeds


def one_seed(scenario: str, seed: int) -> dict:
    """{method: (opening, effect, low, high)} and "_shape": {granularity: (teams, periods)}."""
    from analytics.metrics import team_verdict, verdict
    from connectors.sandbox import Sandbox

    sandbox = Sandbox(today=TODAY, scenario=scenario, seed=seed)
    inputs, _ = team_inputs(sandbox, START, END)
    mapping = demo_mapping()
    out, shape = {}, {}
    for granularity, lags in (("month", 1), ("week", 4)):
        table = shown(inputs, mapping, granularity)
        answer = team_verdict.team_verdict(table, granularity=granularity)
        out[granularity] = (answer.opening, answer.effect, answer.low, answer.high)
        shape[granularity] = (answer.teams, answer.months)
        points = team_verdict.panel(table)
        for kind in ("cluster", "hac") if granularity == "month" else ("hac",):
            fit = alternative(points, kind, lags)
            out[f"{granularity}_{kind}"] = _answer(
                fit, verdict.UNCLEAR, verdict.MORE, verdict.FEWER
            )
    out["_shape"] = shape
    return out


def run(
    seeds: int = 100, log=print, workers: int | None = None, scenarios=SCENARIOS
) -> list[Rates]:
    results = []
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    from analytics.metrics import verdict

    for scenario in scenarios:
        started = time.perf_counter()
        rates = Rates(scenario, seeds)
        true = truth(scenario)
        if workers == 1:
            answers = [one_seed(scenario, s) for s in range(1, seeds + 1)]
        else:
            with ProcessPoolExecutor(workers) as pool:
                answers = list(pool.map(one_seed, [scenario] * seeds, range(1, seeds + 1)))
        for found in answers:
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
                f"(more {rates.share(m, verdict.MORE):.1%}, mean {rates.mean_effect(m):+.2f}%)"
                for m in METHODS
            )
        )
        results.append(rates)
    return results
