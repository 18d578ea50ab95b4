import datetime as dt
import fnmatch
import pickle
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teams import mapping as tm
from teams.mapping import (
    COLUMNS,
    OPEN_END,
    OPEN_START,
    UNASSIGNED,
    Mapping,
    MappingError,
    Problem,
    Rule,
)

D = dt.date
HEADER = "kind,match,team,valid_from,valid_to\n"

GOOD = (
    HEADER + "# people\n"
    "person,Ana@Example.com,Web,,2026-02-28\n"
    "person,ana@example.com,Mobile,2026-03-01,\n"
    "\n"
    "pipeline,web-app/*,Web,,\n"
    "pipeline,web-app/e2e*,QA,,\n"
    "pipeline,web-app/build,Platform,2026-01-01,2026-06-30\n"
    'space,"Marketing, EU",Growth,,\n'
    "space,web-*,Web,,\n"
)


def lines_of(err: MappingError) -> list[int]:
    return [p.line for p in err.problems]


def refused(text: str) -> MappingError:
    with pytest.raises(MappingError) as caught:
        tm.parse(text, "teams.csv")
    return caught.value


def without_lines(m: Mapping) -> list[tuple]:
    return [(r.kind, r.match, r.team, r.valid_from, r.valid_to) for r in m.rules]


def days(*isos: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(isos)))


# ------------------------------------------------------------------ reading


def test_a_valid_file_reads_into_rules_with_their_physical_line_numbers():
    m = tm.parse(GOOD, "teams.csv")
    assert [r.line for r in m.rules] == [3, 4, 6, 7, 8, 9, 10]
    assert m.rules[0] == Rule(3, "person", "ana@example.com", "Web", None, D(2026, 2, 28))
    assert m.rules[5].match == "Marketing, EU"
    assert m.teams == ("Growth", "Mobile", "Platform", "QA", "Web")
    assert m.source == "teams.csv" and m


def test_a_valid_file_round_trips_through_csv_and_the_table():
    m = tm.parse(GOOD)
    again = tm.parse(tm.to_csv(m))
    assert without_lines(again) == without_lines(m)
    assert tm.to_csv(again) == tm.to_csv(m)
    assert without_lines(tm.from_frame(tm.to_frame(m))) == without_lines(m)
    assert tm.to_csv(tm.to_frame(m)) == tm.to_csv(m)


def test_to_frame_holds_strings_only_with_empty_open_dates_in_rule_order():
    frame = tm.to_frame(tm.parse(GOOD))
    assert tuple(frame.columns) == COLUMNS
    assert frame.iloc[0].tolist() == ["person", "ana@example.com", "Web", "", "2026-02-28"]
    assert all(isinstance(v, str) for v in frame.to_numpy().ravel())
    assert tuple(tm.to_frame(Mapping()).columns) == COLUMNS


def test_to_csv_writes_a_header_and_newline_line_ends():
    text = tm.to_csv(tm.parse(GOOD))
    assert text.startswith(HEADER) and "\r" not in text and text.endswith("\n")
    assert '"Marketing, EU"' in text


def test_header_order_case_whitespace_bom_and_crlf_do_not_matter():
    text = "\ufeff Team , KIND,valid_to,Match,valid_from\r\n  Web , person , , ana@x.com ,2026-01-01\r\n"
    (rule,) = tm.parse(text).rules
    assert rule == Rule(2, "person", "ana@x.com", "Web", D(2026, 1, 1), None)


def test_kinds_are_read_case_insensitively():
    (rule,) = tm.parse(HEADER + "Pipeline,web-app/*,Web,,\n").rules
    assert rule.kind == "pipeline" and rule.is_glob


@pytest.mark.parametrize("text", ["", "\n\n", HEADER, HEADER + "# nothing yet\n\n", "# only\n"])
def test_an_empty_or_header_only_file_is_valid_and_has_no_rules(text):
    m = tm.parse(text)
    assert m.rules == () and not m and m.teams == ()


def test_parse_takes_the_bytes_an_upload_gives():
    assert without_lines(tm.parse(GOOD.encode())) == without_lines(tm.parse(GOOD))


def test_read_names_the_file_and_a_missing_file_is_not_a_mapping_error(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert tm.read(path).source == str(path)
    with pytest.raises(FileNotFoundError):
        tm.read(tmp_path / "nope.csv")
    path.write_text(HEADER + "peson,a@x.com,Web,,\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        tm.read(path)
    assert caught.value.source == "teams.csv"
    assert str(caught.value).startswith("The teams file teams.csv is refused: line 2: ")


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes(
        (HEADER + "person,jose@x.com,Web,,\nperson,José@x.com,Web,,\n").encode("cp1252")
    )
    with pytest.raises(MappingError) as caught:
        tm.read(path)
    (problem,) = caught.value.problems
    assert problem.line == 3 and "not UTF-8 text" in problem.message and "0xe9" in problem.message


def test_a_binary_file_is_refused_once_not_line_by_line():
    (problem,) = refused("PK\x03\x04\x00\x00garbage\nmore\x00").problems
    assert problem.line == 1 and "binary" in problem.message


def test_a_semicolon_separated_file_is_told_to_use_commas():
    (problem,) = refused("kind;match;team;valid_from;valid_to\nperson;a@x.com;Web;;\n").problems
    assert problem.line == 1 and "semicolons" in problem.message and "commas" in problem.message


@pytest.mark.parametrize(
    "text", ["person,a@x.com,Web,,\nperson,b@x.com,Web,,\n", "<html>\n<body>\n", '{"rules": []}\n']
)
def test_a_file_without_the_header_is_refused_once_showing_the_header(text):
    (problem,) = refused(text).problems
    assert problem.line == 1
    assert (
        "the first line must be the header kind,match,team,valid_from,valid_to" in problem.message
    )


def test_a_broken_header_line_stops_the_reading():
    assert lines_of(refused('"kind,match\nperson,,,,\n')) == [1]


def test_an_unclosed_quote_is_a_problem_of_its_line():
    err = refused(HEADER + 'space,"web,Web,,\nspace,ok,Web,,\n')
    assert lines_of(err) == [2] and "quote" in err.problems[0].message


# ------------------------------------------------------------------ problems, each with its line


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("kind,match,team\nperson,a@x.com,Web\n", 1,
         ["missing columns valid_from, valid_to", "kind,match,team,valid_from,valid_to"]),
        ("kind,match,team,valid_from\n", 1, ["missing column valid_to"]),
        (HEADER.strip() + ",owner\n", 1, ["unknown column 'owner'", "columns: kind, match"]),
        ("kind,match,team,team,valid_from,valid_to\n", 1, ["column 'team' appears twice"]),
        (HEADER + "peson,a@x.com,Web,,\n", 2,
         ["unknown kind 'peson'", "kinds: person, pipeline, space"]),
        (HEADER + ",a@x.com,Web,,\n", 2, ["empty kind"]),
        (HEADER + "person,,Web,,\n", 2, ["empty match"]),
        (HEADER + "person,a@x.com,,,\n", 2, ["empty team"]),
        (HEADER + "space,web,unassigned,,\n", 2, ["team name 'unassigned' is reserved"]),
        (HEADER + "space,web,Other Teams,,\n", 2, ["team name 'Other Teams' is reserved"]),
        (HEADER + "space,web,Web,2026-13-01,\n", 2, ["valid_from '2026-13-01'", "YYYY-MM-DD"]),
        (HEADER + "space,web,Web,,01/03/2026\n", 2, ["valid_to '01/03/2026'", "YYYY-MM-DD"]),
        (HEADER + "space,web,Web,20260101,\n", 2, ["YYYY-MM-DD"]),
        (HEADER + "space,web,Web,2026-03-01,2026-02-01\n", 2,
         ["valid_from 2026-03-01 is after valid_to 2026-02-01"]),
        (HEADER + "person,ana,Web,,\n", 2, ["person match 'ana' is not an email"]),
        (HEADER + "person,*@x.com,Web,,\n", 2, ["glob characters", "exact email"]),
        (HEADER + "person,a@x.com,Web\n", 2, ["3 cells, the header has 5"]),
        (HEADER + "person,a@x.com,Web,,,\n", 2, ["6 cells, the header has 5"]),
    ],
)  # fmt: skip
def test_each_problem_is_reported_with_its_line_and_what_is_allowed(text, line, words):
    (problem,) = refused(text).problems
    assert problem.line == line
    for word in words:
        assert word in problem.message


def test_comments_and_blank_lines_still_count_as_lines():
    text = HEADER + "# who is where\n\n   # indented comment\nperson,a@x.com,,,\n"
    assert lines_of(refused(text)) == [5]


def test_every_problem_is_collected_not_just_the_first():
    text = (
        HEADER + "peson,a@x.com,Web,,\n"
        "person,b@x.com,,,\n"
        "# fine below\n"
        "space,web,Web,,\n"
        "space,x,Web,2026-02-30,\n"
        "person,c@x.com,Unassigned,,\n"
    )
    err = refused(text)
    assert lines_of(err) == [2, 3, 6, 7]
    assert str(err) == "The teams file teams.csv is refused: " + "; ".join(
        str(p) for p in err.problems
    )


def test_one_line_can_have_several_problems():
    err = refused(HEADER + "person,ana,Unassigned,2026-02-01,2026-01-01\n")
    assert lines_of(err) == [2, 2, 2]


def test_unknown_columns_do_not_stop_the_rows_being_checked():
    err = refused("kind,match,team,valid_from,valid_to,note\nperson,a@x.com,,,,hi\n")
    assert lines_of(err) == [1, 2]


def test_a_long_list_of_problems_is_cut_after_ten_with_a_count():
    text = HEADER + "".join(f"person,p{i},Web,,\n" for i in range(13))
    err = refused(text)
    assert len(err.problems) == 13
    message = str(err)
    assert message.count("line ") == 10 and message.endswith("; and 3 more")


def test_problem_and_error_read_as_sentences_and_survive_pickling():
    problem = Problem(4, "unknown kind 'peson' (kinds: person, pipeline, space)")
    assert str(problem) == "line 4: unknown kind 'peson' (kinds: person, pipeline, space)"
    err = MappingError([Problem(7, "b"), Problem(3, "a")], "teams.csv")
    assert str(err) == "The teams file teams.csv is refused: line 3: a; line 7: b"
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems and str(again) == str(err)


# ------------------------------------------------------------------ overlapping validity


def test_overlap_is_reported_on_the_later_line_naming_the_earlier():
    text = (
        HEADER + "person,ana@x.com,Web,2026-01-01,\n"
        "person,bo@x.com,Web,,\n"
        "# moved\n"
        "\n"
        "person,Ana@X.com,Mobile,2026-03-01,\n"
    )
    (problem,) = refused(text).problems
    assert str(problem) == (
        "line 6: person ana@x.com is already in team Web from 2026-01-01 to open end (line 2); "
        "validity periods of one match must not overlap"
    )


@pytest.mark.parametrize(
    "first,second,overlaps",
    [
        (",2026-01-31", "2026-02-01,", False),  # back to back
        (",2026-02-01", "2026-02-01,", True),  # both hold the day of the move
        (",", "2026-02-01,2026-02-02", True),  # open at both ends covers everything
        ("2026-03-01,", ",2026-02-28", False),
        ("2026-03-01,", ",2026-03-01", True),
        ("2026-01-01,2026-01-31", "2026-01-10,2026-01-12", True),
    ],
)
def test_overlap_counts_inclusive_ends_and_open_ends(first, second, overlaps):
    text = HEADER + f"person,a@x.com,Web,{first}\nperson,a@x.com,Mobile,{second}\n"
    if overlaps:
        assert lines_of(refused(text)) == [3]
    else:
        assert len(tm.parse(text).rules) == 2


def test_open_start_is_named_in_the_overlap_message():
    err = refused(HEADER + "space,Web,Web,,2026-02-01\nspace,WEB,Mobile,2026-01-01,\n")
    assert "space WEB is already in team Web from open start to 2026-02-01 (line 2)" in str(err)


def test_pipelines_are_case_sensitive_so_their_rows_do_not_overlap():
    text = HEADER + "pipeline,web/build,Web,,\npipeline,Web/build,Mobile,,\n"
    assert len(tm.parse(text).rules) == 2


def test_different_globs_may_overlap_because_precedence_decides():
    text = HEADER + "pipeline,web-app/*,Web,,\npipeline,web-app/e2e*,QA,,\n"
    assert len(tm.parse(text).rules) == 2


def test_each_earlier_overlapping_line_is_named():
    text = (
        HEADER + "person,a@x.com,Web,,2026-01-31\n"
        "person,a@x.com,QA,2026-02-01,\n"
        "person,a@x.com,Mobile,2026-01-15,2026-02-15\n"
    )
    err = refused(text)
    assert lines_of(err) == [4, 4]
    assert "(line 2)" in err.problems[0].message and "(line 3)" in err.problems[1].message


# ------------------------------------------------------------------ assigning


def test_a_mover_counts_for_the_team_of_each_day_with_inclusive_ends():
    m = tm.parse(GOOD)
    keys = pd.Series(["ana@example.com", "ANA@example.com", "ana@example.com"], index=[10, 20, 30])
    got = tm.assign(m, "person", keys, days("2026-02-27", "2026-02-28", "2026-03-01"))
    assert got.tolist() == ["Web", "Web", "Mobile"]
    assert got.index.tolist() == [10, 20, 30] and got.dtype == "string"


def test_exact_beats_a_glob_and_a_longer_glob_beats_a_shorter_one():
    m = tm.parse(GOOD)
    keys = pd.Series(["web-app/build", "web-app/e2e-nightly", "web-app/lint", "web-app/build"])
    got = tm.assign(
        m, "pipeline", keys, days("2026-03-01", "2026-03-01", "2026-03-01", "2027-01-01")
    )
    # web-app/build's own rule ends 2026-06-30; after it the glob takes it back
    assert got.tolist() == ["Platform", "QA", "Web", "Web"]


def test_pipelines_match_case_sensitively_and_spaces_do_not():
    m = tm.parse(GOOD)
    got = tm.assign(m, "pipeline", pd.Series(["Web-App/lint"]), days("2026-03-01"))
    assert got.tolist() == [UNASSIGNED]
    got = tm.assign(
        m, "space", pd.Series(["WEB-shop", "marketing, eu"]), days("2026-03-01", "2026-03-01")
    )
    assert got.tolist() == ["Web", "Growth"]


def test_unmatched_keys_missing_keys_and_missing_days_are_unassigned():
    m = tm.parse(GOOD)
    keys = pd.Series(["bo@example.com", None, "ana@example.com", np.nan])
    got = tm.assign(
        m, "person", keys, pd.Series([pd.Timestamp("2026-01-01"), pd.NaT, pd.NaT, pd.NaT])
    )
    assert got.tolist() == [UNASSIGNED] * 4
    assert (
        tm.assign(Mapping(), "person", keys, days(*["2026-01-01"] * 4)).tolist() == [UNASSIGNED] * 4
    )


def test_alt_keys_are_tried_where_the_key_has_no_team_that_day():
    m = tm.parse(HEADER + "space,abc123,Mobile,,2026-01-31\nspace,web-*,Web,,\n")
    ids = pd.Series(["abc123", "abc123", "zzz999", "zzz999"])
    names = pd.Series(["web-shop", "web-shop", "Web-Blog", "checkout"])
    got = tm.assign(
        m, "space", ids, days("2026-01-31", "2026-02-01", "2026-02-01", "2026-02-01"), names
    )
    assert got.tolist() == ["Mobile", "Web", "Web", UNASSIGNED]


def test_days_may_be_dates_datetimes_or_utc_and_their_time_is_dropped():
    m = tm.parse(GOOD)
    keys = pd.Series(["ana@example.com"] * 3)
    as_dates = pd.Series([D(2026, 2, 28), D(2026, 3, 1), D(2026, 2, 28)])
    assert tm.assign(m, "person", keys, as_dates).tolist() == ["Web", "Mobile", "Web"]
    utc = pd.Series(
        pd.to_datetime(
            ["2026-02-28T23:59:00", "2026-03-01T00:00:00", "2026-02-28T12:00:00"], utc=True
        )
    )
    assert tm.assign(m, "person", keys, utc).tolist() == ["Web", "Mobile", "Web"]
    late = days("2026-02-28T23:59:59")
    assert tm.assign(m, "person", keys[:1], late).tolist() == ["Web"]


def test_assign_refuses_an_unknown_kind_and_mismatched_lengths():
    with pytest.raises(ValueError, match="kind"):
        tm.assign(Mapping(), "team", pd.Series(["a"]), days("2026-01-01"))
    with pytest.raises(ValueError, match="rows"):
        tm.assign(Mapping(), "person", pd.Series(["a"]), days("2026-01-01", "2026-01-02"))


def test_resolve_splits_a_broad_rule_around_a_narrower_one_and_uses_open_bounds():
    m = tm.parse(
        HEADER + "pipeline,web-app/*,Web,,\npipeline,web-app/e2e*,QA,2026-02-01,2026-02-28\n"
    )
    got = tm.resolve(m, "pipeline", ["web-app/e2e-smoke", "web-app/lint", "other", None])
    expected = pd.DataFrame(
        {
            "value": ["web-app/e2e-smoke"] * 3 + ["web-app/lint"],
            "team": ["Web", "QA", "Web", "Web"],
            "valid_from": pd.to_datetime([OPEN_START, "2026-02-01", "2026-03-01", OPEN_START]),
            "valid_to": pd.to_datetime(["2026-01-31", "2026-02-28", OPEN_END, OPEN_END]),
        }
    ).astype(
        {
            "value": object,
            "team": object,
            "valid_from": "datetime64[ns]",
            "valid_to": "datetime64[ns]",
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_resolve_keeps_the_values_as_given_and_treats_far_dates_as_open():
    m = tm.parse(HEADER + "person,ana@x.com,Web,0001-01-01,9999-12-31\n")
    got = tm.resolve(m, "person", ["Ana@X.com", "Ana@X.com"])
    assert got["value"].tolist() == ["Ana@X.com"]
    assert (got["valid_from"].iloc[0], got["valid_to"].iloc[0]) == (OPEN_START, OPEN_END)
    assert tm.resolve(Mapping(), "person", []).columns.tolist() == [
        "value",
        "team",
        "valid_from",
        "valid_to",
    ]


def test_a_rule_wholly_beyond_what_a_day_column_can_hold_matches_nothing():
    text = HEADER + "person,a@x.com,QA,,2262-12-31\nperson,a@x.com,Web,2300-01-01,2300-12-31\n"
    got = tm.resolve(tm.parse(text), "person", ["a@x.com"])
    assert got["team"].tolist() == ["QA"] and got["valid_to"].iloc[0] == OPEN_END


def test_overlaps_are_found_even_before_the_datetime_range():
    text = HEADER + "person,a@x.com,QA,1500-01-01,1500-12-31\nperson,a@x.com,Web,1500-06-01,\n"
    assert lines_of(refused(text)) == [3]


# ------------------------------------------------------------------ memberships


def test_memberships_clip_each_person_rule_to_the_range_and_drop_empty_ones():
    text = (
        HEADER + "person,Ana@X.com,Web,,2026-02-28\n"
        "person,ana@x.com,Mobile,2026-03-01,\n"
        "person,bo@x.com,Web,2025-01-01,2025-12-31\n"
        "person,cy@x.com,QA,2026-01-15,2026-01-20\n"
        "pipeline,web-app/*,Web,,\n"
    )
    got = tm.memberships(tm.parse(text), D(2026, 1, 1), D(2026, 3, 31))
    expected = pd.DataFrame(
        [
            ("Mobile", "ana@x.com", D(2026, 3, 1), D(2026, 3, 31)),
            ("QA", "cy@x.com", D(2026, 1, 15), D(2026, 1, 20)),
            ("Web", "ana@x.com", D(2026, 1, 1), D(2026, 2, 28)),
        ],
        columns=["team", "person", "first", "last"],
        dtype=object,
    )
    pd.testing.assert_frame_equal(got, expected)
    assert tm.memberships(Mapping(), D(2026, 1, 1), D(2026, 1, 2)).columns.tolist() == [
        "team",
        "person",
        "first",
        "last",
    ]


# ------------------------------------------------------------------ the edited table


def test_problems_in_an_edited_table_number_rows_as_the_csv_would():
    frame = pd.DataFrame(
        {
            "kind": ["person", None, "pipeline", "space", np.nan],
            "match": ["ana@x.com", None, "web/*", "", None],
            "team": ["Web", np.nan, "Web", "Web", "Mobile"],
            "valid_from": [D(2026, 1, 1), None, pd.Timestamp("2026-02-01"), pd.NaT, None],
            "valid_to": [np.nan, None, D(2026, 1, 1), "", None],
        },
        index=[7, 8, 9, 10, 11],
    )
    got = tm.problems_in(frame)
    assert [p.line for p in got] == [4, 5, 6, 6]
    assert "valid_from 2026-02-01 is after valid_to 2026-01-01" in got[0].message
    assert "empty match" in got[1].message
    assert "empty kind" in got[2].message and "empty match" in got[3].message


def test_a_clean_edited_table_becomes_a_mapping_with_dates_from_any_date_type():
    frame = pd.DataFrame(
        {
            "kind": ["person", "person", None],
            "match": ["Ana@x.com ", "bo@x.com", None],
            "team": ["Web", "QA", None],
            "valid_from": [D(2026, 1, 1), pd.Timestamp("2026-02-01 13:00"), None],
            "valid_to": [np.datetime64("2026-03-01"), pd.NA, np.nan],
        }
    )
    assert tm.problems_in(frame) == []
    m = tm.from_frame(frame)
    assert without_lines(m) == [
        ("person", "ana@x.com", "Web", D(2026, 1, 1), D(2026, 3, 1)),
        ("person", "bo@x.com", "QA", D(2026, 2, 1), None),
    ]
    assert (
        tm.to_csv(frame)
        == HEADER + "person,Ana@x.com,Web,2026-01-01,2026-03-01\nperson,bo@x.com,QA,2026-02-01,\n"
    )


def test_an_edited_table_without_a_column_or_with_a_line_break_is_refused():
    assert [p.line for p in tm.problems_in(pd.DataFrame(columns=["kind", "match", "team"]))] == [1]
    frame = pd.DataFrame([["space", "web\nshop", "Web", "", ""]], columns=list(COLUMNS))
    (problem,) = tm.problems_in(frame)
    assert problem.line == 2 and "line break" in problem.message
    with pytest.raises(MappingError, match="The teams mapping is refused: line 2"):
        tm.from_frame(frame)


def test_overlaps_are_found_in_an_edited_table_too():
    frame = tm.to_frame(tm.parse(HEADER + "person,a@x.com,Web,,\n"))
    frame.loc[1] = ["person", "A@x.com", "QA", "2026-01-01", ""]
    (problem,) = tm.problems_in(frame)
    assert problem.line == 3 and "(line 2)" in problem.message


# ------------------------------------------------------------------ against a day-by-day model


def naive_team(m: Mapping, kind: str, key, day: dt.date) -> str:
    """Per row and per rule, the way the rules read in English."""
    if key is None or (isinstance(key, float) and np.isnan(key)):
        return UNASSIGNED
    fold = {"person": str.lower, "space": str.casefold, "pipeline": str}[kind]
    best = None
    for rule in m.rules:
        if rule.kind != kind:
            continue
        if rule.valid_from and day < rule.valid_from or rule.valid_to and day > rule.valid_to:
            continue
        if rule.is_glob:
            if not fnmatch.fnmatchcase(fold(key), fold(rule.match)):
                continue
            rank = (1, -len(rule.match), rule.line)
        elif fold(key) == fold(rule.match):
            rank = (0, 0, rule.line)
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, rule.team)
    return best[1] if best else UNASSIGNED


START = D(2026, 1, 1)
PATTERNS = ["a", "ab", "b", "a*", "ab*", "*b", "a?", "*", "[ab]b", "?*"]
VALUES = ["a", "ab", "b", "aa", "abb", "ba", "c", "A", "Ab"]


@st.composite
def rule_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        pattern = draw(st.sampled_from(PATTERNS))
        team = draw(st.sampled_from(["T1", "T2", "T3"]))
        lo = draw(st.none() | st.integers(0, 30))
        hi = draw(st.none() | st.integers(0, 30))
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        rows.append((pattern, team, lo, hi))
    return rows


def mapping_of(kind: str, rows) -> Mapping:
    """Drop the rows whose validity overlaps an earlier row of the same match: the file would
    be refused otherwise."""
    fold = str.casefold if kind == "space" else str
    kept, lines = [], []
    for pattern, team, lo, hi in rows:
        span = (lo if lo is not None else -1, hi if hi is not None else 99)
        if any(fold(p) == fold(pattern) and s[0] <= span[1] and span[0] <= s[1] for p, s in kept):
            continue
        kept.append((pattern, span))
        iso = [
            (START + dt.timedelta(days=d)).isoformat() if d is not None else "" for d in (lo, hi)
        ]
        lines.append(f"{kind},{pattern},{team},{iso[0]},{iso[1]}\n")
    return tm.parse(HEADER + "".join(lines))


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["pipeline", "space"]),
    rows=rule_rows(),
    probes=st.lists(
        st.tuples(st.sampled_from(VALUES), st.integers(-3, 33)), min_size=1, max_size=30
    ),
)
def test_assign_agrees_with_the_day_by_day_model(kind, rows, probes):
    m = mapping_of(kind, rows)
    keys = pd.Series([v for v, _ in probes])
    when = pd.Series([pd.Timestamp(START + dt.timedelta(days=d)) for _, d in probes])
    got = tm.assign(m, kind, keys, when).tolist()
    assert got == [naive_team(m, kind, v, START + dt.timedelta(days=d)) for v, d in probes]


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["pipeline", "space"]), rows=rule_rows())
def test_resolved_intervals_never_overlap_and_give_each_day_the_models_team(kind, rows):
    m = mapping_of(kind, rows)
    table = tm.resolve(m, kind, VALUES)
    spans: dict[str, list[tuple]] = {value: [] for value in VALUES}
    for row in table.itertuples():
        spans[row.value].append((row.valid_from.date(), row.valid_to.date(), row.team))
    for value, found in spans.items():
        found.sort()
        assert all(lo <= hi for lo, hi, _ in found)
        assert all(a[1] < b[0] for a, b in zip(found, found[1:])), found
        for offset in range(-2, 33):
            day = START + dt.timedelta(days=offset)
            teams = [team for lo, hi, team in found if lo <= day <= hi]
            expected = naive_team(m, kind, value, day)
            assert teams == ([] if expected == UNASSIGNED else [expected])


def test_a_big_assign_is_vectorised_and_matches_the_per_row_loop():
    rng = np.random.default_rng(7)
    apps = [f"app{i}" for i in range(200)]
    lines = [f"pipeline,{a}/*,Team{i % 17},,\n" for i, a in enumerate(apps)]
    lines += [f"pipeline,{a}/e2e*,QA,2026-03-01,\n" for a in apps[:50]]
    lines += [f"pipeline,{a}/build,Build{i % 3},,2026-02-14\n" for i, a in enumerate(apps[:100])]
    lines += [f"pipeline,{a}/build,Platform,2026-02-15,\n" for a in apps[:100]]
    m = tm.parse(HEADER + "".join(lines))
    names = [f"{a}/{job}" for a in apps + ["orphan"] for job in ("build", "e2e-smoke", "lint")]
    names += [f"misc/{i}" for i in range(2000 - len(names))]
    n = 200_000
    keys = pd.Series(rng.choice(np.array(names, dtype=object), n))
    when = pd.Series(
        pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    )

    began = time.perf_counter()
    got = tm.assign(m, "pipeline", keys, when)
    took = time.perf_counter() - began
    assert took < 3, f"assign took {took:.2f} s for {n} rows"

    sample = rng.choice(n, 400, replace=False)
    for i in sample:
        assert got.iat[i] == naive_team(m, "pipeline", keys.iat[i], when.iat[i].date()), keys.iat[i]
    assert set(got) >= {"QA", "Platform", "Build0", UNASSIGNED}
