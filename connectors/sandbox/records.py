"""The vocabulary of a sandbox organisation: its calendar, adoption curve, price list, and the
records the per-day generators return (data.py for the demo's, columns.py for sized worlds)."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

DATA_START = date(2025, 1, 1)
MODEL_REQUESTS_START = date(2025, 12, 31)  # Firebender keeps per-request rows from this day on

# Logistic adoption: share of developers who use AI tools by a given day. The ceiling and the
# two anchor points (10% on DATA_START, 75% on 2026-10-01) fix the curve.
ADOPTION_CEILING = 0.85
ADOPTION_MIDPOINT = 319.0  # days after DATA_START
ADOPTION_RATE = math.log(ADOPTION_CEILING / 0.10 - 1) / ADOPTION_MIDPOINT

RESOURCE_CLASSES = ("linux-small", "linux-medium", "linux-large")
CREDITS_PER_MINUTE = {"linux-small": 1.0, "linux-medium": 2.0, "linux-large": 4.0}

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
MODEL_WEIGHTS = (40, 6, 14, 18, 12, 10)
MODES = ("write", "plan", "ask", "debug", "release-notes-writer")  # the last: a custom agent
MODE_WEIGHTS = (55, 15, 15, 10, 5)
SPEND_TYPES = ("byok", "on-demand", "included")


def adoption(day: date) -> float:
    """Share of developers who have adopted AI tools by `day` (logistic in time)."""
    t = (day - DATA_START).days
    return ADOPTION_CEILING / (1 + math.exp(-ADOPTION_RATE * (t - ADOPTION_MIDPOINT)))


def adoption_day(threshold: float) -> date | None:
    """The day the adoption curve reaches `threshold` (inverse logistic)."""
    if threshold >= ADOPTION_CEILING:
        return None
    t = ADOPTION_MIDPOINT - math.log(ADOPTION_CEILING / threshold - 1) / ADOPTION_RATE
    return DATA_START + timedelta(days=max(0, math.ceil(t)))


def iso_week(day: date) -> str:
    """The ISO week `day` falls in, as "2026-W05" (scenario weeks are ISO weeks)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
class ModelRequestDay:
    """One day's model requests, oldest first (ties by requestId), with their sort keys.

    The interface the Firebender endpoint pages through (columns.RequestColumns has the same):
    `len()`, `rows`, `keys` and `select()`."""

    rows: tuple[dict, ...]
    keys: tuple[tuple[int, str], ...]  # (timestamp ms, requestId) of each row

    def __len__(self) -> int:
        return len(self.keys)

    def select(
        self, low: int, high: int, after: tuple[int, str] | None, email: str | None, limit: int
    ) -> list[tuple[tuple[int, str], dict]]:
        """Up to `limit` (key, row) pairs, oldest first: timestamps in [low, high] (ms), keys
        after the cursor's `after` (when given), rows of `email` only (when given)."""
        index = bisect_right(self.keys, after) if after else bisect_left(self.keys, (low, ""))
        found: list[tuple[tuple[int, str], dict]] = []
        if limit <= 0:
            return found
        for position in range(index, len(self.keys)):
            key = self.keys[position]
            if key[0] < low:
                continue
            if key[0] > high:
                break
            row = self.rows[position]
            if email and row["email"] != email:
                continue
            found.append((key, row))
            if len(found) >= limit:
                break
        return found


NO_REQUESTS = ModelRequestDay((), ())
