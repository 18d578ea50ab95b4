"""Per-day generators of a sized organisation (`World(developers=N)`), in columns (numpy).

The demo draws every person's day from its own `random.Random` (data.py): exact, but ~10 us a
person and a tool, and ~10 us per model request, which is minutes a year for thousands of
developers. Here each (world, generator, day) has one numpy Generator seeded from a SHA-256 of
f"{prefix}sized:{N}:{what}:{day}" (the same in every process), the whole roster is drawn at
once, and the same story is told with the same formulas: who is staff, who has adopted
(records.adoption_day), engagement weeks, weekday odds, maturity, the value ranges of every
field, CI load from committers, the scenario's AI effect, drift and CI weeks.

Model requests are kept in columns (about 55 bytes a request, not a dict of ~1 kB) and made into
rows only for the page being served (RequestColumns.select).
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np

from .dates import day_ms
from .records import (
    CREDITS_PER_MINUTE,
    DATA_START,
    MODE_WEIGHTS,
    MODEL_REQUESTS_START,
    MODEL_WEIGHTS,
    MODELS,
    MODES,
    NO_REQUESTS,
    SPEND_TYPES,
    BuilderActivity,
    CodefreshDay,
    Developer,
    Pipeline,
    iso_week,
)

HOUR_MS = 3_600_000
NEVER = np.iinfo(np.int32).max  # the adoption day of someone who never adopts
_MODEL_IDS = tuple(MODELS)
_MODEL_NAMES = np.array(_MODEL_IDS, dtype=object)
_SPEND_NAMES = np.array(SPEND_TYPES, dtype=object)
_MODE_NAMES = np.array(MODES, dtype=object)
_MODEL_P = np.array(MODEL_WEIGHTS, dtype=float) / sum(MODEL_WEIGHTS)
_MODE_P = np.array(MODE_WEIGHTS, dtype=float) / sum(MODE_WEIGHTS)
# USD per token of (input, cache read, output, cache write): the order of RequestColumns.tokens
_PRICES = np.array([MODELS[model] for model in _MODEL_IDS])[:, [0, 2, 1, 3]] / 1e6
_BYOK, _ON_DEMAND, _INCLUDED = range(len(SPEND_TYPES))


class Columns:
    """A sized world's roster (sorted by email) and pipelines (in order) as arrays."""

    def __init__(
        self,
        developers: tuple[Developer, ...],
        pipelines: tuple[Pipeline, ...],
        space_keys: tuple[str, ...],
        seed_text: str,
    ):
        people = sorted(developers, key=lambda dev: dev.email)
        self.seed_text = seed_text
        self.size = len(people)
        self.emails = [dev.email for dev in people]
        self.email_array = np.array(self.emails, dtype=object)
        self.user_ids = [dev.user_id for dev in people]
        self.position = {email: index for index, email in enumerate(self.emails)}
        self.joined = np.array([(dev.joined - DATA_START).days for dev in people], dtype=np.int32)
        self.adopts = np.array(
            [
                NEVER if dev.adopts_on is None else (dev.adopts_on - DATA_START).days
                for dev in people
            ],
            dtype=np.int32,
        )
        self.power = np.array([dev.power for dev in people])
        self.start_ms = np.array([dev.start_hour * HOUR_MS for dev in people], dtype=np.int64)
        self.uses_firebender = np.array([dev.uses_firebender for dev in people])
        self.uses_builder = np.array([dev.uses_builder for dev in people])
        self.space_keys = list(space_keys)
        space_index = {key: index for index, key in enumerate(space_keys)}
        self.home = np.array([space_index[dev.spaces[0]] for dev in people], dtype=np.int32)
        self.other = np.array(
            [space_index[dev.spaces[1]] if len(dev.spaces) > 1 else -1 for dev in people],
            dtype=np.int32,
        )
        self.commit_rate = np.array([dev.commit_rate for dev in people])
        self.byok = np.array([dev.byok for dev in people])
        self.pipeline_names = np.array([pipe.name for pipe in pipelines], dtype=object)
        self.builds_per_day = np.array([pipe.builds_per_day for pipe in pipelines])
        self.credits_per_build = np.array(
            [pipe.minutes * CREDITS_PER_MINUTE[pipe.resource_class] for pipe in pipelines]
        )
        self.nightly = np.array([pipe.nightly for pipe in pipelines], dtype=np.int64)
        # "a usual number of committers" for a pipeline's builds_per_day: the demo's 18 of 36
        self.usual_committers = max(1.0, 18 * len(people) / 36)

    def rng(self, what: str, when) -> np.random.Generator:
        text = f"{self.seed_text}{what}:{when}"
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")
        return np.random.default_rng(seed)

    def staff(self, t: int) -> np.ndarray:
        return self.joined <= t

    def engaged(self, world, week: str) -> np.ndarray | None:
        """Who is engaged with AI tools in ISO week `week`; None: everybody."""
        if not world.weekly_engagement:
            return None
        chance = world.engagement_probability(week)
        return self.rng("engaged", week).random(self.size) < chance

    def with_ai(self, world, day: date, t: int, users: np.ndarray, weekday_odds: float, rng):
        """Positions (email order) of the users of a tool working with AI on `day`."""
        draw = rng.random(self.size)
        odds = weekday_odds if day.weekday() < 5 else 0.06
        active = users & (self.adopts <= t) & self.staff(t) & (draw < odds)
        engaged = self.engaged(world, iso_week(day))
        if engaged is not None:
            active &= engaged
        return np.flatnonzero(active)

    def maturity(self, who: np.ndarray, t: int) -> np.ndarray:
        return self.power[who] * np.minimum(1.0, 0.4 + (t - self.adopts[who]) / 150)


def _ints(values) -> list[int]:
    return np.rint(values).astype(np.int64).tolist()


def engaged(world, week: str) -> frozenset[str] | None:
    """Emails of the staff engaged with AI tools in ISO week `week`; None: everybody."""
    mask = world.columns.engaged(world, week)
    if mask is None:
        return None
    return frozenset(world.columns.emails[i] for i in np.flatnonzero(mask).tolist())


def firebender_usage(world, day: date) -> tuple[dict, ...]:
    """Daily usage rows (the API's shape), by email, for everyone active in Firebender."""
    c, t = world.columns, (day - DATA_START).days
    rng = c.rng("firebender", day)
    who = c.with_ai(world, day, t, c.uses_firebender, 0.85, rng)
    n = who.size
    if not n:
        return ()
    scale = c.maturity(who, t)
    requests = np.clip(np.rint(rng.triangular(5, 14, 40, n) * scale), 5, 40)
    agent_prompts = np.rint(requests * rng.uniform(0.55, 0.8, n))
    inline_edits = requests - agent_prompts
    agent_accepts = np.rint(agent_prompts * rng.uniform(0.3, 0.7, n))
    agent_lines = agent_accepts * rng.integers(8, 46, n)
    inline_accepts = np.rint(inline_edits * rng.uniform(0.4, 0.85, n))
    inline_lines = inline_accepts * rng.integers(1, 9, n)
    shown = np.rint(rng.integers(40, 401, n) * scale)
    auto_accepts = np.rint(shown * rng.uniform(0.15, 0.4, n))
    chars = auto_accepts * rng.integers(12, 61, n)
    columns = zip(
        _ints(agent_prompts),
        _ints(agent_accepts),
        _ints(agent_accepts * rng.uniform(0.2, 0.6, n)),
        _ints(agent_lines),
        _ints(agent_lines * rng.uniform(0.1, 0.5, n)),
        _ints(inline_edits),
        _ints(inline_accepts),
        _ints(inline_lines),
        _ints(inline_lines * rng.uniform(0.1, 0.6, n)),
        _ints(auto_accepts),
        _ints(shown),
        _ints(chars),
        _ints(chars * rng.uniform(0.0, 0.15, n)),
        [c.emails[i] for i in who.tolist()],
    )
    when = day_ms(day)
    return tuple(
        {
            "date": when,
            "ideOpened": True,
            "agentPrompts": a,
            "agentAccepts": b,
            "agentFullAccepts": full,
            "agentAcceptedLinesAdded": lines,
            "agentAcceptedLinesRemoved": removed,
            "inlineEdits": edits,
            "inlineEditAccepts": accepts,
            "inlineAcceptedLinesAdded": inline,
            "inlineAcceptedLinesRemoved": inline_removed,
            "autocompleteAccepts": auto,
            "autocompleteShown": seen,
            "autocompleteAcceptedCharactersAdded": added,
            "autocompleteAcceptedCharactersRemoved": gone,
            "email": email,
        }
        for (
            a,
            b,
            full,
            lines,
            removed,
            edits,
            accepts,
            inline,
            inline_removed,
            auto,
            seen,
            added,
            gone,
            email,
        ) in columns
    )


def builder_activity(world, day: date) -> tuple[BuilderActivity, ...]:
    """Everyone's Fusion activity on `day`, by email."""
    c, t = world.columns, (day - DATA_START).days
    rng = c.rng("builder", day)
    who = c.with_ai(world, day, t, c.uses_builder, 0.65, rng)
    n = who.size
    if not n:
        return ()
    scale = c.maturity(who, t)
    other = c.other[who]
    space = np.where((other < 0) | (rng.random(n) < 0.75), c.home[who], other)
    prompts = np.maximum(1, np.rint(rng.integers(2, 31, n) * scale))
    total_lines = prompts * rng.integers(40, 401, n)
    accepted = np.rint(total_lines * rng.uniform(0.05, 0.35, n))
    added = np.rint(accepted * rng.uniform(0.7, 1.0, n))
    tokens_input = prompts * rng.integers(3_000, 12_001, n)
    last_active = day_ms(day) + c.start_ms[who] + rng.integers(6 * HOUR_MS, 10 * HOUR_MS, n)
    prs = np.where(rng.random(n) < 0.25, rng.integers(1, 3, n), 0)
    exports = np.where(rng.random(n) < 0.15, rng.integers(1, 4, n), 0)
    columns = zip(
        who.tolist(),
        space.tolist(),
        last_active.tolist(),
        _ints(added),
        _ints(added * rng.uniform(0.1, 0.45, n)),
        _ints(total_lines),
        _ints(accepted),
        _ints(prompts * rng.integers(8, 26, n)),
        _ints(prompts),
        _ints(tokens_input),
        _ints(prompts * rng.integers(800, 3_001, n)),
        _ints(tokens_input * rng.uniform(0.5, 3.0, n)),
        _ints(tokens_input * rng.uniform(5.0, 40.0, n)),
        _ints(prompts * rng.uniform(15, 60, n)),
        prs.tolist(),
        exports.tolist(),
    )
    keys = c.space_keys
    return tuple(
        BuilderActivity(c.emails[i], c.user_ids[i], keys[s], *rest) for i, s, *rest in columns
    )


def codefresh_day(world, day: date) -> CodefreshDay:
    """Commits, builds and credits on `day`, as in the demo: builds follow committers (per
    usual number of committers, which grows with the roster), the AI effect, drift, CI weeks."""
    c, t = world.columns, (day - DATA_START).days
    rng = c.rng("codefresh", day)
    odds = c.commit_rate * (1 if day.weekday() < 5 else 0.06)
    committed = np.flatnonzero(c.staff(t) & (rng.random(c.size) < odds))
    committers = frozenset(c.emails[i] for i in committed.tolist())
    load = len(committers) / c.usual_committers
    if world.ai_effect:
        load *= 1 + world.ai_effect * world.ai_share(day)
    load *= world.ci_drift(day) * world.ci_week_factor(day)
    p = len(c.pipeline_names)
    count = np.floor(c.builds_per_day * load * rng.uniform(0.6, 1.4, p) + rng.random(p))
    count = count.astype(np.int64) + c.nightly
    cents = np.maximum(1, np.rint(count * c.credits_per_build * rng.uniform(0.8, 1.25, p) * 100))
    ran = np.flatnonzero(count > 0)
    names = c.pipeline_names[ran].tolist()
    return CodefreshDay(
        dict(zip(names, count[ran].tolist())),
        dict(zip(names, cents[ran].astype(np.int64).tolist())),
        committers,
    )


class RequestColumns:
    """One day's model requests in columns, oldest first (ties by requestId); rows are made
    only for what is served. Same interface as records.ModelRequestDay."""

    def __init__(self, emails: np.ndarray, position: dict, ts, ids, owner, kinds, tokens, cost):
        # hex ids sort as their bytes do: by the first 8 bytes, then the last 4 (big-endian)
        first = np.ascontiguousarray(ids[:, :8]).view(">u8")[:, 0]
        last = np.ascontiguousarray(ids[:, 8:]).view(">u4")[:, 0]
        order = np.lexsort((last, first, ts))
        self._emails = emails  # the world's emails by roster position (shared, not copied)
        self._position = position
        self.ts = ts[order]
        self.ids = ids[order]  # 12 random bytes each: "mr_" + 24 hex digits
        self.owner = owner[order]  # roster position (email order)
        self.kinds = kinds[order]  # indexes into MODELS, SPEND_TYPES and MODES
        self.tokens = tokens[order]  # input, cache read, output, cache write
        self.cost = cost[order]

    def __len__(self) -> int:
        return len(self.ts)

    def _request_id(self, position: int) -> str:
        return "mr_" + self.ids[position].tobytes().hex()

    def _after(self, after: tuple[int, str]) -> int:
        """The first position whose key is greater than `after`."""
        ts, request_id = after
        low = int(np.searchsorted(self.ts, ts, "left"))
        high = int(np.searchsorted(self.ts, ts, "right"))
        for position in range(low, high):
            if self._request_id(position) > request_id:
                return position
        return high

    def select(
        self, low: int, high: int, after: tuple[int, str] | None, email: str | None, limit: int
    ) -> list[tuple[tuple[int, str], dict]]:
        """Up to `limit` (key, row) pairs, oldest first: timestamps in [low, high] (ms), keys
        after the cursor's `after` (when given), rows of `email` only (when given)."""
        if limit <= 0:
            return []
        start = int(np.searchsorted(self.ts, low, "left"))
        if after:
            start = max(start, self._after(after))
        stop = int(np.searchsorted(self.ts, high, "right"))
        if start >= stop:
            return []
        if email:
            owner = self._position.get(email)
            if owner is None:
                return []
            picked = start + np.flatnonzero(self.owner[start:stop] == owner)[:limit]
        else:
            picked = np.arange(start, min(stop, start + limit))
        keys, rows = self._made(picked)
        return list(zip(keys, rows))

    def rows_at(self, picked: np.ndarray) -> list[dict]:
        """The API's rows at positions `picked`."""
        return self._made(picked)[1]

    def _made(self, picked: np.ndarray) -> tuple[list[tuple[int, str]], list[dict]]:
        """The (timestamp, requestId) keys and the API's rows at positions `picked`."""
        ts = self.ts[picked]
        raw = self.ids[picked].tobytes().hex()
        ids = ["mr_" + raw[k : k + 24] for k in range(0, len(raw), 24)]
        stamps = np.datetime_as_string(ts.astype("datetime64[ms]"), unit="ms").tolist()
        kinds = self.kinds[picked]
        tokens = self.tokens[picked].astype(np.int64)
        columns = zip(
            ids,
            stamps,
            self._emails[self.owner[picked]].tolist(),
            _MODEL_NAMES[kinds[:, 0]].tolist(),
            tokens[:, 0].tolist(),
            tokens[:, 1].tolist(),
            tokens[:, 2].tolist(),
            tokens[:, 3].tolist(),
            tokens.sum(axis=1).tolist(),
            self.cost[picked].tolist(),
            _SPEND_NAMES[kinds[:, 1]].tolist(),
            _MODE_NAMES[kinds[:, 2]].tolist(),
        )
        rows = [
            {
                "requestId": request_id,
                "timestamp": stamp + "Z",
                "email": email,
                "model": model,
                "inputTokens": inp,
                "cacheReadTokens": read,
                "outputTokens": out,
                "cacheWriteTokens": write,
                "totalTokens": total,
                "costUsd": cost,
                "spendType": spend,
                "mode": mode,
            }
            for request_id, stamp, email, model, inp, read, out, write, total, cost, spend, mode in (
                columns
            )
        ]
        return list(zip(ts.tolist(), ids)), rows

    @property
    def keys(self) -> tuple[tuple[int, str], ...]:
        raw = self.ids.tobytes().hex()
        return tuple(
            (ts, "mr_" + raw[24 * k : 24 * k + 24]) for k, ts in enumerate(self.ts.tolist())
        )

    @property
    def rows(self) -> tuple[dict, ...]:
        """Every row of the day (made now: a day of a large organisation is ~20,000 dicts)."""
        return tuple(self.rows_at(np.arange(len(self))))


def model_requests(world, day: date):
    """Per-request columns for `day`: one request per agent prompt or inline edit in the day's
    Firebender usage, each at a random moment of the person's 10-hour working day."""
    if day < MODEL_REQUESTS_START:
        return NO_REQUESTS
    usage = world.firebender_usage(day)
    if not usage:
        return NO_REQUESTS
    c = world.columns
    who = np.array([c.position[row["email"]] for row in usage], dtype=np.int32)
    counts = np.array([row["agentPrompts"] + row["inlineEdits"] for row in usage])
    owner = np.repeat(who, counts)
    n = owner.size
    rng = c.rng("model-requests", day)
    ts = day_ms(day) + c.start_ms[owner] + rng.integers(0, 10 * HOUR_MS, n)
    model = rng.choice(len(_MODEL_IDS), n, p=_MODEL_P)
    inp = rng.integers(800, 12_001, n)
    read = np.where(rng.random(n) < 0.2, 0, rng.integers(2_000, 80_001, n))
    out = rng.integers(150, 4_001, n)
    write = np.where(rng.random(n) < 0.4, rng.integers(500, 6_001, n), 0)
    tokens = np.column_stack([inp, read, out, write]).astype(np.int32)
    cost = np.round((tokens * _PRICES[model]).sum(axis=1), 6)
    spend = np.where(c.byok[owner], _BYOK, np.where(rng.random(n) < 0.15, _ON_DEMAND, _INCLUDED))
    mode = rng.choice(len(MODES), n, p=_MODE_P)
    kinds = np.column_stack([model, spend, mode]).astype(np.int8)
    ids = np.frombuffer(rng.bytes(12 * n), dtype=np.uint8).reshape(n, 12)
    return RequestColumns(c.email_array, c.position, ts, ids, owner, kinds, tokens, cost)
