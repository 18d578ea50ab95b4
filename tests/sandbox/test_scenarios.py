"""Sandbox scenarios: the demo is untouched, each (scenario, seed) is its own deterministic
organisation, and each scenario's truth (no link, a planted effect) holds in the data it makes."""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
import sys
import weakref
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
import requests
from test_sandbox_data import PROBES

from connectors import CodefreshClient
from connectors.http import new_session
from connectors.sandbox import (
    DATA_START,
    DEFAULT_HOSTS,
    Sandbox,
    SandboxTransport,
    World,
    data,
    keys,
    running_server,
    scenarios,
)
from connectors.sandbox.__main__ import main as sandbox_main
from connectors.sandbox.data import iso_week

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 15)
YEAR = [DATA_START + timedelta(days=n) for n in range(400)]


def digest(sandbox: Sandbox) -> str:
    return hashlib.sha256(b"".join(sandbox.handle(*probe).body for probe in PROBES)).hexdigest()


def day_sample(world: World) -> list:
    """A fingerprint of a world: a few days of every generator, and its roster."""
    picked = [DATA_START + timedelta(days=n) for n in (3, 150, 400, 500)]
    return [
        world.developers,
        world.pipelines,
        *[world.firebender_usage(day) for day in picked],
        *[world.builder_activity(day) for day in picked],
        *[world.codefresh_day(day) for day in picked],
        world.model_requests(date(2026, 1, 5)),
    ]


def weekday_credit_days(world: World, days=YEAR):
    """(day's AI share, log credits per committer, ISO week) of each weekday with commits."""
    rows = []
    for day in days:
        today = world.codefresh_day(day)
        if day.weekday() < 5 and today.committers:
            credits = sum(today.credits_cents.values()) / 100
            rows.append(
                (world.ai_share(day), np.log(credits / len(today.committers)), iso_week(day))
            )
    share, log_cpc, weeks = zip(*rows, strict=True)
    return np.array(share), np.array(log_cpc), np.array(weeks)


def within_week_slope(world: World) -> float:
    """Slope of log(credits per committer) on the day's AI share, with ISO-week fixed effects
    (which absorb the drift, the CI weeks and the AI engagement weeks)."""
    share, log_cpc, weeks = weekday_credit_days(world)
    _, group = np.unique(weeks, return_inverse=True)

    def demeaned(values):
        return values - (np.bincount(group, values) / np.bincount(group))[group]

    x, y = demeaned(share), demeaned(log_cpc)
    return float(x @ y / (x @ x))


def weekly_ai_share(world: World, days=YEAR) -> np.ndarray:
    """Share of the staff active in an AI tool in each whole ISO week of `days`."""
    weeks: dict[str, tuple[set, date]] = {}
    for day in days:
        active = {row["email"] for row in world.firebender_usage(day)}
        active |= {item.email for item in world.builder_activity(day)}
        weeks.setdefault(iso_week(day), (set(), day))[0].update(active)
    shares = [len(active) / len(world.staff_on(day)) for active, day in weeks.values()]
    return np.array(shares[1:-1])  # the first and last weeks may be partial


def spread_around_trend(values: np.ndarray) -> float:
    t = np.arange(len(values))
    return float(np.std(values - np.polyval(np.polyfit(t, values, 3), t)))


# ---------------------------------------------------------------- the demo and determinism


def test_the_default_sandbox_is_the_demo_scenario_with_seed_0():
    default, explicit = Sandbox(today=TODAY), Sandbox(today=TODAY, scenario="demo", seed=0)
    assert digest(default) == digest(explicit)
    assert default.world is explicit.world is data.DEMO
    assert (default.scenario, default.seed) == ("demo", 0)
    assert data.firebender_usage is data.DEMO.firebender_usage  # the module's names are the demo's


def test_a_scenario_and_seed_always_make_the_same_organisation():
    assert day_sample(World("no_link", 3)) == day_sample(World("no_link", 3))
    sandbox = Sandbox(today=TODAY, scenario="effect", seed=11)
    assert digest(sandbox) == digest(Sandbox(today=TODAY, scenario="effect", seed=11))


def test_another_process_with_another_hash_seed_makes_the_same_scenario_data():
    script = (
        "import hashlib, sys\nfrom datetime import date\nfrom connectors.sandbox import Sandbox\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_sandbox_data import PROBES\n"
        "sandbox = Sandbox(today=date(2026, 3, 15), scenario='no_link', seed=5)\n"
        "print(hashlib.sha256(b''.join(sandbox.handle(*p).body for p in PROBES)).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sandbox = Sandbox(today=TODAY, scenario="no_link", seed=5)
    assert result.stdout.split() == [digest(sandbox)]


def test_each_seed_is_another_organisation_telling_the_same_story():
    demo, demo_1, first, second = (
        World(),
        World("demo", 1),
        World("no_link", 1),
        World("no_link", 2),
    )
    samples = [day_sample(world) for world in (demo, demo_1, first, second)]
    assert len({repr(sample) for sample in samples}) == 4
    # roster attributes differ; the people and the days they join do not
    assert [d.power for d in first.developers] != [d.power for d in second.developers]
    assert [d.adopts_on for d in first.developers] != [d.adopts_on for d in second.developers]
    for world in (demo_1, first, second):
        assert [(d.email, d.joined) for d in world.developers] == [
            (d.email, d.joined) for d in demo.developers
        ]
    assert digest(Sandbox(today=TODAY, scenario="no_link", seed=1)) != digest(Sandbox(today=TODAY))


def test_an_unknown_scenario_is_refused_with_the_known_names():
    for make in (lambda: Sandbox(scenario="nope"), lambda: World("nope", 1)):
        with pytest.raises(ValueError, match="nope.*demo, no_link, effect"):
            make()
    with pytest.raises(ValueError, match="integer"):
        World("no_link", "1")
    with pytest.raises(SystemExit):
        sandbox_main(["--port", "0", "--scenario", "nope"])


def test_a_world_and_its_caches_are_freed_with_its_last_reference():
    gc.disable()  # freed by reference counting alone, not by a later garbage collection
    try:
        world = World("effect", 8)
        world.codefresh_day(date(2025, 6, 2))
        world.model_requests(date(2026, 1, 5))
        ref = weakref.ref(world)
        del world
        assert ref() is None
    finally:
        gc.enable()


# ---------------------------------------------------------------- the truths


def test_the_true_effects_are_stated():
    assert scenarios.true_effect("effect") == scenarios.EFFECT == 0.7
    assert scenarios.true_effect("no_link") == 0.0
    assert World("effect", 2).true_effect == 0.7
    assert 0.05 <= scenarios.effect_per_10_points("effect", share=0.4) <= 0.06
    assert scenarios.effect_per_10_points("no_link") == 0.0


def test_in_no_link_credits_do_not_move_when_ai_use_does():
    engaged, idle, usual = (
        World("no_link", 4, engagement=1.0),
        World("no_link", 4, engagement=0.0),
        World("no_link", 4),
    )
    days = YEAR[::3]
    assert sum(len(idle.firebender_usage(day)) for day in days) == 0
    assert sum(len(engaged.firebender_usage(day)) for day in days) > sum(
        len(usual.firebender_usage(day)) for day in days
    )
    for day in days:
        assert engaged.codefresh_day(day) == idle.codefresh_day(day) == usual.codefresh_day(day)


def test_in_no_link_credits_per_committer_do_not_follow_the_days_ai_share():
    slopes = [within_week_slope(World("no_link", seed)) for seed in range(4)]
    assert abs(np.mean(slopes)) < 0.25


def test_in_effect_credits_scale_with_the_days_ai_share_by_the_planted_size():
    world, without = World("effect", 5), World("effect", 5, ai_effect=0.0)
    share, ratio = [], []
    for day in YEAR:
        if day.weekday() < 5:
            share.append(world.ai_share(day))
            ratio.append(
                sum(world.codefresh_day(day).credits_cents.values())
                / sum(without.codefresh_day(day).credits_cents.values())
            )
    slope, intercept = np.polyfit(share, ratio, 1)
    assert abs(slope - scenarios.EFFECT) < 0.07 and abs(intercept - 1) < 0.03


def test_in_effect_credits_per_committer_rise_with_the_days_ai_share():
    # d log(1 + 0.7 s) / ds is ~0.6 at the shares seen (0.1 .. 0.4): +10 points ~ +6%
    slopes = [within_week_slope(World("effect", seed)) for seed in range(4)]
    assert 0.35 < np.mean(slopes) < 0.9


def test_ai_use_has_busy_and_quiet_weeks_outside_the_demo():
    for scenario in ("no_link", "effect"):
        weekly = weekly_ai_share(World(scenario, 2))
        assert spread_around_trend(weekly) > 0.03  # several points around the trend
        assert 0.1 < weekly.mean() < 0.5
    assert spread_around_trend(weekly_ai_share(data.DEMO)) < 0.02  # the demo's weeks are smooth


def test_outside_the_demo_credits_per_committer_drift_and_have_busy_weeks():
    world = World("no_link", 6)
    assert world.ci_drift(DATA_START) == 1.0
    assert world.ci_drift(date(2026, 1, 1)) == pytest.approx(1.3, abs=0.01)
    factors = [world.ci_week_factor(DATA_START + timedelta(weeks=n)) for n in range(80)]
    assert 0.04 < np.std(np.log(factors)) < 0.08
    assert data.DEMO.ci_drift(date(2026, 1, 1)) == data.DEMO.ci_week_factor(TODAY) == 1.0


# ---------------------------------------------------------------- through the HTTP paths


@pytest.fixture
def effect_session():
    sandbox = Sandbox(today=TODAY, scenario="effect", seed=3)
    session = requests.Session()
    for host in DEFAULT_HOSTS.values():
        session.mount(host, SandboxTransport(sandbox, max_retries=0))
    yield sandbox, session
    session.close()


def test_each_vendor_serves_the_scenarios_organisation(effect_session):
    sandbox, session = effect_session
    world = sandbox.world
    first, last = date(2026, 1, 5), date(2026, 1, 18)

    usage = session.post(
        f"{DEFAULT_HOSTS['firebender']}/v2/organization/daily-usage-data",
        json={"startDate": 1767571200000, "endDate": 1768780799999},  # 01-05 .. 01-18
        headers={"X-API-Key": keys.FIREBENDER_KEY},
    )
    expected = [row for n in range(14) for row in world.firebender_usage(first + timedelta(n))]
    assert usage.status_code == 200 and usage.json()["data"] == expected

    builder = session.get(
        f"{DEFAULT_HOSTS['builder']}/api/v1/orgs/fusion/users",
        params={"startDate": first.isoformat(), "endDate": last.isoformat()},
        headers={"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    )
    active = {a.email for n in range(14) for a in world.builder_activity(first + timedelta(n))}
    assert builder.status_code == 200
    assert {row["userEmail"] for row in builder.json()["data"]} == active

    credits = session.get(
        f"{DEFAULT_HOSTS['codefresh']}/api/analytics/reports/creditConsumption",
        params=[("granularity", "day"), ("dateRange", "2026-01-05"), ("dateRange", "2026-01-18")],
        headers={"Authorization": keys.CODEFRESH_KEY},
    )
    served = sum(row["value"] for row in credits.json()["data"])
    cents = sum(
        sum(world.codefresh_day(first + timedelta(n)).credits_cents.values()) for n in range(14)
    )
    assert credits.status_code == 200 and served == pytest.approx(cents / 100)
    demo = Sandbox(today=TODAY).handle(
        "GET",
        credits.request.url,
        {"Authorization": keys.CODEFRESH_KEY},
    )
    assert demo.json()["data"] != credits.json()["data"]


def test_a_connector_client_reads_a_scenario_through_the_adapter():
    sandbox = Sandbox(today=TODAY, scenario="no_link", seed=9)
    client = CodefreshClient(
        keys.CODEFRESH_KEY,
        base_url=DEFAULT_HOSTS["codefresh"],
        session=new_session("codefresh", transport=SandboxTransport(sandbox)),
        today=TODAY,
    )
    frame = client.active_committers(date(2025, 10, 1), date(2026, 2, 28))
    expected = []
    for month in (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)):
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        committers = set()
        for n in range((following - month).days):
            committers |= sandbox.world.codefresh_day(month + timedelta(n)).committers
        expected.append(len(committers))
    assert frame["value"].tolist()[:4] == expected


def test_the_server_says_which_scenario_it_serves():
    with running_server(Sandbox(today=TODAY, scenario="effect", seed=2)) as url:
        answer = requests.get(f"{url}/_sandbox/scenario", timeout=10).json()
    assert answer == {
        "scenario": "effect",
        "seed": 2,
        "developers": None,
        "headcount": 36,
        "spaces": 5,
        "pipelines": 30,
        "trueEffect": 0.7,
    }


# ---------------------------------------------------------------- the calendar scenarios

CALENDAR = (
    "holidays",
    "holidays_effect",
    "ci_step",
    "ci_autocorrelated",
    "lagged_effect",
    "builder_effect",
    "team_trends",
    "team_trends_effect",
)


def test_the_calendar_scenarios_state_their_truth_and_need_the_demo_roster():
    for name in CALENDAR:
        assert name in scenarios.NAMES
        with pytest.raises(ValueError, match="demo's roster"):
            World(name, 1, developers=50)
    assert scenarios.true_effect("holidays") == scenarios.true_effect("ci_step") == 0.0
    assert scenarios.true_effect("lagged_effect") == scenarios.EFFECT
    assert 0.06 <= scenarios.effect_per_10_points("builder_effect") <= 0.065
    assert 0.05 <= scenarios.effect_per_10_points("holidays_effect") <= 0.06


@pytest.mark.parametrize("seed", [1, 2])
def test_on_a_holiday_nobody_commits_or_uses_ai_and_on_an_ordinary_day_they_do(seed):
    world = World("holidays", seed)
    for holiday, ordinary in (
        (date(2025, 12, 29), date(2025, 12, 10)),
        (date(2026, 4, 3), date(2026, 4, 8)),
    ):
        assert len(world.codefresh_day(holiday).committers) <= 3
        assert len(world.codefresh_day(ordinary).committers) >= 10
        assert len(world.firebender_usage(holiday)) < len(world.firebender_usage(ordinary))
        # the same day in a scenario without holidays is an ordinary weekday
        assert len(World("no_link", seed).codefresh_day(holiday).committers) >= 10
    assert len(world.firebender_usage(date(2026, 4, 3))) <= 3


def test_a_low_activity_day_has_some_people_away():
    world = World("holidays", 3)
    summer = date(2026, 7, 29)
    away = [dev.email for dev in world.staff_on(summer) if world.away(dev.email, summer)]
    assert 0.2 * world.headcount(summer) <= len(away) <= 0.6 * world.headcount(summer)
    assert not World("no_link", 3).away(away[0], summer)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_ci_step_multiplies_ci_load_from_its_day(seed):
    world = World("ci_step", seed)
    day, factor = scenarios.CI_STEP
    assert world.ci_step(day - timedelta(days=1)) == 1.0 and world.ci_step(day) == factor


def test_persistent_ci_weeks_are_autocorrelated_with_the_same_spread():
    factors = []
    for seed in (1, 2, 3):
        world = World("ci_autocorrelated", seed)
        mondays = [date(2025, 1, 6) + timedelta(weeks=k) for k in range(80)]
        factors.append(np.log([world.ci_week_factor(m) for m in mondays]))
    lag1 = np.mean([np.corrcoef(f[:-1], f[1:])[0, 1] for f in factors])
    assert 0.55 < lag1 < 0.95
    assert 0.03 < np.std(np.concatenate(factors)) < 0.1
    plain = np.log([World("no_link", 1).ci_week_factor(m) for m in mondays])
    assert abs(np.corrcoef(plain[:-1], plain[1:])[0, 1]) < 0.35


def test_the_lagged_effect_acts_on_the_ai_share_of_weeks_before():
    world = World("lagged_effect", 1)
    day = date(2026, 3, 11)
    before = [day - timedelta(days=k) for k in range(14, 29)]
    assert world.effect_share(day) == pytest.approx(
        sum(world.ai_share(d) for d in before) / len(before)
    )


def test_the_builder_effect_acts_on_builder_use_only():
    world = World("builder_effect", 1)
    day = date(2026, 3, 11)
    builders = {item.email for item in world.builder_activity(day)}
    assert world.effect_share(day) == pytest.approx(len(builders) / world.headcount(day))
    assert world.effect_share(day) < world.ai_share(day)


def test_each_team_has_its_own_ci_trend_per_seed():
    one, two = World("team_trends", 1), World("team_trends", 2)
    low, high = scenarios.TEAM_TREND_RANGE
    assert set(one.team_trends) == set(one.team_norms)
    assert all(low <= rate <= high for rate in one.team_trends.values())
    assert one.team_trends != two.team_trends
    assert World("team_no_link", 1).team_trends == {}
