"""The team filter on every data page (`?team=`): only the team's people, pipelines and spaces,
each on the days the demo mapping puts them in the team; what cannot be split says so."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from analytics import metrics
from analytics.lens import ALL, NOT_SPLIT, Lens
from connectors import CodefreshClient, FirebenderClient
from connectors.sandbox import data, keys
from connectors.sandbox import teams as sandbox_teams
from sync import clients
from teams.mapping import UNASSIGNED, parse
from teams.privacy import pseudonym
from ui import explore_raw

from .conftest import assert_ok, open_page, show_section

PAGES = {
    "pages/overview.py": "overview",
    "pages/builder.py": "builder",
    "pages/firebender.py": "firebender",
    "pages/codefresh.py": "codefresh",
    "pages/explore.py": "explore",
}
# A range around the demo's one move (Amara Okafor: Web until 2026-05-31, Mobile after).
AROUND_THE_MOVE = {"start": "2026-05-18", "end": "2026-06-14", "granularity": "day"}
MOVER, MOVE_DAY = sandbox_teams.MOVER, sandbox_teams.MOVE_DAY
NOT_SPLIT_START = NOT_SPLIT.split("{", 1)[0]


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def team_caption(at, team: str) -> bool:
    return any(c.startswith(f"Team: **{team}**") for c in captions(at))


def about_opened(at):
    """The Overview with "About these numbers" opened: its captions (the team's among them)
    are drawn only when it is open."""
    at.session_state["overview__about"] = True
    at.run()
    assert_ok(at)
    (about,) = [e for e in at.expander if e.label == "About these numbers"]
    assert about.caption  # opened: its notes are drawn
    return at


def team_of(email: str, day) -> str:
    return sandbox_teams.team_of(data.DEMO, email, pd.Timestamp(day).date())


def table_with(at, column: str) -> pd.DataFrame:
    [found] = [t.value for t in at.dataframe if column in t.value.columns]
    return found


def firebender_daily(start: dt.date, end: dt.date) -> pd.DataFrame:
    client = FirebenderClient(keys.FIREBENDER_KEY, session=clients.demo_session("firebender"))
    return client.daily_usage(start, end)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_data_page_runs_for_a_team_and_says_so(page):
    at = open_page(page, query={"team": "Web"})
    assert_ok(at)
    assert at.selectbox(key=f"{PAGES[page]}__team").value == "Web"
    assert at.query_params["team"] == "Web"
    if page == "pages/overview.py":  # said in "About these numbers", drawn when opened
        about_opened(at)
    assert team_caption(at, "Web"), captions(at)


def test_the_team_picked_on_a_page_starts_the_alerts_month():
    at = open_page("pages/codefresh.py")
    at.selectbox(key="codefresh__team").set_value("Platform").run()
    at.query_params.clear()  # the browser's page navigation drops the link's query
    at.switch_page("pages/alerts.py").run()
    assert_ok(at)
    assert at.selectbox(key="alerts__scope").value == "Platform"
    at.selectbox(key="alerts__scope").set_value("org").run()  # and can be changed there
    assert at.selectbox(key="alerts__scope").value == "org"


def test_all_teams_shows_no_team_caption_and_keeps_the_link_clean():
    at = open_page("pages/firebender.py")
    assert_ok(at)
    assert at.selectbox(key="firebender__team").value == ALL
    assert "team" not in at.query_params
    assert not any(c.startswith("Team: **") for c in captions(at))


def test_choosing_a_team_puts_it_in_the_link():
    at = open_page("pages/codefresh.py")
    at.selectbox(key="codefresh__team").set_value("Platform").run()
    assert_ok(at)
    assert at.query_params["team"] == "Platform"
    assert team_caption(at, "Platform")


def test_firebender_shows_only_the_teams_people_on_their_days():
    at = open_page("pages/firebender.py", query={"team": "Web", **AROUND_THE_MOVE})
    assert_ok(at)
    start, end = dt.date(2026, 5, 18), dt.date(2026, 6, 14)
    board = table_with(at, "active_days")
    assert len(board)
    for email in board["email"]:
        days = pd.date_range(start, end, freq="D")
        assert any(team_of(email, day) == "Web" for day in days), email
    mobile_only = set(sandbox_teams.TEAMS["Mobile"].members) - {MOVER}
    assert not set(board["email"]) & mobile_only

    # The mover's activity counts for Web before the move and for Mobile from it.
    daily = firebender_daily(start, end)
    mine = daily[(daily["email"] == MOVER) & metrics.firebender_active(daily)]
    before = int((pd.to_datetime(mine["date"]).dt.date < MOVE_DAY).sum())
    after = len(mine) - before
    assert before and after  # the demo's mover uses Firebender on both sides of the move
    [web_days] = board.loc[board["email"] == MOVER, "active_days"]
    assert web_days == before

    mobile = open_page("pages/firebender.py", query={"team": "Mobile", **AROUND_THE_MOVE})
    assert_ok(mobile)
    [mobile_days] = table_with(mobile, "active_days").set_index("email").loc[[MOVER], "active_days"]
    assert mobile_days == after

    # Every person the whole organisation shows who was in Web throughout is there too.
    everyone = open_page("pages/firebender.py", query=AROUND_THE_MOVE)
    assert_ok(everyone)
    all_board = table_with(everyone, "active_days")
    stayed = set(sandbox_teams.TEAMS["Web"].members) - {MOVER}
    assert set(all_board["email"]) & stayed == set(board["email"]) & stayed


def test_firebender_model_requests_follow_the_team():
    at = open_page("pages/firebender.py", query={"team": "Web", **AROUND_THE_MOVE, "by": "model"})
    assert_ok(at)
    client = FirebenderClient(keys.FIREBENDER_KEY, session=clients.demo_session("firebender"))
    raw = client.model_requests(dt.date(2026, 5, 18), dt.date(2026, 6, 14))
    days = pd.to_datetime(raw["timestamp"], utc=True).dt.date
    web = [team_of(e, d) == "Web" for e, d in zip(raw["email"], days, strict=True)]
    expected = int(sum(web))
    assert expected
    assert any(c.startswith(f"{expected:,} requests in the range") for c in captions(at))
    breakdown = table_with(at, "cost_share")
    assert int(breakdown["requests"].sum()) == expected


def test_codefresh_top_pipelines_are_the_teams_and_add_up():
    at = open_page("pages/codefresh.py", query={"team": "Mobile", "granularity": "day"})
    assert_ok(at)
    start, end = at.date_input[0].value
    pipelines = table_with(at, "pipeline")
    assert len(pipelines)
    assert all(p.startswith(("mobile-android/", "mobile-ios/")) for p in pipelines["pipeline"])

    client = CodefreshClient(keys.CODEFRESH_KEY, session=clients.demo_session("codefresh"))
    days = client.pipeline_credit_consumption(start, end, granularity="day")
    mine = days[days["key"].astype(str).str.startswith(("mobile-android/", "mobile-ios/"))]
    assert set(pipelines["pipeline"]) == set(mine["key"].astype(str))
    total = float(mine["value"].sum())
    assert pipelines["credits"].sum() == pytest.approx(total)
    assert any(c.startswith(f"{total:,.2f} credits in") for c in captions(at)), captions(at)
    # Credits by resource class and active committers cannot be split: they say so.
    assert sum(c.startswith(NOT_SPLIT_START) for c in captions(at)) == 2
    assert not [s for s in at.get("vega_lite_chart") if "Resource class" in s.proto.spec]


def test_builder_organisation_metrics_are_not_split_and_spaces_are_the_teams():
    at = open_page("pages/builder.py", query={"team": "Mobile"})
    assert_ok(at)
    assert any(
        "organization metrics report" in c and c.startswith(NOT_SPLIT_START) for c in captions(at)
    )
    assert set(table_with(at, "space_name")["space_name"]) == {"Mobile"}
    assert at.selectbox(key="builder__space").options == ["Mobile"]
    users = table_with(at, "user_email")
    end = at.date_input[0].value[1]
    assert all(team_of(email, end) == "Mobile" for email in users["user_email"])


def test_explore_model_requests_are_the_teams_rows_and_the_export_holds_them(downloads):
    query = {
        "dataset": "firebender.model_requests",
        "team": "Web",
        "start": "2026-05-25",
        "end": "2026-06-07",
    }
    at = open_page("pages/explore.py", query=query)
    assert_ok(at)
    at.toggle(key="explore__raw").set_value(True).run()
    assert_ok(at)
    shown = at.dataframe[0].value
    assert len(shown)
    days = pd.to_datetime(shown["timestamp"], utc=True).dt.date
    for email, day in zip(shown["email"], days, strict=True):
        assert team_of(email, day) == "Web", (email, day)
    assert (days[shown["email"] == MOVER] < MOVE_DAY).all()
    assert (shown["email"] == MOVER).any()

    [counted] = [c for c in captions(at) if " rows in 2026-05-25 - 2026-06-07" in c]
    total = int(counted.split(" rows in", 1)[0].replace(",", ""))
    assert total == len(shown)  # under a page of rows, the page is all of them
    [(_, make)] = [(n, f) for n, f in downloads.items() if n.endswith(".csv")]
    csv = pd.read_csv(io.BytesIO(make()))
    assert len(csv) == total
    assert set(csv["request_id"]) == set(shown["request_id"])

    client = FirebenderClient(keys.FIREBENDER_KEY, session=clients.demo_session("firebender"))
    raw = client.model_requests(dt.date(2026, 5, 25), dt.date(2026, 6, 7))
    raw_days = pd.to_datetime(raw["timestamp"], utc=True).dt.date
    web = [team_of(e, d) == "Web" for e, d in zip(raw["email"], raw_days, strict=True)]
    assert total == sum(web)


def test_explore_filters_person_and_pipeline_datasets_and_refuses_the_rest():
    at = open_page(
        "pages/explore.py",
        query={
            "dataset": "codefresh.pipeline_credit_consumption",
            "team": "Web",
            "granularity": "day",
        },
    )
    assert_ok(at)
    keys_shown = at.dataframe[0].value["key"].astype(str)
    assert len(keys_shown) and keys_shown.str.startswith(("web-app/", "marketing-site/")).all()

    at = open_page(
        "pages/explore.py", query={"dataset": "firebender.daily_usage", "team": "Mobile"}
    )
    assert_ok(at)
    shown = at.dataframe[0].value
    assert len(shown)
    for email, day in zip(shown["email"], shown["date"], strict=True):
        assert team_of(email, day) == "Mobile"

    at = open_page(
        "pages/explore.py", query={"dataset": "codefresh.credit_consumption", "team": "Web"}
    )
    assert_ok(at)
    assert not at.dataframe
    assert any(i.value.startswith(NOT_SPLIT_START) for i in at.info)


def test_overview_for_a_team_counts_the_teams_people_as_committers():
    at = open_page("pages/overview.py", query={"team": "Web", "granularity": "month"})
    assert_ok(at)
    about_opened(at)  # the notes are in "About these numbers"
    assert any("people in the team stand in for active committers" in c for c in captions(at))
    assert any(c.startswith(NOT_SPLIT_START) and "Builder.io" in c for c in captions(at))
    table = table_with(show_section(at, "data"), "active_committers")  # the joined table's tab
    # Web has 9 people over time, 8 in any month (the mover leaves on 2026-06-01).
    counts = table["active_committers"].dropna()
    assert len(counts) and set(counts) <= {8.0, 9.0}
    assert table["builder_users"].isna().all()


def test_small_teams_are_not_offered_and_their_link_falls_back():
    at = open_page("pages/overview.py")
    assert_ok(at)
    offered = at.selectbox(key="overview__team").options
    assert sandbox_teams.SMALL_TEAM not in offered
    assert {"Web", "Mobile", "Platform", "Design system", UNASSIGNED} <= set(offered)

    at = open_page("pages/overview.py", query={"team": sandbox_teams.SMALL_TEAM})
    assert_ok(at)
    assert at.selectbox(key="overview__team").value == ALL
    assert "team" not in at.query_params
    # A team would be named in "About these numbers" (drawn when opened): opened, if drawn.
    at.session_state["overview__about"] = True
    assert_ok(at.run())
    assert not any(c.startswith("Team: **") for c in captions(at))


def test_unassigned_requests_are_the_days_nobody_claims():
    mapping = parse(
        "kind,match,team,valid_from,valid_to\n"
        "person,a@example.com,Web,,2026-05-31\n"
        "person,a@example.com,Mobile,2026-06-10,\n"
        "person,b@example.com,Web,,\n"
    )
    lens = Lens(mapping, UNASSIGNED, frozenset({UNASSIGNED}))
    found = explore_raw.team_intervals(
        lens,
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 30),
        ["A@example.com", "b@example.com", "c@example.com"],
    )
    assert found == (
        ("a@example.com", "2026-06-01", "2026-06-09"),
        ("c@example.com", "2026-05-01", "2026-06-30"),
    )
    web = Lens(mapping, "Web", frozenset({"Web"}))
    assert explore_raw.team_intervals(web, dt.date(2026, 5, 1), dt.date(2026, 6, 30), []) == (
        ("a@example.com", "2026-05-01", "2026-05-31"),
        ("b@example.com", "2026-05-01", "2026-06-30"),
    )


def test_pseudonymised_people_still_follow_their_team(monkeypatch, downloads):
    """With PSEUDONYMIZE_PEOPLE the frames and the SQL see pseudonyms, and so does the mapping:
    the team's rows are the same, under pseudonyms."""
    salt = "team-filter-test-salt"
    monkeypatch.setenv("PSEUDONYMIZE_PEOPLE", "true")
    monkeypatch.setenv("PSEUDONYM_SALT", salt)
    web = {pseudonym(e, salt) for e in sandbox_teams.TEAMS["Web"].members}

    at = open_page("pages/firebender.py", query={"team": "Web", **AROUND_THE_MOVE})
    assert_ok(at)
    board = table_with(at, "active_days")
    assert len(board) and set(board["email"]) <= web

    query = {"dataset": "firebender.model_requests", "team": "Web", **AROUND_THE_MOVE}
    at = open_page("pages/explore.py", query={k: v for k, v in query.items() if k != "granularity"})
    assert_ok(at)
    shown = at.dataframe[0].value
    assert len(shown) and set(shown["email"]) <= web
    mover = shown[shown["email"] == pseudonym(MOVER, salt)]
    assert len(mover) and (pd.to_datetime(mover["timestamp"], utc=True).dt.date < MOVE_DAY).all()


@pytest.mark.parametrize("chosen_on", ["pages/overview.py", "pages/teams.py"])
def test_a_team_chosen_on_one_page_is_kept_on_the_next(chosen_on):
    at = open_page(chosen_on)
    page = chosen_on.removeprefix("pages/").removesuffix(".py")
    at.selectbox(key=f"{page}__team").set_value("Web").run()
    assert_ok(at)
    for following in ("pages/explore.py", "pages/firebender.py", "pages/overview.py"):
        at.query_params.clear()  # the browser's page navigation drops the link's query
        at.switch_page(following).run()
        assert_ok(at)
        name = following.removeprefix("pages/").removesuffix(".py")
        assert at.selectbox(key=f"{name}__team").value == "Web", following
        assert at.query_params["team"] == "Web", following  # the link says it too
        if following == "pages/overview.py":  # said in "About these numbers", drawn when opened
            about_opened(at)
        assert team_caption(at, "Web"), following
    # Back to all teams: that is kept as well.
    at.selectbox(key="overview__team").set_value(ALL).run()
    at.query_params.clear()
    at.switch_page("pages/codefresh.py").run()
    assert at.selectbox(key="codefresh__team").value == ALL
    assert "team" not in at.query_params
