"""Calendar helpers shared by the simulated APIs: strict parsing, epoch ms, periods, intervals."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

DAY_MS = 86_400_000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text) -> date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not isinstance(text, str) or not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_ms(day: date) -> int:
    """Epoch milliseconds of the day's UTC midnight."""
    return (day - date(1970, 1, 1)).days * DAY_MS


def ms_day(ms: float) -> date:
    """The UTC date holding an epoch-millisecond instant."""
    return date(1970, 1, 1) + timedelta(days=int(ms // DAY_MS))


def iso_ms(ms: int) -> str:
    """ISO-8601 UTC with milliseconds and a Z, e.g. 2026-01-05T14:03:22.123Z."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def days(start: date, end: date):
    """Every date from start to end, both inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def count_dates(start: date, end: date) -> int:
    """How many calendar dates [start, end] holds (inclusive)."""
    return (end - start).days + 1


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day clamped to the month's length (Feb 29 + 12 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_start(day: date, granularity: str) -> date:
    """The first day of the period holding `day` (ISO week Monday, month 1st, quarter 1st)."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown granularity {granularity!r}")


def within_interval(start: date, end: date, minimum: str, maximum: str) -> bool:
    """Whether [start, end] spans at least `minimum` and at most `maximum`.

    Intervals read "N day(s)", "N month(s)" or "N year(s)". Days count inclusive dates; a minimum
    of N months means end + 1 day >= start + N months; a maximum of N months or years means
    end < start + N months (so Jan 1 - Dec 31 is one year, Jan 1 - Jan 1 is not).
    """
    if end < start:
        return False
    return _at_least(start, end, minimum) and _at_most(start, end, maximum)


def _interval(text: str) -> tuple[int, str]:
    number, unit = text.split()
    unit = unit.rstrip("s")
    if unit not in ("day", "month", "year"):
        raise ValueError(f"unknown interval {text!r}")
    return int(number), unit


def _at_least(start: date, end: date, text: str) -> bool:
    n, unit = _interval(text)
    if unit == "day":
        return count_dates(start, end) >= n
    months = n * 12 if unit == "year" else n
    return end + timedelta(days=1) >= add_months(start, months)


def _at_most(start: date, end: date, text: str) -> bool:
    n, unit = _interval(text)
    if unit == "day":
        return count_dates(start, end) <= n
    months = n * 12 if unit == "year" else n
    return end < add_months(start, months)
