"""A chosen date range and granularity, and what each endpoint's rules allow for it: plain
data the reports take. The pickers that produce it are `ui/controls.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from connectors import ranges

from . import labels
from .metrics import calendar

ORDER = ("day", "week", "month", "quarter", None)
# The pickers' names: the calendar's, and None for Codefresh's aggregated report.
GRANULARITY_LABELS = {**calendar.GRANULARITY_LABELS, None: labels.MISSING_LABELS["granularity"]}
CHOSEN = "<chosen>"  # in an endpoint map: "fetched at the granularity the person chose"
DEFAULT_DAYS = 90


def granularity_options(
    endpoint: str, aggregate_from_day: tuple[str, ...] = ()
) -> list[str | None]:
    """The granularities an endpoint serves (its rules), plus coarser ones analytics can build
    from its daily rows (`aggregate_from_day`, only if the endpoint serves days)."""
    native = ranges.rules_for(endpoint).granularities
    offered = set(native)
    if "day" in native:
        offered |= set(aggregate_from_day)
    return [g for g in ORDER if g in offered]


def fetch_granularity(spec: str | None, granularity: str | None) -> str | None:
    return granularity if spec == CHOSEN else spec


@dataclass(frozen=True)
class Choice:
    """A served date range: inclusive UTC days, the granularity, and the rules' objections."""

    start: dt.date
    end: dt.date
    granularity: str | None
    today: dt.date
    endpoints: dict = field(default_factory=dict)  # endpoint -> granularity it is fetched at
    picked_start: dt.date | None = None  # the day picked, when `start` moved back to its period's

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def problem(
        self, endpoint: str, granularity: str | None = CHOSEN, start: dt.date | None = None
    ) -> str | None:
        """Why `endpoint` cannot serve this choice (None: it can)."""
        granularity = fetch_granularity(granularity, self.granularity)
        return ranges.problem(endpoint, start or self.start, self.end, granularity, self.today)

    def note(self, endpoint: str, granularity: str | None = CHOSEN) -> str | None:
        """The planner's note (e.g. "served from 2025-12-31, the first day with data")."""
        try:
            plan = ranges.plan(
                endpoint,
                self.start,
                self.end,
                fetch_granularity(granularity, self.granularity),
                self.today,
            )
        except ranges.InvalidRangeError:
            return None
        return plan.note

    def windows(self, endpoint: str, granularity: str | None = CHOSEN) -> int:
        try:
            return len(
                ranges.plan(
                    endpoint,
                    self.start,
                    self.end,
                    fetch_granularity(granularity, self.granularity),
                    self.today,
                ).windows
            )
        except ranges.InvalidRangeError:
            return 0
