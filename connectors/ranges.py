"""Every endpoint's date-range rules, declared as data, and the planner that turns an accepted
range into windows that each satisfy them.

The connectors call `plan()` before sending anything; the app's date pickers read `limits()` and
`presets()` from the same table, so a picker can never offer what a connector would refuse.

Ranges are inclusive UTC calendar days. How the vendors' words are read (vendor-docs/README.md):
"N days" = at most N dates; "1 year" = end < start + 1 year; "3 months" = end + 1 day >=
start + 3 months; "2 days" = at least 2 dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from . import endpoints
from .endpoints import (  # the catalogue declares every endpoint's rules
    FIREBENDER_MODEL_REQUESTS_EARLIEST,  # noqa: F401  (re-exported)
    MODEL_REQUEST_WINDOW_DAYS,  # noqa: F401  (re-exported)
    RULES,
)
from .errors import InvalidRangeError
from .rules import EndpointRules, SpanRule  # noqa: F401  (re-exported)

# [guess] No vendor documents how far back its data goes; pickers start here unless a rule says
# otherwise. A request before a vendor's real history simply returns no rows.
DEFAULT_EARLIEST = dt.date(2024, 1, 1)

GRANULARITY_LABELS = {
    None: "whole range",
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
}


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date

    @property
    def dates(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Plan:
    endpoint: str
    granularity: str | None
    start: dt.date  # the range served (after clamping to the earliest day)
    end: dt.date
    windows: tuple[Window, ...]
    keep: tuple[dt.date, dt.date] | None = None  # drop rows outside this (padded requests)
    note: str | None = None


@dataclass(frozen=True)
class Limits:
    """What a date picker may offer for one endpoint and granularity."""

    earliest: dt.date
    latest: dt.date
    min_dates: int
    max_dates: int | None  # None: any length (long ranges are split)
    granularities: list[str | None]


# ---------------------------------------------------------------- date arithmetic


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# ---------------------------------------------------------------- one request's validity


def request_problem(rule: SpanRule, start: dt.date, end: dt.date) -> str | None:
    """Why one request for [start, end] breaks `rule`, or None when the API accepts it."""
    dates = (end - start).days + 1
    if dates < rule.min_dates:
        return f"at least {rule.min_dates} days"
    if rule.max_dates is not None and dates > rule.max_dates:
        return f"at most {rule.max_dates} days"
    if rule.max_years is not None and not end < add_years(start, rule.max_years):
        return "less than 1 year" if rule.max_years == 1 else f"less than {rule.max_years} years"
    if rule.min_months is not None and not end + dt.timedelta(days=1) >= add_months(
        start, rule.min_months
    ):
        return f"at least {rule.min_months} months"
    return None


def describe(rule: SpanRule) -> str:
    parts = []
    if rule.min_dates > 1:
        parts.append(f"at least {rule.min_dates} days")
    if rule.min_months:
        parts.append(f"at least {rule.min_months} whole months")
    if rule.max_dates:
        parts.append(f"at most {rule.max_dates} days")
    if rule.max_years:
        parts.append("less than a year")
    text = " and ".join(parts) or "any length"
    if rule.split:
        text += " per request (longer ranges are split)"
    return text


# ---------------------------------------------------------------- the planner


def _fail(rules: EndpointRules, message: str) -> InvalidRangeError:
    return InvalidRangeError(rules.vendor, f"{rules.label}: {message}")


def as_date(value, what: str, rules: EndpointRules) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _fail(rules, f"{what} date {value!r} is not a date (use YYYY-MM-DD).") from None
    if not isinstance(value, dt.date):
        raise _fail(rules, f"{what} date must be a date, got {type(value).__name__}.")
    return value


def rules_for(endpoint: str | EndpointRules) -> EndpointRules:
    """The rules of a catalogue key ("firebender.daily_usage"), or `endpoint` itself when it
    is already rules (a Codefresh report found in the account's metadata)."""
    if isinstance(endpoint, EndpointRules):
        return endpoint
    if endpoint in RULES:
        return RULES[endpoint]
    try:
        found = endpoints.get(endpoint)  # a Codefresh report found in an account's metadata
    except KeyError:
        found = None
    if found is None or not found.spans:
        raise KeyError(f"no range rules for endpoint {endpoint!r}; known: {sorted(RULES)}")
    return found.rules


def plan(
    endpoint: str | EndpointRules,
    start,
    end,
    granularity: str | None = None,
    today: dt.date | None = None,
) -> Plan:
    """The windows that serve [start, end] at `granularity`, or InvalidRangeError saying what is
    allowed. Pure: sends nothing."""
    rules = rules_for(endpoint)
    start = as_date(start, "Start", rules)
    end = as_date(end, "End", rules)
    today = today or utc_today()
    if granularity not in rules.spans:
        allowed = ", ".join(GRANULARITY_LABELS.get(g, str(g)) for g in rules.spans)
        raise _fail(rules, f"granularity {granularity!r} is not offered; allowed: {allowed}.")
    rule = rules.spans[granularity]
    if end < start:
        raise _fail(rules, f"the range ends ({end}) before it starts ({start}).")
    if end > today:
        raise _fail(
            rules, f"the range ends after today ({today}); the latest day allowed is {today}."
        )
    note = None
    if rules.earliest and start < rules.earliest:
        if end < rules.earliest or not rules.clamp_to_earliest:
            raise _fail(
                rules,
                f"data is only available from {rules.earliest}; "
                f"choose a range that ends on or after it.",
            )
        note = f"served from {rules.earliest}, the first day with data"
        start = rules.earliest
    earliest = rules.earliest or dt.date.min
    if rule.whole_months:
        windows, keep = _whole_month_windows(rules, rule, start, end, earliest, today)
        return Plan(endpoint, granularity, start, end, windows, keep, note)
    if request_problem(rule, start, end) is None and not (
        rule.window_days and (end - start).days + 1 > rule.window_days
    ):
        return Plan(endpoint, granularity, start, end, (Window(start, end),), None, note)
    dates = (end - start).days + 1
    if dates < rule.min_dates:
        window = _pad_days(rules, rule, start, end, earliest, today)
        return Plan(endpoint, granularity, start, end, (window,), (start, end), note)
    if rule.split == "days":
        windows = _split_days(start, end, rule.window_days or rule.max_dates)
    elif rule.split == "months":
        windows = _split_months(start, end, 12 * (rule.max_years or 1))
    else:
        why = f" ({rule.why_no_split})" if rule.why_no_split else ""
        raise _fail(
            rules, f"one request may span {describe(rule)}, and this range cannot be split{why}."
        )
    return Plan(endpoint, granularity, start, end, tuple(windows), None, note)


def _pad_days(rules, rule, start, end, earliest, today) -> Window:
    missing = rule.min_dates - ((end - start).days + 1)
    before = start - dt.timedelta(days=missing)
    if before >= earliest:
        return Window(before, end)
    after = end + dt.timedelta(days=missing)
    if after <= today:
        return Window(start, after)
    raise _fail(rules, f"one request must span {describe(rule)}; choose a longer range.")


def _split_days(start: dt.date, end: dt.date, size: int) -> list[Window]:
    """Consecutive windows of at most `size` dates, as even as possible (so none is too short)."""
    dates = (end - start).days + 1
    count = -(-dates // size)
    base, extra = divmod(dates, count)
    windows, cursor = [], start
    for i in range(count):
        length = base + (1 if i < extra else 0)
        windows.append(Window(cursor, cursor + dt.timedelta(days=length - 1)))
        cursor += dt.timedelta(days=length)
    return windows


def _split_months(start: dt.date, end: dt.date, months: int) -> list[Window]:
    """Windows that break only on month boundaries, each spanning at most `months` calendar
    months (so each is shorter than a year when months == 12)."""
    windows, cursor = [], start
    while cursor <= end:
        last = month_end(add_months(month_start(cursor), months - 1))
        windows.append(Window(cursor, min(last, end)))
        cursor = min(last, end) + dt.timedelta(days=1)
    return windows


def _whole_month_windows(rules, rule, start, end, earliest, today):
    """Whole calendar months (the last may end today), padded back to the minimum span and split
    evenly into month-aligned windows; rows outside the months asked for are dropped."""
    first = month_start(start)
    last = min(month_end(end), today)
    keep = (first, end)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    per_window = 12 * (rule.max_years or 1)
    if months <= per_window:
        begin = first
        while (request_problem(rule, begin, last) or "").startswith("at least"):
            begin = add_months(begin, -1)
        if begin < earliest:
            raise _fail(
                rules,
                f"one request must span {describe(rule)}, and there is no earlier "
                f"data to pad {first:%B %Y} with.",
            )
        if request_problem(rule, begin, last) is not None:
            raise _fail(rules, f"one request must span {describe(rule)}.")
        return (Window(begin, last),), keep
    count = -(-months // per_window)
    base, extra = divmod(months, count)
    windows, cursor = [], first
    for i in range(count):
        length = base + (1 if i < extra else 0)
        window_end = min(month_end(add_months(cursor, length - 1)), last)
        windows.append(Window(cursor, window_end))
        cursor = add_months(cursor, length)
    for window in windows:
        problem = request_problem(rule, window.start, window.end)
        if problem:
            raise _fail(rules, f"cannot split into whole-month windows: {problem}.")
    return tuple(windows), keep


# ---------------------------------------------------------------- what pickers may offer


def limits(endpoint: str, granularity: str | None, today: dt.date | None = None) -> Limits:
    rules = rules_for(endpoint)
    rule = rules.spans[granularity]
    today = today or utc_today()
    max_dates = rule.max_dates if rule.split is None else None
    if rule.split is None and rule.max_years:
        max_dates = (add_years(today, rule.max_years) - today).days
    return Limits(
        earliest=rules.earliest or DEFAULT_EARLIEST,
        latest=today,
        min_dates=1,  # shorter ranges are padded and trimmed by the planner
        max_dates=max_dates,
        granularities=rules.granularities,
    )


def problem(
    endpoint: str, start, end, granularity: str | None = None, today: dt.date | None = None
) -> str | None:
    """The planner's objection to a choice, as text, or None when it can be served."""
    try:
        plan(endpoint, start, end, granularity, today)
    except InvalidRangeError as err:
        return err.message
    return None


def presets(
    endpoint: str, granularity: str | None, today: dt.date | None = None
) -> dict[str, tuple[dt.date, dt.date]]:
    """Named ranges ending today that this endpoint can serve at this granularity."""
    today = today or utc_today()
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    candidates = {
        "Last 7 days": (today - dt.timedelta(days=6), today),
        "Last 30 days": (today - dt.timedelta(days=29), today),
        "Last 90 days": (today - dt.timedelta(days=89), today),
        "This quarter": (quarter_start, today),
        "Year to date": (dt.date(today.year, 1, 1), today),
        "Last 12 months": (add_months(today, -12) + dt.timedelta(days=1), today),
    }
    return {
        name: rng
        for name, rng in candidates.items()
        if problem(endpoint, rng[0], rng[1], granularity, today) is None
    }
