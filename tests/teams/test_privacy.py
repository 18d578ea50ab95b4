"""Pseudonyms (Python and DuckDB agree, stable, salted), the privacy minimum's groups, the salt
file, and the teams file's reading and writing."""

from __future__ import annotations

import os
import stat

import duckdb
import pandas as pd
import pytest

from teams import files, privacy
from teams.mapping import OTHER_TEAMS
from ui import settings as app_settings


def test_a_pseudonym_is_stable_salted_and_ignores_case_and_spaces():
    one = privacy.pseudonym("Ana.Li@Example.com ", "salt-a")
    assert one == privacy.pseudonym("ana.li@example.com", "salt-a")
    assert one != privacy.pseudonym("ana.li@example.com", "salt-b")
    assert one != privacy.pseudonym("ana.lo@example.com", "salt-a")
    assert one.startswith(privacy.PREFIX) and len(one) == len(privacy.PREFIX) + privacy.DIGITS
    assert "ana" not in one


def test_duckdb_computes_the_same_pseudonym_with_the_salt_as_a_parameter():
    emails = ["ana.li@example.com", "BEN@example.com", None]
    con = duckdb.connect()
    con.register("people", pd.DataFrame({"email": emails}))
    sql = f"SELECT {privacy.sql_pseudonym('email', '?')} AS p FROM people"
    assert "salt-a" not in sql
    found = con.execute(sql, ["salt-a"]).fetch_df()["p"].tolist()
    assert found[:2] == [privacy.pseudonym(e, "salt-a") for e in emails[:2]]
    assert found[2] is None or pd.isna(found[2])


def test_pseudonymize_replaces_every_person_column_and_keeps_missing_values():
    frame = pd.DataFrame(
        {
            "email": pd.Series(["a@x.com", None, "A@x.com"], dtype="string"),
            "user_email": ["b@x.com", "b@x.com", "c@x.com"],
            "credits": [1.0, 2.0, 3.0],
        }
    )
    out = privacy.pseudonymize(frame, "k")
    assert out["email"].iloc[0] == out["email"].iloc[2] == privacy.pseudonym("a@x.com", "k")
    assert pd.isna(out["email"].iloc[1])
    assert str(out["email"].dtype) == "string"
    assert out["user_email"].nunique() == 2
    assert not out.astype(str).apply(lambda c: c.str.contains("@")).any().any()
    assert frame["email"].iloc[0] == "a@x.com"  # the input is left alone


def test_hide_emails_in_text():
    text = "Firebender refused ana.li@example.com's request (see ben@corp.io)."
    hidden = privacy.hide_emails(text, "k")
    assert "@" not in hidden
    assert privacy.pseudonym("ana.li@example.com", "k") in hidden


def test_small_teams_are_merged_and_hidden_when_still_too_small():
    groups = privacy.groups({"Web": 8, "Ops": 2, "Data": 4}, 5)
    assert groups.label == {"Web": "Web", "Ops": OTHER_TEAMS, "Data": OTHER_TEAMS}
    assert not groups.hidden
    assert "2 teams" in groups.note() and OTHER_TEAMS in groups.note()
    alone = privacy.groups({"Web": 8, "Ops": 3}, 5)
    assert alone.hidden == {"Ops"}
    assert "not shown" in alone.note() and "shown together" not in alone.note()
    assert privacy.groups({"Web": 8, "Ops": 3}, 1).note() is None


def test_the_local_salt_is_made_once_and_private(tmp_path):
    path = tmp_path / "deep" / ".pseudonym-salt"
    first = privacy.local_salt(path)
    assert first == privacy.local_salt(path) and len(first) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_empty_salt_file_gets_a_salt_and_keeps_it(tmp_path):
    """A first run killed between making and writing the file (it used to crash every page)."""
    path = tmp_path / ".pseudonym-salt"
    path.write_text("")
    made = privacy.local_salt(path)
    assert len(made) == 64 and path.read_text().strip() == made == privacy.local_salt(path)


def test_a_salt_file_that_cannot_be_read_is_a_message_saying_what_to_do(tmp_path):
    path = tmp_path / ".pseudonym-salt"
    path.mkdir()  # a folder where the file belongs (permissions do not stop root)
    with pytest.raises(privacy.SaltError) as raised:
        privacy.local_salt(path)
    said = str(raised.value)
    assert ".pseudonym-salt cannot be read" in said and "PSEUDONYM_SALT" in said
    assert str(tmp_path) not in said  # the server's path is not shown to viewers


def test_the_teams_file_is_found_beside_the_store_unless_named(tmp_path):
    assert files.location(None, str(tmp_path)) == f"{tmp_path}/teams.csv"
    assert files.location("elsewhere.csv", str(tmp_path)) == "elsewhere.csv"
    where = str(tmp_path / "sub" / "teams.csv")
    assert files.read_text(where) is None
    files.write_text(where, "kind,match,team,valid_from,valid_to\n")
    assert files.read_text(where).startswith("kind,")
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["teams.csv"]  # no temp left


@pytest.mark.parametrize(
    ("values", "min_group", "pseudonymize", "problem"),
    [
        ({}, 5, False, None),
        ({"PRIVACY_MIN_GROUP": "3"}, 3, False, None),
        ({"PRIVACY_MIN_GROUP": "zero"}, 5, False, "PRIVACY_MIN_GROUP"),
        ({"PRIVACY_MIN_GROUP": "0"}, 5, False, "PRIVACY_MIN_GROUP"),
        ({"PSEUDONYMIZE_PEOPLE": "true"}, 5, True, None),
        ({"PSEUDONYMIZE_PEOPLE": "no"}, 5, False, None),
        ({"PSEUDONYMIZE_PEOPLE": "maybe"}, 5, True, "PSEUDONYMIZE_PEOPLE"),
    ],
)
def test_privacy_settings(values, min_group, pseudonymize, problem):
    found = app_settings.resolve({}, values, {}, {})
    assert found.min_group == min_group
    assert found.pseudonymize is pseudonymize
    assert any(problem in p for p in found.problems) if problem else not found.problems


def test_the_salt_is_a_secret_setting_never_in_a_repr():
    found = app_settings.resolve({}, {"PSEUDONYM_SALT": "very-secret-salt"}, {}, {})
    assert found.salt == "very-secret-salt"
    assert "very-secret-salt" not in repr(found)
    with pytest.raises(ValueError):
        app_settings.set_session_value("PSEUDONYM_SALT", "typed")


def test_small_teams_are_those_with_fewer_people_than_the_minimum_on_the_day():
    import datetime as dt

    from teams.mapping import parse
    from teams.privacy import small_teams

    mapping = parse(
        "kind,match,team,valid_from,valid_to\n"
        "person,a@x.io,Big,,\nperson,b@x.io,Big,,\nperson,c@x.io,Big,,2026-05-31\n"
        "person,c@x.io,Small,2026-06-01,\npipeline,ops/*,Pipes,,\n"
    )
    assert small_teams(mapping, dt.date(2026, 5, 1), 3) == {"Small", "Pipes"}
    assert small_teams(mapping, dt.date(2026, 6, 1), 3) == {"Big", "Small", "Pipes"}
    assert small_teams(mapping, dt.date(2026, 6, 1), 1) == {"Pipes"}
