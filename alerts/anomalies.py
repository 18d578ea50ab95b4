"""The anomaly detector: each day of each series against the same weekday of recent weeks.

A day is judged against its own series' BASELINE_WEEKS previous same weekdays (a Monday against
the Mondays before it), so weekends and working days each have their own usual and no weekly
pattern is an alarm. The baseline is robust: its median is what is expected, its spread the
median absolute deviation (MAD), so one odd day in the history (a holiday, an earlier spike)
moves neither. The usual range said in an alert is the median +- USUAL_WIDTH spreads.

A day starts an episode when all of these hold (upward only: a quiet day or a holiday costs
nothing, and the days after a holiday are judged against ordinary weeks):
- the baseline has at least MIN_HISTORY known same weekdays (NaN is unknown, never zero);
- its value is above the usual range;
- it is at least MIN_RATIO[kind] times both its expected value and the series' typical day (the
  median of every day of the same weeks), so a weekend with a little more than its usual
  nothing is not held to a weekend's zero only;
- it exceeds the expected value by at least MIN_EXCESS[kind], in the series' unit: a small
  amount never pages anyone.
An episode under way carries on (CARRY_DAYS) while the series stays above its usual range by at
least the minimum size or MIN_RATIO times a usual that is not zero, or is idle; `anomalous` marks every day of an episode, and `episodes()` makes one alert of each.

A steady rise is not an alarm: the median of the last eight same weekdays sits about four and a
half weeks behind a linear rise, so even doubling in eight weeks puts a day only ~1.4x its
median (+50% in two months: ~1.2x). A level shift alarms until about half the baseline weeks
have the new level, then it is the new usual.

Pure pandas and numpy: frames in, frames out (series frames as in `alerts/__init__.py`). The
thresholds were chosen on the sandbox's "anomalies" scenario, seeds 1000-1039, and are measured
on other seeds by `python -m bench --only anomalies` (bench/results-anomalies.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import SERIES_KINDS

# The baseline: the same weekday over the previous 8 weeks. Eight points give a median that one
# or two odd days cannot move, while two months are recent enough to follow a growing
# organisation (adoption grows by a few points a month). 8 x 7 = 56 days of history are needed
# before the first judged day (sync reads 63: these and CARRY_DAYS).
BASELINE_WEEKS = 8
# At least 5 of those 8 same weekdays must be known: with fewer a median and MAD say little
# (a new pipeline, a person's first weeks of data, a gap in the store), so the day is not judged.
MIN_HISTORY = 5
# MAD x 1.4826 estimates a standard deviation for normal data; the usual range is the median
# +- 3.5 of those. A person's or a pipeline's days vary 2-3x from one week to the next, and 3.5
# rather than 3 keeps a busy but ordinary day inside the range said in an alert.
MAD_TO_SIGMA = 1.4826
USUAL_WIDTH = 3.5
# An episode under way carries on through the days that stay above the usual range by at least
# the minimum size or many times a usual that is not zero, even when a day alone would not start
# one (a level shift's weekend, a runaway's quieter second day; not a person's ordinary $1 where
# their usual is nothing), and
# through idle days (nothing at all where the usual is under the minimum size: a weekend without
# builds says nothing about whether a shift is over): one alert, not one a week. The days before
# the first asked for that are judged to see an episode under way: 7 (sync reads 63 days).
CARRY_DAYS = 7
# "Many times usual": a day must be at least this many times both its expected value and its
# series' typical day. A runaway agent is 10x and more, a level shift 4-10x. One person's or one
# pipeline's days are a handful of requests or builds, which double by chance (two builds
# instead of one, a busy day in a busy week); a team (1-9 pipelines, 3-9 people) swings nearly
# as much: 3x. The organisation's totals add up many people and pipelines: its CI credits move
# by a few percent a week, so 2x; its AI spend has busy and quiet weeks (in the sandbox, weeks
# when a different share of the adopters use AI at all, up to ~1.8x apart, and a busy week
# after quiet ones reaches 2x its median), so 2.5x, which an organisation-wide spike (3-5x)
# still passes in a quiet week. Tuned on sandbox seeds 1000-1039 (bench/anomaly_rates.py
# --tune): these gave precision 0.98 and recall 0.98 there; 2 everywhere 0.93 and 0.98; 2 for
# the organisation's AI spend left 10 false alerts on it (of 28 in all); 4 for people and
# pipelines missed more level shifts.
MIN_RATIO = {
    "person_ai_spend_usd": 3.0,
    "pipeline_ci_credits": 3.0,
    "team_ai_spend_usd": 3.0,
    "team_ci_credits": 3.0,
    "org_ai_spend_usd": 2.5,
    "org_ci_credits": 2.0,
}
# The minimum size: the excess over the expected value, in the series' unit, below which a day
# never alarms. Magnitudes in the sandbox's demo-sized organisation (36 people, 30 pipelines):
# a person's model spend is ~$1 on a working day (rarely over $3.5), a team's $2-6, the
# organisation's ~$11 on a working day and ~$1.5 at weekends; a pipeline's credits 6-400 on a
# working day (median ~110), a team's a few hundred to ~1,500, the organisation's ~4,000 on a
# working day and ~400 at weekends.
MIN_EXCESS = {
    # $5 more than usual in one day: several heavy days of one person's model spend, a runaway
    # agent's first hours; less is not worth anyone's morning (halving it tripled the false
    # alerts on people on the tuning seeds).
    "person_ai_spend_usd": 5.0,
    # A team or the organisation: $10, about one working day of the whole demo organisation's
    # spend; a person's runaway shows there too but is alerted on the person first.
    "team_ai_spend_usd": 10.0,
    "org_ai_spend_usd": 10.0,
    # 100 credits: a typical pipeline's whole working day, ~2.5% of the organisation's; a small
    # deploy pipeline (~6 credits a day) going x10 is not worth a page.
    "pipeline_ci_credits": 100.0,
    # A team's or the organisation's CI: 200 and 400 credits (~5-10% of the organisation's
    # working day), above the busy and quiet CI weeks' swing of a team or of the organisation.
    "team_ci_credits": 200.0,
    "org_ci_credits": 400.0,
}

OUTPUT_COLUMNS = (
    "kind",
    "subject",
    "day",
    "value",
    "expected",
    "usual_low",
    "usual_high",
    "anomalous",
)
EPISODE_DTYPES = {
    "kind": "string",
    "subject": "string",
    "first_day": "datetime64[ns]",
    "last_day": "datetime64[ns]",
    "days": "int64",
    "peak_day": "datetime64[ns]",
    "value": "float64",
    "expected": "float64",
    "usual_low": "float64",
    "usual_high": "float64",
}
EPISODE_COLUMNS = tuple(EPISODE_DTYPES)


@dataclass(frozen=True)
class Rules:
    """The detector's thresholds (the module's constants by default; a benchmark may vary
    them to tune, never the app)."""

    weeks: int = BASELINE_WEEKS
    min_history: int = MIN_HISTORY
    usual_width: float = USUAL_WIDTH
    min_ratio: Mapping[str, float] = field(default_factory=lambda: dict(MIN_RATIO))
    min_excess: Mapping[str, float] = field(default_factory=lambda: dict(MIN_EXCESS))

    def but(self, **changes) -> Rules:
        return replace(self, **changes)


RULES = Rules()


def _day(value) -> pd.Timestamp:
    day = pd.Timestamp(value)
    return (day.tz_localize(None) if day.tzinfo else day).normalize()


def _limits(kinds: pd.Series, settled_through) -> np.ndarray:
    """The last settled day per row (NaT: no day of that kind is settled)."""
    if settled_through is None:
        return np.full(len(kinds), np.datetime64("NaT"), dtype="datetime64[ns]")
    if isinstance(settled_through, Mapping):
        ends = {kind: _day(day).to_datetime64() for kind, day in settled_through.items()}
        return np.array(
            [ends.get(kind, np.datetime64("NaT")) for kind in kinds], dtype="datetime64[ns]"
        )
    return np.full(len(kinds), _day(settled_through).to_datetime64(), dtype="datetime64[ns]")


def _nan_median(cube: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The median over the last axis, ignoring NaN (NaN where nothing is known)."""
    ordered = np.sort(cube, axis=-1)  # NaN sorts last
    low = np.clip((known - 1) // 2, 0, None)[..., None]
    high = np.clip(known // 2, 0, cube.shape[-1] - 1)[..., None]
    median = (
        np.take_along_axis(ordered, low, -1)[..., 0] + np.take_along_axis(ordered, high, -1)[..., 0]
    ) / 2
    return np.where(known > 0, median, np.nan)


def empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Series(dtype="string"),
            "subject": pd.Series(dtype="string"),
            "day": pd.Series(dtype="datetime64[ns]"),
            "value": pd.Series(dtype="float64"),
            "expected": pd.Series(dtype="float64"),
            "usual_low": pd.Series(dtype="float64"),
            "usual_high": pd.Series(dtype="float64"),
            "anomalous": pd.Series(dtype="bool"),
        }
    )


def evaluate(
    series: pd.DataFrame,
    first_day,
    last_day,
    settled_through=None,
    *,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """Every (kind, subject, day) of `series` with day in [first_day, last_day] (and, when
    `settled_through` is given, up to the last settled day of its kind: a dict kind -> day, a
    kind it does not name has no settled day; or one day for every kind), judged.

    Columns: kind, subject, day, value, expected (the baseline's median), usual_low and
    usual_high (the usual range), anomalous (bool). A day that cannot be judged (its value or
    too much of its history unknown) has NaN expected and usual range, and is not anomalous.
    Sorted by kind, subject and day. `series` must hold the history: BASELINE_WEEKS x 7 days
    before `first_day` for the baselines, and CARRY_DAYS more for an episode already under way
    on `first_day` to be seen continuing."""
    rules = rules or RULES
    if series is None or series.empty:
        return empty()
    unknown = set(series["kind"].unique()) - set(SERIES_KINDS)
    if unknown:
        raise ValueError(f"Unknown series kinds: {sorted(map(str, unknown))}")
    first, last = _day(first_day), _day(last_day)
    if last < first:
        return empty()
    judged_from = first - pd.Timedelta(days=CARRY_DAYS)
    start = judged_from - pd.Timedelta(days=7 * rules.weeks)
    days = pd.to_datetime(series["day"]).dt.tz_localize(None).dt.normalize()
    window = series.loc[((days >= start) & (days <= last)).to_numpy()]
    days = days.loc[window.index]
    wanted = (days >= first).to_numpy().copy()
    if settled_through is not None:
        limits = _limits(window["kind"], settled_through)
        wanted &= ~np.isnat(limits) & (days.to_numpy() <= limits)
    if not wanted.any():
        return empty()

    # One row per series, one column per day from `start` to `last` (NaN: not known).
    kind_codes, kind_names = pd.factorize(window["kind"])
    subject_codes, subjects = pd.factorize(window["subject"])
    ids, firsts = pd.factorize(kind_codes.astype("int64") * (len(subjects) + 1) + subject_codes)
    series_kind = kind_names[np.asarray(firsts) // (len(subjects) + 1)]
    offset = ((days - start).dt.days).to_numpy()
    width = (last - start).days + 1
    grid = np.full((len(firsts), width), np.nan)
    grid[ids, offset] = pd.to_numeric(window["value"], errors="coerce").to_numpy("float64")

    # Judge every day from `judged_from` on: its value against its previous same weekdays.
    targets = np.arange((judged_from - start).days, width)
    lags = 7 * np.arange(1, rules.weeks + 1)
    history = grid[:, targets[:, None] - lags[None, :]]  # series x days x weeks
    value = grid[:, targets]
    known = (~np.isnan(history)).sum(axis=2)
    median = _nan_median(history, known)
    mad = _nan_median(np.abs(history - median[..., None]), known)
    spread = MAD_TO_SIGMA * mad
    usual_low = np.maximum(0.0, median - rules.usual_width * spread)
    usual_high = median + rules.usual_width * spread
    # The series' typical day: the median of every known day of the same weeks (a working
    # day's level when most days are working days), so a weekend is also held to it.
    typical = (
        pd.DataFrame(grid.T).rolling(7 * rules.weeks, min_periods=1).median().shift(1).to_numpy()
    ).T[:, targets]
    min_excess = np.array([rules.min_excess[k] for k in series_kind], dtype="float64")[:, None]
    min_ratio = np.array([rules.min_ratio[k] for k in series_kind], dtype="float64")[:, None]
    can = (known >= rules.min_history) & ~np.isnan(value)
    if settled_through is not None:
        ends = _limits(pd.Series(series_kind), settled_through)
        target_days = (start + pd.to_timedelta(targets, unit="D")).to_numpy("datetime64[ns]")
        can &= ~np.isnat(ends)[:, None] & (target_days[None, :] <= ends[:, None])
    with np.errstate(invalid="ignore"):
        above = can & (value > usual_high)
        large = above & (value - median >= min_excess)
        starts = large & (value >= min_ratio * np.fmax(median, typical))
        many_times = above & (median > 0) & (value >= min_ratio * median)
        idle = can & (value == 0) & (median < min_excess)
    anomalous = _carried(starts, large | many_times | idle)

    out = window.loc[wanted, ["kind", "subject"]].copy()
    row, col = ids[wanted], offset[wanted] - targets[0]
    judged = can[row, col]
    nan = np.nan
    out["day"] = days.loc[out.index].to_numpy().astype("datetime64[ns]")
    out["value"] = value[row, col]
    out["expected"] = np.where(judged, median[row, col], nan)
    out["usual_low"] = np.where(judged, usual_low[row, col], nan)
    out["usual_high"] = np.where(judged, usual_high[row, col], nan)
    out["anomalous"] = anomalous[row, col]
    out = out.sort_values(["kind", "subject", "day"], kind="stable").reset_index(drop=True)
    return out[list(OUTPUT_COLUMNS)]


def _carried(starts: np.ndarray, above: np.ndarray) -> np.ndarray:
    """Anomalous days: a run of consecutive days that carry an episode (per row: above the
    usual range, or idle), from its first day that passes every test (`starts`) to its end."""
    rows, width = above.shape
    flat_above, flat_starts = above.ravel(), starts.ravel()
    index = np.arange(flat_above.size)
    previous = np.r_[False, flat_above[:-1]] & (index % width != 0)
    begins = flat_above & ~previous
    run_start = np.maximum.accumulate(np.where(begins, index, 0))
    counted = np.cumsum(flat_starts)
    before = np.where(run_start > 0, counted[run_start - 1], 0)
    return (flat_above & (counted - before > 0)).reshape(rows, width)


def detect(
    series: pd.DataFrame,
    first_day,
    last_day,
    settled_through=None,
    *,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """The anomalous rows of `evaluate()` only."""
    judged = evaluate(series, first_day, last_day, settled_through, rules=rules)
    return judged[judged["anomalous"]].reset_index(drop=True)


def episodes(flags: pd.DataFrame) -> pd.DataFrame:
    """Consecutive anomalous days of one (kind, subject) as one episode, the unit of one alert.

    `flags`: `evaluate()`'s or `detect()`'s frame. Columns: kind, subject, first_day, last_day
    (the last day above the usual range: idle days that carried the episode are not counted),
    days (days above the usual range), peak_day and value (the highest day), expected,
    usual_low and usual_high (the baseline on the peak day). Sorted by first_day, kind and
    subject."""
    if flags is None or flags.empty or not flags["anomalous"].any():
        return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in EPISODE_DTYPES.items()})
    rows = flags[flags["anomalous"].to_numpy(dtype=bool)].sort_values(["kind", "subject", "day"])
    rows = rows.reset_index(drop=True)
    kind = rows["kind"].to_numpy(dtype=object)
    subject = rows["subject"].to_numpy(dtype=object)
    day = pd.to_datetime(rows["day"]).to_numpy("datetime64[ns]")
    follows = np.zeros(len(rows), dtype=bool)
    follows[1:] = (
        (kind[1:] == kind[:-1])
        & (subject[1:] == subject[:-1])
        & (day[1:] - day[:-1] == np.timedelta64(1, "D"))
    )
    episode = pd.Series(np.cumsum(~follows), index=rows.index)
    # Idle days carry an episode but are not part of it: it ends on its last day above range.
    high = rows["usual_high"].to_numpy("float64")
    above = np.isnan(high) | (rows["value"].to_numpy("float64") > high)
    rows["_above_day"] = np.where(above, day, np.datetime64("NaT"))
    grouped = rows.groupby(episode, sort=False)
    at_peak = grouped["value"].idxmax()
    peak = rows.loc[at_peak.to_numpy()].set_index(at_peak.index)
    out = pd.DataFrame(
        {
            "kind": grouped["kind"].first(),
            "subject": grouped["subject"].first(),
            "first_day": grouped["day"].min(),
            "last_day": grouped["_above_day"].max(),
            "days": pd.Series(above, index=rows.index).groupby(episode).sum().astype("int64"),
            "peak_day": peak["day"],
            "value": peak["value"],
            "expected": peak["expected"],
            "usual_low": peak["usual_low"],
            "usual_high": peak["usual_high"],
        }
    )
    out = out.sort_values(["first_day", "kind", "subject"], kind="stable").reset_index(drop=True)
    return out[list(EPISODE_COLUMNS)]
