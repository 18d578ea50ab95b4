"""The team x period table on the sandbox's demo organisation, fetched through the real
connectors (in-process transport) and read with the demo's teams mapping, checked against the
truth the sandbox knows (connectors/sandbox/teams.py): the numbers add up to the organisation's,
the mover's days count for the team of the day, headcounts are the mapping's, small teams stay
out of view, and what is unknown stays empty."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import coverage, overview
from analytics.metrics import teams as team_metrics
from analytics.metrics.calendar import periods as metrics_periods
from bench import team_verdict_rates as rates
from connectors.sandbox import Sandbox
from connectors.sandbox import teams as demo
from teams import mapping as team_mapping
from teams import privacy
from teams.mapping import OTHER_TEAMS, UNASSIGNED

TODAY = rates.TODAY  # 2026-11-01: twelve finished months, the mover's move in the middle
START, END = rates.START, rates.END
MONTH = pd.Timestamp
MOVE_MONTH = MONTH(demo.MOVE_DAY.replace(day=1))


@pytest.fixture(scope="module")
def world():
    sandbox = Sandbox(today=TODAY)  # the demo organisation
    inputs, raw = rates.team_inputs(sandbox, START, END, raw_requests=True)
    return sandbox.world, inputs, raw


@pytest.fixture(scope="module")
def org_credits():
    """Codefresh's creditConsumption per month: the organisation's bill, by machine type."""
    sandbox = Sandbox(today=TODAY)
    _, codefresh, _ = rates.clients(sandbox)
    credits = codefresh.credit_consumption(START, END, "day")
    return credits.groupby(months(credits, "period"))["value"].sum()


@pytest.fixture(scope="module")
def mapping():
    return team_mapping.parse(demo.demo_teams_csv(), "teams.example.csv")


@pytest.fixture(scope="module")
def monthly(world, mapping):
    _, inputs, _ = world
    return team_metrics.team_table(inputs, mapping, START, END, "month", 0.5, TODAY)


def months(frame: pd.DataFrame, column: str) -> pd.Series:
    """The calendar month (its first day) of each of `frame[column]`'s days, in UTC."""
    days = pd.to_datetime(frame[column])
    if getattr(days.dtype, "tz", None) is not None:
        days = days.dt.tz_convert("UTC").dt.tz_localize(None)
    return days.dt.to_period("M").dt.start_time


def test_the_table_has_every_team_and_month(monthly):
    assert sorted(monthly["team"].unique()) == sorted(demo.TEAMS)  # everyone is mapped
    assert len(monthly) == len(demo.TEAMS) * 12
    assert monthly["complete"].all()
    assert monthly["period"].min() == MONTH(START) and monthly["period"].max() == MONTH("2026-10")


# ---------------------------------------------------------------- the numbers add up


def test_team_credits_add_up_to_the_organisations_pipeline_credits(world, monthly, org_credits):
    _, inputs, _ = world
    credits = inputs.credits.assign(month=months(inputs.credits, "period"))
    org = credits.groupby("month")["value"].sum()
    teams_sum = monthly.groupby("period")["ci_credits"].sum()
    assert len(org) == 12
    np.testing.assert_allclose(teams_sum.reindex(org.index).to_numpy(), org.to_numpy(), rtol=1e-9)
    # ... which are the organisation's bill (creditConsumption, by machine type) too
    np.testing.assert_allclose(
        teams_sum.reindex(org_credits.index).to_numpy(), org_credits.to_numpy(), rtol=1e-9
    )
    # ... and each team's are its own pipelines' (the sandbox's truth, not the mapping's reading)
    by_team = (
        credits.assign(team=credits["key"].map(demo.pipeline_team))
        .groupby(["team", "month"])["value"]
        .sum()
    )
    assert UNASSIGNED not in by_team.index.get_level_values("team")
    own = monthly.set_index(["team", "period"])["ci_credits"]
    np.testing.assert_allclose(own.reindex(by_team.index).to_numpy(), by_team.to_numpy())
    assert (monthly["ci_spend_usd"] == monthly["ci_credits"] * 0.5).all()


def test_team_ai_spend_adds_up_to_the_total_cost(world, monthly):
    _, inputs, raw = world
    total = raw.assign(month=months(raw, "timestamp")).groupby("month")["cost_usd"].sum()
    assert total.sum() > 0
    spend = monthly.groupby("period")["ai_spend_usd"].sum(min_count=1)
    counted = spend[spend.index >= MONTH(inputs.requests_from)]
    assert len(counted) == 10  # January to October 2026
    np.testing.assert_allclose(counted.to_numpy(), total.reindex(counted.index).to_numpy())
    # the per-day sums the table is built from are the raw requests, summed
    assert inputs.requests["requests"].sum() == len(raw)
    assert inputs.requests["cost_usd"].sum() == pytest.approx(raw["cost_usd"].sum())


def test_team_lines_add_up_to_firebenders_and_builders(world, monthly):
    _, inputs, _ = world
    daily = inputs.daily
    fire = (
        daily["agent_accepted_lines_added"].astype(float).sum()
        + daily["inline_accepted_lines_added"].astype(float).sum()
    )
    builder = inputs.spaces["lines_accepted"].astype(float).sum()
    assert monthly["firebender_lines"].sum() == pytest.approx(fire)
    assert monthly["builder_lines"].sum() == pytest.approx(builder)
    assert monthly["accepted_lines"].sum() == pytest.approx(fire + builder)
    platform = monthly[monthly["team"] == "Platform"]
    assert (platform["builder_lines"] == 0).all()  # loaded, and Platform has no space: 0, not NA


# ---------------------------------------------------------------- people and the mover


def test_people_per_team_and_month_are_the_demos_truth(world, monthly):
    w, _, _ = world
    for period in monthly["period"].unique():
        first = pd.Timestamp(period).date()
        last = (pd.Timestamp(period) + pd.offsets.MonthEnd(0)).date()
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        for name, team in demo.TEAMS.items():
            truth = {e for e in team.members if any(demo.team_of(w, e, d) == name for d in days)}
            row = monthly[(monthly["team"] == name) & (monthly["period"] == period)]
            assert row["people"].item() == len(truth), (name, period)


def test_the_mover_counts_for_the_team_of_the_month(monthly):
    people = monthly.set_index(["team", "period"])["people"]
    before = MOVE_MONTH - pd.offsets.MonthBegin(1)
    # the move is on the first of a month: May is Web's, June Mobile's, no month is both teams'
    assert people[(demo.MOVE_FROM, before)] == len(demo.TEAMS[demo.MOVE_FROM].members)
    assert people[(demo.MOVE_FROM, MOVE_MONTH)] == len(demo.TEAMS[demo.MOVE_FROM].members) - 1
    assert people[(demo.MOVE_TO, before)] == len(demo.TEAMS[demo.MOVE_TO].members) - 1
    assert people[(demo.MOVE_TO, MOVE_MONTH)] == len(demo.TEAMS[demo.MOVE_TO].members)


def test_a_mover_is_counted_in_both_teams_in_the_period_of_the_move(world, mapping):
    _, inputs, _ = world
    # the quarter holding the move (April to June 2026) has the mover in both teams
    quarters = team_metrics.team_table(inputs, mapping, START, END, "quarter", None, TODAY)
    people = quarters.set_index(["team", "period"])["people"]
    q2 = MONTH("2026-04-01")
    assert people[(demo.MOVE_FROM, q2)] == len(demo.TEAMS[demo.MOVE_FROM].members)
    assert people[(demo.MOVE_TO, q2)] == len(demo.TEAMS[demo.MOVE_TO].members)
    everyone = len({e for team in demo.TEAMS.values() for e in team.members})
    assert quarters.groupby("period")["people"].sum()[q2] == everyone + 1
    # a move in the middle of a month: that month both teams count the mover
    text = (
        demo.demo_teams_csv()
        .replace("2026-05-31", "2026-06-14")
        .replace("2026-06-01", "2026-06-15")
    )
    mid = team_metrics.team_table(
        inputs, team_mapping.parse(text), START, END, "month", None, TODAY
    )
    people = mid.set_index(["team", "period"])["people"]
    assert people[(demo.MOVE_FROM, MOVE_MONTH)] == len(demo.TEAMS[demo.MOVE_FROM].members)
    assert people[(demo.MOVE_TO, MOVE_MONTH)] == len(demo.TEAMS[demo.MOVE_TO].members)
    july = MONTH("2026-07-01")
    assert people[(demo.MOVE_FROM, july)] == len(demo.TEAMS[demo.MOVE_FROM].members) - 1


def mover_days(daily: pd.DataFrame) -> pd.Series:
    """The mover's days of AI use (Firebender's rows that show use, not just an opened IDE)."""
    own = daily[(daily["email"].str.lower() == demo.MOVER) & overview.firebender_active(daily)]
    return pd.to_datetime(own["date"]).dt.normalize()


def test_the_movers_ai_days_split_at_the_move(world, mapping):
    _, inputs, _ = world
    moved = team_metrics.moves(mapping, inputs.daily, START, END)
    assert moved["person"].unique().tolist() == [demo.MOVER]  # the demo's only mover
    days = mover_days(inputs.daily)
    move = pd.Timestamp(demo.MOVE_DAY)
    before, after = int((days < move).sum()), int((days >= move).sum())
    assert before >= 60 and after >= 60  # a regular user on both sides
    assert moved[["team", "first", "last", "ai_days"]].to_dict("records") == [
        {
            "team": demo.MOVE_FROM,
            "first": START,
            "last": demo.MOVE_DAY - dt.timedelta(days=1),
            "ai_days": before,
        },
        {"team": demo.MOVE_TO, "first": demo.MOVE_DAY, "last": END, "ai_days": after},
    ]
    assert moved["ai_days"].sum() == len(days)


def test_the_movers_own_rows_count_for_the_team_of_each_day(world, mapping):
    _, inputs, raw = world
    daily = inputs.daily[inputs.daily["email"].str.lower() == demo.MOVER]
    requests = inputs.requests[inputs.requests["email"].str.lower() == demo.MOVER]
    own = team_metrics.TeamInputs(
        daily=daily, requests=requests, requests_from=inputs.requests_from
    )
    table = team_metrics.team_table(own, mapping, START, END, "month", None, TODAY)
    active = table.pivot(index="period", columns="team", values="ai_active")
    spend = table.pivot(index="period", columns="team", values="ai_spend_usd")
    days = mover_days(inputs.daily)
    used = set(days.dt.to_period("M").dt.start_time)
    lines = (
        daily.assign(
            month=pd.to_datetime(daily["date"]).dt.to_period("M").dt.start_time,
            lines=daily["agent_accepted_lines_added"].astype(float)
            + daily["inline_accepted_lines_added"].astype(float),
        )
        .groupby("month")["lines"]
        .sum()
    )
    cost = raw[raw["email"].str.lower() == demo.MOVER]
    cost = cost.groupby(months(cost, "timestamp"))["cost_usd"].sum()
    fire = table.pivot(index="period", columns="team", values="firebender_lines")
    for period in active.index:
        home = demo.MOVE_FROM if period < MOVE_MONTH else demo.MOVE_TO
        away = demo.MOVE_TO if home == demo.MOVE_FROM else demo.MOVE_FROM
        assert active.loc[period, home] == (1 if period in used else 0), period
        assert active.loc[period, away] == 0, period
        assert fire.loc[period, home] == pytest.approx(lines.get(period, 0.0))
        assert fire.loc[period, away] == 0
        others = [t for t in demo.TEAMS if t not in (home, away)]
        assert (active.loc[period, others] == 0).all()
        if period >= MONTH(inputs.requests_from):
            assert spend.loc[period, home] == pytest.approx(cost.get(period, 0.0))
            assert spend.loc[period, away] == 0
    assert cost.sum() > 0


# ---------------------------------------------------------------- privacy


def shown(monthly: pd.DataFrame, min_group: int):
    sizes = team_metrics.team_sizes(monthly)
    sizes.pop(UNASSIGNED, None)
    groups = privacy.groups(sizes, min_group)
    return groups, team_metrics.merged(monthly, groups.label, groups.hidden)


def test_a_team_smaller_than_five_is_not_shown(monthly):
    sizes = team_metrics.team_sizes(monthly)
    assert sizes[demo.SMALL_TEAM] == 3
    assert all(sizes[t] >= 7 for t in demo.TEAMS if t != demo.SMALL_TEAM)
    groups, table = shown(monthly, 5)
    assert groups.label[demo.SMALL_TEAM] == OTHER_TEAMS
    assert groups.hidden == {demo.SMALL_TEAM}  # three people are too few even as Other teams
    assert "not shown" in groups.note()
    assert sorted(table["team"].unique()) == sorted(set(demo.TEAMS) - {demo.SMALL_TEAM})
    assert (table["people"] >= 5).all()
    kept = monthly[monthly["team"] != demo.SMALL_TEAM].reset_index(drop=True)
    pd.testing.assert_frame_equal(table, kept, check_dtype=False)


@pytest.mark.parametrize("min_group", range(1, 13))
def test_no_group_smaller_than_the_minimum_is_ever_shown(monthly, min_group):
    groups, table = shown(monthly, min_group)
    people = table.loc[table["team"] != UNASSIGNED, "people"]
    assert (people >= min_group).all(), (min_group, people.min())
    small = [t for t in demo.TEAMS if team_metrics.team_sizes(monthly)[t] < min_group]
    assert set(groups.merged) == set(small)
    if small and not groups.hidden:  # merged into Other teams: their sums, month by month
        other = table[table["team"] == OTHER_TEAMS].set_index("period")
        parts = monthly[monthly["team"].isin(small)].groupby("period")
        np.testing.assert_allclose(other["ci_credits"], parts["ci_credits"].sum())
        np.testing.assert_allclose(other["people"], parts["people"].sum())
        np.testing.assert_allclose(
            other["ai_share"], parts["ai_active"].sum() / parts["people"].sum()
        )
    if min_group == 1:
        assert not groups.merged and groups.note() is None
        assert sorted(table["team"].unique()) == sorted(demo.TEAMS)


# ---------------------------------------------------------------- what is unknown stays empty


def test_a_missing_vendor_leaves_its_columns_empty_not_zero(world, mapping):
    _, inputs, _ = world
    no_codefresh = team_metrics.TeamInputs(
        daily=inputs.daily, requests=inputs.requests, requests_from=inputs.requests_from
    )
    table = team_metrics.team_table(no_codefresh, mapping, START, END, "month", 0.5, TODAY)
    for column in ("ci_credits", "ci_spend_usd", "credits_per_person", "builder_lines"):
        assert table[column].isna().all(), column
    assert table["ai_active"].notna().all() and table["people"].notna().all()
    assert table["accepted_lines"].notna().all()  # Firebender's lines alone
    no_firebender = team_metrics.TeamInputs(credits=inputs.credits, spaces=inputs.spaces)
    table = team_metrics.team_table(no_firebender, mapping, START, END, "month", None, TODAY)
    for column in ("ai_active", "ai_share", "ai_spend_usd", "ai_spend_per_person"):
        assert table[column].isna().all(), column
    assert (table["ci_credits"] > 0).all() and table["ci_spend_usd"].isna().all()


def test_unassigned_people_have_no_per_person_measures(world):
    w, inputs, _ = world
    left_out = next(  # a Platform member using Firebender all year, left out of the mapping
        e
        for e in demo.TEAMS["Platform"].members
        if w.developers_by_email[e].uses_firebender
        and (w.developers_by_email[e].adopts_on or dt.date.max) < START
    )
    text = "\n".join(
        line for line in demo.demo_teams_csv().split("\n") if f",{left_out}," not in line
    )
    table = team_metrics.team_table(
        inputs, team_mapping.parse(text), START, END, "month", None, TODAY
    )
    unassigned = table[table["team"] == UNASSIGNED]
    assert len(unassigned) == 12
    assert unassigned["ai_active"].gt(0).any()  # seen, so there is somebody
    for column in ("people", "ai_share", "ai_spend_per_person", "credits_per_person"):
        assert unassigned[column].isna().all(), column
    assert (unassigned["ci_credits"] == 0).all()  # every pipeline is still mapped: 0, not NA
    assert unassigned.loc[unassigned["period"] >= MONTH("2026-01"), "ai_spend_usd"].gt(0).all()
    platform = table[table["team"] == "Platform"]
    assert (platform["people"] == len(demo.TEAMS["Platform"].members) - 1).all()
    assert team_metrics.team_sizes(table)[UNASSIGNED] == 1  # the people seen stand in
    assert team_metrics.unassigned_too_small(table, 5)
    blank = team_metrics.blank_unassigned(table)
    gone = blank[blank["team"] == UNASSIGNED]
    assert gone[["ai_active", "ai_spend_usd", "firebender_lines"]].isna().all().all()
    assert (gone["ci_credits"] == 0).all()


def test_spend_before_firebender_keeps_requests_is_empty(world, monthly):
    _, inputs, _ = world
    early = monthly["period"] < MONTH(inputs.requests_from)
    assert sorted(monthly.loc[early, "period"].unique()) == [MONTH("2025-11"), MONTH("2025-12")]
    assert monthly.loc[early, ["ai_spend_usd", "ai_spend_per_person"]].isna().all().all()
    assert monthly.loc[~early, "ai_spend_usd"].notna().all()
    assert monthly.loc[early, "ai_active"].notna().all()  # daily usage reaches further back


def test_credits_before_codefresh_has_data_are_empty(world, mapping):
    _, inputs, _ = world
    late = inputs.credits[inputs.credits["period"] >= pd.Timestamp("2026-03-01")]
    own = team_metrics.TeamInputs(
        credits=late,
        credits_span=coverage.span(late, "period", ["value"], START, END),
    )
    table = team_metrics.team_table(own, mapping, START, END, "month", None, TODAY)
    before = table["period"] < MONTH("2026-03")
    assert table.loc[before, "ci_credits"].isna().all()
    assert (table.loc[~before, "ci_credits"] > 0).all()


# ---------------------------------------------------------------- ranking


def test_ranking_is_each_teams_change_from_its_first_to_its_last_month(world, monthly):
    _, inputs, _ = world
    ranked = team_metrics.ranking(monthly)
    assert sorted(ranked["team"]) == sorted(demo.TEAMS)
    assert ranked["change"].is_monotonic_decreasing
    # Platform by hand: its pipelines' credits over its 9 people, October 2026 / November 2025
    pipes = inputs.credits[inputs.credits["key"].map(demo.pipeline_team) == "Platform"]
    by_month = pipes.groupby(months(pipes, "period"))["value"].sum()
    heads = len(demo.TEAMS["Platform"].members)
    first, last = by_month[MONTH("2025-11")] / heads, by_month[MONTH("2026-10")] / heads
    row = ranked.set_index("team").loc["Platform"]
    assert row["first_period"] == MONTH("2025-11") and row["last_period"] == MONTH("2026-10")
    assert row["first_value"] == pytest.approx(first)
    assert row["last_value"] == pytest.approx(last)
    assert row["change"] == pytest.approx(last / first - 1)
    shares = monthly[monthly["team"] == "Platform"].set_index("period")["ai_share"]
    assert row["ai_share_change"] == pytest.approx(
        shares[MONTH("2026-10")] - shares[MONTH("2025-11")]
    )


def test_a_team_without_pipelines_has_no_ci_bill_not_a_zero_one(world):
    _, inputs, _ = world
    text = demo.demo_teams_csv() + "person,someone.new@example.com,Research,,\n"
    table = team_metrics.team_table(
        inputs, team_mapping.parse(text), START, END, "month", None, TODAY
    )
    research = table[table["team"] == "Research"]
    assert (research["people"] == 1).all()
    assert research["ci_credits"].isna().all() and research["credits_per_person"].isna().all()
    assert table.loc[table["team"] == "Web", "ci_credits"].gt(0).all()


def test_ai_active_people_are_counted_as_the_overview_counts_them(world, monthly, mapping):
    """One definition of AI-active (metrics.definitions.AI_ACTIVE): in a month nobody changes
    team, the teams' AI-active people add up to the Overview's "Firebender active users" for
    that month, and a person with model requests but no daily activity is in neither."""
    _, inputs, _ = world
    index = metrics_periods(START, END, "month", TODAY)
    overview_month = overview.firebender_by_period(inputs.daily, index, "month").set_index(
        "period"
    )["firebender_active_users"]
    teams_month = monthly.groupby("period")["ai_active"].sum(min_count=1)
    quiet = [m for m in teams_month.index if m != MOVE_MONTH]
    assert len(quiet) == 11
    assert teams_month[quiet].tolist() == overview_month[quiet].tolist()
    # The requests alone never make someone AI-active: drop the daily rows of one person who
    # has model requests, and that person leaves the count (was counted through requests).
    someone = inputs.requests["email"].iloc[0]
    without = inputs.daily[inputs.daily["email"] != someone]
    fewer = (
        team_metrics.team_table(
            team_metrics.TeamInputs(daily=without, requests=inputs.requests),
            mapping,
            START,
            END,
            "month",
            0.5,
            TODAY,
        )
        .groupby("period")["ai_active"]
        .sum(min_count=1)
    )
    assert (fewer[quiet] < teams_month[quiet]).any()
    assert (
        fewer[quiet].tolist()
        == overview.firebender_by_period(without, index, "month")
        .set_index("period")["firebender_active_users"][quiet]
        .tolist()
    )
