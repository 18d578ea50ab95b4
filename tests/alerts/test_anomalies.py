"""The anomaly detector on hand-made series whose answer is known: spikes, weekends, a steady
rise, a level shift, the minimum size, unknown days, too little history, settled days."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from alerts import anomalies

START = dt.date(2026, 1, 5)  # a Monday
PERSON = "person_ai_spend_usd"
PIPELINE = "pipeline_ci_credits"
ORG_AI = "org_ai_spend_usd"


def series(values, kind=PERSON, subject="ada@example.com", start=START) -> pd.DataFrame:
    """A series frame: one row per value from `start` (NaN: not known)."""
    days = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame(
        {
            "kind": pd.Series(kind, index=range(len(values)), dtype="string"),
            "subject": pd.Series(subject, index=range(len(values)), dtype="string"),
            "day": days.astype("datetime64[ns]"),
            "value": np.asarray(values, dtype="float64"),
        }
    )


def working_week(weekday: float, weekend: float = 0.0, weeks: int = 12, noise=0.0, seed=0):
    """`weeks` of days: `weekday` Monday to Friday, `weekend` on Saturday and Sunday, each times
    a uniform factor in 1 +- noise."""
    rng = np.random.default_rng(seed)
    values = []
    for n in range(weeks * 7):
        base = weekday if (START + dt.timedelta(days=n)).weekday() < 5 else weekend
        values.append(base * rng.uniform(1 - noise, 1 + noise))
    return values


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def judged(frame, first=None, last=None, **kw) -> pd.DataFrame:
    first = first or day(8 * 7)
    last = last or frame["day"].max()
    return anomalies.evaluate(frame, first, last, **kw)


def test_a_runaway_day_is_flagged_with_its_day_value_and_usual_range():
    values = working_week(1.0, noise=0.3)
    runaway = 9 * 7 + 2  # a Wednesday in week 10
    values[runaway] = 20.0
    out = judged(series(values))
    flagged = out[out["anomalous"]]
    assert list(flagged["day"]) == [pd.Timestamp(day(runaway))]
    row = flagged.iloc[0]
    assert row["value"] == 20.0
    history = [values[runaway - 7 * k] for k in range(1, 9)]
    assert row["expected"] == pytest.approx(np.median(history))
    assert 0 <= row["usual_low"] <= row["expected"] <= row["usual_high"] < 2.0
    assert list(out.columns) == list(anomalies.OUTPUT_COLUMNS)
    assert out["anomalous"].dtype == bool and out["day"].dtype == "datetime64[ns]"

    episodes = anomalies.episodes(out)
    assert len(episodes) == 1
    episode = episodes.iloc[0]
    assert episode["first_day"] == episode["last_day"] == episode["peak_day"]
    assert episode["value"] == 20.0 and episode["days"] == 1
    assert episode["usual_high"] == row["usual_high"]


def test_detect_returns_the_anomalous_rows_only():
    values = working_week(1.0, noise=0.2)
    values[10 * 7 + 1] = 15.0
    frame = series(values)
    found = anomalies.detect(frame, day(56), day(len(values) - 1))
    assert list(found["day"]) == [pd.Timestamp(day(10 * 7 + 1))]
    assert found["anomalous"].all()


def test_weekends_with_a_zero_baseline_and_small_values_are_not_flagged():
    values = working_week(1.2, weekend=0.0, noise=0.2)
    saturdays = [n for n in range(8 * 7, len(values)) if day(n).weekday() == 5]
    for n in saturdays:
        values[n] = 2.5  # a little weekend work, where there usually is none: $2.5
    assert not judged(series(values))["anomalous"].any()

    credits = working_week(300.0, weekend=0.0, noise=0.2)
    for n in saturdays:
        credits[n] = 250.0  # builds on a Saturday: more than the minimum, less than a workday
    assert not judged(series(credits, PIPELINE, "api/build"))["anomalous"].any()


def test_a_runaway_on_a_weekend_over_a_usual_of_zero_is_flagged():
    values = working_week(1.2, weekend=0.0, noise=0.2)
    sunday = 10 * 7 + 6
    values[sunday] = 15.0
    out = judged(series(values))
    flagged = out[out["anomalous"]]
    assert list(flagged["day"]) == [pd.Timestamp(day(sunday))]
    assert flagged.iloc[0]["expected"] == 0.0


def test_a_steady_rise_is_not_flagged():
    weeks = 20
    rng = np.random.default_rng(3)
    for total in (0.5, 1.0):  # +50% over two months, and doubling over two months
        values = []
        for n in range(weeks * 7):
            level = 300.0 * (1 + total * min(1.0, max(0.0, (n - 56) / 56)))
            workday = day(n).weekday() < 5
            values.append(level * rng.uniform(0.75, 1.25) if workday else 20.0)
        out = judged(series(values, PIPELINE, "web-app/test"))
        assert not out["anomalous"].any(), total
        assert out["expected"].notna().all()


def test_a_level_shift_is_flagged_and_its_consecutive_days_make_one_episode():
    values = working_week(200.0, weekend=0.0, weeks=16, noise=0.25)
    shift = 10 * 7 + 2  # a Wednesday
    for n in range(shift, shift + 21):
        values[n] *= 6
    out = judged(series(values, PIPELINE, "docs/build"))
    flagged = out[out["anomalous"]]
    assert flagged["day"].min() == pd.Timestamp(day(shift))
    assert not out[out["day"] < pd.Timestamp(day(shift))]["anomalous"].any()

    episodes = anomalies.episodes(out)
    assert len(episodes) == 1  # its weekends without builds do not end it
    episode = episodes.iloc[0]
    assert episode["first_day"] == pd.Timestamp(day(shift))
    assert episode["last_day"] <= pd.Timestamp(day(shift + 20))
    assert episode["last_day"].weekday() < 5  # it ends on a day above range, not an idle one
    assert episode["value"] == max(values[shift : shift + 21])
    assert episode["expected"] == pytest.approx(200.0, rel=0.3)


def test_an_episode_ends_when_the_day_after_is_ordinary_even_where_the_usual_is_nothing():
    values = working_week(1.0, noise=0.2)
    for n in range(len(values)):
        if day(n).weekday() in (3, 4):  # this person never works on Thursdays and Fridays
            values[n] = 0.0
    thursday = 10 * 7 + 3
    values[thursday] = 15.0  # an agent left running
    values[thursday + 1] = 1.0  # an ordinary day's work: above a usual of nothing, but small
    out = judged(series(values))
    assert list(out.loc[out["anomalous"], "day"]) == [pd.Timestamp(day(thursday))]
    episode = anomalies.episodes(out).iloc[0]
    assert episode["first_day"] == episode["last_day"] == pd.Timestamp(day(thursday))


def test_two_separate_spikes_are_two_episodes_and_series_are_kept_apart():
    values = working_week(1.0, noise=0.2)
    values[9 * 7 + 1] = 18.0
    values[11 * 7 + 3] = 25.0
    other = working_week(1.0, noise=0.2, seed=5)
    other[9 * 7 + 2] = 12.0  # the next day, in another person's series
    frame = pd.concat(
        [series(values), series(other, subject="grace@example.com")], ignore_index=True
    )
    episodes = anomalies.episodes(judged(frame))
    assert list(zip(episodes["subject"], episodes["first_day"], strict=True)) == [
        ("ada@example.com", pd.Timestamp(day(9 * 7 + 1))),
        ("grace@example.com", pd.Timestamp(day(9 * 7 + 2))),
        ("ada@example.com", pd.Timestamp(day(11 * 7 + 3))),
    ]
    assert (episodes["days"] == 1).all()


def test_a_value_below_the_minimum_size_is_not_flagged():
    assert anomalies.MIN_EXCESS[PERSON] == 5.0
    values = working_week(0.5, noise=0.2)
    small = 9 * 7 + 1
    values[small] = 4.0  # eight times usual, but $3.5 more
    out = judged(series(values))
    assert not out["anomalous"].any()
    assert out.loc[out["day"] == pd.Timestamp(day(small)), "value"].item() == 4.0

    values[small] = 6.5  # $6 more
    assert judged(series(values))["anomalous"].sum() == 1


def test_a_busy_day_of_the_organisation_under_twice_its_usual_is_not_flagged():
    values = working_week(11.0, weekend=1.5, noise=0.1)
    busy = 10 * 7 + 3
    values[busy] = 19.0  # +$8 and 1.7x: a busy day, not an anomaly
    assert not judged(series(values, ORG_AI, "org"))["anomalous"].any()
    values[busy] = 40.0  # an organisation-wide spike
    assert judged(series(values, ORG_AI, "org"))["anomalous"].sum() == 1


def test_a_holiday_and_the_days_after_it_are_not_flagged():
    values = working_week(11.0, weekend=1.5, noise=0.15)
    holiday = range(9 * 7 + 1, 9 * 7 + 5)  # Tuesday to Friday
    for n in holiday:
        values[n] = 0.3
    out = judged(series(values, ORG_AI, "org"))
    assert not out["anomalous"].any()
    assert out["expected"].notna().all()


def test_unknown_days_are_never_read_as_zero():
    values = working_week(300.0, weekend=300.0, noise=0.2)
    target = 10 * 7 + 2
    for k in range(1, 5):  # half of its same weekdays unknown
        values[target - 7 * k] = np.nan
    values[target] = 250.0
    out = judged(series(values, PIPELINE, "api/test"))
    row = out[out["day"] == pd.Timestamp(day(target))].iloc[0]
    assert np.isnan(row["expected"]) and not row["anomalous"]  # 4 known < MIN_HISTORY: unjudged

    values[target - 7] = 300.0  # 5 known: judged on them alone, never on zeros
    out = judged(series(values, PIPELINE, "api/test"))
    row = out[out["day"] == pd.Timestamp(day(target))].iloc[0]
    assert row["expected"] > 200 and not row["anomalous"]

    values[target] = np.nan  # an unknown day is output as unknown, never anomalous
    out = judged(series(values, PIPELINE, "api/test"))
    row = out[out["day"] == pd.Timestamp(day(target))].iloc[0]
    assert np.isnan(row["value"]) and np.isnan(row["expected"]) and not row["anomalous"]


def test_a_missing_row_is_unknown_and_is_not_output():
    frame = series(working_week(1.0, noise=0.2))
    gone = pd.Timestamp(day(9 * 7 + 3))
    out = judged(frame[frame["day"] != gone])
    assert gone not in set(out["day"])
    assert out["expected"].notna().all()


def test_too_little_history_means_not_evaluated():
    values = working_week(1.0, noise=0.2, weeks=5)  # four weeks of history at most
    values[4 * 7 + 1] = 30.0
    frame = series(values)
    out = anomalies.evaluate(frame, day(28), day(len(values) - 1))
    assert len(out) == len(values) - 28
    assert out["expected"].isna().all() and out["usual_high"].isna().all()
    assert not out["anomalous"].any()


def test_days_after_settled_through_are_not_evaluated():
    values = working_week(1.0, noise=0.2)
    late = 11 * 7 + 1
    values[late] = 30.0
    frame = pd.concat(
        [series(values), series(working_week(300.0), PIPELINE, "api/build")], ignore_index=True
    )
    first, last = day(56), day(len(values) - 1)
    settled = day(late - 1)

    out = anomalies.evaluate(frame, first, last, settled)
    assert out["day"].max() == pd.Timestamp(settled)
    assert not out["anomalous"].any()

    per_kind = anomalies.evaluate(frame, first, last, {PERSON: settled, PIPELINE: last})
    assert per_kind[per_kind["kind"] == PERSON]["day"].max() == pd.Timestamp(settled)
    assert per_kind[per_kind["kind"] == PIPELINE]["day"].max() == pd.Timestamp(last)

    only = anomalies.evaluate(frame, first, last, {PIPELINE: last})  # no settled person day
    assert set(only["kind"]) == {PIPELINE}

    assert anomalies.evaluate(frame, first, last)["anomalous"].sum() == 1


def test_an_episode_under_way_before_the_first_day_asked_for_is_seen_continuing():
    values = working_week(200.0, weekend=0.0, weeks=16, noise=0.2)
    shift = 10 * 7 + 1
    for n in range(shift, shift + 14):
        values[n] *= 6
    frame = series(values, PIPELINE, "docs/build")
    whole = anomalies.evaluate(frame, day(56), day(len(values) - 1))
    later = anomalies.evaluate(frame, day(shift + 3), day(len(values) - 1))
    merged = whole.merge(later, on=["kind", "subject", "day"], suffixes=("", "_later"))
    assert (merged["anomalous"] == merged["anomalous_later"]).all()


def test_unknown_kinds_are_refused_and_nothing_gives_empty_frames():
    with pytest.raises(ValueError, match="Unknown series kinds"):
        anomalies.evaluate(series([1.0] * 70, kind="cost"), day(56), day(69))
    empty = anomalies.evaluate(series([1.0] * 0), day(56), day(69))
    assert empty.empty and list(empty.columns) == list(anomalies.OUTPUT_COLUMNS)
    none = anomalies.episodes(anomalies.evaluate(series(working_week(1.0)), day(56), day(83)))
    assert none.empty and list(none.columns) == list(anomalies.EPISODE_COLUMNS)
    assert none["first_day"].dtype == "datetime64[ns]"


def test_two_thousand_people_over_120_days_take_well_under_a_few_seconds():
    rng = np.random.default_rng(0)
    people = [f"p{n}@example.com" for n in range(2000)]
    days = pd.date_range(START, periods=56 + 120, freq="D").astype("datetime64[ns]")
    frame = pd.DataFrame(
        {
            "kind": pd.Series(PERSON, index=range(len(people) * len(days)), dtype="string"),
            "subject": pd.Series(np.repeat(people, len(days)), dtype="string"),
            "day": np.tile(days, len(people)),
            "value": rng.gamma(2.0, 0.5, size=len(people) * len(days)),
        }
    )
    started = time.perf_counter()
    out = anomalies.evaluate(frame, days[56], days[-1])
    anomalies.episodes(out)
    took = time.perf_counter() - started
    assert len(out) == 2000 * 120
    assert took < 3.0, f"{took:.2f} s"
