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
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import weakref
from dataclasses import dataclass
from datetime import date, timedelta

from . import keys, scenarios
from .dates import day_ms, iso_ms

DATA_START = date(2025, 1, 1)
MODEL_REQUESTS_START = date(2025, 12, 31)  # Firebender keeps per-request rows from this day on

# Logistic adoption: share of developers who use AI tools by a given day. The ceiling and the
# two anchor points (10% on DATA_START, 75% on 2026-10-01) fix the curve.
_ADOPTION_CEILING = 0.85
_ADOPTION_MIDPOINT = 319.0  # days after DATA_START
_ADOPTION_RATE = math.log(_ADOPTION_CEILING / 0.10 - 1) / _ADOPTION_MIDPOINT

_NAMES = (
    "Amara Okafor",
    "Ben Carter",
    "Chen Wei",
    "Daniela Souza",
    "Elif Yilmaz",
    "Farid Haddad",
    "Grace Kim",
    "Hugo Lefevre",
    "Ines Moreau",
    "Jonas Berg",
    "Kavya Iyer",
    "Liam O'Brien",
    "Maya Cohen",
    "Nikolai Petrov",
    "Olivia Brown",
    "Pablo Ruiz",
    "Quinn Taylor",
    "Rina Sato",
    "Samuel Mensah",
    "Tara Nguyen",
    "Umar Siddiqui",
    "Valentina Rossi",
    "Wen Zhao",
    "Ximena Lopez",
    "Yusuf Demir",
    "Zoe Fischer",
    "Aditya Rao",
    "Bianca Ionescu",
    "Caleb Johnson",
    "Dina Haddad",
    "Emil Novak",
    "Fatima Zahra",
    "Gabriel Silva",
    "Hana Kowalski",
    "Isaac Levi",
    "Julia Schmidt",
)
# Days after DATA_START on which the last ten people join (the others were there already).
_JOIN_OFFSETS = (40, 95, 150, 210, 260, 330, 400, 470, 540, 610)

PIPELINE_NAMES = (
    "web-app/build",
    "web-app/test",
    "web-app/lint",
    "web-app/e2e",
    "web-app/deploy-staging",
    "web-app/deploy-prod",
    "mobile-android/build",
    "mobile-android/unit-tests",
    "mobile-android/lint",
    "mobile-android/release",
    "mobile-ios/build",
    "mobile-ios/ui-tests",
    "mobile-ios/release",
    "design-system/build",
    "design-system/visual-regression",
    "design-system/publish",
    "marketing-site/build",
    "marketing-site/deploy",
    "api/build",
    "api/test",
    "api/lint",
    "api/integration",
    "api/deploy",
    "data/etl-nightly",
    "data/tests",
    "infra/terraform-plan",
    "infra/terraform-apply",
    "internal-tools/build",
    "internal-tools/deploy",
    "docs/build",
)
RESOURCE_CLASSES = ("linux-small", "linux-medium", "linux-large")
_CREDITS_PER_MINUTE = {"linux-small": 1.0, "linux-medium": 2.0, "linux-large": 4.0}

# Firebender model ids and illustrative USD prices per million tokens:
# (input, output, cache read, cache write). Sandbox numbers, not the vendors' price lists.
MODELS = {
    "claude-sonnet-4-5": (3.0, 15.0, 0.30, 3.75),
    "claude-opus-4-1": (15.0, 75.0, 1.50, 18.75),
    "claude-haiku-4-5": (1.0, 5.0, 0.10, 1.25),
    "gpt-5": (1.25, 10.0, 0.125, 1.25),
    "gpt-5-mini": (0.25, 2.0, 0.025, 0.25),
    "gemini-2.5-pro": (1.25, 10.0, 0.31, 1.625),
}
_MODEL_WEIGHTS = (40, 6, 14, 18, 12, 10)
MODES = ("write", "plan", "ask", "debug", "release-notes-writer")  # the last: a custom agent
_MODE_WEIGHTS = (55, 15, 15, 10, 5)


@dataclass(frozen=True)
class Developer:
    email: str
    name: str
    user_id: str
    joined: date
    adopts_on: date | None  # first day using AI tools; None: never within the curve's ceiling
    power: float  # how heavily they use the tools once adopted
    start_hour: int  # UTC hour their working day starts
    uses_firebender: bool
    uses_builder: bool
    spaces: tuple[str, ...]  # Builder space public keys, the first being their usual one
    commit_rate: float  # chance of committing on a weekday
    byok: bool  # Firebender requests billed to their own key


@dataclass(frozen=True)
class Pipeline:
    name: str
    resource_class: str
    builds_per_day: float  # on a weekday with a usual number of committers and no AI
    minutes: float  # usual build length
    nightly: bool  # also one scheduled build every day


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def adoption(day: date) -> float:
    """Share of developers who have adopted AI tools by `day` (logistic in time)."""
    t = (day - DATA_START).days
    return _ADOPTION_CEILING / (1 + math.exp(-_ADOPTION_RATE * (t - _ADOPTION_MIDPOINT)))


def _adoption_day(threshold: float) -> date | None:
    """The day the adoption curve reaches `threshold` (inverse logistic)."""
    if threshold >= _ADOPTION_CEILING:
        return None
    t = _ADOPTION_MIDPOINT - math.log(_ADOPTION_CEILING / threshold - 1) / _ADOPTION_RATE
    return DATA_START + timedelta(days=max(0, math.ceil(t)))


def _make_developers(prefix: str = "") -> tuple[Developer, ...]:
    space_keys = tuple(keys.BUILDER_SPACES)
    # Adoption thresholds spread evenly over [0, 1) (then shuffled), so the share of adopters
    # follows the curve closely even with a few dozen people.
    thresholds = [(k + 0.5) / len(_NAMES) for k in range(len(_NAMES))]
    random.Random(f"{prefix}adoption-thresholds").shuffle(thresholds)
    people = []
    settled = len(_NAMES) - len(_JOIN_OFFSETS)
    for index, name in enumerate(_NAMES):
        first, last = name.lower().replace("'", "").split(" ", 1)
        email = f"{first}.{last.replace(' ', '')}@example.com"
        rng = random.Random(f"{prefix}developer:{email}")
        joined = (
            DATA_START
            if index < settled
            else DATA_START + timedelta(days=_JOIN_OFFSETS[index - settled])
        )
        adopts_on = _adoption_day(thresholds[index])
        if adopts_on is not None:
            adopts_on = max(adopts_on, joined)
        uses_firebender = rng.random() < 0.7
        uses_builder = rng.random() < 0.6 or not uses_firebender
        home = rng.randrange(len(space_keys))
        spaces = (space_keys[home],)
        if rng.random() < 0.4:
            spaces += (
                space_keys[(home + 1 + rng.randrange(len(space_keys) - 1)) % len(space_keys)],
            )
        people.append(
            Developer(
                email=email,
                name=name,
                user_id=f"user_{_digest(email, 12)}",
                joined=joined,
                adopts_on=adopts_on,
                power=round(rng.uniform(0.5, 1.6), 3),
                start_hour=rng.randint(6, 13),
                uses_firebender=uses_firebender,
                uses_builder=uses_builder,
                spaces=spaces,
                commit_rate=0.08 if rng.random() < 0.12 else round(rng.uniform(0.45, 0.8), 3),
                byok=rng.random() < 0.1,
            )
        )
    return tuple(people)


def _make_pipelines(prefix: str = "") -> tuple[Pipeline, ...]:
    pipelines = []
    for name in PIPELINE_NAMES:
        rng = random.Random(f"{prefix}pipeline:{name}")
        step = name.split("/")[1]
        heavy = any(
            word in step for word in ("e2e", "ui-tests", "integration", "visual", "release")
        )
        light = any(word in step for word in ("lint", "plan", "deploy", "docs"))
        resource_class = "linux-large" if heavy else "linux-small" if light else "linux-medium"
        pipelines.append(
            Pipeline(
                name=name,
                resource_class=resource_class,
                builds_per_day=round(
                    rng.uniform(0.4, 2.5)
                    if ("deploy" in step or "release" in step)
                    else rng.uniform(1.5, 6.0),
                    2,
                ),
                minutes=round(rng.uniform(2, 6) if light else rng.uniform(6, 25), 1),
                nightly="nightly" in step or rng.random() < 0.2,
            )
        )
    return tuple(pipelines)


def iso_week(day: date) -> str:
    """The ISO week `day` falls in, as "2026-W05" (scenario weeks are ISO weeks)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ModelRequestDay:
    """One day's model requests, oldest first (ties by requestId), with their sort keys."""

    rows: tuple[dict, ...]
    keys: tuple[tuple[int, str], ...]  # (timestamp ms, requestId) of each row


@dataclass(frozen=True)
class BuilderActivity:
    """One developer's Fusion activity on one day, in one space."""

    email: str
    user_id: str
    space: str  # public key
    last_active_ms: int
    lines_added: int
    lines_removed: int
    total_lines: int
    lines_accepted: int
    events: int
    user_prompts: int
    tokens_input: int
    tokens_output: int
    tokens_cache_write: int
    tokens_cache_input: int
    credits_tenths: int  # credits used, in tenths (sent as a decimal string)
    prs_merged: int
    design_exports: int

    @property
    def tokens_total(self) -> int:
        return (
            self.tokens_input
            + self.tokens_output
            + self.tokens_cache_write
            + self.tokens_cache_input
        )


@dataclass(frozen=True)
class CodefreshDay:
    builds: dict  # pipeline name -> builds that day (only pipelines that ran)
    credits_cents: dict  # pipeline name -> credits that day, in hundredths
    committers: frozenset  # emails of developers who committed that day


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
    """One synthetic organisation: a scenario's story drawn with a seed.

    Every number is a pure function of (scenario, seed, day), from random.Random seeded with
    strings prefixed by f"{scenario}:{seed}:" (no prefix for the demo with seed 0, whose seed
    strings are the original ones), so any process produces the same numbers. Each day is
    generated once and cached in this world; the caches go with it.

    `engagement` and `ai_effect` override the scenario for counterfactuals and tests: a fixed
    weekly engagement probability (1.0: every adopter is engaged every week, 0.0: nobody uses AI)
    and the coefficient of the day's AI share in CI load (0.0: the same world with no effect).
    """

    def __init__(
        self,
        scenario: str = "demo",
        seed: int = 0,
        *,
        engagement: float | None = None,
        ai_effect: float | None = None,
    ):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"The sandbox seed must be an integer, not {seed!r}")
        self.scenario = scenarios.get(scenario)
        self.seed = seed
        self.ai_effect = self.scenario.ai_effect if ai_effect is None else float(ai_effect)
        self.engagement = engagement
        self._weekly = engagement is not None or self.scenario.engagement is not None
        plain = scenario == "demo" and seed == 0
        self.prefix = "" if plain else f"{scenario}:{seed}:"
        self.developers: tuple[Developer, ...] = _make_developers(self.prefix)
        self.developers_by_email = {dev.email: dev for dev in self.developers}
        self.pipelines: tuple[Pipeline, ...] = _make_pipelines(self.prefix)
        self.pipeline_class = {pipe.name: pipe.resource_class for pipe in self.pipelines}
        self.firebender_usage = _cached_per_world(self, World._firebender_usage, 1024)
        # more than the model-request days of a year: a warm-up can hold them
        self.model_requests = _cached_per_world(self, World._model_requests, 512)
        self.builder_activity = _cached_per_world(self, World._builder_activity, 1024)
        self.codefresh_day = _cached_per_world(self, World._codefresh_day, 1024)
        self.engaged = _cached_per_world(self, World._engaged, 512)

    @classmethod
    def get(cls, scenario: str = "demo", seed: int = 0) -> World:
        """The shared demo world for ("demo", 0) (its caches are the module's), else a new one."""
        if scenario == "demo" and seed == 0 and not isinstance(seed, bool):
            return DEMO
        return cls(scenario, seed)

    def __repr__(self) -> str:
        return f"World(scenario={self.scenario.name!r}, seed={self.seed})"

    @property
    def true_effect(self) -> float:
        """The coefficient of the day's AI share in CI load (scenarios.true_effect)."""
        return self.ai_effect

    def staff_on(self, day: date) -> tuple[Developer, ...]:
        """Developers who had joined by `day`."""
        return tuple(dev for dev in self.developers if dev.joined <= day)

    # ------------------------------------------------------------ AI use

    def engagement_probability(self, week: str) -> float:
        """The org-wide chance that an adopter uses AI tools in ISO week `week` ("2026-W05");
        1.0 in scenarios without engagement weeks."""
        if self.engagement is not None:
            return self.engagement
        if self.scenario.engagement is None:
            return 1.0
        low, high = self.scenario.engagement
        return random.Random(f"{self.prefix}engagement:{week}").uniform(low, high)

    def _engaged(self, week: str) -> frozenset[str] | None:
        """Emails of the staff engaged with AI tools in ISO week `week`; None: everybody."""
        if not self._weekly:
            return None
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
        if self._weekly and dev.email not in self.engaged(iso_week(day)):
            return False
        odds = weekday_odds if day.weekday() < 5 else 0.06
        return random.Random(f"{self.prefix}{tool}-active:{day}:{dev.email}").random() < odds

    def ai_share(self, day: date) -> float:
        """Share of the staff who used an AI tool on `day`."""
        active = {row["email"] for row in self.firebender_usage(day)}
        active |= {item.email for item in self.builder_activity(day)}
        return len(active) / max(1, len(self.staff_on(day)))

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
            agent_prompts = round(requests * rng.uniform(0.55, 0.8))
            inline_edits = requests - agent_prompts
            agent_accepts = round(agent_prompts * rng.uniform(0.3, 0.7))
            agent_lines = agent_accepts * rng.randint(8, 45)
            inline_accepts = round(inline_edits * rng.uniform(0.4, 0.85))
            inline_lines = inline_accepts * rng.randint(1, 8)
            shown = round(rng.randint(40, 400) * scale)
            auto_accepts = round(shown * rng.uniform(0.15, 0.4))
            chars = auto_accepts * rng.randint(12, 60)
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
            return ModelRequestDay((), ())
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
        return math.exp(random.Random(f"{self.prefix}ci-week:{iso_week(day)}").gauss(0, sigma))

    def _codefresh_day(self, day: date) -> CodefreshDay:
        """Commits, builds and credits on `day`: builds follow commits, the scenario's drift and
        CI weeks, and (with an AI effect) the day's AI share."""
        weekday = day.weekday() < 5
        committers = frozenset(
            dev.email
            for dev in self.staff_on(day)
            if random.Random(f"{self.prefix}commits:{day}:{dev.email}").random()
            < dev.commit_rate * (1 if weekday else 0.06)
        )
        load = len(committers) / 18
        if self.ai_effect:
            load *= 1 + self.ai_effect * self.ai_share(day)
        load *= self.ci_drift(day) * self.ci_week_factor(day)
        builds, credits = {}, {}
        for pipe in self.pipelines:
            rng = random.Random(f"{self.prefix}codefresh:{day}:{pipe.name}")
            count = (
                int(pipe.builds_per_day * load * rng.uniform(0.6, 1.4) + rng.random())
                + pipe.nightly
            )
            if count:
                builds[pipe.name] = count
                per_build = pipe.minutes * _CREDITS_PER_MINUTE[pipe.resource_class]
                credits[pipe.name] = max(1, round(count * per_build * rng.uniform(0.8, 1.25) * 100))
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
