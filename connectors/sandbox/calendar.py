"""The calendar scenarios' year: public holidays and low-activity weeks (scenarios.py).

A holiday is a weekday nobody works: AI use and commits fall to their weekend odds. A
low-activity day is a weekday a share of the people are away (each person drawn per day, so the
same people are not always the ones away). Both lower AI use and CI together, which is what a
verdict must not read as a link. Fixed dates, the same for every seed: every organisation has
Christmas.
"""

from __future__ import annotations

from datetime import date, timedelta


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


# Weekdays off for everyone: Christmas to New Year, Easter, a spring and a late-summer holiday
# (2025 and 2026, so a year's window ending in either year holds a Christmas).
HOLIDAYS = frozenset(
    day
    for day in [
        *_days(date(2024, 12, 24), date(2025, 1, 1)),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 26),
        date(2025, 8, 25),
        *_days(date(2025, 12, 24), date(2026, 1, 1)),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 25),
        date(2026, 8, 31),
    ]
    if day.weekday() < 5
)

# Days a share of the people are away: the days around Christmas and New Year, and a summer
# fortnight (the share away on each of its days).
AWAY = {
    **dict.fromkeys(_days(date(2025, 12, 22), date(2025, 12, 23)), 0.5),
    **dict.fromkeys(_days(date(2026, 1, 2), date(2026, 1, 2)), 0.6),
    **dict.fromkeys(_days(date(2026, 7, 27), date(2026, 8, 7)), 0.4),
    **dict.fromkeys(_days(date(2025, 7, 28), date(2025, 8, 8)), 0.4),
}


def holiday(day: date) -> bool:
    """Whether `day` is a weekday nobody works."""
    return day in HOLIDAYS


def away_share(day: date) -> float:
    """The share of people away on `day` (0.0 on an ordinary day)."""
    return AWAY.get(day, 0.0)
