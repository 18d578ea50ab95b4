"""The within-team answer: teams that adopted more AI - more or fewer CI credits per person?

Organisation totals can only compare busier and quieter AI weeks against a trend. Teams give a
better comparison: teams adopt at different times, so a team's own change in AI use can be set
against its own change in credits, while every week's organisation-wide events (a shared drift
in CI load, a holiday week, a price change) are removed by comparing teams within each week.

The model, statsmodels OLS over finished weeks w and teams t with people in the mapping:

    log(CI credits per person)[t, w] = b * (AI-active share)[t, w]
                                       + team[t] + week[w] + trend[t] * time[w]
                                       + c * log(people)[t, w] + error

`team[t]` absorbs each team's own level (a team with heavy pipelines is not "more AI"),
`week[w]` every change the organisation shares (holidays included), `trend[t]` each team's own
straight-line drift in CI load (a team whose pipelines grow for its own reasons while it adopts
is not "more AI"), log(people) the shared denominator. Errors are Driscoll-Kraay (statsmodels'
"hac-groupsum" over weeks), robust to shocks that hit several teams in a week and persist; the
interval takes the wider of that standard error and the classical one.
`b` is stated as the % change in credits per person for a 10-point rise in a team's AI-active
share, with a 95% interval: an association after allowing for each team's level and trend,
headcount and the calendar, not proof of cause. Its calibration is measured on the sandbox's
team scenarios over many seeds (bench/team_verdict_rates.py).

The weekly table must start on the range's first day, not the Monday before it: a week whose
first days were not loaded is not a finished week (team_view.py). Unassigned is left out
(nobody knows its people), and so are groups hidden for privacy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from teams.mapping import UNASSIGNED

from .calendar import period_name
from .verdict import FEWER, LEVEL, MORE, NOT_YET, STEP, UNCLEAR

MIN_TEAMS = 2
MIN_PERIODS = 12  # weeks: each team's own trend needs a few months to be told from its AI use
MIN_MONTHS = MIN_PERIODS  # the name the Teams page's explanation reads
MIN_DEGREES = 6  # residual degrees of freedom: fewer and the interval means little
TREND_LAGS = 3  # periods a shared shock may persist (Driscoll-Kraay errors)


@dataclass(frozen=True)
class TeamVerdict:
    opening: str  # MORE, FEWER, UNCLEAR or NOT_YET (the overview's phrases)
    sentence: str
    teams: int = 0
    months: int = 0
    n: int = 0  # team-months used
    effect: float | None = None  # % change in credits per person per +10 points of AI share
    low: float | None = None
    high: float | None = None
    first: pd.Timestamp | None = None  # first and last period used
    last: pd.Timestamp | None = None


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
    table: pd.DataFrame,
    missing: dict[str, str] | None = None,
    granularity: str = "month",
    whatever_the_range: bool = False,
) -> TeamVerdict:
    """The answer from a team table (teams.team_table at `granularity`, week or month, after the
    privacy merge). `missing`: vendor name -> why its data is absent. `whatever_the_range`: the
    table is the last weeks up to the range's end, not the chart's range (the sentence says so)."""
    if granularity not in ("week", "month"):
        raise ValueError("the team verdict compares weeks or months")
    unit = granularity
    if missing:
        why = "; ".join(f"{name} did not answer: {reason}" for name, reason in missing.items())
        return TeamVerdict(NOT_YET, f"{NOT_YET} within teams: {why}. The answer needs its data.")
    points = panel(table)
    teams, months = points["team"].nunique(), points["period"].nunique()
    if teams < MIN_TEAMS or months < MIN_PERIODS:
        needs = []
        if teams < MIN_TEAMS:
            needs.append(
                f"{MIN_TEAMS} teams with people, pipelines and AI use are needed, {teams} so far "
                "(map more people and pipelines to teams)"
            )
        if months < MIN_PERIODS:
            wait = ""
            if len(points):
                ready = points["period"].max() + pd.DateOffset(**{f"{unit}s": MIN_PERIODS - months})
                the = "the " if unit == "week" else ""  # "the week of 5 Jan", "October 2026"
                wait = f" - ready after {the}{period_name(ready, unit)}"
            needs.append(
                f"{MIN_PERIODS} finished {unit}s of both measures are needed, {months} so far"
                + wait
            )
        return TeamVerdict(
            NOT_YET,
            f"{NOT_YET} within teams: {'; '.join(needs)}.",
            teams,
            months,
            len(points),
        )
    fit = _fit(points)
    if fit is None:
        return TeamVerdict(
            NOT_YET,
            f"{NOT_YET} within teams: {len(points)} team-{unit}s are too few to compare "
            f"{teams} teams' own changes over {months} {unit}s (or no team's AI share "
            "changed); a longer range will do.",
            teams,
            months,
            len(points),
        )
    slope, low, high = fit
    effect, low_pct, high_pct = (_percent(v) for v in (slope, low, high))
    first, last = points["period"].min(), points["period"].max()
    fixed = ", whatever the chart's range" if whatever_the_range else ""
    basis = (
        f"from {teams} teams over {months} finished {unit}s ({period_name(first, unit)} to "
        f"{period_name(last, unit)}{fixed}), each team compared with its own level and trend and every "
        f"{unit} with the organisation's. An association, not proof of cause"
    )
    interval = f"95% interval {low_pct:+.1f}% to {high_pct:+.1f}%"
    details = dict(
        teams=teams,
        months=months,
        n=len(points),
        effect=effect,
        low=low_pct,
        high=high_pct,
        first=first,
        last=last,
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
    """(slope, low, high) of log credits per person on AI share, with team and period effects,
    each team's own linear trend and log(people), Driscoll-Kraay errors (robust to a shock all
    teams share in a period, and to its persisting for TREND_LAGS periods); None when the data
    leave too few degrees of freedom or no variation within teams."""
    # Imported on first use, and only OLS: `statsmodels.api` loads ~370 modules and held the
    # app's server 26 MB more (bench/results-store.md).
    from scipy import stats
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    points = points.sort_values(["period", "team"]).reset_index(drop=True)
    teams = pd.get_dummies(points["team"], prefix="team", drop_first=True, dtype="float64")
    months = pd.get_dummies(
        points["period"].astype(str), prefix="month", drop_first=True, dtype="float64"
    )
    share = points["ai_share"].to_numpy("float64")
    within = share - points.groupby("team")["ai_share"].transform("mean").to_numpy("float64")
    if np.ptp(within) < 1e-9:
        return None
    time = (points["period"] - points["period"].min()).dt.days.to_numpy("float64") / 365.25
    trends = teams.mul(time, axis=0).add_prefix("trend_")
    x = pd.concat([pd.Series(share, name="ai_share"), teams, months, trends], axis=1)
    x["log_people"] = np.log(points["people"].to_numpy("float64"))
    x = add_constant(x, has_constant="add")
    # Drop columns that add nothing (a team whose people never changed: log_people then
    # equals a combination of the team effects).
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        x = x.drop(columns="log_people")
        if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
            return None
    if len(points) - x.shape[1] < MIN_DEGREES:
        return None
    y = np.log(points["credits_per_person"].to_numpy("float64"))
    period = pd.factorize(points["period"], sort=True)[0]
    lags = min(TREND_LAGS, max(0, period.max() - 1))
    model = OLS(y, x.to_numpy())
    fit = model.fit(cov_type="hac-groupsum", cov_kwds={"time": period, "maxlags": lags})
    # The wider of the Driscoll-Kraay and the classical standard error (as the overview's
    # answer takes the wider of two): Driscoll-Kraay's is estimated from one sum per period and
    # is itself noisy over a year of weeks, so alone it said "Evidence" in 6.5% of 200
    # evaluation seeds of the organisation-only `lagged_effect` world (whose truth within teams
    # is 0); on development seeds (1001-1060) the wider one changed the answer on 2 of 240, both
    # from "Evidence" to "No clear evidence" (bench/results-teams-org.md).
    slope = float(fit.params[1])
    se = max(float(fit.bse[1]), float(model.fit().bse[1]))
    # t with (periods - 1) degrees of freedom: the errors are summed per period, so there are
    # as many independent pieces as periods (statsmodels gives no t for this covariance).
    q = float(stats.t.ppf(0.5 + LEVEL / 2, period.max()))
    return slope, slope - q * se, slope + q * se
