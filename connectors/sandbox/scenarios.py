"""Sandbox scenarios: stories whose truth is known, to prove the app's verdict over many seeds.

A scenario fixes how CI credits relate to AI use; the seed draws one organisation telling that
story (roster attributes, adoption order, daily activity, commits, builds). Every scenario keeps
the demo's headcount (the same people joining on the same days) and its logistic adoption curve.

- "demo": the app's demo data, unchanged. CI load grows with the day's AI share (coefficient
  DEMO_AI_EFFECT) and nothing else varies week to week: AI use and credits rise together along
  smooth trends, so the organisation totals cannot tell the effect from the shared trend.
- "no_link": credits do not depend on AI use at all. They grow with committers and with a smooth
  drift in credits per committer (DRIFT_PER_YEAR) that coincides with adoption, and have busy and
  quiet CI weeks (CI_WEEK_SIGMA). AI use has its own busy and quiet weeks (ENGAGEMENT_RANGE). A
  sound verdict says "no clear evidence" here for ~95% of seeds.
- "effect": "no_link" plus a planted effect: each day's CI load is multiplied by
  (1 + EFFECT * ai_share(day)). The engagement weeks are variation in AI use that does not follow
  the trend, which is what lets a verdict find the effect at all.

Two team scenarios prove a within-team verdict, on the demo's roster and its teams (teams.py):

- "team_no_link": teams adopt at different times (each person's adoption day is moved by their
  team's offset, TEAM_ADOPTION_OFFSETS shuffled per seed), and AI use has busy and quiet weeks
  per team (ENGAGEMENT_RANGE drawn per team and ISO week, instead of org-wide). Each pipeline's CI
  load follows its own team: (the team's committers that day / TEAM_COMMITTERS_PER_MEMBER x the
  team's members) x the shared drift x the shared CI week. No dependence on AI use.
- "team_effect": "team_no_link" plus a planted effect: each team's CI load is multiplied by
  (1 + TEAM_EFFECT * the team's AI share that day), the share of the team's members that day
  (the mover counts for the team of the day) who used an AI tool that day.

One scenario proves an anomaly detector, on the demo's roster:

- "anomalies": "no_link" (busy and quiet AI and CI weeks, a shared drift, no link) plus
  planted, labelled events per seed (anomalies.py): a runaway agent, a pipeline's level shift,
  an organisation-wide spike, and two that are not anomalies, a slow steady rise and holidays.
  `anomalies.labels(seed)` says where each must, may and must not show.

The calendar scenarios (calendar.py holds their dates; the demo's roster only) put a real
organisation's year in front of the verdicts, each with its truth:

- "holidays" / "holidays_effect": "no_link" / "effect" plus public holidays (nobody works, AI use
  and commits as on a weekend) and low-activity weeks (a share of people away), so a week with
  people away lowers AI use and CI together.
- "ci_step": "no_link" plus a +30% step in CI load (a new pipeline) in the quarter AI rolls out.
- "ci_autocorrelated": "no_link" with busy and quiet CI weeks that persist (AR(1), rho 0.8).
- "lagged_effect": "effect" acting 2-4 weeks late: a day's CI load x (1 + EFFECT x the mean AI
  share of the days 14 to 28 before).
- "builder_effect": CI load x (1 + BUILDER_EFFECT x the day's Builder.io-active share) only.
- "team_trends" / "team_trends_effect": "team_no_link" / "team_effect" plus each team's own
  linear CI trend (TEAM_TREND_RANGE a year, drawn per team and seed) and the holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The demo's CI load factor per unit of the day's AI share: 1 + 1.5 * share (kept as it was, so
# the demo's numbers do not move).
DEMO_AI_EFFECT = 1.5

# Planted effect in "effect": a day's CI load (so builds and credits, in expectation exactly) is
# multiplied by 1 + EFFECT * ai_share(day). 0.7 is a realistic size: at a typical share of 0.4,
# +10 points of AI share give +5.5% credits per committer (see effect_per_10_points).
EFFECT = 0.7

# A drift in credits per committer that is NOT tied to AI use (bigger test suites, more
# pipelines): +30% a year from DATA_START, linear. It coincides with adoption, so any method that
# correlates levels (or smooth trends) will wrongly "find" an effect in "no_link".
DRIFT_PER_YEAR = 0.30

# Busy and quiet CI weeks (releases, incidents, holidays): each ISO week's load is multiplied by
# exp(N(0, CI_WEEK_SIGMA)), ~±6% a week, in the order seen in real CI bills. Independent of AI use.
CI_WEEK_SIGMA = 0.06

# Busy and quiet AI weeks: each ISO week has an org-wide engagement probability q drawn from
# U(ENGAGEMENT_RANGE); a developer who has adopted uses AI tools that week with probability q (one
# draw per developer and week), then on each day with the usual odds. The lower bound keeps the
# weekly AI-active share within ~25 points of the adoption curve; the spread gives the weekly
# share a standard deviation of several points around its trend.
ENGAGEMENT_RANGE = (0.55, 1.0)

# The team scenarios. TEAM_EFFECT: a team's CI load is multiplied by 1 + TEAM_EFFECT x the team's
# AI share that day; as EFFECT, +10 points of team AI share from 0.4 give +5.5% credits per
# committer of the team (effect_per_10_points("team_effect")).
TEAM_EFFECT = 0.7
# Days each team's adoption is moved (a developer's adoption day + their first team's offset,
# never before they join): shuffled over the teams per seed, so some teams adopt four months
# early and some four months late, and teams' AI shares differ in timing, not only in level.
TEAM_ADOPTION_OFFSETS = (-120, -60, 0, 60, 120)
# A team's usual committers on a weekday per member ever in it (the org's 18 for 36 people): a
# team's CI load is its committers that day / (this x its members).
TEAM_COMMITTERS_PER_MEMBER = 0.5

# The calendar scenarios. CI_STEP: (first day, factor) of a step in CI load not tied to AI use,
# in the quarter adoption is steepest. CI_RHO: week-to-week persistence of the busy and quiet CI
# weeks (the weekly factor's spread stays CI_WEEK_SIGMA). LAG_DAYS: the days before whose mean
# AI share acts on a day's CI load. BUILDER_EFFECT: the coefficient of the day's Builder.io share
# (about +6.3% per 10 points of it, at its typical share of 0.25). TEAM_TREND_RANGE: each team's
# own CI drift a year, U(low, high) per team and seed.
CI_STEP = (date(2026, 1, 12), 1.30)
CI_RHO = 0.8
LAG_DAYS = (14, 28)
BUILDER_EFFECT = 0.75
TEAM_TREND_RANGE = (-0.25, 0.45)


@dataclass(frozen=True)
class Scenario:
    name: str
    ai_effect: float  # CI load is multiplied by 1 + ai_effect * ai_share(day)
    drift_per_year: float  # CI load is multiplied by 1 + drift_per_year * years since DATA_START
    ci_week_sigma: float  # CI load is multiplied by exp(N(0, sigma)) per ISO week; 0: none
    engagement: tuple[float, float] | None  # U(low, high) per ISO week; None: always engaged
    description: str
    # Team scenarios (teams.py's demo teams, the demo's roster only): adoption shifted per team,
    # engagement drawn per team and ISO week, each pipeline's CI load from its own team, and
    # ai_effect applied to the team's AI share instead of the organisation's.
    by_team: bool = False
    team_adoption_offsets: tuple[int, ...] = ()  # days, shuffled over the teams per seed
    # Planted, labelled anomalies (anomalies.py; the demo's roster only): World.planted.
    planted: bool = False
    # The calendar scenarios (demo roster only): holidays and low-activity weeks (calendar.py);
    # a step in CI load (day, factor); AR(1) persistence of the CI weeks; the effect acting on
    # the mean AI share of the days LAG_DAYS before; the effect's share ("any" tool or
    # "builder" only); each team's own CI trend (U(range) a year).
    holidays: bool = False
    ci_step: tuple[date, float] | None = None
    ci_rho: float = 0.0
    lag_days: tuple[int, int] | None = None
    effect_tool: str = "any"
    team_trends: tuple[float, float] | None = None

    @property
    def demo_roster_only(self) -> bool:
        """Whether the story needs the demo's per-person generators (not a sized world's)."""
        return (
            self.by_team
            or self.planted
            or self.holidays
            or self.ci_step is not None
            or bool(self.ci_rho)
            or self.lag_days is not None
            or self.effect_tool != "any"
        )


SCENARIOS = {
    "demo": Scenario(
        "demo",
        ai_effect=DEMO_AI_EFFECT,
        drift_per_year=0.0,
        ci_week_sigma=0.0,
        engagement=None,
        description="the demo data: CI load grows with the day's AI share, smooth trends only",
    ),
    "no_link": Scenario(
        "no_link",
        ai_effect=0.0,
        drift_per_year=DRIFT_PER_YEAR,
        ci_week_sigma=CI_WEEK_SIGMA,
        engagement=ENGAGEMENT_RANGE,
        description="credits ignore AI use; a shared drift, busy/quiet CI and AI weeks",
    ),
    "effect": Scenario(
        "effect",
        ai_effect=EFFECT,
        drift_per_year=DRIFT_PER_YEAR,
        ci_week_sigma=CI_WEEK_SIGMA,
        engagement=ENGAGEMENT_RANGE,
        description=f"no_link plus CI load x (1 + {EFFECT} x the day's AI share)",
    ),
    "team_no_link": Scenario(
        "team_no_link",
        ai_effect=0.0,
        drift_per_year=DRIFT_PER_YEAR,
        ci_week_sigma=CI_WEEK_SIGMA,
        engagement=ENGAGEMENT_RANGE,
        description="demo teams adopting at different times, busy/quiet AI weeks per team; "
        "each pipeline's CI follows its team's committers, not AI use",
        by_team=True,
        team_adoption_offsets=TEAM_ADOPTION_OFFSETS,
    ),
    "team_effect": Scenario(
        "team_effect",
        ai_effect=TEAM_EFFECT,
        drift_per_year=DRIFT_PER_YEAR,
        ci_week_sigma=CI_WEEK_SIGMA,
        engagement=ENGAGEMENT_RANGE,
        description=f"team_no_link plus a team's CI load x (1 + {TEAM_EFFECT} x the team's "
        "AI share that day)",
        by_team=True,
        team_adoption_offsets=TEAM_ADOPTION_OFFSETS,
    ),
    "anomalies": Scenario(
        "anomalies",
        ai_effect=0.0,
        drift_per_year=DRIFT_PER_YEAR,
        ci_week_sigma=CI_WEEK_SIGMA,
        engagement=ENGAGEMENT_RANGE,
        description="no_link plus planted, labelled anomalies (a runaway agent, a pipeline's "
        "level shift, an org-wide spike) and a slow rise and holidays that are not",
        planted=True,
    ),
}
_BASE = dict(
    drift_per_year=DRIFT_PER_YEAR, ci_week_sigma=CI_WEEK_SIGMA, engagement=ENGAGEMENT_RANGE
)
_TEAMS = dict(_BASE, by_team=True, team_adoption_offsets=TEAM_ADOPTION_OFFSETS)
_CALENDAR = (
    Scenario(
        "holidays",
        ai_effect=0.0,
        description="no_link plus holidays and low-activity weeks (people away: AI use and CI "
        "dip together)",
        holidays=True,
        **_BASE,
    ),
    Scenario(
        "holidays_effect",
        ai_effect=EFFECT,
        description="effect plus holidays and low-activity weeks",
        holidays=True,
        **_BASE,
    ),
    Scenario(
        "ci_step",
        ai_effect=0.0,
        description=f"no_link plus CI load x {CI_STEP[1]} from {CI_STEP[0]} (a new pipeline "
        "in the rollout quarter)",
        ci_step=CI_STEP,
        **_BASE,
    ),
    Scenario(
        "ci_autocorrelated",
        ai_effect=0.0,
        description=f"no_link with busy/quiet CI weeks that persist (AR(1), rho {CI_RHO})",
        ci_rho=CI_RHO,
        **_BASE,
    ),
    Scenario(
        "lagged_effect",
        ai_effect=EFFECT,
        description=f"effect acting {LAG_DAYS[0] // 7}-{LAG_DAYS[1] // 7} weeks late: CI load x "
        f"(1 + {EFFECT} x the mean AI share of the days {LAG_DAYS[0]}-{LAG_DAYS[1]} before)",
        lag_days=LAG_DAYS,
        **_BASE,
    ),
    Scenario(
        "builder_effect",
        ai_effect=BUILDER_EFFECT,
        description=f"no_link plus CI load x (1 + {BUILDER_EFFECT} x the day's Builder.io-active "
        "share); Firebender use has no effect",
        effect_tool="builder",
        **_BASE,
    ),
    Scenario(
        "team_trends",
        ai_effect=0.0,
        description="team_no_link plus each team's own CI trend and holidays",
        holidays=True,
        team_trends=TEAM_TREND_RANGE,
        **_TEAMS,
    ),
    Scenario(
        "team_trends_effect",
        ai_effect=TEAM_EFFECT,
        description="team_effect plus each team's own CI trend and holidays",
        holidays=True,
        team_trends=TEAM_TREND_RANGE,
        **_TEAMS,
    ),
)
SCENARIOS.update({s.name: s for s in _CALENDAR})
NAMES = tuple(SCENARIOS)


def get(name: str) -> Scenario:
    """The scenario called `name`; a ValueError listing the names when there is none."""
    try:
        return SCENARIOS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown sandbox scenario {name!r}; choose one of: {', '.join(NAMES)}"
        ) from None


def true_effect(name: str) -> float:
    """The planted coefficient: a day's CI load is multiplied by 1 + this x the day's AI share
    (the share of staff who used an AI tool that day; in the team scenarios, a team's CI load by
    1 + this x the team's AI share, World.team_ai_share). 0.0 for "no_link" and
    "team_no_link"."""
    return get(name).ai_effect


def effect_per_10_points(name: str, share: float | None = None) -> float:
    """The relative change in credits per committer (0.055 = +5.5%) when the day's AI share (a
    team's, in the team scenarios; Builder.io's in "builder_effect") rises by 10 points from
    `share` (default 0.4; Builder.io's 0.25), all else equal."""
    effect = true_effect(name)
    if share is None:
        share = 0.25 if get(name).effect_tool == "builder" else 0.4
    return (1 + effect * (share + 0.1)) / (1 + effect * share) - 1
