"""The month-end projection on series whose answer is known: exact patterns, trends, weekends,
unknown days, too little history, and the interval's coverage measured over many draws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alerts import assessment, forecast
from alerts.forecast import MIN_HISTORY_DAYS, Projection, project, why_not

D = dt.date
# Monday .. Sunday: a work-day quantity, quiet weekends.
PATTERN = np.array([120.0, 100.0, 100.0, 110.0, 90.0, 8.0, 5.0])


def series(
    first: dt.date,
    last: dt.date,
    pattern=PATTERN,
    slope: float = 0.0,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> pd.Series:
    """The weekday pattern, grown by `slope` (a fraction of the pattern per day from `first`),
    times (1 + noise * a standard normal draw)."""
    days = pd.date_range(first, last, freq="D")
    t = np.arange(len(days))
    values = np.asarray(pattern)[days.day_of_week] * (1 + slope * t)
    if noise:
        values = values * (1 + noise * rng.standard_normal(len(days)))
    return pd.Series(np.maximum(values, 0.0), index=days)


def month_total(daily: pd.Series, month: dt.date) -> float:
    chosen = daily[(daily.index.year == month.year) & (daily.index.month == month.month)]
    return float(chosen.sum())


def test_a_noiseless_weekday_pattern_gives_the_exact_total_and_a_near_zero_interval():
    daily = series(D(2026, 9, 1), D(2026, 11, 30))
    p = project(daily, D(2026, 11, 1), D(2026, 11, 12))
    truth = month_total(daily, D(2026, 11, 1))
    assert p.expected == pytest.approx(truth, rel=1e-9)
    assert p.high - p.low < 1e-6 * truth
    assert p.actual == pytest.approx(month_total(daily[:"2026-11-12"], D(2026, 11, 1)))
    assert (p.days_in_month, p.days_settled, p.days_left) == (30, 12, 18)


def test_a_constant_series_projects_the_constant_times_the_days_of_the_month():
    daily = series(D(2026, 8, 1), D(2026, 10, 9), pattern=[40.0] * 7)
    p = project(daily, D(2026, 10, 1), D(2026, 10, 9))
    assert p.actual == pytest.approx(9 * 40.0)
    assert p.expected == pytest.approx(31 * 40.0)
    assert p.low == pytest.approx(p.high, abs=1e-6)


def test_the_weekday_pattern_decides_what_the_days_left_add():
    """November 2026 ends on a Monday, so with two days left it still has a Sunday and a
    Monday ahead; October 2026 ends on a Saturday, so two days left are a Friday and a
    Saturday. Weekdays weigh 100 and more, weekends under 10."""
    daily = series(D(2026, 8, 1), D(2026, 11, 30))
    nov = project(daily, D(2026, 11, 1), D(2026, 11, 28))  # left: Sun 29, Mon 30
    oct_ = project(daily, D(2026, 10, 1), D(2026, 10, 29))  # left: Fri 30, Sat 31
    assert nov.expected - nov.actual == pytest.approx(PATTERN[6] + PATTERN[0])
    assert oct_.expected - oct_.actual == pytest.approx(PATTERN[4] + PATTERN[5])
    weekend = series(D(2026, 8, 1), D(2026, 11, 30), pattern=[10, 10, 10, 10, 10, 200, 200])
    sat_sun = project(weekend, D(2026, 11, 1), D(2026, 11, 27))  # left: Sat, Sun, Mon
    assert sat_sun.expected - sat_sun.actual == pytest.approx(410.0)


def test_a_steady_rise_is_projected_above_the_flat_mean_of_its_history():
    daily = series(D(2026, 8, 1), D(2026, 11, 30), slope=0.01)  # +1% of the pattern a day
    month, through = D(2026, 11, 1), D(2026, 11, 10)
    p = project(daily, month, through)
    history = daily[pd.Timestamp(through) - pd.Timedelta(days=55) : pd.Timestamp(through)]
    by_weekday = history.groupby(history.index.day_of_week).mean()
    left = pd.date_range("2026-11-11", "2026-11-30", freq="D")
    flat = p.actual + float(by_weekday[left.day_of_week].sum())
    truth = month_total(daily, month)
    assert p.expected > flat
    assert p.expected == pytest.approx(truth, rel=0.01)
    assert p.low <= truth <= p.high


def test_a_complete_month_is_its_actual_total_with_a_zero_width_interval():
    rng = np.random.default_rng(3)
    daily = series(D(2026, 8, 1), D(2026, 11, 5), noise=0.3, rng=rng)
    truth = month_total(daily, D(2026, 10, 1))
    for through in (D(2026, 10, 31), D(2026, 11, 5)):
        p = project(daily, D(2026, 10, 1), through)
        assert p.complete
        assert p.actual == p.expected == p.low == p.high == pytest.approx(truth)
        assert p.through == D(2026, 10, 31)
        assert p.path["cumulative"].iloc[-1] == pytest.approx(truth)
        assert p.path["expected"].notna().sum() == 1  # only the last day: the join point


def test_a_complete_month_needs_no_history_at_all():
    daily = series(D(2026, 10, 1), D(2026, 10, 31))
    p = project(daily, D(2026, 10, 1), D(2026, 10, 31))
    assert p.expected == pytest.approx(month_total(daily, D(2026, 10, 1)))


def test_days_after_the_last_settled_day_are_never_read():
    rng = np.random.default_rng(5)
    daily = series(D(2026, 8, 1), D(2026, 11, 12), noise=0.2, rng=rng)
    later = pd.Series(1e12, index=pd.date_range("2026-11-13", "2026-12-31", freq="D"))
    unsettled = pd.concat([daily, later])
    a = project(daily, D(2026, 11, 1), D(2026, 11, 12))
    b = project(unsettled, D(2026, 11, 1), D(2026, 11, 12))
    assert (a.actual, a.expected, a.low, a.high) == (b.actual, b.expected, b.low, b.high)
    assert b.path.loc[b.path["day"] > "2026-11-12", "value"].isna().all()
    pd.testing.assert_frame_equal(a.path, b.path)


def test_unknown_days_are_imputed_and_not_read_as_zeros():
    daily = series(D(2026, 8, 1), D(2026, 11, 30))
    truth = month_total(daily, D(2026, 11, 1))
    holes = daily.copy()
    holes[["2026-11-03", "2026-11-04", "2026-10-14", "2026-09-22"]] = np.nan
    p = project(holes, D(2026, 11, 1), D(2026, 11, 12))
    assert p.missing_days == (D(2026, 11, 3), D(2026, 11, 4))
    assert "2 settled days without data" in p.note
    assert p.actual == pytest.approx(month_total(daily[:"2026-11-12"], D(2026, 11, 1)) - 200.0)
    assert p.expected == pytest.approx(truth)  # the two Tuesdays/Wednesdays imputed, at 100
    zeros = project(holes.fillna(0.0), D(2026, 11, 1), D(2026, 11, 12))
    assert zeros.expected < p.expected - 150
    # The path: unknown days have no value, the running total carries on without them, and the
    # projection starts on the last settled day with the imputed days added.
    row = p.path.set_index("day")
    assert np.isnan(row.loc["2026-11-03", "value"])
    assert row.loc["2026-11-12", "cumulative"] == pytest.approx(p.actual)
    assert row.loc["2026-11-12", "expected"] == pytest.approx(p.actual + 200.0)


def test_a_complete_month_with_unknown_days_still_imputes_them():
    daily = series(D(2026, 8, 1), D(2026, 10, 31))
    holes = daily.copy()
    holes["2026-10-07"] = np.nan
    p = project(holes, D(2026, 10, 1), D(2026, 10, 31))
    assert not p.complete
    assert p.days_left == 0
    assert p.expected == pytest.approx(month_total(daily, D(2026, 10, 1)))
    assert p.actual == pytest.approx(p.expected - PATTERN[2])


def test_too_little_history_gives_none_and_says_why():
    daily = series(D(2026, 11, 1), D(2026, 11, 10))  # ten days
    assert project(daily, D(2026, 11, 1), D(2026, 11, 10)) is None
    reason = why_not(daily, D(2026, 11, 1), D(2026, 11, 10))
    assert f"at least {MIN_HISTORY_DAYS}" in reason
    assert "10 settled days" in reason
    assert project(pd.Series(dtype=float), D(2026, 11, 1), D(2026, 11, 10)) is None
    # Enough days, but Mondays seen once only.
    sparse = series(D(2026, 8, 1), D(2026, 11, 10))
    sparse[(sparse.index.day_of_week == 0) & (sparse.index < "2026-11-09")] = np.nan
    assert project(sparse, D(2026, 11, 1), D(2026, 11, 10)) is None
    assert "Monday" in why_not(sparse, D(2026, 11, 1), D(2026, 11, 10))


def test_why_not_is_none_when_there_is_a_projection():
    daily = series(D(2026, 8, 1), D(2026, 11, 10))
    assert why_not(daily, D(2026, 11, 1), D(2026, 11, 10)) is None


def test_a_short_history_projects_flat_weekday_means_and_says_so():
    daily = series(D(2026, 10, 20), D(2026, 11, 10), slope=0.01)  # 22 days
    p = project(daily, D(2026, 11, 1), D(2026, 11, 10))
    assert isinstance(p, Projection)
    assert "no trend" in p.note


def test_a_month_not_yet_begun_is_projected_whole_from_the_history():
    daily = series(D(2026, 8, 1), D(2026, 10, 31))
    p = project(daily, D(2026, 11, 1), D(2026, 10, 31))
    assert (p.days_settled, p.actual) == (0, 0.0)
    assert p.expected == pytest.approx(
        month_total(series(D(2026, 11, 1), D(2026, 11, 30)), p.month)
    )
    assert p.path["cumulative"].isna().all()
    assert p.path["expected"].notna().all()


def test_the_path_draws_actuals_then_a_projection_joined_at_the_last_settled_day():
    rng = np.random.default_rng(11)
    daily = series(D(2026, 8, 1), D(2026, 11, 12), noise=0.2, rng=rng)
    p = project(daily, D(2026, 11, 1), D(2026, 11, 12))
    path = p.path
    assert list(path.columns) == ["day", "value", "cumulative", "expected", "low", "high"]
    assert len(path) == 30
    assert path["day"].tolist() == list(pd.date_range("2026-11-01", "2026-11-30", freq="D"))
    settled = path["day"] <= "2026-11-12"
    assert path.loc[settled, "cumulative"].notna().all()
    assert path.loc[~settled, ["value", "cumulative"]].isna().all().all()
    assert path.loc[path["day"] < "2026-11-12", ["expected", "low", "high"]].isna().all().all()
    join = path[path["day"] == "2026-11-12"].iloc[0]
    assert join["expected"] == join["low"] == join["high"] == join["cumulative"] == p.actual
    ahead = path[path["day"] >= "2026-11-12"]
    assert (ahead["expected"].diff().dropna() >= 0).all()
    assert (ahead["low"] <= ahead["expected"]).all() and (ahead["expected"] <= ahead["high"]).all()
    assert (ahead["high"] - ahead["low"]).is_monotonic_increasing
    last = path.iloc[-1]
    assert (last["expected"], last["low"], last["high"]) == pytest.approx(
        (p.expected, p.low, p.high)
    )


def test_a_wider_level_gives_a_wider_interval_and_the_low_end_never_undercuts_the_actual():
    rng = np.random.default_rng(2)
    daily = series(D(2026, 8, 1), D(2026, 11, 3), noise=0.6, rng=rng)
    p80 = project(daily, D(2026, 11, 1), D(2026, 11, 3))
    p95 = project(daily, D(2026, 11, 1), D(2026, 11, 3), level=0.95)
    assert p95.high - p95.low > p80.high - p80.low
    assert p80.low >= p80.actual and p95.low >= p95.actual
    assert p80.level == 0.8 and p95.level == 0.95


def test_time_zones_and_datetimes_in_the_index_are_taken_as_utc_days():
    daily = series(D(2026, 8, 1), D(2026, 11, 12))
    aware = daily.copy()
    aware.index = aware.index.tz_localize("UTC")
    assert project(aware, D(2026, 11, 1), D(2026, 11, 12)).expected == pytest.approx(
        project(daily, D(2026, 11, 1), D(2026, 11, 12)).expected
    )


def coverage(n: int, seed: int, persistent: bool = False) -> tuple[float, float]:
    """The share of n simulated months whose true total the 80% interval holds, and the
    median interval width relative to the total. Each: a random weekday pattern and level, a
    random growth (-0.3% to +0.6% a day), multiplicative noise (10% to 40%), a random last
    settled day; `persistent` makes the noise an AR(1) process (busy and quiet weeks)."""
    rng = np.random.default_rng(seed)
    hits, widths = 0, []
    for _ in range(n):
        month = D(2026, int(rng.integers(1, 13)), 1)
        end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        first = month - dt.timedelta(days=70)
        days = pd.date_range(first, end, freq="D")
        level = 10 ** rng.uniform(0, 5)
        pattern = level * np.r_[rng.uniform(0.8, 1.2, 5), rng.uniform(0.0, 0.15, 2)]
        slope = rng.uniform(-0.003, 0.006)
        sd = rng.uniform(0.1, 0.4)
        shocks = rng.standard_normal(len(days))
        if persistent:
            rho = 0.5
            for i in range(1, len(shocks)):
                shocks[i] = rho * shocks[i - 1] + np.sqrt(1 - rho**2) * shocks[i]
        values = pattern[days.day_of_week] * (1 + slope * np.arange(len(days))) * (1 + sd * shocks)
        daily = pd.Series(np.maximum(values, 0.0), index=days)
        through = month + dt.timedelta(days=int(rng.integers(0, (end - month).days)))
        p = project(daily, month, through)
        truth = month_total(daily, month)
        hits += p.low <= truth <= p.high
        widths.append((p.high - p.low) / truth)
    return hits / n, float(np.median(widths))


def test_the_80_percent_interval_holds_the_true_total_about_80_percent_of_the_time():
    covered, width = coverage(300, seed=2026)
    assert 0.70 <= covered <= 0.90, f"coverage {covered:.3f} (median width {width:.1%})"
    print(f"coverage of the 80% interval over 300 simulated months: {covered:.3f}")


def test_the_interval_stays_calibrated_when_busy_and_quiet_days_come_in_runs():
    covered, width = coverage(200, seed=7, persistent=True)
    assert 0.70 <= covered <= 0.92, f"coverage {covered:.3f} (median width {width:.1%})"
    print(f"coverage with AR(1) noise (rho 0.5) over 200 simulated months: {covered:.3f}")


def test_bad_arguments_are_refused():
    daily = series(D(2026, 8, 1), D(2026, 11, 12))
    with pytest.raises(ValueError, match="level"):
        project(daily, D(2026, 11, 1), D(2026, 11, 12), level=80)
    with pytest.raises(ValueError, match="history_days"):
        project(daily, D(2026, 11, 1), D(2026, 11, 12), history_days=7)
    assert forecast.HISTORY_DAYS == 56


# ------------------------------------------------------------------ coverage by day of month

LOW_EARLY = {(1, 7): 0.55, (8, 14): 0.78, (15, 31): 0.8}


def test_a_stretch_measured_below_70_percent_shows_no_projection_and_says_from_when():
    why = forecast.withheld(D(2026, 12, 1), D(2026, 12, 4), LOW_EARLY)
    assert why is not None
    assert "days 1–7" in why and "55%" in why and "from 8 December" in why
    assert forecast.withheld(D(2026, 12, 1), D(2026, 12, 8), LOW_EARLY) is None
    assert forecast.withheld(D(2026, 12, 1), D(2026, 12, 20), LOW_EARLY) is None


def test_a_late_stretch_below_70_percent_waits_for_next_month():
    late = {(1, 7): 0.8, (8, 14): 0.8, (15, 31): 0.6}
    why = forecast.withheld(D(2026, 2, 1), D(2026, 2, 20), late)
    assert "days 15–28" in why and "from next month" in why


def test_the_measured_coverage_shows_every_stretch():
    # bench/results-forecast.md: pooled 0.81, 0.80, 0.76; none below MIN_COVERAGE today
    assert all(v >= forecast.MIN_COVERAGE for v in forecast.COVERAGE_BY_DAY.values())
    assert forecast.withheld(D(2026, 12, 1), D(2026, 12, 2)) is None


def test_sync_withholds_a_projection_its_stretch_cannot_back_and_keeps_the_month_so_far():

    daily = series(D(2026, 9, 1), D(2026, 12, 4))
    frame = pd.concat(
        pd.DataFrame({"kind": kind, "subject": "org", "day": daily.index, "value": daily.values})
        for kind in ("org_ai_spend_usd", "org_ci_credits")
    )
    through = {"org_ai_spend_usd": D(2026, 12, 4), "org_ci_credits": D(2026, 12, 4)}
    found = assessment.project_month(frame, through, 0.01, LOW_EARLY)
    assert {f["measure"] for f in found} == {"ai_spend_usd", "ci_credits", "ci_spend_usd"}
    for item in found:
        assert item["projection"] is None and "from 8 December" in item["why"]
    so_far = float(daily[daily.index >= "2026-12-01"].sum())
    ci = next(f for f in found if f["measure"] == "ci_credits")
    assert ci["actual"] == pytest.approx(so_far)
    spend = next(f for f in found if f["measure"] == "ci_spend_usd")
    assert spend["actual"] == pytest.approx(so_far * 0.01)
    shown = assessment.project_month(frame, through, 0.01)
    assert all(f["projection"] is not None for f in shown)
