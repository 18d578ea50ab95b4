"""The shape of one endpoint's date-range rules (the values live in `endpoints.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SpanRule:
    """What one request at one granularity may span, and how longer ranges are served."""

    min_dates: int = 1
    max_dates: int | None = None  # at most this many dates in one request
    max_years: int | None = None  # end < start + max_years years
    min_months: int | None = None  # end + 1 day >= start + min_months months
    split: str | None = None  # None: never split; "days"; "months" (on month boundaries)
    window_days: int | None = None  # preferred window when shorter than max_dates
    whole_months: bool = False  # values are per calendar month: fetch whole months
    why_no_split: str = ""


@dataclass(frozen=True)
class EndpointRules:
    vendor: str
    label: str
    spans: dict[str | None, SpanRule]
    earliest: dt.date | None = None  # documented first day with data; None: unknown
    clamp_to_earliest: bool = False  # a range that straddles `earliest` is served from it on
    extra: dict = field(default_factory=dict)

    @property
    def granularities(self) -> list[str | None]:
        return list(self.spans)
