"""The demo's teams (teams.py) and the team scenarios: the mapping covers everyone exactly once,
teams.example.csv is that mapping, and in "team_effect" (not "team_no_link") each team's CI
credits, as Codefresh serves them, follow the team's own AI share."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from fnmatch import fnmatchcase
from pathlib import Path

import numpy as np
import pytest

from connectors.sandbox import DATA_START, Sandbox, World, data, keys, roster, scenarios, teams
from connectors.sandbox.records import iso_week

ROOT = Path(__file__).resolve().parents[2]
LAST_DAY = date(2026, 12, 31)
ALL_DAYS = [DATA_START + timedelta(days=n) for n in range((LAST_DAY - DATA_START).days + 1)]
YEAR = [DATA_START + timedelta(days=n) for n in range(365)]  # 2025
BIG_TEAMS = [name for name in teams.TEAMS if name != teams.SMALL_TEAM]
DAILY_USAGE = "https://api.firebender.com/v2/organization/daily-usage-data"
PIPELINE_CREDITS = "https://g.codefresh.io/api/analytics/reports/pipelineCreditConsumption"


def epoch_ms(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86_400_000


def read_mapping(text: str) -> list[dict]:
    """The CSV's rows, read the way the organisation's file is meant to be (skip `#` lines)."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def mapped(rows: list[dict], kind: str, value: str, day: date | None = None) -> list[str]:
    """Teams of every row of `kind` that matches `value` (on `day`, for dated rows)."""
    found = []
    for row in rows:
        if row["kind"] != kind:
            continue
        if kind == "pipeline" and not fnmatchcase(value, row["match"]):
            continue
        if kind != "pipeline" and row["match"] != value:
            continue
        if day is not None:
            if row["valid_from"] and day < date.fromisoformat(row["valid_from"]):
                continue
            if row["valid_to"] and day > date.fromisoformat(row["valid_to"]):
                continue
        found.append(row["team"])
    return found


# ---------------------------------------------------------------- the demo's mapping


def test_the_committed_example_is_the_demo_mapping():
    text = (ROOT / "teams.example.csv").read_bytes().decode()
    assert text == teams.demo_teams_csv()
    lines = text.split("\n")
    assert lines[0].startswith("#") and lines[1] == "kind,match,team,valid_from,valid_to"
    assert text.endswith("\n") and "\r" not in text
    assert {row["kind"] for row in read_mapping(text)} == {"person", "pipeline", "space"}


def test_every_demo_person_is_in_exactly_one_team_on_every_day():
    rows = read_mapping(teams.demo_teams_csv())
    assert {row["match"] for row in rows if row["kind"] == "person"} == {
        dev.email for dev in data.DEVELOPERS
    }
    for dev in data.DEVELOPERS:
        for day in ALL_DAYS:
            found = mapped(rows, "person", dev.email, day)
            assert len(found) == 1, (dev.email, day, found)
            assert teams.team_of(data.DEMO, dev.email, day) == found[0]
    assert teams.team_of(data.DEMO, "nobody@example.com", DATA_START) == teams.UNASSIGNED


def test_team_sizes_the_small_team_and_the_late_joiners():
    members = {name: set(team.members) for name, team in teams.TEAMS.items()}
    assert 4 <= len(teams.TEAMS) <= 6
    assert len(members[teams.SMALL_TEAM]) == 3
    for day in ALL_DAYS:  # under the 5 people below which the app hides a group, every day
        assert len(data.DEMO.team_members(teams.SMALL_TEAM, day)) < 5
    for name in BIG_TEAMS:
        assert 6 <= len(members[name]) <= 10, name
        assert 6 <= len(data.DEMO.team_members(name, LAST_DAY)) <= 10, name
    joiners = {dev.email for dev in data.DEVELOPERS if dev.joined > DATA_START}
    assert sum(bool(joiners & people) for people in members.values()) >= 4  # spread over teams
    # every day, the staff are split among the teams with nobody left over or counted twice
    for day in ALL_DAYS[::7]:
        split = [email for name in teams.TEAMS for email in data.DEMO.team_members(name, day)]
        assert sorted(split) == sorted(dev.email for dev in data.staff_on(day))


def test_the_mover_changes_team_on_the_move_day():
    before, after = teams.MOVE_DAY - timedelta(days=1), teams.MOVE_DAY
    assert teams.team_of(data.DEMO, teams.MOVER, before) == teams.MOVE_FROM == "Web"
    assert teams.team_of(data.DEMO, teams.MOVER, after) == teams.MOVE_TO == "Mobile"
    assert date(2026, 6, 1) == teams.MOVE_DAY
    person_rows = [row for row in teams.MEMBERSHIPS if row.email == teams.MOVER]
    assert [(r.team, r.valid_from, r.valid_to) for r in person_rows] == [
        ("Web", None, date(2026, 5, 31)),
        ("Mobile", date(2026, 6, 1), None),
    ]
    assert sum(row.email != teams.MOVER for row in teams.MEMBERSHIPS) == len(data.DEVELOPERS) - 1
    assert teams.MOVER in data.DEMO.team_members("Web", before)
    assert teams.MOVER not in data.DEMO.team_members("Web", after)
    assert teams.MOVER in data.DEMO.team_members("Mobile", after)


def test_the_mover_uses_firebender_before_and_after_the_move():
    sandbox = Sandbox(today=date(2026, 11, 23))
    for first, last in (
        (date(2026, 4, 1), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 7, 31)),
    ):
        answer = sandbox.handle(
            "POST",
            DAILY_USAGE,
            {"X-API-Key": keys.FIREBENDER_KEY, "Content-Type": "application/json"},
            f'{{"startDate":{epoch_ms(first)},"endDate":{epoch_ms(last) + 86_399_999}}}'.encode(),
        )
        assert answer.status == 200
        days_active = {row["date"] for row in answer.json()["data"] if row["email"] == teams.MOVER}
        assert len(days_active) >= 20, (first, len(days_active))  # a regular user on both sides


def test_every_demo_pipeline_and_space_maps_to_exactly_one_team():
    rows = read_mapping(teams.demo_teams_csv())
    served = Sandbox(today=date(2026, 3, 15)).handle(
        "GET",
        f"{PIPELINE_CREDITS}?granularity=month&dateRange=2025-03-01&dateRange=2026-02-28",
        {"Authorization": keys.CODEFRESH_KEY},
    )
    names = {row["key"] for row in served.json()["data"]}
    assert names == set(roster.DEMO_PIPELINE_NAMES) == {p.name for p in data.PIPELINES}
    for name in names:
        found = mapped(rows, "pipeline", name)
        assert len(found) == 1, (name, found)
        assert teams.pipeline_team(name) == found[0]
    for public, (space_name, _) in keys.BUILDER_SPACES.items():
        found = mapped(rows, "space", space_name)
        assert len(found) == 1, (space_name, found)
        assert teams.space_team(public) == found[0]
    assert Counter(teams.pipeline_team(name) for name in names) == {
        "Web": 8,
        "Mobile": 7,
        "Platform": 9,
        "Design system": 4,
        "Internal tools": 2,
    }
    assert teams.pipeline_team("billing/build") == teams.space_team("nope") == teams.UNASSIGNED


def test_a_sized_world_keeps_the_demo_teams_for_the_demo_people_only():
    world = World(developers=72)
    first, last = world.developers[0], world.developers[-1]
    assert teams.team_of(world, first.email, DATA_START) == "Web"
    assert teams.team_of(world, last.email, DATA_START) == teams.UNASSIGNED


def test_the_demos_data_do_not_depend_on_teams():
    # the team scenarios run on the demo roster; the demo itself is a plain World (digests: the
    # other tests pin them)
    assert not data.DEMO.scenario.by_team and data.DEMO.team_norms == {}
    assert data.DEMO.pipeline_team == {}


# ---------------------------------------------------------------- the team scenarios


def test_the_team_scenarios_state_their_truth():
    assert scenarios.true_effect("team_effect") == scenarios.TEAM_EFFECT == 0.7
    assert scenarios.true_effect("team_no_link") == 0.0
    assert World("team_effect", 1).true_effect == 0.7
    assert World("team_effect", 1, ai_effect=0.0).true_effect == 0.0
    assert 0.05 <= scenarios.effect_per_10_points("team_effect", share=0.4) <= 0.06
    assert scenarios.effect_per_10_points("team_no_link") == 0.0
    assert scenarios.NAMES[:3] == ("demo", "no_link", "effect")


def test_the_team_scenarios_need_the_demo_roster():
    with pytest.raises(ValueError, match="demo's roster"):
        World("team_effect", 1, developers=100)
    assert len(World("team_no_link", 1).developers) == len(data.DEVELOPERS)


def test_the_team_scenarios_roster_is_the_demos_with_adoption_moved_per_team():
    for scenario, seed in (("team_no_link", 4), ("team_effect", 4), ("team_effect", 5)):
        world = World(scenario, seed)
        assert sorted(world.team_adoption_offsets.values()) == sorted(
            scenarios.TEAM_ADOPTION_OFFSETS
        )
        drawn = roster.make_developers(
            f"{scenario}:{seed}:",
            roster.DEMO_NAMES,
            roster.DEMO_JOIN_OFFSETS,
            tuple(keys.BUILDER_SPACES),
        )
        for before, after in zip(drawn, world.developers, strict=True):
            assert (before.email, before.joined) == (after.email, after.joined)
            if before.adopts_on is None:
                assert after.adopts_on is None
                continue
            shift = world.team_adoption_offsets[teams.team_of(world, before.email, before.joined)]
            assert after.adopts_on == max(before.joined, before.adopts_on + timedelta(shift))
    assert (
        World("team_effect", 4).team_adoption_offsets
        != World("team_effect", 5).team_adoption_offsets
    )


def monthly_team_share(world: World, team: str, months: int = 18) -> list[float]:
    """Share of `team`'s members at each month's end who used an AI tool in that month."""
    shares, day = [], DATA_START
    for _ in range(months):
        first, active = day, set()
        while day.month == first.month:
            active |= {row["email"] for row in world.firebender_usage(day)}
            active |= {item.email for item in world.builder_activity(day)}
            day += timedelta(days=1)
        members = world.team_members(team, day - timedelta(days=1))
        shares.append(sum(email in active for email in members) / len(members))
    return shares


def test_teams_adopt_at_different_times():
    for seed in range(3):
        world = World("team_effect", seed)
        offsets = world.team_adoption_offsets
        early = min(BIG_TEAMS, key=offsets.get)
        late = max(BIG_TEAMS, key=offsets.get)
        assert offsets[late] - offsets[early] >= 180
        first, second = monthly_team_share(world, early), monthly_team_share(world, late)
        # the early team reaches a fifth of its people months before the late one
        reach = [next(m for m, share in enumerate(s) if share >= 0.2) for s in (first, second)]
        assert reach[1] - reach[0] >= 3, (seed, offsets, reach)


def weekly_team_share(world: World, team: str, days=YEAR) -> np.ndarray:
    """Share of `team`'s members (at the week's end) active in an AI tool in each whole ISO
    week of `days`."""
    weeks: dict[str, tuple[set, date]] = {}
    for day in days:
        active = {row["email"] for row in world.firebender_usage(day)}
        active |= {item.email for item in world.builder_activity(day)}
        found, _ = weeks.setdefault(iso_week(day), (set(), day))
        found.update(active)
        weeks[iso_week(day)] = (found, day)
    shares = []
    for active, day in list(weeks.values())[1:-1]:
        members = world.team_members(team, day)
        shares.append(sum(email in active for email in members) / len(members))
    return np.array(shares)


def test_each_team_has_its_own_busy_and_quiet_ai_weeks():
    world = World("team_no_link", 2)
    weeks = [iso_week(DATA_START + timedelta(weeks=n)) for n in range(1, 60)]
    per_team = np.array([[world.engagement_probability(w, t) for w in weeks] for t in teams.TEAMS])
    low, high = scenarios.ENGAGEMENT_RANGE
    assert per_team.min() >= low and per_team.max() <= high
    assert np.mean(np.std(per_team, axis=0)) > 0.08  # the teams' weeks differ in the same week
    assert abs(np.corrcoef(per_team[0], per_team[1])[0, 1]) < 0.4  # drawn on their own

    def detrended(values):
        t = np.arange(len(values))
        return values - np.polyval(np.polyfit(t, values, 3), t)

    later = [DATA_START + timedelta(days=n) for n in range(200, 600)]  # all teams adopting
    residuals = {team: detrended(weekly_team_share(world, team, later)) for team in BIG_TEAMS}
    for team, values in residuals.items():
        assert np.std(values) > 0.05, team  # a team's share moves beyond its trend
    # ... and not in step with the other teams
    pairs = [
        np.corrcoef(residuals[a], residuals[b])[0, 1]
        for i, a in enumerate(BIG_TEAMS)
        for b in BIG_TEAMS[i + 1 :]
    ]
    assert np.mean(pairs) < 0.3


def test_team_ai_share_counts_the_team_of_the_day():
    world = World("team_effect", 3)
    for day in (teams.MOVE_DAY - timedelta(days=3), teams.MOVE_DAY + timedelta(days=1)):
        active = {row["email"] for row in world.firebender_usage(day)}
        active |= {item.email for item in world.builder_activity(day)}
        staff = [dev.email for dev in world.staff_on(day)]
        for team in teams.TEAMS:
            members = [email for email in staff if teams.team_of(world, email, day) == team]
            expected = sum(email in active for email in members) / len(members)
            assert world.team_ai_share(team, day) == expected
        assert (teams.MOVER in world.team_members("Mobile", day)) == (day >= teams.MOVE_DAY)


def team_credits_per_day(sandbox: Sandbox, days=YEAR) -> dict[tuple[str, date], float]:
    """Credits of each team's pipelines per day, summed from Codefresh's
    pipelineCreditConsumption day rows as the sandbox serves them (45-day windows)."""
    found: dict[tuple[str, date], float] = defaultdict(float)
    start = days[0]
    while start <= days[-1]:
        end = min(start + timedelta(days=44), days[-1])
        answer = sandbox.handle(
            "GET",
            f"{PIPELINE_CREDITS}?granularity=day&dateRange={start}&dateRange={end}",
            {"Authorization": keys.CODEFRESH_KEY},
        )
        assert answer.status == 200, answer.body
        for row in answer.json()["data"]:
            day = date.fromisoformat(row["time"][:10])
            found[teams.pipeline_team(row["key"]), day] += float(row["value"])
        start = end + timedelta(days=1)
    return found


def within_team_month(sandbox: Sandbox) -> tuple[float, float]:
    """(correlation, slope) of log(a team's credits per team committer) on the team's AI share,
    over the big teams' weekdays of 2025, after removing each team-month's means."""
    world = sandbox.world
    credits = team_credits_per_day(sandbox)
    share, log_cpc, groups = [], [], []
    for team in BIG_TEAMS:
        for day in YEAR:
            committers = sum(
                teams.team_of(world, email, day) == team
                for email in world.codefresh_day(day).committers
            )
            if day.weekday() >= 5 or not committers or not credits.get((team, day)):
                continue
            share.append(world.team_ai_share(team, day))
            log_cpc.append(np.log(credits[team, day] / committers))
            groups.append(f"{team}:{day:%Y-%m}")
    _, group = np.unique(groups, return_inverse=True)

    def demeaned(values):
        values = np.array(values)
        return values - (np.bincount(group, values) / np.bincount(group))[group]

    x, y = demeaned(share), demeaned(log_cpc)
    return float(np.corrcoef(x, y)[0, 1]), float(x @ y / (x @ x))


def test_in_team_effect_team_credits_follow_the_teams_ai_share():
    # d log(1 + 0.7 s) / ds is ~0.55 at the teams' shares: +10 points ~ +5.5% credits per person
    found = [
        within_team_month(Sandbox(today=date(2026, 1, 31), scenario="team_effect", seed=s))
        for s in range(3)
    ]
    correlations, slopes = zip(*found, strict=True)
    assert min(correlations) > 0.15, correlations
    assert 0.35 < np.mean(slopes) < 0.8, slopes


def test_in_team_no_link_team_credits_do_not_follow_the_teams_ai_share():
    found = [
        within_team_month(Sandbox(today=date(2026, 1, 31), scenario="team_no_link", seed=s))
        for s in range(3)
    ]
    correlations, slopes = zip(*found, strict=True)
    assert abs(np.mean(correlations)) < 0.06, correlations
    assert abs(np.mean(slopes)) < 0.15, slopes


def test_in_team_no_link_credits_are_the_team_load_without_an_ai_term():
    usual, engaged, idle, forced = (
        World("team_no_link", 6),
        World("team_no_link", 6, engagement=1.0),
        World("team_no_link", 6, engagement=0.0),
        World("team_no_link", 6, ai_effect=0.0),
    )
    days = YEAR[::5]
    assert sum(len(idle.firebender_usage(day)) for day in days) == 0
    assert sum(len(engaged.firebender_usage(day)) for day in days) > sum(
        len(usual.firebender_usage(day)) for day in days
    )
    for day in days:
        today = usual.codefresh_day(day)
        assert today == engaged.codefresh_day(day) == idle.codefresh_day(day)
        assert today == forced.codefresh_day(day)
        for team in teams.TEAMS:
            committers = sum(usual.team_of(email, day) == team for email in today.committers)
            expected = (
                committers
                / (scenarios.TEAM_COMMITTERS_PER_MEMBER * len(teams.TEAMS[team].members))
                * usual.ci_drift(day)
                * usual.ci_week_factor(day)
            )
            assert usual.team_load(team, day) == pytest.approx(expected, rel=1e-12)


def test_in_team_effect_each_teams_credits_scale_by_its_own_ai_share():
    world, without = World("team_effect", 5), World("team_effect", 5, ai_effect=0.0)
    share, ratio = [], []
    for day in YEAR:
        if day.weekday() >= 5:
            continue
        with_ai, plain = world.codefresh_day(day), without.codefresh_day(day)
        assert with_ai.committers == plain.committers
        for team in BIG_TEAMS:
            cents = sum(
                v for k, v in with_ai.credits_cents.items() if world.pipeline_team[k] == team
            )
            base = sum(v for k, v in plain.credits_cents.items() if world.pipeline_team[k] == team)
            if base:
                share.append(world.team_ai_share(team, day))
                ratio.append(cents / base)
            load, plain_load = world.team_load(team, day), without.team_load(team, day)
            assert load == pytest.approx(
                plain_load * (1 + scenarios.TEAM_EFFECT * world.team_ai_share(team, day))
            )
    slope, intercept = np.polyfit(share, ratio, 1)
    assert abs(slope - scenarios.TEAM_EFFECT) < 0.12 and abs(intercept - 1) < 0.05


def test_a_team_scenario_is_the_same_in_another_process():
    script = (
        "import hashlib\nfrom datetime import date, timedelta\n"
        "from connectors.sandbox import World, teams\n"
        "w = World('team_effect', 7)\n"
        "days = [date(2025, 1, 1) + timedelta(days=n) for n in range(0, 500, 9)]\n"
        "text = repr([(sorted(w.codefresh_day(d).credits_cents.items()),"
        " [w.team_ai_share(t, d) for t in teams.TEAMS]) for d in days])\n"
        "print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "777", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    world = World("team_effect", 7)
    days = [DATA_START + timedelta(days=n) for n in range(0, 500, 9)]
    text = repr(
        [
            (
                sorted(world.codefresh_day(day).credits_cents.items()),
                [world.team_ai_share(team, day) for team in teams.TEAMS],
            )
            for day in days
        ]
    )
    assert result.stdout.split() == [hashlib.sha256(text.encode()).hexdigest()]


def test_a_year_of_a_team_scenario_is_quick_to_generate():
    started = time.perf_counter()
    world = World("team_effect", 9)
    for day in YEAR:
        world.codefresh_day(day)
        world.model_requests(day)
    assert time.perf_counter() - started < 10
    sandbox = Sandbox(today=date(2026, 3, 15), scenario="team_effect", seed=9)
    assert sandbox.scenario == "team_effect" and sandbox.world.true_effect == 0.7
