"""The within-team verdict: teams that adopted more AI - more or fewer CI credits per person?

Organisation totals can only compare busier and quieter AI weeks against a trend. Teams give a
better comparison: teams adopt at different times, so a team's own change in AI use can be set
against its own change in credits, while every month's organisation-wide events (a shared drift
in CI load, a holiday month, a price change) are removed by comparing teams within each month.

The model, OLS over finished months m and teams t with people in the mapping:

    log(CI credits per person)[t, m] = b * (AI-active share)[t, m]
                                       + team[t] + month[m] + c * log(people)[t, m] + error

`team[t]` (team fixed effects) absorbs each team's own level (a team with heavy pipelines is not
"more AI"), `month[m]` every change the organisation shares. log(people) controls for the shared
denominator, as in the organisation's verdict. `b` is stated as the % change in credits per
person for a 10-point rise in a team's AI-active share, with a t-based 95% interval; its calibration
(how often "evidence" is claimed when there is no link) is measured on the sandbox's
`team_no_link` scenario over many seeds (bench/team_verdict_rates.py).

The same model runs over team-weeks (`granularity="week"`, week fixed effects), and weeks are
what the caller should ask: on the sandbox's team scenarios (100 seeds each, the same seeds for
both, bench/results-teams.md) the monthly table says "evidence" on 30% of `team_no_link` seeds and
finds 43% of `team_effect`'s, the weekly one 5% and 97% (mean effect +5.6%, planted +5.5%). A
month's AI-active share counts anyone who used AI on any day of it, so it mostly says who has
adopted, and moves with a team's growth (joiners, whom a mapping without join dates counts from
the start) as its credits per person do; weeks keep each team's busy and quiet AI weeks.

Unassigned is left out (nobody knows its people), and so are groups hidden for privacy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from teams.mapping import UNASSIGNED

from .calendar import period_name
from .verdict import FEWER, LEVEL, MORE, STEP, UNCLEAR

MIN_TEAMS = 2
MIN_MONTHS = 3
MIN_DEGREES = 6  # residual degrees of freedom: fewer and the interval means little


@dataclass(frozen=True)
class TeamVerdict:
    opening: str  # MORE, FEWER or UNCLEAR (the overview's phrases)
    sentence: str
    teams: int = 0
    months: int = 0
    n: int = 0  # team-months used
    effect: float | None = None  # % change in credits per person per +10 points of AI share
    low: float | None = None
    high: float | None = None


def panel(table: pd.DataFrame) -> pd.DataFrame:
    """The team-months the model can use: finished, a known team with people, an AI share,
    positive credits."""
    t = table[(table["team"] != UNASSIGNED) & table["complete"].astype(bool)]
    t = t[(t["people"] > 0) & t["ai_share"].notna() & (t["ci_credits"] > 0)]
    out = t[["team", "period", "people", "ai_share", "credits_per_person"]].copy()
    # A team seen in one month only tells nothing within itself.
    seen = out.groupby("team")["period"].transform("nunique")
    return out[seen >= 2].reset_index(drop=True)


def team_verdict(
    table: pd.DataFrame, missing: dict[str, str] | None = None, granularity: str = "month"
) -> TeamVerdict:
    """The verdict from a team table (teams.team_table at `granularity`, week or month, after the
    privacy merge). `missing`: vendor name -> why its data is absent."""
    if granularity not in ("week", "month"):
        raise ValueError("the team verdict compares weeks or months")
    unit = granularity
    if missing:
        why = "; ".join(f"no {name} data ({reason})" for name, reason in missing.items())
        return TeamVerdict(UNCLEAR, f"{UNCLEAR} within teams: {why}.")
    points = panel(table)
    teams, months = points["team"].nunique(), points["period"].nunique()
    if teams < MIN_TEAMS or months < MIN_MONTHS:
        return TeamVerdict(
            UNCLEAR,
            f"{UNCLEAR} within teams: {teams} team{'s' if teams != 1 else ''} with "
            f"{months} finished {unit}{'s' if months != 1 else ''} of both measures (at least "
            f"{MIN_TEAMS} teams over {MIN_MONTHS} {unit}s are needed); pick a longer range or "
            "map more people and pipelines to teams.",
            teams,
            months,
            len(points),
        )
    fit = _fit(points)
    if fit is None:
        return TeamVerdict(
            UNCLEAR,
            f"{UNCLEAR} within teams: {len(points)} team-{unit}s are too few to compare "
            f"{teams} teams' own changes over {months} {unit}s (or no team's AI share "
            "changed); pick a longer range.",
            teams,
            months,
            len(points),
        )
    slope, low, high = fit
    effect, low_pct, high_pct = (_percent(v) for v in (slope, low, high))
    first, last = points["period"].min(), points["period"].max()
    basis = (
        f"from {teams} teams over {months} finished {unit}s ({period_name(first, unit)} to "
        f"{period_name(last, unit)}), each team compared with its own level and every "
        f"{unit} with the organisation's"
    )
    interval = f"95% interval {low_pct:+.1f}% to {high_pct:+.1f}%"
    details = dict(
        teams=teams, months=months, n=len(points), effect=effect, low=low_pct, high=high_pct
    )
    if low > 0 or high < 0:
        opening = MORE if slope > 0 else FEWER
        sentence = (
            f"{opening} within teams: in {unit}s when a team's AI-active share was 10 points "
            f"higher, its CI credits per person were {abs(effect):.1f}% "
            f"{'higher' if slope > 0 else 'lower'} ({interval}), {basis}."
        )
        return TeamVerdict(opening, sentence, **details)
    sentence = (
        f"{UNCLEAR} within teams: 10 more points in a team's AI-active share went with "
        f"{effect:+.1f}% CI credits per person, but the {interval} includes no change; "
        f"{basis}."
    )
    return TeamVerdict(UNCLEAR, sentence, **details)


def _percent(log_slope: float) -> float:
    return float((np.exp(log_slope * STEP) - 1) * 100)


def _fit(points: pd.DataFrame) -> tuple[float, float, float] | None:
    """(slope, low, high) of log credits per person on AI share, with team and month effects;
    None when the data leave too few degrees of freedom or no variation within teams."""
    import statsmodels.api as sm

    teams = pd.get_dummies(points["team"], prefix="team", drop_first=True, dtype="float64")
    months = pd.get_dummies(
        points["period"].astype(str), prefix="month", drop_first=True, dtype="float64"
    )
    share = points["ai_share"].to_numpy("float64")
    within = share - points.groupby("team")["ai_share"].transform("mean").to_numpy("float64")
    if np.ptp(within) < 1e-9:
        return None
    columns = [pd.Series(share, name="ai_share"), teams, months]
    heads = np.log(points["people"].to_numpy("float64"))
    x = pd.concat(columns, axis=1)
    x["log_people"] = heads
    x = sm.add_constant(x, has_constant="add")
    # Drop columns that add nothing (a team whose people never changed: log_people then
    # equals a combination of the team effects).
    rank = np.linalg.matrix_rank(x.to_numpy())
    if rank < x.shape[1]:
        x = x.drop(columns="log_people")
        if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
            return None
    if len(points) - x.shape[1] < MIN_DEGREES:
        return None
    y = np.log(points["credits_per_person"].to_numpy("float64"))
    fit = sm.OLS(y, x.to_numpy()).fit()
    low, high = fit.conf_int(alpha=1 - LEVEL)[1]
    return float(fit.params[1]), float(low), float(high)
