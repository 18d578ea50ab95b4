"""The weeks the overview's answer compares, built from the daily rows already loaded.

The answer does not follow the chart's range: it always reads the last MAX_WEEKS finished weeks
(Monday to Sunday) before the range's end, so opening the page on another day or range does not
change what it compares. Per week:

- CI credits: the week's daily credits summed (unknown if a day is unknown);
- a day off: a weekday whose credits fall below DAY_OFF x the median of the weekdays within
  +/- DAY_OFF_WINDOW days (a public holiday, a release freeze, most people away). In such a
  week AI use and CI both drop because people are away, which would tie them together whatever
  the truth, so the week is left out (and counted, and named in the answer). The window is four
  weeks either side so that a fortnight with many people away (a summer break) does not pull
  the median down with it: with +/- 14 days the sandbox's 40%-away summer fortnight went
  unflagged and its two weeks alone made the answer say "Evidence" in 10% of seeds of the
  no-link "holidays" world (80 seeds, issue 17). A week with a smaller share away is still not
  caught: that is one thing the answer cannot see. Leaving days out on a dip of both credits
  and AI use together was measured too: it selects on the outcome, biased every scenario's
  estimate and halved detection; so did keeping a week's ordinary days only (15% "Evidence"
  without an effect). Measured again on 56-57 development seeds a scenario (issue 17, seeds
  1001-1057, not the bench's) against leaving the week out (80% of "holidays_effect" found, 7%
  "Evidence" on "holidays"): keeping every week with its share of weekdays off as a covariate
  found 70% (7%); a week's ordinary weekdays only, with weekends, kept when one weekday is off
  and the week left out at two or more, found 86% but said "Evidence" in 9% of "holidays" and
  12.5% of "team_trends" seeds (median +2.4% against +1.2%: in a summer week with a single day
  flagged, the other days with people away stay in and read as a link). None is shipped;
- AI-active people on an average weekday, from the chosen source: Firebender's people using AI
  that day, Builder.io's users that day, or either ("both"). Builder.io's organization metrics
  give a count of users per day, not who they are, so people cannot be matched across the two
  tools: "both" takes the share of committers active in either tool as if using one tool told
  nothing about using the other, 1 - (1 - Firebender's share) x (1 - Builder.io's share)
  (either_share). It lies between the larger of the two (everyone using the smaller tool also
  uses the larger) and their sum (nobody uses both), counts nobody twice and never passes 100%;
  where use of the two tools goes together it overstates the union a little;
- active committers: the day-weighted committers of the months the week spans (finished months
  only: a running month's count is still growing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .calendar import NS, periods
from .common import _num
from .overview import committers_by_month, firebender_active

MAX_WEEKS = 52
DAY_OFF = 0.6
DAY_OFF_WINDOW = 28


@dataclass
class AnswerInputs:
    """The daily rows the answer reads (None: that vendor was not loaded)."""

    firebender: pd.DataFrame | None = None  # daily usage: date, email, activity columns
    builder: pd.DataFrame | None = None  # organization metrics by day: period, users
    credits: pd.DataFrame | None = None  # credit consumption by day: period, value
    committers: pd.DataFrame | None = None  # active committers by month: period, value
    # Days a source's history cannot tell ("firebender", "builder", "codefresh" -> (first, last)
    # spans: a damaged history file's): a week with such a day is unknown, never read as 0.
    unknown: dict = field(default_factory=dict)


def window(end: dt.date) -> tuple[dt.date, dt.date]:
    """The first day to load for the answer (a month before its first possible week, so that
    month's committers and the day-off medians are there) and the last day it reads."""
    first = end - dt.timedelta(days=7 * (MAX_WEEKS + 1) + end.weekday() + DAY_OFF_WINDOW)
    return first.replace(day=1), end


def ai_people_per_day(inputs: AnswerInputs, ai_source: str, days: pd.DatetimeIndex) -> pd.Series:
    """AI-active people on each day from the chosen source (NA where a needed vendor is not
    loaded); "both": the two tools' counts added (weeks() counts a person once instead)."""
    parts = []
    if ai_source in ("firebender", "both"):
        if inputs.firebender is None:
            return pd.Series(np.nan, index=days)
        if "active_people" in inputs.firebender.columns:  # summed per day (the store's rollup)
            d = inputs.firebender
            day = pd.to_datetime(d["date"]).dt.tz_localize(None).dt.normalize().astype(NS)
            counted = d["active_people"].groupby(day.to_numpy()).sum()
            parts.append(counted.reindex(days, fill_value=0))
        else:
            d = inputs.firebender.loc[firebender_active(inputs.firebender)]
            day = pd.to_datetime(d["date"]).dt.tz_localize(None).dt.normalize().astype(NS)
            parts.append(d.groupby(day.to_numpy())["email"].nunique().reindex(days, fill_value=0))
    if ai_source in ("builder", "both"):
        if inputs.builder is None:
            return pd.Series(np.nan, index=days)
        b = inputs.builder
        day = pd.to_datetime(b["period"]).dt.normalize().astype(NS)
        users = _num(b["users"]).groupby(day.to_numpy()).max()
        parts.append(users.reindex(days, fill_value=0))
    return sum(p.astype("float64") for p in parts)


def either_share(first: pd.Series, second: pd.Series, committers: pd.Series) -> pd.Series:
    """The share of `committers` active in either of two tools whose users cannot be matched,
    from each tool's AI-active people: 1 - (1 - a) x (1 - b), each tool's share capped at 1
    (use of one tool taken as independent of use of the other). NA where any part is NA."""
    heads = committers.where(committers > 0)
    a = (first / heads).clip(upper=1.0)
    b = (second / heads).clip(upper=1.0)
    return 1 - (1 - a) * (1 - b)


def credits_per_day(inputs: AnswerInputs, days: pd.DatetimeIndex) -> pd.Series:
    """Daily credits; NA before the first day with any (Codefresh's data start) and when not
    loaded."""
    if inputs.credits is None or inputs.credits.empty:
        return pd.Series(np.nan, index=days)
    c = inputs.credits
    day = pd.to_datetime(c["period"]).dt.normalize().astype(NS)
    summed = _num(c["value"]).groupby(day.to_numpy()).sum().reindex(days, fill_value=0.0)
    return summed.where(days >= day.min())


def _below(series: pd.Series, ratio: float) -> pd.Series:
    """Weekdays below `ratio` x the median of the weekdays within +/- DAY_OFF_WINDOW days."""
    weekdays = series[series.index.day_of_week < 5]
    medians = weekdays.rolling(f"{2 * DAY_OFF_WINDOW + 1}D", center=True, min_periods=3).median()
    return (weekdays < ratio * medians).reindex(series.index, fill_value=False).astype(bool)


def days_off(credits: pd.Series) -> pd.Series:
    """Whether each weekday is a day off: its credits below DAY_OFF x the median of the
    weekdays within +/- DAY_OFF_WINDOW days."""
    return _below(credits, DAY_OFF)


AI_PARTS = {
    "firebender": ("firebender",),
    "builder": ("builder",),
    "both": ("firebender", "builder"),
}


def _unknown_on(series: pd.Series, unknown: dict, sources) -> pd.Series:
    """`series` (per day) with the days `unknown` lists for `sources` set to NA."""
    out = series.copy()
    for name in sources:
        for first, last in unknown.get(name, ()):
            out[(out.index >= pd.Timestamp(first)) & (out.index <= pd.Timestamp(last))] = np.nan
    return out


def weeks(
    inputs: AnswerInputs, end: dt.date, ai_source: str, today: dt.date | None = None
) -> pd.DataFrame:
    """One row per week of the answer's window: period (Monday), complete, committers, credits,
    ai_people (average weekday; "both": the committers times either_share), day_off (a weekday
    off in it)."""
    first, end = window(end)
    index = periods(first + dt.timedelta(days=(7 - first.weekday()) % 7), end, "week", today)
    days = pd.date_range(first, end, freq="D")
    credits = credits_per_day(inputs, days)
    people = ai_people_per_day(inputs, ai_source, days)
    off = days_off(credits)
    week = days - pd.to_timedelta(days.day_of_week, unit="D")
    people = _unknown_on(people, inputs.unknown, AI_PARTS.get(ai_source, ()))
    credits = _unknown_on(credits, inputs.unknown, ("codefresh",))
    frame = pd.DataFrame({"credits": credits, "off": off, "people": people}, index=days)
    frame["week"] = week.astype(NS)
    frame["weekday"] = days.day_of_week < 5
    grouped = frame.groupby("week")
    table = index.copy()
    table["credits"] = table["period"].map(grouped["credits"].sum(min_count=7)).astype("float64")
    table["day_off"] = table["period"].map(grouped["off"].any()).fillna(False).astype(bool)
    on_weekdays = frame[frame["weekday"]].groupby("week")["people"].mean()
    table["ai_people"] = table["period"].map(on_weekdays).astype("float64")
    gaps = frame["people"].isna().groupby(frame["week"]).any()
    table.loc[table["period"].map(gaps).fillna(False).astype(bool), "ai_people"] = np.nan
    # A month's count is final once the month is over (by today), wherever the range ends.
    month_end = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    months = periods(first, month_end, "month", today)
    monthly = months.merge(committers_by_month(inputs.committers, months), on="period")
    from .verdict import headcount  # the verdict's day-weighted committers

    table["committers"] = headcount(table, monthly).to_numpy()
    if ai_source == "both":
        # Either tool, a person counted once (estimated: the tools' users cannot be matched).
        tools = {
            tool: frame.assign(people=ai_people_per_day(inputs, tool, days))
            .loc[lambda f: f["weekday"]]
            .groupby("week")["people"]
            .mean()
            for tool in ("firebender", "builder")
        }
        mean = {tool: table["period"].map(v).astype("float64") for tool, v in tools.items()}
        share = either_share(mean["firebender"], mean["builder"], table["committers"])
        table["ai_people"] = share * table["committers"]
        # A week with a day either tool's history cannot tell is unknown here too, never read
        # from the days that are left.
        table.loc[table["period"].map(gaps).fillna(False).astype(bool), "ai_people"] = np.nan
    return table
