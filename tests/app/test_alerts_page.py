"""The Alerts & budgets page in AppTest: this month's projections against the demo's budgets, a
team over budget, a refused budgets file, the budgets editor (refusal with line numbers, save),
and the anomalies planted in the sandbox (scenario "anomalies") listed with day, who and link."""

from __future__ import annotations

import json

import pytest

from alerts import budgets
from analytics import alerts_report as view_of
from connectors.sandbox import Sandbox, anomalies, keys, running_server
from connectors.sandbox.teams import SMALL_TEAM

from .conftest import assert_no_keys, charts, open_page, texts

ALERTS = "pages/alerts.py"
EDITOR = "alerts__budgets_0"  # the editor's key before any save
PLATFORM_CI = 3  # the example's Platform line: below the demo's projection on purpose


def alerts_page(monkeypatch, query=None, **settings: str):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    at = open_page(ALERTS, query=query)
    assert not at.exception, [e.value for e in at.exception]
    return at


BADGES = ("On track", "Projected over", "Over budget", "No budget")


def sentences(at) -> list[str]:
    """Each measure's status: its badge and sentence (a budget passed is not an app error)."""
    found = []
    for block in at.markdown:
        text = block.value
        if "-badge[" in text and any(b in text for b in BADGES):
            found.append(text.split("] ", 1)[1])
    return found


def badges(at) -> list[str]:
    return [b.value.split("[", 1)[0] for b in at.markdown if "-badge[" in b.value]


def table_with(at, column: str):
    for frame in at.dataframe:
        if frame.editing_mode == "read_only" and column in frame.value.columns:
            return frame.value
    return None


def headers(at, column: str) -> dict[str, str]:
    """column -> the header shown, for the read-only table that has `column`."""
    for frame in at.dataframe:
        if frame.editing_mode == "read_only" and column in frame.value.columns:
            config = json.loads(frame.proto.columns)
            return {c: v.get("label", c) for c, v in config.items() if c != "_index"}
    return {}


def test_demo_projects_each_measure_against_its_budget(monkeypatch):
    at = alerts_page(monkeypatch)
    assert at.title[0].value == "Alerts & budgets"
    said = sentences(at)
    assert len(said) == 3, said
    assert said[0].startswith("On track: $") and "of $450 so far" in said[0]
    assert "of 175,000 credits so far" in said[1] and "80%:" in said[1]
    assert "of $1,750 so far" in said[2]
    assert len(charts(at)) == 3
    captions = " ".join(c.value for c in at.caption)
    assert "Settled days only" in captions
    assert any("No anomaly in the last 30 settled days" in i.value for i in at.info)
    assert_no_keys(at)
    (scope,) = at.selectbox
    assert "Platform" in scope.options and SMALL_TEAM not in scope.options  # 3 people
    assert "1 team with fewer than 5 people is not shown" in captions


def test_a_team_whose_projection_passes_its_budget_is_an_alert(monkeypatch):
    at = alerts_page(monkeypatch, query={"scope": "Platform"})
    assert not at.error
    (over,) = [s for s in sentences(at) if s.startswith("Will pass the budget")]
    assert "48,000 credits" in over and "80%:" in over
    # a projection, not a fact: "Projected over" until the actual spend passes the budget
    assert ":orange-badge" in badges(at) and ":red-badge" not in badges(at)
    assert [s for s in sentences(at) if "No budget set" in s]  # AI spend, CI spend
    listed = table_with(at, "usual_low")
    assert listed is not None
    row = listed[listed["subject"] == "Platform"].iloc[0]
    shown = headers(at, "usual_low")
    assert shown["value"] == "Projected month total" and shown["expected"] == "Monthly budget"
    assert row["state"] == "new" and row["expected"] == 48_000
    assert row["usual_low"] > 48_000  # even the low end passes the budget


def test_a_refused_budgets_file_names_its_lines_and_the_projections_stay(monkeypatch, tmp_path):
    bad = tmp_path / "budgets.csv"
    bad.write_text("scope,measure,monthly_budget\norg,ai_spend,100\norg,ci_credits,-5\n")
    at = alerts_page(monkeypatch, BUDGETS_FILE=str(bad))
    shown = "\n".join(e.value for e in at.error)
    assert "line 2" in shown and "line 3" in shown
    assert sum("No budget set" in s for s in sentences(at)) == 3


def test_a_budget_for_a_team_hidden_by_privacy_is_said_not_checked(monkeypatch, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_text(budgets.EXAMPLE + f"{SMALL_TEAM},ai_spend_usd,10\n")
    at = alerts_page(monkeypatch, BUDGETS_FILE=str(path))
    captions = " ".join(c.value for c in at.caption)
    assert f"The budgets of {SMALL_TEAM} are not checked this month" in captions
    assert not at.error, [e.value for e in at.error]
    at = alerts_page(monkeypatch, BUDGETS_FILE=str(path), PRIVACY_MIN_GROUP="1")
    assert "are not checked" not in " ".join(c.value for c in at.caption)


def test_the_editor_refuses_a_bad_row_with_its_line_and_saves_a_good_one(monkeypatch, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_text(budgets.EXAMPLE)
    at = alerts_page(monkeypatch, BUDGETS_FILE=str(path))
    rows = at.data_editor[0].value
    assert list(rows.columns) == ["scope", "measure", "monthly_budget"]
    at.session_state[EDITOR] = {
        "edited_rows": {"0": {"monthly_budget": "lots"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    refused = "\n".join(e.value for e in at.error)
    assert "The budgets are refused" in refused and "line 2" in refused
    assert at.button(key="alerts__save").disabled
    at.session_state[EDITOR] = {
        "edited_rows": {"0": {"monthly_budget": "300"}},
        "added_rows": [{"scope": "Web", "measure": "ai_spend_usd", "monthly_budget": "80"}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="alerts__save").click().run()
    assert not at.exception
    saved = budgets.parse(path.read_text())
    assert saved.get("org", "ai_spend_usd") == 300 and saved.get("Web", "ai_spend_usd") == 80
    assert any("is above $300" in s for s in sentences(at)), sentences(at)  # now over


@pytest.fixture(scope="module")
def planted():
    """The sandbox with planted anomalies (seed 0) behind a real HTTP server."""
    with running_server(Sandbox(scenario="anomalies", seed=0)) as url:
        yield url


def test_planted_anomalies_are_listed_with_their_day_who_and_a_link(monkeypatch, planted):
    for vendor in ("FIREBENDER", "CODEFRESH"):
        monkeypatch.setenv(f"{vendor}_BASE_URL", planted)
    monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_KEY)
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
    at = alerts_page(monkeypatch)
    listed = table_with(at, "times_usual")
    assert listed is not None
    for label in anomalies.labels(0):
        if label.event not in anomalies.POSITIVE:
            continue
        kind, subject = label.required[0]
        what = "AI model spend" if "ai_spend" in kind else "CI credits"
        mine = listed[
            (listed["subject"] == subject)
            & listed["what"].str.startswith(what)
            & (listed["first_day"].dt.date >= label.first_day)
        ]
        assert len(mine) >= 1, (label, listed[["what", "subject", "first_day"]])
        first = mine.sort_values("first_day").iloc[0]
        assert (first["first_day"].date() - label.first_day).days <= 2
        assert first["value"] > first["usual_high"]
    assert listed["state"].isin(["new", "resolved"]).all()  # nothing was sent from this store
    shown = headers(at, "times_usual")
    assert [shown[c] for c in ("value", "expected", "usual_low", "usual_high")] == [
        view_of.LISTED[c] for c in ("value", "expected", "usual_low", "usual_high")
    ]  # "Peak value", "Usual", "Usual range from", "Usual range to"
    assert any("No alert has been sent" in c.value for c in at.caption)
    assert keys.CODEFRESH_KEY not in texts(at)


def test_alerts_sent_by_sync_show_as_notified_on_the_next_rerun(monkeypatch, planted, tmp_path):
    """The page's view is cached; sync rewriting the alerts table must still show at once."""
    import io
    import os

    from connectors import ranges
    from store import Store
    from sync import alerting
    from tests.alerts.test_delivery import receiver

    values = {"FIREBENDER_API_KEY": keys.FIREBENDER_KEY, "CODEFRESH_API_KEY": keys.CODEFRESH_KEY}
    values |= {"FIREBENDER_BASE_URL": planted, "CODEFRESH_BASE_URL": planted}
    at = alerts_page(monkeypatch, **values)
    before = table_with(at, "times_usual")
    assert len(before) and set(before["state"]) <= {"new", "resolved"}
    with receiver((200, "ok")) as hook:
        values["ALERT_WEBHOOK_URL"] = f"{hook.url}/hook"
        store = Store(os.environ["HISTORY_DIR"])
        code = alerting.run(store, values, ranges.utc_today(), io.StringIO(), io.StringIO())
        assert code == 0 and len(hook.bodies) == 1
    at.run()
    after = table_with(at, "times_usual")
    sent = after[after["state"] == "notified"]
    assert len(sent) and sent["delivered"].notna().all()
    # sync judges its last 14 settled days; older anomalies the page finds stay "new"
    assert (after["state"] == "new").sum() < (before["state"] == "new").sum()
    assert not any("No alert has been sent" in c.value for c in at.caption)
