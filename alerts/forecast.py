"""Where a month will land: the month-end total of a daily series, projected from settled days,
with the weekday pattern and a prediction interval (80% by default).

The method, and why
-------------------
Both AI model spend and CI credits are work-day quantities: weekends run at a few percent of a
weekday, and the weekdays differ a little among themselves (the sandbox and real accounts
alike). So the last `history_days` (56: eight of each weekday) settled days are fitted as two
small linear models on the values themselves (not their logarithm):

- work days (Monday to Friday): one mean per weekday plus a linear trend;
- weekend days: one mean per weekend day plus its own linear trend.

Why two models and not one regression with weekday dummies: the noise of a weekday is many
times the noise of a weekend day, and a trend of a work-day quantity grows the weekdays by far
more than the weekends (growth is proportional). One shared trend and one shared residual
variance would let the quiet, exact weekends dictate the slope, or the noisy weekdays widen the
weekends' band. Two ordinary least-squares fits, each with its own trend and its own residual
variance, respect both, and stay textbook: the prediction interval of a sum of future days is
the sum of the days' noise variances plus the variance of the fitted level and trend at those
days, `sum(s^2) + a' (X'X)^-1 a s^2` for each group, and the two groups are combined with
Welch-Satterthwaite degrees of freedom for Student's t. No simulation, so it is exact and fast.
Values (not logs) because a month's total is a sum of values, because weekend days are often
exactly zero, and because the back-transformed sum of a log model is biased.

Deviations often come in runs (a busy week, a quiet one), which iid intervals ignore: the lag-1
autocorrelation `rho` of the residuals (each divided by its group's deviation, over consecutive
days) makes the days' noise covary as AR(1), `s_i s_j rho^|i - j|`, and widens the fitted
level's part by `(1 + rho) / (1 - rho)`; `rho` is floored at 0 and capped at 0.8.

Measured coverage of the 80% interval (tests/alerts/test_forecast.py, and a backtest on the
sandbox's demo data): 0.79 over 300 simulated months (random weekday pattern and level, growth
from -0.3% to +0.6% a day, 10-40% multiplicative noise, a random last settled day; 0.76 without
the AR(1) part); 0.84 over 200 such months with AR(1) noise at rho 0.5 (0.66 without it); 0.82
over 1,368 sandbox months (org and five teams, AI spend and CI credits, April 2025 to October
2026, six cut-off days each; 0.81 without it, 0.71 with flat means and no trend, which miss the
demo's growth). A flat same-weekday mean was tried and rejected for that reason.

Coverage by how far into the month the forecast is made (`python -m bench.forecast_coverage`,
bench/results-forecast.md): COVERAGE_BY_DAY holds the pooled shares for days 1-7, 8-14 and 15
on. A stretch below MIN_COVERAGE shows no projection (`withheld` says so, and from when one is
shown): an interval that holds the total less often than that is not the 80% it says.

A trend needs four weeks of history (MIN_TREND_DAYS); with fewer the means are flat. With fewer
than MIN_HISTORY_DAYS known days, or a weekday seen fewer than twice, there is no projection
(`project` returns None and `why_not` says why).

Conventions: `daily` has one value per day (a DatetimeIndex of days); NaN is unknown, never zero.
`through` is the last settled day: days after it are never read. A settled day of the month
with no value is a *missing day*: the model imputes it, it counts in `expected` (and the
interval) and never in `actual`. A month complete through `through` with no missing day is
its actual total, with a zero-width interval. Pure numpy and pandas (the t quantile is
`student_t.py`'s: scipy cost the Overview's cold start a second): no Streamlit, no I/O.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .student_t import t_quantile

MIN_HISTORY_DAYS = 14  # known settled days in the history window, each weekday at least twice
MIN_PER_WEEKDAY = 2
MIN_TREND_DAYS = 28  # known days for a trend; with fewer, flat weekday means
HISTORY_DAYS = 56
LEVEL = 0.8

MIN_COVERAGE = 0.70
# Share of 80% intervals that held the month's total, by the month's last settled day
# (bench/results-forecast.md, pooled over simulated months and the sandbox's series).
COVERAGE_BY_DAY = {(1, 7): 0.81, (8, 14): 0.80, (15, 31): 0.76}

_WEEKEND = (5, 6)  # Saturday, Sunday
_GROUPS = ((0, 1, 2, 3, 4), _WEEKEND)
_PATH_COLUMNS = ("day", "value", "cumulative", "expected", "low", "high")


@dataclass(frozen=True)
class Projection:
    """The month-end total of one series, and the day-by-day path to it.

    `actual` sums the month's settled days that have a value; `missing_days` are settled days of
    the month without one, imputed by the model: they are in `expected`, `low` and `high`, never
    in `actual`. `expected`, `low`, `high` are the month's total and its `level` interval.

    `path`, one row per day of the month: `day` (datetime64), `value` (that day's actual; NaN
    after `through` or when unknown), `cumulative` (the actual running total up to `through`,
    NaN after), and `expected`, `low`, `high` (the projected running total and its interval:
    NaN before `through`; on `through` itself they start from the last actual running total,
    plus the imputed missing days if any, so a chart joins the solid and the dashed lines).
    """

    month: date
    through: date
    days_in_month: int
    days_settled: int
    actual: float
    expected: float
    low: float
    high: float
    level: float
    missing_days: tuple[date, ...] = ()
    note: str = ""
    path: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def complete(self) -> bool:
        """Every day of the month is settled and known: `expected` is the actual total."""
        return self.days_settled == self.days_in_month and not self.missing_days

    @property
    def days_left(self) -> int:
        return self.days_in_month - self.days_settled


def project(
    daily: pd.Series,
    month: date,
    through: date,
    level: float = LEVEL,
    history_days: int = HISTORY_DAYS,
) -> Projection | None:
    """The month-end total of the calendar month of `month` (any day of it; the first is
    usual), from the days up to `through`. None when the history is too short: `why_not`
    says why."""
    return _project(daily, month, through, level, history_days)[0]


def why_not(
    daily: pd.Series, month: date, through: date, history_days: int = HISTORY_DAYS
) -> str | None:
    """Why `project` gives None for these arguments, in a sentence; None when it does not."""
    return _project(daily, month, through, LEVEL, history_days)[1]


def withheld(
    month: date, through: date, coverage: dict[tuple[int, int], float] | None = None
) -> str | None:
    """Why a projection of `month` made with days up to `through` is not shown (its stretch of
    the month measured below MIN_COVERAGE), and from which day one is; None when it is shown."""
    coverage = COVERAGE_BY_DAY if coverage is None else coverage
    first = month.replace(day=1)
    day = max((through - first).days + 1, 1)
    stretches = sorted(coverage)
    here = next((s for s in stretches if s[0] <= day <= s[1]), stretches[-1])
    if coverage[here] >= MIN_COVERAGE:
        return None
    later = [s for s in stretches if s[0] > day and coverage[s] >= MIN_COVERAGE]
    size = calendar.monthrange(first.year, first.month)[1]
    if later and later[0][0] <= size:
        shown = f"from {first.replace(day=later[0][0]):%-d %B}"
    else:
        shown = "from next month"
    return (
        f"made on days {here[0]}–{min(here[1], size)} of a month, the 80% interval held the "
        f"month's total only {coverage[here]:.0%} of the time in the backtest; one is shown "
        f"{shown}"
    )


# ------------------------------------------------------------------ the work


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    xtx_inv: np.ndarray
    s2: float
    df: int
    residual: pd.Series
    days: tuple[int, ...]
    trend: bool

    def design(self, weekday: np.ndarray, weeks: np.ndarray) -> np.ndarray:
        return _design(weekday, weeks, self.days, self.trend)


def _project(
    daily: pd.Series, month: date, through: date, level: float, history_days: int
) -> tuple[Projection | None, str | None]:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    if history_days < MIN_HISTORY_DAYS:
        raise ValueError(f"history_days must be at least {MIN_HISTORY_DAYS}, not {history_days}")
    first = month.replace(day=1)
    size = calendar.monthrange(first.year, first.month)[1]
    last = first.replace(day=size)
    through = min(through, last)
    values = _by_day(daily, through)

    days = pd.date_range(first, last, freq="D")
    known = values.reindex(days).to_numpy(dtype=np.float64, copy=True)
    settled = np.asarray(days <= pd.Timestamp(through))
    known[~settled] = np.nan
    have = ~np.isnan(known)
    missing = settled & ~have
    actual = float(known[have].sum())
    days_settled = int(settled.sum())
    missing_days = tuple(d.date() for d in days[missing])
    ahead = missing | ~settled  # the days the model supplies

    cumulative = np.where(settled, np.cumsum(np.where(have, known, 0.0)), np.nan)
    path = pd.DataFrame(
        {
            "day": days.astype("datetime64[ns]"),
            "value": known,
            "cumulative": cumulative,
            "expected": np.nan,
            "low": np.nan,
            "high": np.nan,
        },
        columns=list(_PATH_COLUMNS),
    )
    if not ahead.any():
        path.loc[len(path) - 1, ["expected", "low", "high"]] = actual
        whole = Projection(
            month=first,
            through=through,
            days_in_month=size,
            days_settled=days_settled,
            actual=actual,
            expected=actual,
            low=actual,
            high=actual,
            level=level,
            path=path,
        )
        return whole, None

    start = through - timedelta(days=history_days - 1)
    window = values[(values.index >= pd.Timestamp(start)) & (values.index <= pd.Timestamp(through))]
    window = window.dropna()
    reason = _too_little(window, history_days, through)
    if reason:
        return None, reason
    trend = len(window) >= MIN_TREND_DAYS
    fits = [_fit(window, group, through, trend) for group in _GROUPS]

    # Each day's mean (the supplied days only), then running sums of means and variances:
    # row i is the sum of the supplied days up to day i.
    weekday = days.day_of_week.to_numpy()
    weeks = (days - pd.Timestamp(through)).days.to_numpy(np.float64) / 7.0
    rho = _rho(fits)
    mean = np.zeros(size)
    scale = np.zeros(size)  # each supplied day's noise standard deviation
    parameter = np.zeros(size)
    parts, dfs = [], []
    for fit in fits:
        mine = ahead & np.isin(weekday, fit.days)
        x = fit.design(weekday, weeks) * mine[:, None]
        mean += np.where(mine, np.maximum(x @ fit.beta, 0.0), 0.0)
        scale[mine] = np.sqrt(fit.s2)
        running = np.cumsum(x, axis=0)
        quadratic = fit.s2 * np.einsum("ip,pq,iq->i", running, fit.xtx_inv, running)
        parameter += quadratic
        parts.append(fit.s2 * np.cumsum(mine) + quadratic)
        dfs.append(fit.df)
    # Noise: day i and day j covary by rho^|i - j| (AR(1)); the fitted level and trend are as
    # uncertain as the OLS formula says, times the same AR(1) inflation.
    lag = np.abs(np.subtract.outer(np.arange(size), np.arange(size)))
    covariance = np.outer(scale, scale) * rho**lag
    noise = np.diagonal(np.cumsum(np.cumsum(covariance, axis=0), axis=1))
    variance = noise + parameter * (1 + rho) / (1 - rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.sum(parts, axis=0) ** 2 / np.sum([p**2 / d for p, d in zip(parts, dfs)], axis=0)
        half = np.where(
            variance > 0, t_quantile((1 + level) / 2, np.nan_to_num(df, nan=1.0)), 0.0
        ) * np.sqrt(np.maximum(variance, 0.0))
    extra = np.cumsum(mean)

    # The running total starts from `through` (the last actual point) or, for a month not yet
    # begun, from its first day.
    begin = int(np.flatnonzero(settled)[-1]) if days_settled else 0
    base = cumulative[begin] if days_settled else 0.0
    path.loc[begin:, "expected"] = base + extra[begin:]
    path.loc[begin:, "low"] = base + np.maximum(extra - half, 0.0)[begin:]
    path.loc[begin:, "high"] = base + (extra + half)[begin:]
    extra, half = float(extra[-1]), float(half[-1])
    notes = []
    if missing_days:
        shown = ", ".join(f"{d:%b} {d.day}" for d in missing_days[:5])
        more = f" and {len(missing_days) - 5} more" if len(missing_days) > 5 else ""
        notes.append(
            f"{len(missing_days)} settled day{'s' if len(missing_days) > 1 else ''} without "
            f"data ({shown}{more}) imputed by the projection"
        )
    if not trend:
        notes.append(f"no trend: {len(window)} days of history (a trend needs {MIN_TREND_DAYS})")
    projection = Projection(
        month=first,
        through=through,
        days_in_month=size,
        days_settled=days_settled,
        actual=actual,
        expected=actual + extra,
        low=actual + max(extra - half, 0.0),
        high=actual + extra + half,
        level=level,
        missing_days=missing_days,
        note="; ".join(notes),
        path=path,
    )
    return projection, None


def _by_day(daily: pd.Series, through: date) -> pd.Series:
    """Values by day (midnight, no time zone), up to `through`; a day given twice is summed."""
    if daily is None or len(daily) == 0:
        return pd.Series(dtype=np.float64, index=pd.DatetimeIndex([]))
    index = pd.DatetimeIndex(daily.index)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    values = pd.Series(pd.to_numeric(daily, errors="coerce").to_numpy(np.float64), index=index)
    values = values[values.index.normalize() <= pd.Timestamp(through)]
    values = values.groupby(values.index.normalize()).sum(min_count=1)
    return values[np.isfinite(values) | values.isna()].sort_index()


def _too_little(window: pd.Series, history_days: int, through: date) -> str | None:
    counts = np.bincount(window.index.day_of_week, minlength=7)
    if len(window) >= MIN_HISTORY_DAYS and counts.min() >= MIN_PER_WEEKDAY:
        return None
    start = through - timedelta(days=history_days - 1)
    span = f"{start:%Y-%m-%d} to {through:%Y-%m-%d}"
    if len(window) < MIN_HISTORY_DAYS:
        return (
            f"too little history to project: {len(window)} settled days with data from {span}, "
            f"at least {MIN_HISTORY_DAYS} are needed"
        )
    lacking = [calendar.day_name[d] for d in range(7) if counts[d] < MIN_PER_WEEKDAY]
    return (
        f"too little history to project: fewer than {MIN_PER_WEEKDAY} settled "
        f"{', '.join(lacking)}s with data from {span}"
    )


def _design(weekday: np.ndarray, weeks: np.ndarray, days: tuple[int, ...], trend: bool):
    """One column per weekday of the group (its mean), then the trend in weeks; rows of days
    outside the group are zero."""
    columns = [(weekday == d).astype(np.float64) for d in days]
    if trend:
        columns.append(np.where(np.isin(weekday, days), weeks, 0.0))
    return np.column_stack(columns)


def _fit(window: pd.Series, days: tuple[int, ...], through: date, trend: bool) -> _Fit:
    chosen = window[np.isin(window.index.day_of_week, days)]
    y = chosen.to_numpy(np.float64)
    weeks = (chosen.index - pd.Timestamp(through)).days.to_numpy(np.float64) / 7.0
    x = _design(chosen.index.day_of_week.to_numpy(), weeks, days, trend)
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residual = y - x @ beta
    df = max(len(y) - x.shape[1], 1)
    s2 = float(residual @ residual) / df
    return _Fit(beta, xtx_inv, s2, df, pd.Series(residual, index=chosen.index), days, trend)


def _rho(fits: list[_Fit]) -> float:
    """The lag-1 autocorrelation of the residuals, each divided by its group's standard
    deviation, over pairs of consecutive days; floored at 0 (a negative value would narrow the
    band: not trusted) and capped at 0.8."""
    parts = [f.residual / np.sqrt(f.s2) for f in fits if f.s2 > 0]
    if not parts:
        return 0.0
    z = pd.concat(parts).sort_index()
    z = z - z.mean()
    following = z.reindex(z.index + pd.Timedelta(days=1)).to_numpy()
    paired = ~np.isnan(following)
    denominator = float(z @ z)
    if paired.sum() < 3 or denominator <= 0:
        return 0.0
    products = z.to_numpy()[paired] @ following[paired]
    rho = float(products) / denominator * len(z) / int(paired.sum())
    return min(max(rho, 0.0), 0.8)
