"""The overview's answer: does more AI use go with more or fewer CI credits?

Two series that both grow with headcount and time correlate whatever the cause, and a week
with people away lowers both, so the answer compares neither levels nor raw totals. Over the
last MAX_WEEKS finished weeks (answer_weeks.py: whatever the chart's range, and it says so) it
controls for:

- headcount: both measures are taken per active committer (Codefresh counts committers per
  calendar month; a week takes the day-weighted committers of the months it spans), and
  log(committers) is in the model;
- a shared trend: a smooth trend in time (quadratic) is part of the model, so growth, a slow
  drift or a step in CI load that AI use happens to share is the trend's, not AI's. What is left to identify an effect is AI use that does not follow
  the trend (busier and quieter AI weeks), all that organisation totals can speak to;
- the calendar: a week with a weekday off (read from the daily credits: answer_weeks.days_off)
  is left out.

The model, statsmodels OLS; the interval is the wider of the classical one and the Newey-West
(HAC) one, so that low weeks or busy CI weeks that persist do not make it too narrow:

    log(CI credits per committer)[w] = a + b * (AI-active share of committers)[w]
                                       + c1 * w + c2 * w^2 + c * log(committers)[w] + error

where the share is the chosen source's AI-active people on an average weekday per committer
("both": the share active in either tool, each person once, estimated from the two tools' daily
counts: answer_weeks.either_share; Builder.io does not say who its users are).
`b` is reported as the % change in credits per committer that goes with a 10-point rise in the
share, with a 95% interval. "Evidence" only when the interval excludes 0. The credits are those
of the same week: the lag is fixed in advance (never chosen by looking at the result), and an
effect that arrives weeks later is not what this answer can see (bench/results-verdict.md
measures it). A distributed lag was measured instead (issue 17, 80 seeds a scenario): the summed
effect of lags 0-4 found the same-week effect in 20% of seeds (this model: 80-85%), and even the
exact lag of the sandbox's late effect (the mean of weeks 2-4 before), fixed in advance, found
that one in 35%: a week's AI use is mostly its own busy or quiet week, so a mean of three earlier
weeks varies a third as much, and 52 weeks are too few for it (measured again on 56 other
development seeds, 1001-1057: lags 0-4 summed found "lagged_effect" in 14% and "effect" in 21%,
and said "Evidence" in 9-10.5% of "no_link", "ci_step" and "ci_autocorrelated" seeds). A joint
test of the two tools' shares, each in the model (the F test over both, the wider of classical
and Newey-West), found "builder_effect" no more often than the either-tool share (59%, the
same seeds), "effect" less often (75% against 84%) and said "Evidence" in 9-10.5% of the
no-link seeds above: not shipped either. The sentence also gives the smallest change these weeks could show (MDE_Z
standard errors) and, when that is larger than NOTICE, how many more weeks would show NOTICE.

Below the minimums (MIN_WEEKS usable weeks, a vendor's data, variation in both measures) the
answer begins "Not enough data to answer yet" and says what is missing and when it will do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answer_weeks import MAX_WEEKS, AnswerInputs, weeks
from .calendar import NS, period_name

MORE = "Evidence of more CI credits with more AI use"
FEWER = "Evidence of fewer CI credits with more AI use"
UNCLEAR = "No clear evidence either way"
NOT_YET = "Not enough data to answer yet"
OPENINGS = (MORE, FEWER, UNCLEAR, NOT_YET)

# Fewer than 26 weeks leave this model little to go on: the planted effect (+5.5% per 10 points)
# is found in about half the seeds at 26 weeks, in most at 52 (bench/results-verdict.md).
MIN_WEEKS = 26
LEVEL = 0.95
STEP = 0.10  # the effect is stated per 10 points of AI-active share
HAC_LAGS = 1  # weeks of autocorrelation the Newey-West interval allows for
MDE_Z = 2.8  # 1.96 + 0.84: a change found 4 times in 5 at the 5% level
NOTICE = 5.0  # % per 10 points: the size the "more weeks needed" projection aims at
SOURCES = {
    "firebender": "Firebender",
    "builder": "Builder.io",
    "both": "Firebender or Builder.io",
}


@dataclass(frozen=True)
class Verdict:
    opening: str  # MORE, FEWER, UNCLEAR or NOT_YET
    sentence: str  # the whole answer, beginning with `opening`
    granularity: str = "week"
    n: int = 0  # weeks used
    lag: int = 0
    effect: float | None = None  # % change in credits per committer per +10 points of AI share
    low: float | None = None  # its 95% interval
    high: float | None = None
    first: pd.Timestamp | None = None  # first and last week used
    last: pd.Timestamp | None = None
    left_out: int = 0  # finished weeks left out for a day off
    smallest: float | None = None  # the smallest detectable change (% per 10 points)
    source: str = "firebender"


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


def last_weeks(weeks: pd.DataFrame) -> pd.DataFrame:
    """The last MAX_WEEKS finished weeks."""
    return weeks[weeks["complete"].astype(bool)].tail(MAX_WEEKS).reset_index(drop=True)


def usable(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weeks the model reads among the last MAX_WEEKS finished ones: both measures known,
    credits positive, no day off."""
    w = last_weeks(weeks)
    known = w["credits"].gt(0) & w["ai_people"].notna() & w["committers"].gt(0)
    return w[known & ~w["day_off"]].reset_index(drop=True)


def _week(period) -> str:
    return period_name(pd.Timestamp(period), "week")


def _not_yet(why: str, source: str, n: int = 0, **extra) -> Verdict:
    return Verdict(NOT_YET, f"{NOT_YET}: {why}", n=n, source=source, **extra)


def answer(
    inputs: AnswerInputs,
    end: dt.date,
    ai_source: str = "both",
    missing: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> Verdict:
    """The answer over the last MAX_WEEKS finished weeks ending by `end`, AI use counted from
    `ai_source` (firebender, builder or both). `missing`: vendor name -> why its data is
    absent."""
    source = SOURCES[ai_source]
    if missing:
        why = "; ".join(f"{name} did not answer: {reason}" for name, reason in missing.items())
        return _not_yet(f"{why}. The answer needs its data.", ai_source)
    table = weeks(inputs, end, ai_source, today)
    if table["committers"].isna().all():
        return _not_yet(
            "Codefresh has no finished month of active committers before this range's end, so "
            "neither measure can be taken per committer; the first finished month will do.",
            ai_source,
        )
    points = usable(table)
    n = len(points)
    recent = last_weeks(table)
    off = int(recent["day_off"].sum())
    if n < MIN_WEEKS:
        last_done = table.loc[table["complete"].astype(bool), "period"]
        anchor = last_done.iloc[-1] if len(last_done) else table["period"].iloc[-1]
        ready = pd.Timestamp(anchor) + pd.Timedelta(weeks=MIN_WEEKS - n)
        skipped = f", {off} left out for a day off" if off else ""
        return _not_yet(
            f"{MIN_WEEKS} finished weeks with CI credits, {source} AI use and active committers "
            f"are needed; {n} so far{skipped} - ready after the {_week(ready)} if every "
            "week until then counts.",
            ai_source,
            n,
            left_out=off,
        )
    if points["ai_people"].std() < 1e-9 or points["credits"].std() < 1e-9:
        return _not_yet(
            f"{source} AI use or CI credits did not change over these {n} weeks, so there is "
            "nothing to relate yet.",
            ai_source,
            n,
            left_out=off,
        )
    slope, low, high, se = _fit(points)
    effect, low_pct, high_pct = (_percent(v) for v in (slope, low, high))
    smallest = _percent(MDE_Z * se)
    first, last = points["period"].iloc[0], points["period"].iloc[-1]
    basis = (
        f"{n} of the last {len(recent)} finished weeks ({_week(first)} to {_week(last)}, "
        f"whatever the chart's range"
        + (f"; {off} week{'s' if off != 1 else ''} with a day off left out" if off else "")
        + ")"
    )
    once = ", each person counted once" if ai_source == "both" else ""
    share = f"the share of committers using AI ({source}{once}) on an average weekday"
    interval = f"95% interval {low_pct:+.1f}% to {high_pct:+.1f}%"
    caveat = (
        " This is an association after allowing for headcount, a shared trend and the "
        "calendar, not proof that one causes the other."
    )
    reach = f" With {n} weeks only changes larger than about ±{smallest:.0f}% could show"
    if smallest > NOTICE:
        more = int(np.ceil(n * (smallest / NOTICE) ** 2)) - n
        reach += f"; about {more} more weeks would be needed to notice ±{NOTICE:.0f}%"
    reach += "."
    details = dict(
        effect=effect,
        low=low_pct,
        high=high_pct,
        first=first,
        last=last,
        left_out=off,
        smallest=smallest,
        source=ai_source,
    )
    if low > 0 or high < 0:
        opening = MORE if slope > 0 else FEWER
        sentence = (
            f"{opening}: in weeks when {share} was 10 points higher, CI credits per "
            f"committer were {abs(effect):.1f}% {'higher' if slope > 0 else 'lower'} "
            f"({interval}), over {basis}.{caveat}"
        )
        return Verdict(opening, sentence, n=n, **details)
    sentence = (
        f"{UNCLEAR}: 10 more points in {share} went with {effect:+.1f}% CI credits per "
        f"committer, but the {interval} includes no change; over {basis}.{reach}{caveat}"
    )
    return Verdict(UNCLEAR, sentence, n=n, **details)


def _percent(log_slope: float) -> float:
    return float((np.exp(log_slope * STEP) - 1) * 100)


def _fit(points: pd.DataFrame) -> tuple[float, float, float, float]:
    """(slope, low, high, standard error) of log credits per committer on the AI share, with a
    quadratic trend and log(committers): the wider of the classical and the Newey-West
    (HAC_LAGS) intervals. Either alone claimed evidence too often on some of the sandbox's
    no-link worlds (classical: 17.5% with holidays, whose unflagged low weeks come in runs;
    Newey-West: 7.5-12.5% on the plain and persistent-CI ones, its standard error being
    noisy over 50 weeks); the wider of the two stays near 5% on all of them
    (bench/results-verdict.md)."""
    # Imported on first use, and only OLS: `statsmodels.api` loads ~370 modules and held the
    # app's server 26 MB more (bench/results-store.md).
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    step = (points["period"] - points["period"].iloc[0]).dt.days.to_numpy("float64") / 7
    time = (step - step.mean()) / max(1.0, np.ptp(step))
    committers = points["committers"].to_numpy("float64")
    share = points["ai_people"].to_numpy("float64") / committers
    columns = [share, time, time**2]
    # Both measures share the committers as denominator: a month with more committers lowers
    # both, which alone would tie them together. log(committers) as a control removes that.
    heads = np.log(committers)
    if np.ptp(heads) > 1e-9:
        columns.append(heads)
    x = add_constant(np.column_stack(columns), has_constant="add")
    y = np.log(points["credits"].to_numpy("float64") / committers)
    model = OLS(y, x)
    fits = [
        model.fit(),
        model.fit(
            cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS, "use_correction": True}, use_t=True
        ),
    ]
    fit = max(fits, key=lambda f: float(f.bse[1]))
    low, high = fit.conf_int(alpha=1 - LEVEL)[1]
    return float(fit.params[1]), float(low), float(high), float(fit.bse[1])
