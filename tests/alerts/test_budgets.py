"""The budgets file (every problem with its line number, found and saved like the teams mapping)
and a month's burn against its budget (the alert rule and what the sentence says)."""

from __future__ import annotations

import datetime as dt
import pickle
import threading
from pathlib import Path

import pandas as pd
import pytest

from alerts import MEASURES, budgets, forecast
from alerts.budgets import EXAMPLE, Budget, Budgets, BudgetsError, location, parse, read, save
from alerts.forecast import Projection

ROOT = Path(__file__).resolve().parents[2]
HEADER = "scope,measure,monthly_budget\n"
TEAMS = ["Web", "Mobile", "Platform", "Design system", "Internal tools"]


def refused(text, teams=None) -> list[str]:
    with pytest.raises(BudgetsError) as caught:
        parse(text, teams)
    return caught.value.problems


def lines_of(problems: list[str]) -> list[int]:
    return [int(p.split(":")[0].removeprefix("line ")) for p in problems]


# ------------------------------------------------------------------ reading


def test_a_good_file_is_read_with_its_amounts_and_blank_lines_and_comments_skipped():
    found = parse(
        "# budgets\n" + HEADER + "\n"
        "org,ai_spend_usd,450\n"
        'org,ci_spend_usd,"$1,200.50"\n'
        "Platform,ci_credits, 48000\n"
        "web,AI_SPEND_USD,$95.5\n"
    )
    assert [(b.scope, b.measure, b.monthly_budget, b.line) for b in found.rows] == [
        ("org", "ai_spend_usd", 450.0, 4),
        ("org", "ci_spend_usd", 1200.5, 5),
        ("Platform", "ci_credits", 48000.0, 6),
        ("web", "ai_spend_usd", 95.5, 7),
    ]
    assert found.get("org", "ci_spend_usd") == 1200.5
    assert found.get("ORG", "ci_spend_usd") == 1200.5
    assert found.get("Web", "ai_spend_usd") == 95.5  # team names match ignoring case
    assert found.get("Web", "ci_credits") is None
    assert found.get("Mobile", "ai_spend_usd") is None
    assert len(found) == 4 and found.scopes == ("org", "Platform", "web")


def test_known_teams_are_written_as_the_mapping_spells_them():
    found = parse(HEADER + "design SYSTEM,ci_credits,100\nOrg,ci_credits,500\n", TEAMS)
    assert [b.scope for b in found.rows] == ["Design system", "org"]


def test_an_empty_file_or_a_header_alone_means_no_budgets():
    assert len(parse("")) == 0
    assert len(parse(HEADER)) == 0
    assert parse(HEADER).get("org", "ci_credits") is None


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (",ci_credits,100", "empty scope"),
        ("org,,100", "empty measure (measures: ai_spend_usd, ci_credits, ci_spend_usd)"),
        ("org,ci_credits,", "empty monthly_budget"),
        ("org,tokens,100", "unknown measure 'tokens' (measures: ai_spend_usd"),
        ("org,ci_credits,lots", "monthly_budget 'lots' is not a number"),
        ("org,ci_credits,1.200,50", "4 cells, the header has 3"),
        ('org,ci_credits,"1.200,50"', "monthly_budget '1.200,50' is not a number"),
        ('org,ci_credits,"12,00"', "monthly_budget '12,00' is not a number"),
        ("org,ci_credits,1e5", "is not a number"),
        ("org,ci_spend_usd,€100", "is not a number"),
        ("org,ci_credits,nan", "is not a number"),
        ("org,ci_credits,0", "monthly_budget '0' is not positive"),
        ("org,ci_credits,-50", "monthly_budget '-50' is not positive"),
        ("org,ai_spend_usd,$-5", "is not positive"),
        ("org,ci_credits,$500", "ci_credits is counted in credits"),
        ("org,ci_credits", "2 cells, the header has 3"),
        ('org,"ci_credits,100', "not a CSV line"),
    ],
)
def test_each_problem_of_a_row_is_named_with_its_line(row, words):
    (problem,) = refused(HEADER + "org,ai_spend_usd,450\n" + row + "\n")
    assert problem.startswith("line 3: ")
    assert words in problem


def test_a_cell_count_problem_says_how_to_write_a_thousands_comma():
    (problem,) = refused(HEADER + "org,ci_credits,1,200\n")
    assert '"1,200.50"' in problem


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("scope,measure\n", "line 1: missing column monthly_budget"),
        ("scope,measure,monthly_budget,owner\n", "line 1: unknown column 'owner'"),
        ("scope,measure,budget\n", "line 1: missing column monthly_budget"),
        ("team,amount\n", "line 1: the first line must be the header scope,measure,monthly_budget"),
        ("scope;measure;monthly_budget\n", "separated by semicolons"),
    ],
)
def test_header_problems_are_on_line_one(header, words):
    problems = refused(header + "org,ci_credits,100\n")
    assert any(words in p for p in problems), problems


def test_text_that_is_not_utf8_is_refused_at_its_line():
    text = (HEADER + "org,ci_credits,100\nCaf").encode() + b"\xe9,ci_credits,100\n"
    (problem,) = refused(text)
    assert problem.startswith("line 3: not UTF-8 text (byte 0xe9)")
    assert len(parse(HEADER.encode("utf-8-sig") + b"org,ci_credits,100\n")) == 1  # a BOM is fine


def test_every_problem_is_listed_at_once_in_line_order():
    problems = refused(
        HEADER + "org,ci_credits,0\n"
        "org,tokens,100\n"
        "\n"
        ",ai_spend_usd,\n"
        "org,ci_credits,12,3\n"
        "Platform,ci_credits,abc\n"
    )
    assert lines_of(problems) == [2, 3, 5, 5, 6, 7]
    assert "empty scope" in problems[2] and "empty monthly_budget" in problems[3]
    with pytest.raises(BudgetsError) as caught:
        parse(HEADER + "org,ci_credits,0\norg,tokens,1\n", source="s3://b/budgets.csv")
    assert str(caught.value).startswith("The budgets file s3://b/budgets.csv is refused: line 2")


def test_a_second_budget_for_one_scope_and_measure_names_both_lines():
    problems = refused(
        HEADER + "org,ci_credits,100\n"
        "Web,ci_credits,50\n"
        "ORG,CI_CREDITS,120\n"
        "web,ci_credits,60\n"
        "org,ci_spend_usd,1\n"
    )
    assert problems == [
        "line 4: a second budget for org ci_credits (the first is on line 2); keep one per "
        "scope and measure",
        "line 5: a second budget for web ci_credits (the first is on line 3); keep one per "
        "scope and measure",
    ]


def test_a_scope_that_is_neither_org_nor_a_known_team_is_refused_with_the_teams_listed():
    (problem,) = refused(HEADER + "org,ci_credits,100\nWebb,ci_credits,50\n", TEAMS)
    assert problem == (
        "line 3: unknown scope 'Webb': neither org nor a team of the teams mapping (teams: "
        "Design system, Internal tools, Mobile, Platform, Web)"
    )
    assert parse(HEADER + "Webb,ci_credits,50\n")  # without known teams any scope is taken
    (none,) = refused(HEADER + "Web,ci_credits,50\n", [])
    assert "there is no teams mapping, so the only scope is org" in none
    many = [f"Team {i:02}" for i in range(14)]
    (listed,) = refused(HEADER + "Other,ci_credits,5\n", many)
    assert "Team 09 and 4 more)" in listed


def test_the_error_carries_plain_strings_and_survives_pickling():
    with pytest.raises(BudgetsError) as caught:
        parse(HEADER + "org,ci_credits,0\n", source="budgets.csv")
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems
    assert all(isinstance(p, str) for p in again.problems)
    assert again.source == "budgets.csv"


def test_parse_and_to_csv_round_trip():
    found = parse(
        HEADER + 'org,ci_spend_usd,"$1,200.50"\nDesign system,ci_credits,25000\n'
        '"Web, EU",ai_spend_usd,80.25\n'
    )
    text = found.to_csv()
    assert text == (
        HEADER + "org,ci_spend_usd,1200.5\nDesign system,ci_credits,25000\n"
        '"Web, EU",ai_spend_usd,80.25\n'
    )
    assert parse(text).rows == found.rows


def test_as_frame_is_one_row_per_budget_with_typed_columns():
    frame = parse(HEADER + "org,ci_credits,100\nWeb,ai_spend_usd,9.5\n").as_frame()
    expected = pd.DataFrame(
        {
            "scope": pd.Series(["org", "Web"], dtype="string"),
            "measure": pd.Series(["ci_credits", "ai_spend_usd"], dtype="string"),
            "monthly_budget": [100.0, 9.5],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)
    assert list(Budgets().as_frame().columns) == ["scope", "measure", "monthly_budget"]


def test_the_example_file_is_the_example_text_and_budgets_every_measure_of_the_org():
    text = (ROOT / "budgets.example.csv").read_text(encoding="utf-8")
    assert text == EXAMPLE
    found = parse(text, TEAMS)
    assert all(found.get("org", m) for m in MEASURES)
    assert found.get("Platform", "ci_credits") == 48000.0
    # CI spend's budget is the credits' budget at the demo's assumed price ($0.01 a credit).
    assert found.get("org", "ci_spend_usd") == found.get("org", "ci_credits") * 0.01


# ------------------------------------------------------------------ where and saving


def test_the_file_is_budgets_file_when_set_else_budgets_csv_beside_the_store(tmp_path):
    assert location("s3://bucket/budgets.csv", str(tmp_path)) == "s3://bucket/budgets.csv"
    assert location(None, str(tmp_path)) == f"{tmp_path}/budgets.csv"
    assert location("", "s3://bucket/history/") == "s3://bucket/history/budgets.csv"


def test_no_file_reads_as_none(tmp_path):
    assert read(str(tmp_path / "budgets.csv")) is None
    assert read("memory://nowhere/budgets.csv") is None


def test_save_then_read_gives_the_same_budgets_and_leaves_no_temporary_file(tmp_path):
    where = str(tmp_path / "deep" / "budgets.csv")
    saved = save(where, EXAMPLE)
    assert read(where, TEAMS) == saved == parse(EXAMPLE, source=where)
    assert read(where).source == where
    assert budgets.read_text(where) == EXAMPLE
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["budgets.csv"]


def test_save_refuses_a_bad_text_and_keeps_the_old_file(tmp_path):
    where = str(tmp_path / "budgets.csv")
    save(where, EXAMPLE)
    with pytest.raises(BudgetsError):
        save(where, HEADER + "org,ci_credits,-1\n")
    with pytest.raises(BudgetsError, match="unknown scope 'Nobody'"):
        save(where, HEADER + "Nobody,ci_credits,1\n", teams=TEAMS)
    assert budgets.read_text(where) == EXAMPLE


def test_a_reader_sees_the_old_budgets_or_the_new_never_half(tmp_path):
    where = str(tmp_path / "budgets.csv")
    small = HEADER + "org,ci_credits,100\n"
    large = HEADER + "".join(f"Team {i},ci_credits,{i + 1}\n" for i in range(3000))
    save(where, small)
    seen: list[int] = []
    done = threading.Event()

    def reader():
        while not done.is_set():
            seen.append(len(read(where)))

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(20):
        save(where, large)
        save(where, small)
    done.set()
    thread.join()
    assert set(seen) <= {1, 3000}


def test_a_refused_file_on_disk_raises_with_its_location(tmp_path):
    where = tmp_path / "budgets.csv"
    where.write_bytes(HEADER.encode() + b"org,ci_credits,\xff\n")
    with pytest.raises(BudgetsError) as caught:
        read(str(where))
    assert caught.value.problems[0].startswith("line 2: not UTF-8")
    assert str(where) in str(caught.value)


def test_an_fsspec_url_is_read_and_saved(tmp_path):
    where = "memory://budgets-test/budgets.csv"
    save(where, EXAMPLE)
    assert read(where).rows == parse(EXAMPLE).rows


# ------------------------------------------------------------------ burn against budget


def projection(
    actual: float,
    expected: float,
    low: float,
    high: float,
    settled: int = 20,
    missing: tuple = (),
) -> Projection:
    return Projection(
        month=dt.date(2026, 11, 1),
        through=dt.date(2026, 11, settled),
        days_in_month=30,
        days_settled=settled,
        actual=actual,
        expected=expected,
        low=low,
        high=high,
        level=0.8,
        missing_days=missing,
    )


def test_on_track_when_even_the_high_end_is_near_the_budget():
    s = budgets.status(projection(3100, 4600, 4200, 5000), 5000, unit="USD")
    assert (s.over, s.likely_over) == (False, False)
    assert s.used == pytest.approx(0.62)
    assert (s.budget, s.actual, s.expected, s.low, s.high) == (5000, 3100, 4600, 4200, 5000)
    assert s.sentence == (
        "On track: $3,100 of $5,000 so far (62%); projected $4,600 (80%: $4,200–$5,000)."
    )


def test_an_expected_total_above_the_budget_is_only_likely_not_an_alert():
    s = budgets.status(projection(3100, 5200, 4700, 5700), 5000, unit="USD")
    assert (s.over, s.likely_over) == (False, True)
    assert s.sentence == (
        "Likely to pass the budget: projected $5,200 (80%: $4,700–$5,700), above $5,000; "
        "$3,100 so far (62%)."
    )


def test_a_low_end_above_the_budget_is_the_alert():
    s = budgets.status(projection(3900, 5600, 5200, 6000), 5000, unit="USD")
    assert (s.over, s.likely_over) == (True, True)
    assert s.sentence == (
        "Will pass the budget: projected $5,600 (80%: $5,200–$6,000); even the low end, "
        "$5,200, is above $5,000. $3,900 so far (78%)."
    )
    at_the_line = budgets.status(projection(3900, 5600, 5000, 6000), 5000)
    assert not at_the_line.over  # the low end must pass the budget, not touch it


def test_an_actual_already_above_the_budget_is_over():
    s = budgets.status(projection(5300, 6900, 6500, 7300), 5000, unit="USD")
    assert s.over
    assert s.sentence.startswith("Over budget already: $5,300 of $5,000 so far (106%)")


def test_credits_are_written_as_credits():
    s = budgets.status(projection(116754, 164916, 160234, 169598), 175000, unit="credits")
    assert s.sentence == (
        "On track: 116,754 of 175,000 credits so far (67%); projected 164,916 credits "
        "(80%: 160,234–169,598 credits)."
    )
    bare = budgets.status(projection(116754, 164916, 160234, 169598), 175000)
    assert "$" not in bare.sentence and "116,754 of 175,000" in bare.sentence


def test_a_closed_month_says_where_it_ended():
    s = budgets.status(projection(4800, 4800, 4800, 4800, settled=30), 5000, unit="USD")
    assert s.sentence == "Within budget: the month closed at $4,800 of $5,000 (96%)."
    assert not s.over
    over = budgets.status(projection(5300, 5300, 5300, 5300, settled=30), 5000, unit="USD")
    assert over.over and over.sentence.startswith("Over budget: the month closed at $5,300")


def test_no_budget_says_the_projection_and_never_alerts():
    s = budgets.status(projection(31.5, 45.2, 40, 50.75), None, unit="USD")
    assert (s.over, s.likely_over, s.used, s.budget) == (False, False, None, None)
    assert s.sentence == ("$31.50 so far; projected $45.20 (80%: $40.00–$50.75). No budget set.")


def test_no_projection_says_why_and_still_puts_the_actual_against_the_budget():
    s = budgets.status(None, 5000, actual=1200, unit="USD", why="too little history")
    assert (s.over, s.likely_over, s.expected) == (False, False, None)
    assert s.sentence == "$1,200 of $5,000 so far (24%); no projection (too little history)."
    over = budgets.status(None, 1000, actual=1200, unit="USD")
    assert over.over
    assert over.sentence.startswith("Over budget already: $1,200 of $1,000 so far (120%)")
    alone = budgets.status(None, None)
    assert (alone.over, alone.likely_over, alone.used) == (False, False, None)
    assert alone.sentence == "No projection yet (too little history). No budget set."
    assert budgets.status(None, 5000, unit="USD").sentence == (
        "Budget $5,000; no projection yet (too little history)."
    )


def test_a_budget_that_is_not_positive_is_a_programming_error():
    with pytest.raises(ValueError):
        budgets.status(None, 0)
    with pytest.raises(ValueError):
        budgets.status(None, float("nan"))


def test_a_projection_from_the_forecast_goes_straight_into_a_status():
    days = pd.date_range("2026-09-01", "2026-11-20", freq="D")
    daily = pd.Series([100.0 if d.day_of_week < 5 else 5.0 for d in days], index=days)
    p = forecast.project(daily, dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    s = budgets.status(p, 2000, unit="USD")  # $1,525 so far, $2,145 by the month's end
    assert s.over and "even the low end" in s.sentence
    assert budgets.status(p, 3000, unit="USD").sentence.startswith("On track")
    assert Budget("org", "ci_credits", 1.0, line=3) == Budget("org", "ci_credits", 1.0, line=9)
