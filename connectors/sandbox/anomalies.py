"""Planted, labelled anomalies for the sandbox's "anomalies" scenario.

Each seed of the scenario plans a few events at random (the plan is a pure function of the
seed and the roster, never of the generated days) and data.py applies them through small hooks
(`World.planted`); no other scenario has a plan, so their data do not move. The events, and the
label each leaves for a benchmark to score a detector against (`labels()`):

- "runaway": one person's agent stuck in a loop for one day: RUNAWAY_REQUESTS extra agent
  prompts, so that many extra rows in the Firebender model requests that day (and the daily
  usage's agentPrompts say so; accepted lines do not grow: a loop's output is not accepted).
  The person works with Firebender that day whatever their week (a loop runs on a weekend too).
- "level_shift": one pipeline's builds and credits multiplied by SHIFT_FACTOR from a day on, for
  SHIFT_WEEKS (a trigger or cache change). Only a pipeline whose usual working day is at least
  SHIFT_MIN_USUAL credits: a tiny pipeline jumping is what a minimum alert size must ignore.
- "org_spike": one working day on which either every person's model requests or every
  pipeline's builds and credits are multiplied by ORG_SPIKE_FACTOR (a new default model, a
  base-image change that rebuilds everything).
- "slow_rise": NOT an anomaly. One heavy user's model requests or one big pipeline's builds and
  credits grow linearly to twice their level over SLOW_RISE_DAYS, and stay there. Its label
  requires nothing: an alert on it is a false alarm.
- "holiday": NOT an anomaly. HOLIDAY_DAYS consecutive working days with almost no activity
  (every day is as quiet as a weekend: nobody works with AI tools but a few, commits and so
  builds at weekend levels, nightly builds still run). Alerts on these days or on the
  AFTER_HOLIDAY_DAYS after them are false alarms.

Events fall within SPAN (at least 17 weeks of model-request history before it). Seed 0 keeps its
positive events (runaway, shift start, org spike) within SEED0_WINDOW, so a run of the sandbox
server with `--scenario anomalies --today 2026-11-13` shows them all as settled, recent days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import teams
from .records import CREDITS_PER_MINUTE, MODEL_REQUESTS_START

SCENARIO = "anomalies"
SPAN = (date(2026, 5, 1), date(2026, 11, 10))
SEED0_WINDOW = (date(2026, 10, 27), date(2026, 11, 9))
# Extra agent prompts (so model requests) on a runaway day: an agent retrying for hours, about a
# request a minute for three to seven hours; at ~$0.06 a request, $9 to $24 where the person's
# usual day is ~$1.
RUNAWAY_REQUESTS = (180, 400)
SHIFT_FACTOR = (4.0, 10.0)
SHIFT_WEEKS = (3, 6)
# The usual working day (builds_per_day + nightly) x minutes x credits a minute of a pipeline
# that can be shifted: x4 of 50 credits is 150 more a day, above a sensible minimum alert size.
SHIFT_MIN_USUAL = 50.0
ORG_SPIKE_FACTOR = (3.0, 5.0)
SLOW_RISE_DAYS = 56  # twice the level after eight weeks, linearly
# A slow rise's label covers the ramp and four weeks at its new level (a same-weekday baseline
# of eight weeks has caught up by then).
SLOW_RISE_WATCH_DAYS = SLOW_RISE_DAYS + 28
HOLIDAY_DAYS = (1, 5)  # working days in a row
AFTER_HOLIDAY_DAYS = 7  # days after a holiday on which an alert is a false alarm too
HOLIDAY_GAP = 14  # days at least between a holiday and a positive event
HISTORY_WEEKS = 10  # a planted person or pipeline has been active this long before its event

POSITIVE = ("runaway", "level_shift", "org_spike")
NEGATIVE = ("slow_rise", "holiday")
EVENTS = POSITIVE + NEGATIVE

Series = tuple[str, str]  # (series kind, subject); subject "*": every subject of that kind


@dataclass(frozen=True)
class Planted:
    """One planted event and where it must, may, and must not show.

    required: series that must alert (starting within a couple of days of first_day) for the
              event to be found; empty for an event that is not an anomaly.
    allowed:  series that may alert from first_day to last_day without it being a false alarm
              (the organisation's total, the team's; subject "*" for every subject of a kind).
    watch:    for an event that is not an anomaly, the series where a false alarm is counted
              as "on" it (from first_day to last_day, plus AFTER_HOLIDAY_DAYS for holidays).
    """

    event: str  # one of EVENTS
    subject: str  # an email, a pipeline, or "org"
    first_day: date
    last_day: date
    factor: float  # runaway: extra requests; shift, spike: the multiplier; rise: the end level
    required: tuple[Series, ...] = ()
    allowed: tuple[Series, ...] = ()
    watch: tuple[Series, ...] = ()
    detail: str = ""

    @property
    def positive(self) -> bool:
        return bool(self.required)

    def days(self) -> list[date]:
        return [
            self.first_day + timedelta(days=n)
            for n in range((self.last_day - self.first_day).days + 1)
        ]


@dataclass(frozen=True)
class Plan:
    """A seed's events (labels) and the lookups data.py's hooks ask."""

    labels: tuple[Planted, ...]
    holidays: frozenset = frozenset()
    runaway: dict = field(default_factory=dict)  # (email, day) -> extra agent prompts
    ai_spike: dict = field(default_factory=dict)  # day -> factor on everyone's requests
    ci_spike: dict = field(default_factory=dict)  # day -> factor on every pipeline
    shift: tuple | None = None  # (pipeline, first, last, factor)
    rise: tuple | None = None  # ("person" | "pipeline", subject, first day)

    def holiday(self, day: date) -> bool:
        return day in self.holidays

    def forced(self, email: str, day: date) -> bool:
        """Whether `email` works with Firebender on `day` whatever their week (a runaway)."""
        return (email, day) in self.runaway

    def loop_requests(self, email: str, day: date) -> int:
        return self.runaway.get((email, day), 0)

    def _ramp(self, day: date) -> float:
        start = self.rise[2]
        if day < start:
            return 1.0
        return 1.0 + min(1.0, (day - start).days / SLOW_RISE_DAYS)

    def usage_factor(self, email: str, day: date) -> float:
        """The multiplier on `email`'s Firebender requests on `day` (1.0: none)."""
        factor = self.ai_spike.get(day, 1.0)
        if self.rise and self.rise[0] == "person" and self.rise[1] == email:
            factor *= self._ramp(day)
        return factor

    def ci_factor(self, pipeline: str, day: date) -> float:
        """The multiplier on `pipeline`'s builds and credits on `day` (1.0: none)."""
        factor = self.ci_spike.get(day, 1.0)
        if self.shift and self.shift[0] == pipeline and self.shift[1] <= day <= self.shift[2]:
            factor *= self.shift[3]
        if self.rise and self.rise[0] == "pipeline" and self.rise[1] == pipeline:
            factor *= self._ramp(day)
        return factor


def usual_credits(pipe) -> float:
    """A pipeline's usual working-day credits: (builds a day + nightly) x minutes x rate."""
    return (
        (pipe.builds_per_day + pipe.nightly)
        * pipe.minutes
        * CREDITS_PER_MINUTE[pipe.resource_class]
    )


def _day_in(rng: random.Random, first: date, last: date, weekday: bool = False) -> date:
    while True:
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        if not weekday or day.weekday() < 5:
            return day


def _settled_in(dev, day: date) -> bool:
    """Whether `dev` has used Firebender long enough before `day` to have a usual."""
    since = day - timedelta(weeks=HISTORY_WEEKS)
    return (
        dev.uses_firebender
        and dev.adopts_on is not None
        and dev.adopts_on <= since
        and dev.joined <= since
        and since >= MODEL_REQUESTS_START
    )


def plan(world) -> Plan:
    """The events of `world` (a data.World of the "anomalies" scenario): drawn from its seed
    and roster only, so planning never reads a generated day."""
    rng = random.Random(f"{world.prefix}planted")
    first, last = SEED0_WINDOW if world.seed == 0 else SPAN
    labels: list[Planted] = []

    # A runaway agent: one person, one day (any day: a loop runs on a Saturday too).
    day = _day_in(rng, first, last)
    people = [dev for dev in world.developers if _settled_in(dev, day)]
    dev = rng.choice(people)
    extra = rng.randint(*RUNAWAY_REQUESTS)
    team = teams.team_of(world, dev.email, day)
    labels.append(
        Planted(
            "runaway",
            dev.email,
            day,
            day,
            float(extra),
            required=(("person_ai_spend_usd", dev.email),),
            allowed=(("org_ai_spend_usd", "org"), ("team_ai_spend_usd", team)),
            detail=f"{extra} extra agent requests",
        )
    )
    runaway = {(dev.email, day): extra}

    # A pipeline's level shift, from a working day on (a change merged), for some weeks.
    start = _day_in(rng, first, last, weekday=True)
    big = [pipe for pipe in world.pipelines if usual_credits(pipe) >= SHIFT_MIN_USUAL]
    pipe = rng.choice(big)
    factor = round(rng.uniform(*SHIFT_FACTOR), 2)
    end = start + timedelta(weeks=rng.randint(*SHIFT_WEEKS)) - timedelta(days=1)
    labels.append(
        Planted(
            "level_shift",
            pipe.name,
            start,
            end,
            factor,
            required=(("pipeline_ci_credits", pipe.name),),
            allowed=(
                ("org_ci_credits", "org"),
                ("team_ci_credits", teams.pipeline_team(pipe.name)),
            ),
            detail=f"builds and credits x{factor} until {end.isoformat()}",
        )
    )
    shift = (pipe.name, start, end, factor)

    # An organisation-wide spike on a working day: AI spend or CI credits.
    day = _day_in(rng, first, last, weekday=True)
    factor = round(rng.uniform(*ORG_SPIKE_FACTOR), 2)
    ai_spike, ci_spike = {}, {}
    if rng.random() < 0.5:
        ai_spike[day] = factor
        required = (("org_ai_spend_usd", "org"),)
        allowed = (("person_ai_spend_usd", "*"), ("team_ai_spend_usd", "*"))
        what = "everyone's model requests"
    else:
        ci_spike[day] = factor
        required = (("org_ci_credits", "org"),)
        allowed = (("pipeline_ci_credits", "*"), ("team_ci_credits", "*"))
        what = "every pipeline's builds and credits"
    labels.append(
        Planted(
            "org_spike",
            "org",
            day,
            day,
            factor,
            required=required,
            allowed=allowed,
            detail=f"{what} x{factor}",
        )
    )
    positives = [d for label in labels for d in (label.first_day, label.last_day)]

    # A slow steady rise (not an anomaly): a heavy user or a big pipeline doubling.
    start = _day_in(rng, SPAN[0], SPAN[1] - timedelta(days=SLOW_RISE_DAYS))
    if rng.random() < 0.5:
        heavy = sorted(
            (d for d in world.developers if _settled_in(d, start) and d.email != dev.email),
            key=lambda d: (-d.power, d.email),
        )
        chosen = rng.choice(heavy[: max(1, len(heavy) // 3)])
        rise = ("person", chosen.email, start)
        watch = (("person_ai_spend_usd", chosen.email),)
    else:
        others = [p for p in big if p.name != shift[0]]
        chosen = rng.choice(others)
        rise = ("pipeline", chosen.name, start)
        watch = (("pipeline_ci_credits", chosen.name),)
    labels.append(
        Planted(
            "slow_rise",
            rise[1],
            start,
            start + timedelta(days=SLOW_RISE_WATCH_DAYS - 1),
            2.0,
            watch=watch,
            detail=f"{rise[0]} x1 -> x2 over {SLOW_RISE_DAYS} days, then x2",
        )
    )

    # A holiday: working days in a row with almost no activity, away from the positive events.
    for _ in range(1000):
        begin = _day_in(rng, SPAN[0], SPAN[1], weekday=True)
        length = rng.randint(*HOLIDAY_DAYS)
        days, day = [], begin
        while len(days) < length:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        if all(abs((d - p).days) >= HOLIDAY_GAP for d in days for p in positives):
            break
    labels.append(
        Planted(
            "holiday",
            "org",
            days[0],
            days[-1],
            0.0,
            watch=(("*", "*"),),
            detail=f"{len(days)} working day(s) as quiet as a weekend",
        )
    )
    return Plan(
        tuple(labels),
        holidays=frozenset(days),
        runaway=runaway,
        ai_spike=ai_spike,
        ci_spike=ci_spike,
        shift=shift,
        rise=rise,
    )


def labels(world_or_seed) -> list[Planted]:
    """The labels of the "anomalies" scenario for a seed (an int) or a data.World of it."""
    if isinstance(world_or_seed, int) and not isinstance(world_or_seed, bool):
        from .data import World

        world_or_seed = World(SCENARIO, world_or_seed)
    planted = getattr(world_or_seed, "planted", None)
    if planted is None:
        raise ValueError(f"{world_or_seed!r} has no planted anomalies (scenario {SCENARIO!r})")
    return list(planted.labels)
