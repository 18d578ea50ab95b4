"""The Teams page in AppTest: the demo mapping's teams, the privacy floor, the within-team answer,
the people who moved, the mapping's editor (refusal with line numbers, check, save) and people's
pseudonyms."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from connectors.sandbox.teams import MOVE_DAY, MOVER, SMALL_TEAM, demo_teams_csv
from teams.mapping import parse
from teams.privacy import pseudonym

from .conftest import PAGES, assert_ok, charts, open_page, texts

TEAMS = "pages/teams.py"
BIG_TEAMS = {"Web", "Mobile", "Platform", "Design system"}
OPENINGS = (
    "Evidence of more CI credits with more AI use",
    "Evidence of fewer CI credits with more AI use",
    "No clear evidence either way",
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PSEUDONYM = re.compile(r"person-[0-9a-f]{10}")
SALT = "apptest-salt-4b1d"
EDITOR = "teams__editor_0"  # the editor's key before any save


# ---------------------------------------------------------------- reading the page


def table_of(at, column: str) -> pd.DataFrame | None:
    """The read-only table that has `column` (None when the page shows none)."""
    for frame in at.dataframe:
        if frame.editing_mode == "read_only" and column in frame.value.columns:
            return frame.value
    return None


def per_team(at) -> pd.DataFrame | None:
    return table_of(at, "credits_per_person")


def moves(at) -> pd.DataFrame | None:
    return table_of(at, "ai_days")


def editor_rows(at) -> pd.DataFrame:
    (editor,) = at.data_editor
    return editor.value


def shown_outside_the_editor(at) -> str:
    """Everything the page sends but the mapping's editor (which lists every team's rows)."""
    found = []

    def walk(node):
        if getattr(node, "type", None) == "dataframe" and node.editing_mode != "read_only":
            return
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def verdict_text(at) -> str:
    """The within-team answer's sentence, without its icon and bold marks."""
    for md in at.markdown:
        text = re.sub(r"^:material/[a-z_]+:\s*", "", md.value).replace("**", "")
        if text.startswith(OPENINGS) or "within teams" in text:
            return text
    raise AssertionError("no verdict on the page")


def errors(at) -> str:
    """The errors as a person reads them (refused cells are Markdown-escaped: safe.text)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(e.value for e in at.error))


def teams_page(monkeypatch, query: dict | None = None, **settings: str):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    at = open_page(TEAMS, query=query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved_to(at) -> str:
    (caption,) = [c.value for c in at.caption if c.value.startswith("Read from and saved to")]
    return re.search(r"`([^`]+)`", caption).group(1)


def edit(at, key: str = EDITOR, edited=None, added=None, deleted=None):
    """The data editor's edit state, as the browser sends it, for the next run."""
    at.session_state[key] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": deleted or [],
    }


@pytest.fixture
def teams_file(tmp_path):
    """A TEAMS_FILE holding the demo's mapping."""
    path = tmp_path / "teams" / "teams.csv"
    path.parent.mkdir()
    path.write_text(demo_teams_csv())
    return path


# ---------------------------------------------------------------- the demo


# The page opens on the overview's 90 days; the demo's move is earlier in the year.
SINCE_THE_MOVE = {"start": (MOVE_DAY - dt.timedelta(days=28)).isoformat()}


def test_demo_shows_the_big_teams_the_answer_and_the_move(monkeypatch):
    at = teams_page(monkeypatch, query=SINCE_THE_MOVE)
    assert_ok(at)
    assert at.title[0].value == "Teams"
    table = per_team(at)
    assert table is not None and set(table["team"]) >= BIG_TEAMS
    assert SMALL_TEAM not in set(table["team"])
    assert len(charts(at)) >= 3  # small multiples, heat map, ranking
    outside = shown_outside_the_editor(at)
    assert SMALL_TEAM not in outside  # not in a table, a chart's data or a caption
    assert all(team in outside for team in BIG_TEAMS)
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("To keep individuals out of view, 1 team with fewer than 5 people is not")
        and "PRIVACY_MIN_GROUP" in c
        for c in captions
    ), captions
    assert verdict_text(at).startswith(OPENINGS), verdict_text(at)

    moved = moves(at)
    assert moved is not None and set(moved["person"]) == {MOVER}
    rows = {row.team: row for row in moved.itertuples()}
    assert set(rows) == {"Web", "Mobile"}
    assert pd.Timestamp(rows["Web"].last).date().isoformat() == "2026-05-31"
    assert pd.Timestamp(rows["Mobile"].first).date() == MOVE_DAY
    assert rows["Web"].ai_days > 0 and rows["Mobile"].ai_days > 0

    editor = editor_rows(at)
    assert len(editor) == len(parse(demo_teams_csv()).rules)  # every row, Internal tools too
    assert SMALL_TEAM in set(editor["team"])


# ---------------------------------------------------------------- the editor


def test_an_invalid_edit_is_refused_with_its_line_and_nothing_is_saved(monkeypatch, teams_file):
    at = teams_page(monkeypatch, TEAMS_FILE=str(teams_file))
    assert_ok(at)
    before = teams_file.read_text()
    edit(at, edited={1: {"valid_from": "2026-02-30"}, 2: {"kind": "peson"}})
    at.run()
    assert not at.exception
    refused = errors(at)
    assert refused.startswith("The mapping is refused (nothing saved)")
    assert "line 3: valid_from '2026-02-30' is not a date" in refused  # row 1 is line 3
    assert "line 4: unknown kind 'peson'" in refused
    assert at.button(key="teams__save").disabled
    (download,) = [b for b in at.get("download_button") if "teams.csv" in str(b.proto)]
    assert download.proto.disabled
    # The refused edit changes nothing: the file and the page's teams stay.
    at.button(key="teams__check").click().run()
    assert "refused (nothing saved)" in errors(at) and not at.success
    assert teams_file.read_text() == before
    assert set(per_team(at)["team"]) >= BIG_TEAMS


def test_a_bad_teams_file_is_refused_and_the_app_works_without_teams(monkeypatch, tmp_path):
    bad = tmp_path / "bad-teams.csv"
    bad.write_text(
        "kind,match,team,valid_from,valid_to\n"
        "person,amara.okafor@example.com,Web,,\n"
        "pipeline,web-app/*,Web,,\n"
        "peson,rina.sato@example.com,Web,,\n"
        "person,farid.haddad@example.com,Web,2026-13-01,\n"
    )
    at = teams_page(monkeypatch, TEAMS_FILE=str(bad))
    refused = errors(at)
    assert "The teams file bad-teams.csv is refused" in refused and str(tmp_path) not in refused
    assert "line 4: unknown kind 'peson'" in refused
    assert "line 5: valid_from '2026-13-01' is not a date" in refused
    assert "works without teams" in refused
    assert any(i.value.startswith("No teams yet") for i in at.info)
    assert per_team(at) is None and not charts(at)
    assert len(editor_rows(at)) == 4  # the refused rows are there to be fixed

    # Fixed in the editor and saved: the file is good again and the page has its team.
    edit(at, edited={2: {"kind": "person"}, 3: {"valid_from": "2026-01-01"}})
    at.run()
    assert "refused (nothing saved)" not in errors(at)
    at.button(key="teams__save").click().run()
    assert not at.exception
    fixed = parse(bad.read_text())
    assert [r.kind for r in fixed.rules] == ["person", "pipeline", "person", "person"]
    assert not at.error and per_team(at) is not None

    # Every other page runs with a refused file.
    bad.write_text(bad.read_text().replace("person,rina", "peson,rina"))
    for page in PAGES:
        other = open_page(page)
        assert_ok(other)


def test_a_teams_file_with_a_new_team_is_shown(monkeypatch, tmp_path):
    path = tmp_path / "org-teams.csv"
    path.write_text(demo_teams_csv().replace(",Platform,", ",Infrastructure,"))
    at = teams_page(monkeypatch, TEAMS_FILE=str(path))
    assert_ok(at)
    shown = set(per_team(at)["team"])
    assert "Infrastructure" in shown and "Platform" not in shown
    assert saved_to(at) == str(path)
    assert "Infrastructure" in set(editor_rows(at)["team"])


def test_check_and_save_write_the_edited_mapping(monkeypatch, teams_file):
    at = teams_page(monkeypatch, TEAMS_FILE=str(teams_file))
    rows = editor_rows(at)
    first_web = [i for i in rows.index[rows["team"] == "Web"] if rows.at[i, "kind"] == "person"]
    renamed = first_web[1:6]  # five people (not the mover): enough to be shown
    edit(
        at,
        edited={int(i): {"team": "Research"} for i in renamed},
        added=[{"kind": "pipeline", "match": "research-*", "team": "Research"}],
    )
    at.button(key="teams__check").click().run()
    assert_ok(at)
    assert [s.value for s in at.success] == [
        f"The mapping is valid: {len(rows) + 1} rows, 6 teams."
    ]
    assert teams_file.read_text() == demo_teams_csv()  # Check does not save

    at.button(key="teams__save").click().run()
    assert_ok(at)
    assert "Teams mapping saved" in " ".join(t.value for t in at.toast)
    saved = parse(teams_file.read_text())
    research = [r for r in saved.rules if r.team == "Research"]
    assert {r.match for r in research} == {rows.at[i, "match"] for i in renamed} | {"research-*"}
    assert "Research" in set(per_team(at)["team"])  # the page reads the saved file at once
    assert "Research" in set(editor_rows(at)["team"])  # the editor reloaded it


# ---------------------------------------------------------------- privacy


def test_a_minimum_group_of_one_shows_every_team(monkeypatch):
    at = teams_page(monkeypatch, PRIVACY_MIN_GROUP="1")
    assert_ok(at)
    assert set(per_team(at)["team"]) >= BIG_TEAMS | {SMALL_TEAM}
    assert not [c.value for c in at.caption if "keep individuals out of view" in c.value]


def test_a_minimum_group_larger_than_every_team_hides_them_all(monkeypatch):
    at = teams_page(monkeypatch, PRIVACY_MIN_GROUP="100")
    assert_ok(at)
    note = [c.value for c in at.caption if "keep individuals out of view" in c.value]
    assert note and "5 teams with fewer than 100 people are not shown" in note[0], note
    table = per_team(at)
    assert table is None or table[table["team"] != "Unassigned"].empty
    outside = shown_outside_the_editor(at)
    for team in BIG_TEAMS | {SMALL_TEAM}:
        assert team not in outside, team
    assert MOVER not in outside
    # every team hidden: the model cannot run, which is not a finding
    said = verdict_text(at)
    assert said.startswith("Not enough data to answer yet") and "0 so far" in said, said


def test_pseudonyms_replace_every_email_on_the_teams_page(monkeypatch, teams_file):
    at = teams_page(
        monkeypatch,
        SINCE_THE_MOVE,
        TEAMS_FILE=str(teams_file),
        PSEUDONYMIZE_PEOPLE="true",
        PSEUDONYM_SALT=SALT,
    )
    assert_ok(at)
    shown = texts(at)
    assert not EMAIL.findall(shown), EMAIL.findall(shown)[:5]
    for frame in at.dataframe:  # the tables' data, decoded
        text = frame.value.to_csv()
        assert not EMAIL.findall(text), EMAIL.findall(text)[:5]
    mover = pseudonym(MOVER, SALT)
    moved = moves(at)
    assert set(moved["person"]) == {mover} and set(moved["team"]) == {"Web", "Mobile"}
    editor = editor_rows(at)
    people = editor[editor["kind"] == "person"]
    expected = {
        pseudonym(r.match, SALT) for r in parse(demo_teams_csv()).rules if r.kind == "person"
    }
    assert set(people["match"]) == expected and mover in expected
    assert PSEUDONYM.search(shown)
    (download,) = [b for b in at.get("download_button") if "teams.csv" in str(b.proto)]
    assert download.proto.disabled  # the file would name people

    # Saving puts each unchanged pseudonym's email back, and keeps a typed email.
    edit(
        at,
        added=[{"kind": "person", "match": "new.person@example.com", "team": "Web"}],
    )
    at.button(key="teams__save").click().run()
    assert_ok(at)
    saved = parse(teams_file.read_text())
    people_saved = {r.match for r in saved.rules if r.kind == "person"}
    originals = {r.match for r in parse(demo_teams_csv()).rules if r.kind == "person"}
    assert people_saved == originals | {"new.person@example.com"}
    assert not EMAIL.findall(texts(at))  # the new person is a pseudonym on the page too
