"""The "anomalies" scenario: it plants what its labels say (read through the real connectors on
the in-process sandbox), its labels are deterministic, seed 0's events are recent on a known
day, and no other scenario changes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from connectors import CodefreshClient, FirebenderClient
from connectors.http import new_session
from connectors.sandbox import DEFAULT_HOSTS, Sandbox, SandboxTransport, World, keys, scenarios
from connectors.sandbox import anomalies as planted
from connectors.sandbox.data import DEMO, MODEL_REQUESTS_START

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 21)
SEED = 3


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(today=TODAY, scenario="anomalies", seed=SEED)


@pytest.fixture(scope="module")
def labels(sandbox) -> dict:
    return {label.event: label for label in planted.labels(sandbox.world)}


def client(cls, vendor: str, key: str, sandbox: Sandbox):
    session = new_session(vendor, transport=SandboxTransport(sandbox))
    return cls(key, base_url=DEFAULT_HOSTS[vendor], session=session, today=TODAY)


def spend_by_day(sandbox, start: date, end: date, email: str | None = None) -> pd.Series:
    """Model spend (USD) per UTC day through the Firebender connector, 0.0 on days without."""
    firebender = client(FirebenderClient, "firebender", keys.FIREBENDER_KEY, sandbox)
    rows = firebender.model_requests(start, end, email=email)
    days = rows["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    summed = rows.groupby(days)["cost_usd"].sum()
    every = pd.date_range(start, end, freq="D")
    return summed.reindex(every, fill_value=0.0)


def credits_by_day(sandbox, start: date, end: date, pipeline: str | None = None) -> pd.Series:
    """CI credits per day through the Codefresh connector: one pipeline's, or everyone's."""
    codefresh = client(CodefreshClient, "codefresh", keys.CODEFRESH_KEY, sandbox)
    rows = codefresh.pipeline_credit_consumption(start, end, "day")
    if pipeline is not None:
        rows = rows[rows["key"] == pipeline]
    summed = rows.groupby(rows["period"].dt.tz_localize(None))["value"].sum()
    return summed.reindex(pd.date_range(start, end, freq="D"), fill_value=0.0)


def same_weekdays(values: pd.Series, day: date, weeks: int = 8) -> list[float]:
    return [values[pd.Timestamp(day - timedelta(weeks=k))] for k in range(1, weeks + 1)]


def test_each_seed_plants_one_event_of_each_kind_with_what_must_and_may_alert(labels):
    assert list(labels) == list(planted.EVENTS)
    for event in planted.POSITIVE:
        label = labels[event]
        assert label.positive and label.required
        assert planted.SPAN[0] <= label.first_day <= planted.SPAN[1]
        assert label.first_day - timedelta(weeks=8) >= MODEL_REQUESTS_START
    for event in planted.NEGATIVE:
        assert not labels[event].positive and labels[event].watch
    runaway = labels["runaway"]
    assert runaway.required == (("person_ai_spend_usd", runaway.subject),)
    assert ("org_ai_spend_usd", "org") in runaway.allowed
    shift = labels["level_shift"]
    assert shift.required == (("pipeline_ci_credits", shift.subject),)
    assert planted.SHIFT_FACTOR[0] <= shift.factor <= planted.SHIFT_FACTOR[1]
    assert 21 <= (shift.last_day - shift.first_day).days + 1 <= 42


def test_the_runaway_persons_spend_that_day_is_many_times_usual(sandbox, labels):
    runaway = labels["runaway"]
    day = runaway.first_day
    spend = spend_by_day(sandbox, day - timedelta(weeks=8), day, runaway.subject)
    usual = max(pd.Series(spend[spend > 0].iloc[:-1]).median(), 0.01)
    assert spend[pd.Timestamp(day)] >= 9.0  # ~$0.06 a request x at least 180 extra
    assert spend[pd.Timestamp(day)] >= 5 * usual
    firebender = client(FirebenderClient, "firebender", keys.FIREBENDER_KEY, sandbox)
    that_day = firebender.daily_usage(day, day)
    row = that_day[that_day["email"] == runaway.subject].iloc[0]
    assert row["agent_prompts"] >= runaway.factor  # the loop's prompts, in the daily usage too
    requests = firebender.model_requests(day, day, email=runaway.subject)
    assert len(requests) == row["agent_prompts"] + row["inline_edits"]


def test_the_shifted_pipelines_credits_jump_by_its_factor_and_stay_there(sandbox, labels):
    shift = labels["level_shift"]
    start = shift.first_day - timedelta(weeks=2)
    end = min(shift.last_day + timedelta(days=3), TODAY)
    credits = credits_by_day(sandbox, start, end, shift.subject)
    unshifted = World("anomalies", SEED)  # the same organisation without the shift
    unshifted.planted = replace(unshifted.planted, shift=None)
    for stamp, value in credits.items():
        day = stamp.date()
        usual = unshifted.codefresh_day(day).credits_cents.get(shift.subject, 0) / 100
        inside = shift.first_day <= day <= shift.last_day
        factor = shift.factor if inside else 1.0
        assert value == pytest.approx(usual * factor, abs=0.01 * factor)  # cents, rounded
    workday = credits.index.day_of_week < 5
    before = credits[workday & (credits.index < pd.Timestamp(shift.first_day))].mean()
    assert credits[pd.Timestamp(shift.first_day)] > 2 * before  # from its first day on


def test_the_organisation_wide_spike_multiplies_the_days_total(sandbox, labels):
    spike = labels["org_spike"]
    day = spike.first_day
    if spike.required[0][0] == "org_ai_spend_usd":
        totals = spend_by_day(sandbox, day - timedelta(weeks=4), day)
    else:
        totals = credits_by_day(sandbox, day - timedelta(weeks=4), day)
    usual = pd.Series(same_weekdays(totals, day, 4)).median()
    assert totals[pd.Timestamp(day)] >= 2 * usual


def test_holidays_are_nearly_empty_and_the_days_after_are_ordinary(sandbox, labels):
    holiday = labels["holiday"]
    start, end = holiday.first_day - timedelta(weeks=2), holiday.last_day + timedelta(days=7)
    spend, credits = spend_by_day(sandbox, start, end), credits_by_day(sandbox, start, end)
    for day in holiday.days():
        if day.weekday() >= 5:
            continue
        week_before = pd.Timestamp(day - timedelta(weeks=1))
        if week_before >= pd.Timestamp(holiday.first_day):
            week_before -= pd.Timedelta(weeks=1)
        assert spend[pd.Timestamp(day)] <= 0.25 * spend[week_before]
        assert credits[pd.Timestamp(day)] <= 0.3 * credits[week_before]
    after = next(
        holiday.last_day + timedelta(days=n)
        for n in range(1, 8)
        if (holiday.last_day + timedelta(days=n)).weekday() < 5
    )
    assert credits[pd.Timestamp(after)] >= 0.5 * credits[pd.Timestamp(after - timedelta(weeks=2))]


def test_the_slow_rise_doubles_over_eight_weeks_and_stays():
    for seed in range(6):  # both kinds of rise occur in the first seeds
        world = World("anomalies", seed)
        rise = next(label for label in world.planted.labels if label.event == "slow_rise")
        kind, subject, start = world.planted.rise
        factor = world.planted.usage_factor if kind == "person" else world.planted.ci_factor
        assert factor(subject, start - timedelta(days=1)) == 1.0
        middle = factor(subject, start + timedelta(days=28))
        assert middle == pytest.approx(1.5)
        assert factor(subject, start + timedelta(days=planted.SLOW_RISE_DAYS)) == 2.0
        assert factor(subject, rise.last_day + timedelta(days=30)) == 2.0


def test_seed_0s_positive_events_fall_in_a_known_fortnight():
    first, last = planted.SEED0_WINDOW
    assert (first, last) == (date(2026, 10, 27), date(2026, 11, 9))
    found = planted.labels(0)
    for label in found:
        if label.positive:
            assert first <= label.first_day <= last, label
        else:  # the slow rise and the holiday stay out of the way
            assert label.event in planted.NEGATIVE
    holiday = next(label for label in found if label.event == "holiday")
    assert holiday.last_day < first - timedelta(days=7) or holiday.first_day > last


def test_labels_are_deterministic_and_differ_by_seed():
    assert planted.labels(5) == planted.labels(5) == planted.labels(World("anomalies", 5))
    assert planted.labels(5) != planted.labels(6)
    script = "from connectors.sandbox import anomalies\nprint(repr(anomalies.labels(5)))\n"
    env = {**os.environ, "PYTHONHASHSEED": "4321", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == repr(planted.labels(5))


def test_only_the_anomalies_scenario_has_a_plan_and_it_needs_the_demos_roster():
    assert DEMO.planted is None
    for name in scenarios.NAMES:
        world = World(name, 1)
        assert (world.planted is not None) == (name == "anomalies")
    with pytest.raises(ValueError, match="demo's roster"):
        World("anomalies", 1, developers=50)
    with pytest.raises(ValueError, match="no planted anomalies"):
        planted.labels(World("no_link", 1))
