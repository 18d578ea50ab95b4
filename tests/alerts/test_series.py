"""Daily series from the connectors' frames (the in-process sandbox): sums that add up, zero only
within the days a vendor covers, team series by the team of the day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alerts import series
from connectors.sandbox import Sandbox, teams
from connectors.sandbox.data import DEMO
from sync.sources import client_factory, demo_credentials
from teams.mapping import UNASSIGNED, parse

FIRST, LAST = dt.date(2026, 5, 18), dt.date(2026, 6, 14)  # four whole weeks, a move inside


@pytest.fixture(scope="module")
def frames():
    make = client_factory(demo_credentials(Sandbox(today=dt.date(2026, 7, 1))))
    requests = make("firebender", None).model_requests(FIRST, LAST)
    pipelines = make("codefresh", None).pipeline_credit_consumption(FIRST, LAST, "day")
    return requests, pipelines


@pytest.fixture(scope="module")
def frame(frames):
    requests, pipelines = frames
    mapping = parse(teams.demo_teams_csv())
    return series.from_frames(requests, pipelines, None, mapping, (FIRST, LAST), (FIRST, LAST))


def test_org_spend_is_every_request_summed_per_day(frames, frame):
    requests, _ = frames
    org = series.one(frame, "org_ai_spend_usd")
    by_day = requests.groupby(requests["timestamp"].dt.tz_localize(None).dt.normalize())[
        "cost_usd"
    ].sum()
    assert len(org) == (LAST - FIRST).days + 1
    assert org.sum() == pytest.approx(requests["cost_usd"].sum())
    assert org[by_day.index].to_numpy() == pytest.approx(by_day.to_numpy())


def test_a_person_without_requests_on_a_covered_day_spent_zero_and_nothing_is_known_outside(
    frame,
):
    people = frame[frame["kind"] == "person_ai_spend_usd"]
    per_person = people.groupby("subject")["day"].agg(["min", "max", "count"])
    assert (per_person["count"] == (LAST - FIRST).days + 1).all()
    assert (per_person["min"] == pd.Timestamp(FIRST)).all()
    assert (per_person["max"] == pd.Timestamp(LAST)).all()
    weekend = people[people["day"].dt.day_of_week >= 5]
    assert (weekend["value"] == 0).mean() > 0.5  # most people do not work weekends
    assert frame["value"].notna().all()


def test_pipeline_credits_add_up_to_the_organisation_and_to_the_teams(frames, frame):
    _, pipelines = frames
    org = series.one(frame, "org_ci_credits")
    assert org.sum() == pytest.approx(pipelines["value"].sum())
    teams_total = frame.loc[frame["kind"] == "team_ci_credits", "value"].sum()
    assert teams_total <= org.sum() + 1e-6
    assert UNASSIGNED not in set(frame["subject"])


def test_team_spend_follows_the_team_a_person_was_in_that_day(frames, frame):
    requests, _ = frames
    mover = teams.MOVER
    move = pd.Timestamp(teams.MOVE_DAY)
    mine = requests[requests["email"] == mover]
    days = mine["timestamp"].dt.tz_localize(None).dt.normalize()
    web_after = frame[
        (frame["kind"] == "team_ai_spend_usd")
        & (frame["subject"] == "Web")
        & (frame["day"] >= move)
    ]["value"].sum()
    after = requests[requests["timestamp"].dt.tz_localize(None) >= move]
    in_web = [e for e in after["email"].unique() if teams.team_of(DEMO, e, teams.MOVE_DAY) == "Web"]
    everyone_web_after = after[after["email"].isin(in_web)]["cost_usd"].sum()
    assert mover not in in_web
    assert web_after == pytest.approx(everyone_web_after)
    assert mine[days >= move]["cost_usd"].sum() > 0  # the mover did spend after the move


def test_no_frames_give_an_empty_frame_with_the_columns():
    empty = series.from_frames()
    assert list(empty.columns) == ["kind", "subject", "day", "value"] and empty.empty
