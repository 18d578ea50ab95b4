"""The synthetic organisation behind the sandbox: people, spaces, pipelines, daily activity.

A `World` is one organisation: a scenario's story (scenarios.py) drawn with a seed. Everything
in it is a pure function of (scenario, seed, day), seeded with strings such as
`random.Random(f"no_link:3:firebender:{day}:{email}")` (the demo with seed 0 has no prefix), so
any process produces the same numbers. Each day is generated once and cached in its world, so a
range costs one cached lookup per day. "Today" is not known here: the vendor modules cut ranges
at the sandbox's today, and read the world from the request's Context.

The demo story: ~36 developers (a few join over time); AI adoption follows a logistic curve from
~10% of developers in January 2025 to ~75% by autumn 2026; weekdays are busier than weekends; CI
builds (and so credits) grow with the share of developers using AI that day, with noise. The
module-level names (DEVELOPERS, firebender_usage(day), codefresh_day(day), ...) are the demo
world's.

`World(developers=N)` tells the same story for N developers (roster.py: who; keys.py: their
Builder spaces; columns.py: their days, drawn in numpy columns so 2,000 developers stay fast).
The vocabulary both share (calendar, adoption curve, prices, record types) is in records.py.

The team scenarios ("team_no_link", "team_effect") run on the demo's roster and its teams
(teams.py): each person's adoption day moves by their team's offset, AI weeks are busy or quiet
per team, and each pipeline's CI load follows its own team (World.team_ai_share,
World.team_load). The other scenarios never look at teams.

The "anomalies" scenario (demo roster) plans labelled events per seed (anomalies.py, kept in
World.planted), which the per-day generators apply through a few hooks: holidays, a runaway
person's extra agent prompts, a multiplier on a person's requests or a pipeline's builds and
credits. Without a plan (every other scenario) the hooks are never reached.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import weakref
from bisect import bisect_right
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from . import anomalies, calendar, columns, keys, roster, scenarios, teams
from .dates import day_ms, iso_ms
from .records import (
    ADOPTION_CEILING,
    ADOPTION_MIDPOINT,
    ADOPTION_RATE,
    CREDITS_PER_MINUTE,
    DATA_START,
    MODE_WEIGHTS,
    MODEL_REQUESTS_START,
    MODEL_WEIGHTS,
    MODELS,
    MODES,
    NO_REQUESTS,
    RESOURCE_CLASSES,
    BuilderActivity,
    CodefreshDay,
    Developer,
    ModelRequestDay,
    Pipeline,
    adoption,
    adoption_day,
    iso_week,
)

# The demo's roster and the generators' constants, under the names they have always had here.
_NAMES = roster.DEMO_NAMES
_JOIN_OFFSETS = roster.DEMO_JOIN_OFFSETS
PIPELINE_NAMES = roster.DEMO_PIPELINE_NAMES
_MODEL_WEIGHTS = MODEL_WEIGHTS
_MODE_WEIGHTS = MODE_WEIGHTS
_CREDITS_PER_MINUTE = CREDITS_PER_MINUTE
_ADOPTION_CEILING, _ADOPTION_MIDPOINT, _ADOPTION_RATE = (
    ADOPTION_CEILING,
    ADOPTION_MIDPOINT,
    ADOPTION_RATE,
)
_adoption_day = adoption_day

__all__ = [
    "DATA_START",
    "DEMO",
    "MODELS",
    "MODEL_REQUESTS_START",
    "MODES",
    "PIPELINE_NAMES",
    "RESOURCE_CLASSES",
    "BuilderActivity",
    "CodefreshDay",
    "Developer",
    "ModelRequestDay",
    "Pipeline",
    "World",
    "adoption",
    "iso_week",
]

# Per-day caches: days each holds in the demo's world, as they have always been. A sized world
# holds fewer days the bigger it is: about CACHE_BYTES a cache, at least MIN_CACHE_DAYS.
CACHE_DAYS = {
    "firebender_usage": 1024,
    "model_requests": 512,  # more than the model-request days of a year: a warm-up holds them
    "builder_activity": 1024,
    "codefresh_day": 1024,
}
ENGAGED_WEEKS = 512
AR_WEEKS = 80  # weeks of shocks an AR(1) CI week sums (rho 0.8: the 80th weighs 2e-8)
CACHE_BYTES = 128 * 2**20
MIN_CACHE_DAYS = 16  # a few concurrent 90-day walks, each a day or two at a time
# Bytes a cached day of a sized world holds per developer (tracemalloc, 2,000 developers, a week
# of November 2026 at ~75% adoption, rounded up): a daily-usage row is a dict of ~530 bytes, a
# model request ~51 bytes in columns (~1 kB as a dict).
_BYTES_PER_DEVELOPER_DAY = {
    "firebender_usage": 250,
    "model_requests": 450,
    "builder_activity": 150,
    "codefresh_day": 100,
}


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def default_cache_days(developers: int | None) -> dict[str, int]:
    """Days each per-day cache holds in a world of `developers` (None: the demo's roster)."""
    if developers is None:
        return dict(CACHE_DAYS)
    return {
        name: max(
            MIN_CACHE_DAYS,
            min(days, CACHE_BYTES // (_BYTES_PER_DEVELOPER_DAY[name] * developers)),
        )
        for name, days in CACHE_DAYS.items()
    }


def _cached_per_world(world: World, method, maxsize: int):
    """`method` bound to `world` behind an lru_cache that belongs to `world` alone.

    The cache holds the world only weakly (no reference cycle), so a world and everything it
    generated are freed as soon as the last reference to the world goes, without waiting for the
    garbage collector: a benchmark can build hundreds of worlds in one process."""
    ref = weakref.ref(world)

    def call(day):
        owner = ref()
        if owner is None:  # pragma: no cover - only if a caller kept the function, not the world
            raise ReferenceError("this sandbox World has been freed")
        return method(owner, day)

    functools.update_wrapper(call, method)
    return functools.lru_cache(maxsize=maxsize)(call)


class World:
    """One synthetic organisation: a scenario's story drawn with a seed, at a size.

    Every number is a pure function of (scenario, seed, developers, day), drawn from generators
    seeded with strings prefixed by f"{scenario}:{seed}:" (no prefix for the demo with seed 0,
    whose seed strings are the original ones): random.Random for the demo and every roster,
    numpy seeded with the string's SHA-256 for a sized world's days. Any process produces the
    same numbers. Each day is generated once and kept in this world's per-day caches (bounded:
    see default_cache_days(), cache_info()); the caches go with the world.

    `developers=None` is the demo's roster of 36 and its per-person generators (the demo data,
    unchanged). `developers=N` is an organisation of N people (a few in ten join over time),
    with Builder spaces (keys.builder_spaces) and Codefresh pipelines in the demo's proportions,
    drawn in columns (columns.py) so that thousands of developers stay fast; even N=36 is such a
    sized organisation, not the demo.

    `engagement` and `ai_effect` override the scenario for counterfactuals and tests: a fixed
    weekly engagement probability (1.0: every adopter is engaged every week, 0.0: nobody uses AI)
    and the coefficient of the day's AI share in CI load (0.0: the same world with no effect; in
    a team scenario, of the team's AI share in the team's CI load).
    `cache_days` sets how many days every per-day cache holds (default_cache_days() if None).

    A team scenario (scenarios.Scenario.by_team) needs the demo's roster (`developers=None`):
    its teams are teams.py's. Its people's adoption days are moved by their first team's offset
    (`team_adoption_offsets`), and `team_norms` hold each team's usual committers.
    """

    def __init__(
        self,
        scenario: str = "demo",
        seed: int = 0,
        *,
        developers: int | None = None,
        engagement: float | None = None,
        ai_effect: float | None = None,
        cache_days: int | None = None,
    ):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"The sandbox seed must be an integer, not {seed!r}")
        for name, value in (("developers", developers), ("cache_days", cache_days)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ValueError(f"The sandbox's {name} must be a positive integer, not {value!r}")
        self.scenario = scenarios.get(scenario)
        if self.scenario.demo_roster_only and developers is not None:
            raise ValueError(
                f"The sandbox scenario {scenario!r} runs on the demo's roster and its teams: "
                f"developers={developers} is not supported"
            )
        self.seed = seed
        self.size = developers  # None: the demo's roster
        self.ai_effect = self.scenario.ai_effect if ai_effect is None else float(ai_effect)
        self.engagement = engagement
        self.weekly_engagement = engagement is not None or self.scenario.engagement is not None
        plain = scenario == "demo" and seed == 0
        self.prefix = "" if plain else f"{scenario}:{seed}:"
        self.spaces: dict[str, tuple[str, str]] = keys.builder_spaces(developers)
        if developers is None:
            people, joins = roster.DEMO_NAMES, roster.DEMO_JOIN_OFFSETS
            pipeline_names = roster.DEMO_PIPELINE_NAMES
        else:
            people, joins = roster.names(developers), roster.join_offsets(developers)
            pipeline_names = roster.pipeline_names(roster.pipeline_count(developers))
        self.developers: tuple[Developer, ...] = roster.make_developers(
            self.prefix, people, joins, tuple(self.spaces)
        )
        self.developers_by_email = {dev.email: dev for dev in self.developers}
        self.pipelines: tuple[Pipeline, ...] = roster.make_pipelines(self.prefix, pipeline_names)
        self.pipeline_class = {pipe.name: pipe.resource_class for pipe in self.pipelines}
        self.team_adoption_offsets: dict[str, int] = {}
        self.team_norms: dict[str, float] = {}
        self.team_trends: dict[str, float] = {}  # a team's own CI drift a year
        self.pipeline_team: dict[str, str] = {}
        self._ci_weeks: dict[date, float] = {}  # AR(1) CI weeks: log factor by Monday
        if self.scenario.by_team:
            self._draw_teams()
        # The "anomalies" scenario's labelled events (anomalies.Plan), None in every other one.
        self.planted = anomalies.plan(self) if self.scenario.planted else None
        self._joined = sorted(dev.joined for dev in self.developers)
        if developers is None:
            self.columns = None
            makers = {
                "firebender_usage": World._firebender_usage,
                "model_requests": World._model_requests,
                "builder_activity": World._builder_activity,
                "codefresh_day": World._codefresh_day,
                "engaged": World._engaged,
            }
        else:
            self.columns = columns.Columns(
                self.developers,
                self.pipelines,
                tuple(self.spaces),
                f"{self.prefix}sized:{developers}:",
            )
            makers = {
                "firebender_usage": columns.firebender_usage,
                "model_requests": columns.model_requests,
                "builder_activity": columns.builder_activity,
                "codefresh_day": columns.codefresh_day,
                "engaged": columns.engaged,
            }
        sizes = default_cache_days(developers)
        if cache_days is not None:
            sizes = dict.fromkeys(sizes, cache_days)
        sizes["engaged"] = ENGAGED_WEEKS
        self._caches = {name: _cached_per_world(self, makers[name], sizes[name]) for name in makers}
        self.firebender_usage = self._caches["firebender_usage"]
        self.model_requests = self._caches["model_requests"]
        self.builder_activity = self._caches["builder_activity"]
        self.codefresh_day = self._caches["codefresh_day"]
        self.engaged = self._caches["engaged"]

    @classmethod
    def get(
        cls,
        scenario: str = "demo",
        seed: int = 0,
        *,
        developers: int | None = None,
        cache_days: int | None = None,
    ) -> World:
        """The shared demo world for ("demo", 0) with the demo's roster and caches (its caches
        are the module's), else a new one."""
        if (
            scenario == "demo"
            and seed == 0
            and not isinstance(seed, bool)
            and developers is None
            and cache_days is None
        ):
            return DEMO
        return cls(scenario, seed, developers=developers, cache_days=cache_days)

    def _draw_teams(self) -> None:
        """A team scenario's teams: adoption offsets shuffled over the teams, each person's
        adoption day moved by their first team's (never before they join), team norms."""
        offsets = list(self.scenario.team_adoption_offsets)
        random.Random(f"{self.prefix}team-adoption-offsets").shuffle(offsets)
        self.team_adoption_offsets = dict(zip(teams.TEAMS, offsets, strict=True))
        moved = []
        for dev in self.developers:
            if dev.adopts_on is not None:
                shift = self.team_adoption_offsets[self.team_of(dev.email, dev.joined)]
                dev = replace(dev, adopts_on=max(dev.joined, dev.adopts_on + timedelta(shift)))
            moved.append(dev)
        self.developers = tuple(moved)
        self.developers_by_email = {dev.email: dev for dev in self.developers}
        per_member = scenarios.TEAM_COMMITTERS_PER_MEMBER
        self.team_norms = {
            name: per_member * len(team.members) for name, team in teams.TEAMS.items()
        }
        self.pipeline_team = {pipe.name: teams.pipeline_team(pipe.name) for pipe in self.pipelines}
        if self.scenario.team_trends is not None:
            low, high = self.scenario.team_trends
            self.team_trends = {
                name: random.Random(f"{self.prefix}team-trend:{name}").uniform(low, high)
                for name in teams.TEAMS
            }
        assert teams.UNASSIGNED not in self.pipeline_team.values()  # the demo's all have a team

    def __repr__(self) -> str:
        size = "" if self.size is None else f", developers={self.size}"
        return f"World(scenario={self.scenario.name!r}, seed={self.seed}{size})"

    @property
    def true_effect(self) -> float:
        """The coefficient of the day's AI share in CI load (scenarios.true_effect)."""
        return self.ai_effect

    def staff_on(self, day: date) -> tuple[Developer, ...]:
        """Developers who had joined by `day`."""
        return tuple(dev for dev in self.developers if dev.joined <= day)

    def headcount(self, day: date) -> int:
        """How many developers had joined by `day` (len(staff_on(day)), without the tuple)."""
        return bisect_right(self._joined, day)

    # ------------------------------------------------------------ caches

    def cache_info(self) -> dict[str, functools._CacheInfo]:
        """Each per-day cache's hits, misses, size and maxsize (functools' CacheInfo), by name:
        firebender_usage, model_requests, builder_activity, codefresh_day (days), engaged
        (ISO weeks)."""
        return {name: cached.cache_info() for name, cached in self._caches.items()}

    def clear_caches(self) -> None:
        """Forget every generated day (the next request generates it again, identically)."""
        for cached in self._caches.values():
            cached.cache_clear()

    # ------------------------------------------------------------ AI use

    def engagement_probability(self, week: str, team: str | None = None) -> float:
        """The chance that an adopter uses AI tools in ISO week `week` ("2026-W05"): org-wide,
        or in a team scenario `team`'s (each team's weeks are drawn on their own; the org-wide
        draw is not used there). 1.0 in scenarios without engagement weeks."""
        if self.engagement is not None:
            return self.engagement
        if self.scenario.engagement is None:
            return 1.0
        low, high = self.scenario.engagement
        if team is not None and self.scenario.by_team:
            return random.Random(f"{self.prefix}team-engagement:{team}:{week}").uniform(low, high)
        return random.Random(f"{self.prefix}engagement:{week}").uniform(low, high)

    def _engaged(self, week: str) -> frozenset[str] | None:
        """Emails of the staff engaged with AI tools in ISO week `week`; None: everybody. In a
        team scenario each person's chance is their team's that week (their team on its
        Monday)."""
        if not self.weekly_engagement:
            return None
        if self.scenario.by_team:
            year, number = week.split("-W")
            monday = date.fromisocalendar(int(year), int(number), 1)
            chances = {team: self.engagement_probability(week, team) for team in teams.TEAMS}
            return frozenset(
                dev.email
                for dev in self.developers
                if random.Random(f"{self.prefix}engaged:{week}:{dev.email}").random()
                < chances[self.team_of(dev.email, monday)]
            )
        chance = self.engagement_probability(week)
        return frozenset(
            dev.email
            for dev in self.developers
            if random.Random(f"{self.prefix}engaged:{week}:{dev.email}").random() < chance
        )

    def _maturity(self, dev: Developer, day: date) -> float:
        """Usage intensity: grows over the first months after a developer adopts."""
        return dev.power * min(1.0, 0.4 + (day - dev.adopts_on).days / 150)

    def _works_with_ai(self, dev: Developer, day: date, tool: str, weekday_odds: float) -> bool:
        if dev.adopts_on is None or day < dev.adopts_on:
            return False
        planted = self.planted
        if planted is not None and tool == "firebender" and planted.forced(dev.email, day):
            return True  # a runaway agent works whatever the week
        if self.weekly_engagement and dev.email not in self.engaged(iso_week(day)):
            return False
        working = day.weekday() < 5 and not (planted is not None and planted.holiday(day))
        if working and self.scenario.holidays:
            working = not self.away(dev.email, day)
        odds = weekday_odds if working else 0.06
        return random.Random(f"{self.prefix}{tool}-active:{day}:{dev.email}").random() < odds

    def ai_share(self, day: date) -> float:
        """Share of the staff who used an AI tool on `day`."""
        active = {row["email"] for row in self.firebender_usage(day)}
        active |= {item.email for item in self.builder_activity(day)}
        return len(active) / max(1, self.headcount(day))

    def away(self, email: str, day: date) -> bool:
        """Whether `email` is off on `day` in a calendar scenario: a holiday, or drawn among the
        share away that day (calendar.py). Never in the other scenarios."""
        if not self.scenario.holidays:
            return False
        if calendar.holiday(day):
            return True
        share = calendar.away_share(day)
        return bool(share) and random.Random(f"{self.prefix}away:{day}:{email}").random() < share

    def builder_share(self, day: date) -> float:
        """Share of the staff who used Builder.io on `day`."""
        active = {item.email for item in self.builder_activity(day)}
        return len(active) / max(1, self.headcount(day))

    def effect_share(self, day: date) -> float:
        """The AI share that acts on `day`'s CI load: the day's (any tool), Builder.io's only in
        "builder_effect", the mean of the days LAG_DAYS before in "lagged_effect"."""
        share = self.builder_share if self.scenario.effect_tool == "builder" else self.ai_share
        lag = self.scenario.lag_days
        if lag is None:
            return share(day)
        days = [day - timedelta(days=k) for k in range(lag[0], lag[1] + 1)]
        return sum(share(d) for d in days) / len(days)

    # ------------------------------------------------------------ teams

    def team_of(self, email: str, day: date) -> str:
        """The demo team `email` is in on `day` (teams.team_of; "Unassigned" if none)."""
        return teams.team_of(self, email, day)

    def team_members(self, team: str, day: date) -> tuple[str, ...]:
        """Emails of the staff in `team` on `day`: joined by then, in that team that day (the
        mover counts for the team of the day)."""
        return tuple(
            dev.email for dev in self.staff_on(day) if self.team_of(dev.email, day) == team
        )

    def team_ai_share(self, team: str, day: date) -> float:
        """Share of `team`'s members on `day` who used an AI tool that day (Firebender or
        Builder.io); 0.0 for a team with nobody that day. In "team_effect" the team's CI load
        is multiplied by 1 + true_effect x this."""
        members = self.team_members(team, day)
        if not members:
            return 0.0
        active = {row["email"] for row in self.firebender_usage(day)}
        active |= {item.email for item in self.builder_activity(day)}
        return sum(email in active for email in members) / len(members)

    def team_load(self, team: str, day: date) -> float:
        """A team scenario's CI load of `team`'s pipelines on `day`: (the team's committers /
        its norm) x the drift x the CI week x (1 + ai_effect x the team's AI share). A pipeline
        runs about builds_per_day x this builds."""
        count = sum(
            self.team_of(email, day) == team for email in self.codefresh_day(day).committers
        )
        return self._team_load(team, day, count)

    def _team_load(self, team: str, day: date, committers: int) -> float:
        load = committers / self.team_norms[team]
        if self.ai_effect:
            load *= 1 + self.ai_effect * self.team_ai_share(team, day)
        if self.team_trends:
            load *= 1 + self.team_trends[team] * (day - DATA_START).days / 365.25
        return load * self.ci_drift(day) * self.ci_week_factor(day) * self.ci_step(day)

    # ------------------------------------------------------------ Firebender

    def _firebender_usage(self, day: date) -> tuple[dict, ...]:
        """Daily usage rows (the API's shape) for everyone active in Firebender that day."""
        rows = []
        for dev in self.staff_on(day):
            if not dev.uses_firebender or not self._works_with_ai(dev, day, "firebender", 0.85):
                continue
            rng = random.Random(f"{self.prefix}firebender:{day}:{dev.email}")
            scale = self._maturity(dev, day)
            requests = max(5, min(40, round(rng.triangular(5, 40, 14) * scale)))
            if self.planted is not None:
                requests = round(requests * self.planted.usage_factor(dev.email, day))
            agent_prompts = round(requests * rng.uniform(0.55, 0.8))
            inline_edits = requests - agent_prompts
            agent_accepts = round(agent_prompts * rng.uniform(0.3, 0.7))
            agent_lines = agent_accepts * rng.randint(8, 45)
            inline_accepts = round(inline_edits * rng.uniform(0.4, 0.85))
            inline_lines = inline_accepts * rng.randint(1, 8)
            shown = round(rng.randint(40, 400) * scale)
            auto_accepts = round(shown * rng.uniform(0.15, 0.4))
            chars = auto_accepts * rng.randint(12, 60)
            if self.planted is not None:  # a runaway loop's prompts: none of its output accepted
                agent_prompts += self.planted.loop_requests(dev.email, day)
            rows.append(
                {
                    "date": day_ms(day),
                    "ideOpened": True,
                    "agentPrompts": agent_prompts,
                    "agentAccepts": agent_accepts,
                    "agentFullAccepts": round(agent_accepts * rng.uniform(0.2, 0.6)),
                    "agentAcceptedLinesAdded": agent_lines,
                    "agentAcceptedLinesRemoved": round(agent_lines * rng.uniform(0.1, 0.5)),
                    "inlineEdits": inline_edits,
                    "inlineEditAccepts": inline_accepts,
                    "inlineAcceptedLinesAdded": inline_lines,
                    "inlineAcceptedLinesRemoved": round(inline_lines * rng.uniform(0.1, 0.6)),
                    "autocompleteAccepts": auto_accepts,
                    "autocompleteShown": shown,
                    "autocompleteAcceptedCharactersAdded": chars,
                    "autocompleteAcceptedCharactersRemoved": round(chars * rng.uniform(0.0, 0.15)),
                    "email": dev.email,
                }
            )
        rows.sort(key=lambda row: row["email"])
        return tuple(rows)

    def _model_requests(self, day: date) -> ModelRequestDay:
        """Per-request rows for `day`: one per agent prompt or inline edit in the daily usage."""
        if day < MODEL_REQUESTS_START:
            return NO_REQUESTS
        model_ids = tuple(MODELS)
        items = []
        for usage in self.firebender_usage(day):
            dev = self.developers_by_email[usage["email"]]
            rng = random.Random(f"{self.prefix}model-requests:{day}:{dev.email}")
            workday_start = day_ms(day) + dev.start_hour * 3_600_000
            for index in range(usage["agentPrompts"] + usage["inlineEdits"]):
                ts = workday_start + rng.randrange(10 * 3_600_000)
                model = rng.choices(model_ids, _MODEL_WEIGHTS)[0]
                inp = rng.randint(800, 12_000)
                cache_read = 0 if rng.random() < 0.2 else rng.randint(2_000, 80_000)
                out = rng.randint(150, 4_000)
                cache_write = rng.randint(500, 6_000) if rng.random() < 0.4 else 0
                p_in, p_out, p_read, p_write = MODELS[model]
                cost = (
                    inp * p_in + out * p_out + cache_read * p_read + cache_write * p_write
                ) / 1e6
                spend = "byok" if dev.byok else ("on-demand" if rng.random() < 0.15 else "included")
                request_id = f"mr_{_digest(f'{self.prefix}{day}:{dev.email}:{index}', 24)}"
                items.append(
                    (
                        (ts, request_id),
                        {
                            "requestId": request_id,
                            "timestamp": iso_ms(ts),
                            "email": dev.email,
                            "model": model,
                            "inputTokens": inp,
                            "cacheReadTokens": cache_read,
                            "outputTokens": out,
                            "cacheWriteTokens": cache_write,
                            "totalTokens": inp + cache_read + out + cache_write,
                            "costUsd": round(cost, 6),
                            "spendType": spend,
                            "mode": rng.choices(MODES, _MODE_WEIGHTS)[0],
                        },
                    )
                )
        items.sort(key=lambda item: item[0])
        return ModelRequestDay(tuple(row for _, row in items), tuple(key for key, _ in items))

    # ------------------------------------------------------------ Builder.io

    def _builder_activity(self, day: date) -> tuple[BuilderActivity, ...]:
        """Everyone's Fusion activity on `day`, by email."""
        found = []
        for dev in self.staff_on(day):
            if not dev.uses_builder or not self._works_with_ai(dev, day, "builder", 0.65):
                continue
            rng = random.Random(f"{self.prefix}builder:{day}:{dev.email}")
            scale = self._maturity(dev, day)
            space = dev.spaces[0] if len(dev.spaces) == 1 or rng.random() < 0.75 else dev.spaces[1]
            prompts = max(1, round(rng.randint(2, 30) * scale))
            total_lines = prompts * rng.randint(40, 400)
            accepted = round(total_lines * rng.uniform(0.05, 0.35))
            added = round(accepted * rng.uniform(0.7, 1.0))
            tokens_input = prompts * rng.randint(3_000, 12_000)
            found.append(
                BuilderActivity(
                    email=dev.email,
                    user_id=dev.user_id,
                    space=space,
                    last_active_ms=day_ms(day)
                    + dev.start_hour * 3_600_000
                    + rng.randrange(6 * 3_600_000, 10 * 3_600_000),
                    lines_added=added,
                    lines_removed=round(added * rng.uniform(0.1, 0.45)),
                    total_lines=total_lines,
                    lines_accepted=accepted,
                    events=prompts * rng.randint(8, 25),
                    user_prompts=prompts,
                    tokens_input=tokens_input,
                    tokens_output=prompts * rng.randint(800, 3_000),
                    tokens_cache_write=round(tokens_input * rng.uniform(0.5, 3.0)),
                    tokens_cache_input=round(tokens_input * rng.uniform(5.0, 40.0)),
                    credits_tenths=round(prompts * rng.uniform(15, 60)),
                    prs_merged=rng.randint(1, 2) if rng.random() < 0.25 else 0,
                    design_exports=rng.randint(1, 3) if rng.random() < 0.15 else 0,
                )
            )
        return tuple(found)

    # ------------------------------------------------------------ Codefresh

    def ci_drift(self, day: date) -> float:
        """The smooth drift in CI load per committer, not tied to AI use (1.0 in the demo)."""
        rate = self.scenario.drift_per_year
        return 1 + rate * (day - DATA_START).days / 365.25 if rate else 1.0

    def ci_week_factor(self, day: date) -> float:
        """The busy/quiet CI factor of `day`'s ISO week (1.0 in the demo)."""
        sigma = self.scenario.ci_week_sigma
        if not sigma:
            return 1.0
        if self.scenario.ci_rho:
            return math.exp(self._ci_week_ar(day - timedelta(days=day.weekday())))
        return math.exp(random.Random(f"{self.prefix}ci-week:{iso_week(day)}").gauss(0, sigma))

    def _ci_week_ar(self, monday: date) -> float:
        """The log CI factor of the week starting `monday` when CI weeks persist: AR(1), the
        sum of the last AR_WEEKS weeks' shocks (seeded per ISO week) weighted rho^age, so any
        week is computed alone (the connectors fetch windows in threads); its spread is
        CI_WEEK_SIGMA whatever rho."""
        found = self._ci_weeks.get(monday)
        if found is None:
            rho, sigma = self.scenario.ci_rho, self.scenario.ci_week_sigma
            scale = math.sqrt(1 - rho**2)
            found = sum(
                rho**age
                * scale
                * random.Random(
                    f"{self.prefix}ci-week:{iso_week(monday - timedelta(weeks=age))}"
                ).gauss(0, sigma)
                for age in range(AR_WEEKS)
            )
            self._ci_weeks[monday] = found  # the same value whichever thread gets here first
        return found

    def ci_step(self, day: date) -> float:
        """The step in CI load from the scenario's CI_STEP day on (1.0 elsewhere)."""
        step = self.scenario.ci_step
        return step[1] if step is not None and day >= step[0] else 1.0

    def _codefresh_day(self, day: date) -> CodefreshDay:
        """Commits, builds and credits on `day`: builds follow commits, the scenario's drift and
        CI weeks, and (with an AI effect) the day's AI share; in a team scenario each pipeline
        follows its own team's committers and AI share (team_load)."""
        weekday = day.weekday() < 5
        if self.planted is not None and self.planted.holiday(day):
            weekday = False  # as quiet as a weekend
        committers = frozenset(
            dev.email
            for dev in self.staff_on(day)
            if random.Random(f"{self.prefix}commits:{day}:{dev.email}").random()
            < dev.commit_rate * (1 if weekday and not self.away(dev.email, day) else 0.06)
        )
        if self.scenario.by_team:
            counts = Counter(self.team_of(email, day) for email in committers)
            team_load = {team: self._team_load(team, day, counts[team]) for team in teams.TEAMS}
            loads = [team_load[self.pipeline_team[pipe.name]] for pipe in self.pipelines]
        else:
            load = len(committers) / 18
            if self.ai_effect:
                load *= 1 + self.ai_effect * self.effect_share(day)
            load *= self.ci_drift(day) * self.ci_week_factor(day) * self.ci_step(day)
            loads = [load] * len(self.pipelines)
        builds, credits = {}, {}
        for pipe, load in zip(self.pipelines, loads, strict=True):
            rng = random.Random(f"{self.prefix}codefresh:{day}:{pipe.name}")
            count = (
                int(pipe.builds_per_day * load * rng.uniform(0.6, 1.4) + rng.random())
                + pipe.nightly
            )
            if count:
                factor = 1.0 if self.planted is None else self.planted.ci_factor(pipe.name, day)
                builds[pipe.name] = count if factor == 1.0 else max(1, round(count * factor))
                per_build = pipe.minutes * _CREDITS_PER_MINUTE[pipe.resource_class]
                amount = count * per_build * rng.uniform(0.8, 1.25) * 100
                if factor != 1.0:
                    amount *= factor
                credits[pipe.name] = max(1, round(amount))
        return CodefreshDay(builds, credits, committers)


# The demo organisation, and its parts under the names callers have always used.
DEMO = World()
DEVELOPERS: tuple[Developer, ...] = DEMO.developers
DEVELOPERS_BY_EMAIL = DEMO.developers_by_email
PIPELINES: tuple[Pipeline, ...] = DEMO.pipelines
PIPELINE_CLASS = DEMO.pipeline_class
staff_on = DEMO.staff_on
firebender_usage = DEMO.firebender_usage
model_requests = DEMO.model_requests
builder_activity = DEMO.builder_activity
ai_share = DEMO.ai_share
codefresh_day = DEMO.codefresh_day
