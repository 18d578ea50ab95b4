"""The overview's verdict: does more AI use go with more or fewer CI credits?

Two series that both grow with headcount and time correlate whatever the cause, so the verdict
compares neither levels nor raw totals. It controls for:

- headcount: both measures are taken per active committer (Codefresh counts committers per
  calendar month; a week takes the day-weighted committers of the months it spans);
- shared trends: a smooth trend (quadratic in time) is part of the model, so growth that both
  series share - or that either has on its own - is the trend's, not AI's. What is left to
  identify an effect is AI use that does not follow the trend (busier and quieter AI weeks),
  which is all that organisation totals can honestly speak to.

The model, fitted with statsmodels OLS over finished periods t:

    log(CI credits per committer)[t + lag]  =  a + b * (AI-active share of committers)[t]
                                               + c1 * time + c2 * time^2 + error

`b` is reported as the % change in credits per committer that goes with a 10-point rise in the
AI-active share, with a t-based 95% interval. "Evidence" only when the interval excludes 0;
otherwise, and whenever the data cannot tell (too few periods, no variation, a vendor missing),
the answer is "No clear evidence either way" and why.

Why not period-to-period changes (first differences)? They remove trends too, but differencing
a noisy level makes neighbouring changes negatively correlated, and the usual intervals then
claim evidence too often: on the sandbox's no-link scenario the benchmark measures both methods
side by side (see bench/verdict_rates.py and the README). Removing a smooth trend keeps the
false-positive rate at its nominal 5% with more power.

Only finished periods are used (an unfinished period is not a drop). Day granularity carries the
weekday pattern (weekends look like collapses), so the caller compares weeks instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import NS, period_name

MORE = "Evidence of more CI credits with more AI use"
FEWER = "Evidence of fewer CI credits with more AI use"
UNCLEAR = "No clear evidence either way"

MIN_PERIODS = 8  # the model has 4 parameters: 8 periods leave 4 degrees of freedom
LEVEL = 0.95
STEP = 0.10  # the effect is stated per 10 points of AI-active share
METHODS = ("trend", "changes")  # the app uses "trend"; "changes" is kept for the benchmark


@dataclass(frozen=True)
class Verdict:
    opening: str  # MORE, FEWER or UNCLEAR
    sentence: str  # the whole answer, beginning with `opening`
    granularity: str  # the periods compared (week when the page shows days)
    n: int  # periods used
    lag: int
    effect: float | None = None  # % change in credits per committer per +10 points of AI share
    low: float | None = None  # its 95% interval
    high: float | None = None
    first: pd.Timestamp | None = None  # first and last period used
    last: pd.Timestamp | None = None


def headcount(index: pd.DataFrame, monthly: pd.DataFrame) -> pd.Series:
    """Active committers for each period of `index`: a month's own count; for a week or a day
    the count of the month holding each day, averaged over the period's days. NA when a month
    the period touches has no count or is not finished (its count is still growing)."""
    if monthly is None or "active_committers" not in monthly:
        return pd.Series(np.nan, index=index.index, dtype="float64")
    known = monthly.loc[monthly["complete"].astype(bool), ["period", "active_committers"]]
    by_month = pd.Series(
        pd.to_numeric(known["active_committers"], errors="coerce").to_numpy("float64"),
        index=pd.DatetimeIndex(known["period"]).astype(NS),
    )
    out = []
    for start, end in zip(index["period"], index["period_end"], strict=True):
        days = pd.date_range(start, end, freq="D")
        months = days.to_period("M").start_time.astype(NS)
        values = by_month.reindex(months).to_numpy()
        out.append(np.nan if np.isnan(values).any() or (values <= 0).any() else values.mean())
    return pd.Series(out, index=index.index, dtype="float64")


def ai_measure(table: pd.DataFrame) -> str:
    """The AI-use column the verdict relates: Firebender's people on an average day when
    Firebender data are there (a distinct count per month saturates: almost everyone who
    adopted uses AI some day of a month), else AI-active developers per period."""
    daily = table.get("firebender_daily_active")
    if daily is not None and daily.notna().any():
        return "firebender_daily_active"
    return "ai_active_developers"


def per_committer(table: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """period, complete, committers, credits_per_committer, ai_share - the normalised measures
    (NA wherever a part is unknown)."""
    committers = headcount(table, monthly)
    credits = pd.to_numeric(table["ci_credits"], errors="coerce").astype("float64")
    ai = pd.to_numeric(table[ai_measure(table)], errors="coerce").astype("float64")
    return pd.DataFrame(
        {
            "period": table["period"],
            "complete": table["complete"].astype(bool),
            "committers": committers,
            "credits_per_committer": credits / committers,
            "ai_share": ai / committers,
        }
    )


def paired(normalised: pd.DataFrame, lag: int = 0) -> pd.DataFrame:
    """period, step (periods since the first row), ai_share in the period, credits_per_committer
    `lag` periods later - for finished periods where both are known and credits are positive."""
    n = normalised.reset_index(drop=True)
    usable = n["complete"] & n["credits_per_committer"].gt(0) & n["ai_share"].notna()
    credits = n["credits_per_committer"].where(usable).shift(-lag)
    out = pd.DataFrame(
        {
            "period": n["period"],
            "step": np.arange(len(n), dtype="float64"),
            "ai_share": n["ai_share"].where(usable),
            "credits_per_committer": credits,
            "committers": n["committers"].where(usable),
        }
    )
    return out.dropna().reset_index(drop=True)


def _unclear(why: str, granularity: str, lag: int, n: int = 0, **extra) -> Verdict:
    return Verdict(UNCLEAR, f"{UNCLEAR}: {why}", granularity, n, lag, **extra)


def verdict(
    table: pd.DataFrame,
    monthly: pd.DataFrame | None,
    granularity: str,
    lag: int = 0,
    missing: dict[str, str] | None = None,
    method: str = "trend",
) -> Verdict:
    """The verdict over the finished periods of `table` (at week or month granularity), with
    `monthly` giving active committers. `missing`: vendor name -> why its data is absent."""
    if granularity not in ("week", "month"):
        raise ValueError("the verdict compares weeks or months (days carry the weekday pattern)")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    unit = granularity
    if missing:
        why = "; ".join(f"no {name} data ({reason})" for name, reason in missing.items())
        return _unclear(f"{why}, so there is nothing to compare.", granularity, lag)
    normalised = per_committer(table, monthly)
    if normalised["committers"].isna().all():
        return _unclear(
            "Codefresh has no finished month of active committers in this range, so neither "
            "measure can be taken per committer; pick a range with at least one whole month.",
            granularity,
            lag,
        )
    points = paired(normalised, lag)
    n = len(points)
    if n < MIN_PERIODS:
        return _unclear(
            f"only {n} finished {unit}{'s' if n != 1 else ''} with both measures known (at "
            f"least {MIN_PERIODS} are needed); pick a longer range"
            + (" or weeks instead of months." if granularity == "month" else "."),
            granularity,
            lag,
            n,
        )
    if points["ai_share"].std() < 1e-9 or points["credits_per_committer"].std() < 1e-9:
        return _unclear(
            f"AI use per committer or CI credits per committer did not change "
            f"over these {n} {unit}s, so there is nothing to relate.",
            granularity,
            lag,
            n,
        )
    slope, low, high = (_fit_trend if method == "trend" else _fit_changes)(points)
    effect, low_pct, high_pct = (_percent(v) for v in (slope, low, high))
    first, last = points["period"].iloc[0], points["period"].iloc[-1]
    when = f"in the same {unit}" if lag == 0 else f"{lag} {unit}{'s' if lag > 1 else ''} later"
    basis = (
        f"from {n} finished {unit}s ({period_name(first, granularity)} to "
        f"{period_name(last, granularity)}), credits counted {when}, both per active "
        f"committer and after removing the trend they share"
    )
    interval = f"95% interval {low_pct:+.1f}% to {high_pct:+.1f}%"
    share = (
        "the share of committers using AI on an average day"
        if ai_measure(table) == "firebender_daily_active"
        else "the AI-active share of committers"
    )
    details = dict(effect=effect, low=low_pct, high=high_pct, first=first, last=last)
    if low > 0 or high < 0:
        opening = MORE if slope > 0 else FEWER
        sentence = (
            f"{opening}: in {unit}s when {share} was 10 points higher, CI credits per "
            f"committer were {abs(effect):.1f}% {'higher' if slope > 0 else 'lower'} "
            f"({interval}), {basis}."
        )
        return Verdict(opening, sentence, granularity, n, lag, **details)
    sentence = (
        f"{UNCLEAR}: 10 more points in {share} went with {effect:+.1f}% CI credits per "
        f"committer, but the {interval} includes no change; {basis}."
    )
    return Verdict(UNCLEAR, sentence, granularity, n, lag, **details)


def _percent(log_slope: float) -> float:
    return float((np.exp(log_slope * STEP) - 1) * 100)


def _fit_trend(points: pd.DataFrame) -> tuple[float, float, float]:
    """(slope, low, high) of log credits per committer on AI share with a quadratic trend."""
    import statsmodels.api as sm  # imported on first use: it takes a second to load

    step = points["step"].to_numpy("float64")
    time = (step - step.mean()) / max(1.0, step.max() - step.min())
    # Both measures share the committers as denominator: a month with more committers lowers
    # both, which alone would tie them together. log(committers) as a control removes that.
    heads = np.log(points["committers"].to_numpy("float64"))
    x = np.column_stack([points["ai_share"].to_numpy("float64"), time, time**2, heads])
    if np.ptp(heads) < 1e-9:
        x = x[:, :3]
    y = np.log(points["credits_per_committer"].to_numpy("float64"))
    fit = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    low, high = fit.conf_int(alpha=1 - LEVEL)[1]
    return float(fit.params[1]), float(low), float(high)


def _fit_changes(points: pd.DataFrame) -> tuple[float, float, float]:
    """The alternative measured in the benchmark: changes between consecutive periods (a gap
    in the periods breaks the chain), OLS with Newey-West standard errors."""
    import statsmodels.api as sm

    consecutive = points["step"].diff().eq(1)
    d_share = points["ai_share"].diff()[consecutive].to_numpy("float64")
    d_log = np.log(points["credits_per_committer"]).diff()[consecutive].to_numpy("float64")
    lags = max(1, int(np.floor(4 * (len(d_log) / 100) ** (2 / 9))))
    fit = sm.OLS(d_log, sm.add_constant(d_share, has_constant="add")).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    low, high = fit.conf_int(alpha=1 - LEVEL)[1]
    return float(fit.params[1]), float(low), float(high)
