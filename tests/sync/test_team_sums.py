"""The Teams page from DuckDB's sums per team and period equals the page from raw rows.

A sandbox organisation of 300 developers synced for three months; a mapping over its people
with teams of every size, two under the privacy minimum (merged into Other teams), five people who change team mid-range,
a person named in capitals, people left unmapped (Unassigned), pipelines by glob and Builder
spaces by id and by name. The Teams page's view (`analytics.teams_report.team_view`'s pure
part) is built twice: from every person's and pipeline's rows per day (`inputs`, what the page
read before) and from DuckDB's sums with the mapping joined on person and day (`summed_inputs`,
what it reads now); every table, the within-team answer's weekly inputs, the groups, notes and
the moves table must be equal. Pseudonymised people too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading

import pandas as pd
import pytest

import sync
from analytics import metrics, queries, teams_report
from analytics.metrics import teams as team_metrics
from analytics.reader import StoreReader
from config.settings import resolve
from connectors import endpoints, ranges
from connectors.sandbox import Sandbox
from connectors.sandbox.server import SandboxServer
from store import Store
from teams import mapping as team_mapping
from teams import privacy

from .conftest import NOW, TODAY, make_client_factory, settings
from .usage_views import assert_usage_views_equal

DEVELOPERS = 300
SINCE = dt.date(2026, 4, 1)
UNTIL = dt.date(2026, 6, 30)
MOVE_DAY = dt.date(2026, 5, 14)  # a Thursday: weeks and months split by a move
TARGETS = [
    sync.Target(endpoints.get("firebender.daily_usage"), "day"),
    sync.Target(endpoints.get("firebender.model_requests"), None),
    sync.Target(endpoints.get("codefresh.pipeline_credit_consumption"), "day"),
    sync.Target(endpoints.get("builder.org_space_metrics"), "day"),
]
TEAMS = ("Accounts", "Billing", "Growth", "Search")
SMALL = "Tiny"  # 3 people, and "Tiny too": under the privacy minimum of 5, merged


@contextlib.contextmanager
def _served(developers: int):
    sandbox = Sandbox(today=TODAY, developers=developers)
    server = SandboxServer(("127.0.0.1", 0), sandbox, latency=0.0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """(store, mapping, app settings) for the sized organisation."""
    store = Store(str(tmp_path_factory.mktemp("teams") / "history"))
    with _served(DEVELOPERS) as url:
        tasks = sync.plan(store, TARGETS, SINCE, UNTIL, now=NOW)
        summary = sync.run(store, tasks, make_client_factory(url, today=TODAY), clock=lambda: NOW)
        assert not summary.failed, summary.lines()
        app_settings = resolve({}, settings(url), {}, {})
    emails = sorted(
        store.rows("firebender.daily_usage", "day", ["org"], SINCE, UNTIL)["email"]
        .dropna()
        .unique()
    )
    assert len(emails) > 100
    lines = ["kind,match,team,valid_from,valid_to"]
    for i, email in enumerate(emails):
        if i < 6:  # two teams of 3: together (6) shown as Other teams
            lines.append(f"person,{email},{SMALL if i < 3 else SMALL + ' too'},,")
        elif i < 11:  # movers: one team until the day before MOVE_DAY, another from it
            before = MOVE_DAY - dt.timedelta(days=1)
            lines.append(f"person,{email},{TEAMS[0]},,{before}")
            lines.append(f"person,{email},{TEAMS[1]},{MOVE_DAY},")
        elif i == 11:
            lines.append(f"person,{email.upper()},{TEAMS[2]},,")
        elif i % 10 == 9:
            continue  # unmapped: Unassigned
        else:
            lines.append(f"person,{email},{TEAMS[i % len(TEAMS)]},,")
    lines += [
        f"pipeline,{TEAMS[0].lower()}-*,{TEAMS[0]},,",
        f"pipeline,billing-api/*,{TEAMS[1]},,",
        f"pipeline,billing-*,{TEAMS[2]},,{MOVE_DAY}",  # a shorter glob, for part of the range
        f"space,demo-space-accounts-web,{TEAMS[3]},,",  # by id
        f"space,Billing mobile,{TEAMS[1]},,",  # by name
    ]
    mapping = team_mapping.parse("\n".join(lines) + "\n")
    return store, mapping, app_settings


def _views(reader, app_settings, mapping, end, granularity, pseudonymize_with=None):
    """(before, after): the Teams page's view from rows per person and day, and from sums."""
    start = dt.date(2026, 4, 8)
    load_from = metrics.snap_start(metrics.snap_start(start, granularity), "month")
    rows_from = min(load_from, teams_report.answer_start(end))
    today = ranges.utc_today()
    granularities = ("month", granularity, "week")
    built = []
    for summed in (False, True):
        errors, notes = {}, []
        if summed:
            rows = teams_report.summed_inputs(
                reader, app_settings, mapping, rows_from, end, granularities, errors, notes
            )
        else:
            rows = teams_report.inputs(reader, app_settings, rows_from, end, errors, notes)
            if pseudonymize_with:
                rows.daily = privacy.pseudonymize(rows.daily, pseudonymize_with)
                rows.requests = privacy.pseudonymize(rows.requests, pseudonymize_with)
        weekly = team_metrics.team_table(
            rows, mapping, teams_report.answer_start(end), end, "week", 0.4, today
        )
        built.append(weekly)
        built.append(
            teams_report._derive(
                rows,
                mapping,
                start,
                load_from,
                end,
                granularity,
                0.4,
                today,
                app_settings,
                errors,
                notes,
                rows_from,
            )  # fmt: skip
        )
    return built


# DuckDB adds floats in another order than pandas: sums agree to the last few bits.
CLOSE = {"check_exact": False, "rtol": 1e-9, "atol": 0.0}


def _assert_same(weekly_before, before, weekly_after, after):
    pd.testing.assert_frame_equal(weekly_after, weekly_before, obj="weekly", **CLOSE)
    for name in ("table", "monthly"):
        pd.testing.assert_frame_equal(
            getattr(after, name), getattr(before, name), obj=name, **CLOSE
        )
    for name, value in dataclasses.asdict(before.answer).items():
        if isinstance(value, float):
            assert getattr(after.answer, name) == pytest.approx(value, rel=1e-9), name
        else:
            assert getattr(after.answer, name) == value, name
    assert after.groups == before.groups
    assert after.notes == before.notes and after.errors == before.errors
    pd.testing.assert_frame_equal(after.moved, before.moved, obj="moved")


@pytest.mark.parametrize(
    ("granularity", "end"),
    [("week", UNTIL), ("month", UNTIL), ("quarter", dt.date(2026, 6, 17))],
)
def test_the_teams_page_from_duckdb_sums_equals_the_page_from_raw_rows(world, granularity, end):
    store, mapping, app_settings = world
    views = _views(StoreReader(store, mapping), app_settings, mapping, end, granularity)
    _assert_same(*views)
    after = views[-1]
    table = after.table
    teams = set(table["team"])
    assert {"Other teams", "Unassigned", *TEAMS} <= teams and SMALL not in teams  # merged
    assert table["ai_active"].gt(0).any() and table["ci_credits"].gt(0).any()
    assert table["builder_lines"].gt(0).any() and table["ai_spend_usd"].gt(0).any()
    assert set(after.moved["person"]) and after.moved["ai_days"].gt(0).any()


def test_the_sums_hold_rows_per_team_and_period_not_per_person(world):
    store, mapping, _ = world
    raw = store.rows("firebender.daily_usage", "day", ["org"], SINCE, UNTIL)
    summed = queries.team_sums(
        store, "firebender.daily_usage", mapping, SINCE, UNTIL, ("month", "week")
    )
    assert len(summed.sums) <= (len(TEAMS) + 3) * (3 + 14) < len(raw) / 10  # + 2 small, Unassigned
    moving = {r.match for r in mapping.rules if r.kind == "person" and r.valid_to}
    assert set(summed.movers["email"]) == moving  # the movers' days only


def test_pseudonymised_people_give_the_same_teams(world):
    store, mapping, app_settings = world
    salt = "test-salt"
    hidden = dataclasses.replace(
        mapping,
        rules=tuple(
            dataclasses.replace(r, match=privacy.pseudonym(r.match, salt))
            if r.kind == "person"
            else r
            for r in mapping.rules
        ),
    )

    class Pseudonymising(StoreReader):
        def team_sums(self, source, endpoint, mapping, start, end, granularities):
            return queries.team_sums(
                self._store, endpoint, mapping, start, end, granularities, salt
            )

    reader = Pseudonymising(store, hidden)
    views = _views(reader, app_settings, hidden, UNTIL, "week", salt)
    _assert_same(*views)
    after = views[-1]
    assert after.moved["person"].str.startswith(privacy.PREFIX).all()


# ---------------------------------------------------------------- the Firebender page, a team


def _lens(mapping, name):
    from analytics.lens import Lens

    members = {"Other teams": {SMALL, SMALL + " too"}}.get(name, {name})
    return Lens(mapping, name, frozenset(members))


@pytest.mark.parametrize("team", [TEAMS[1], "Other teams", "Unassigned"])
@pytest.mark.parametrize("granularity", ["week", "month"])
def test_the_firebender_page_of_a_team_from_duckdb_equals_the_page_from_its_rows(
    world, team, granularity
):
    """With a team picked, the Firebender page's numbers (active users, tiles, acceptance
    rates, request counts, tokens and cost, the breakdown, the people table and its order)
    from DuckDB's sums of the team's rows equal those from the team's rows per person and day
    (`Lens.people`, what the page read before). Billing has the movers from MOVE_DAY on."""
    store, mapping, _ = world
    lens = _lens(mapping, team)
    start, end = dt.date(2026, 4, 8), UNTIL
    requests = endpoints.get("firebender.model_requests")
    raw = lens.people(store.rows("firebender.daily_usage", "day", ["org"], start, end))
    daily, people = queries.team_usage(store, start, end, mapping, lens.members)
    assert len(daily) <= (end - start).days + 1 < len(raw)  # a row per day, not per person
    assert_usage_views_equal(daily, people, raw, granularity, start, end)

    team = (mapping, lens.members)
    by_person_day = lens.people(
        queries.requests_summed(store, requests, start, end, ("spend_type", "email")),
        "email",
        "timestamp",
    )
    summed = queries.requests_summed(store, requests, start, end, ("spend_type",), team=team)
    assert metrics.request_count(summed) == metrics.request_count(by_person_day) > 0
    for measure in (metrics.tokens_by_period, metrics.cost_by_period):
        pd.testing.assert_frame_equal(
            measure(summed, granularity), measure(by_person_day, granularity), **CLOSE
        )
    by_model = lens.people(
        queries.requests_summed(store, requests, start, end, ("model", "email")),
        "email",
        "timestamp",
    )
    pd.testing.assert_frame_equal(
        metrics.requests_breakdown(
            queries.requests_summed(store, requests, start, end, ("model",), False, team), "model"
        ),
        metrics.requests_breakdown(by_model, "model"),
        **CLOSE,
    )

    per_person_raw = lens.people(
        queries.requests_summed(store, requests, start, end, ("email",)), "email", "timestamp"
    )
    board_raw = metrics.leaderboard(raw, per_person_raw)
    board, everyone = queries.usage_by_person(store, start, end, 1000, team)
    per_person = queries.requests_of_people(store, requests, start, end, None, 10, team)
    assert everyone == len(board) == len(board_raw)
    pd.testing.assert_frame_equal(
        metrics.leaderboard(board, per_person), board_raw, check_dtype=False, **CLOSE
    )
    top, everyone = queries.usage_by_person(store, start, end, 3, team)
    assert (len(top), everyone) == (3, len(board_raw))
    pd.testing.assert_frame_equal(
        metrics.leaderboard(top), metrics.leaderboard(raw).head(3), check_dtype=False
    )
    spenders = queries.requests_of_people(store, requests, start, end, tuple(top["email"]), 2, team)
    assert set(top["email"]) <= set(spenders["email"]) <= set(board_raw["email"])
