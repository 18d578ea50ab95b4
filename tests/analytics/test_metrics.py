"""The overview's joins and derived metrics, on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from analytics import metrics

D = dt.date
NS = "datetime64[ns]"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def daily(rows) -> pd.DataFrame:
    """Firebender daily-usage rows: (day, email, agent_prompts, inline_edits, autocomplete_accepts,
    agent_lines, inline_lines)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "date",
            "email",
            "agent_prompts",
            "inline_edits",
            "autocomplete_accepts",
            "agent_accepted_lines_added",
            "inline_accepted_lines_added",
        ],
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype(NS)
    for column in frame.columns[2:]:
        frame[column] = frame[column].astype("Int64")
    return frame


def test_periods_cover_the_range_and_flag_partial_ones():
    table = metrics.periods(D(2026, 3, 4), D(2026, 3, 22), "week")  # Wed .. Sun
    assert table["period"].tolist() == [ts("2026-03-02"), ts("2026-03-09"), ts("2026-03-16")]
    assert table["period_end"].tolist() == [ts("2026-03-08"), ts("2026-03-15"), ts("2026-03-22")]
    assert table["complete"].tolist() == [False, True, True]
    assert str(table["period"].dtype) == NS


@pytest.mark.parametrize(
    "granularity, expected",
    [
        ("day", "2026-03-18"),
        ("week", "2026-03-16"),
        ("month", "2026-03-01"),
        ("quarter", "2026-01-01"),
    ],
)
def test_floor_periods(granularity, expected):
    times = pd.Series(pd.to_datetime(["2026-03-18 13:45"]))
    assert metrics.floor_periods(times, granularity).tolist() == [ts(expected)]
    aware = pd.Series(pd.to_datetime(["2026-03-18T13:45:00Z"]))
    assert metrics.floor_periods(aware, granularity).tolist() == [ts(expected)]


def test_next_period_and_snap():
    assert metrics.next_period(D(2026, 12, 15), "month") == D(2027, 1, 1)
    assert metrics.next_period(D(2026, 11, 30), "quarter") == D(2027, 1, 1)
    assert metrics.snap_start(D(2026, 3, 18), "week") == D(2026, 3, 16)


def test_firebender_active_users_count_people_who_used_ai_not_just_opened_the_ide():
    usage = daily(
        [
            ("2026-03-16", "a@x", 3, 0, 0, 10, 0),
            ("2026-03-17", "a@x", 0, 1, 0, 0, 2),  # same person, same week: counted once
            ("2026-03-17", "b@x", 0, 0, 0, 0, 0),  # IDE opened only: not active
            ("2026-03-23", "b@x", 0, 0, 5, 0, 0),  # autocomplete accepts count
        ]
    )
    index = metrics.periods(D(2026, 3, 16), D(2026, 3, 29), "week")
    out = metrics.firebender_by_period(usage, index, "week")
    assert out["firebender_active_users"].tolist() == [1.0, 1.0]
    assert out["firebender_agent_prompts"].tolist() == [3.0, 0.0]
    assert out["firebender_accepted_lines"].tolist() == [12.0, 0.0]
    assert out["firebender_autocomplete_accepts"].tolist() == [0.0, 5.0]


def _inputs():
    builder = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02", "2026-03-09"]).astype(NS),
            "users": pd.array([4, 6], dtype="Int64"),
            "user_prompts": pd.array([40, 60], dtype="Int64"),
            "lines_accepted": pd.array([100, 300], dtype="Int64"),
        }
    )
    usage = daily(
        [
            ("2026-03-03", "a@x", 2, 0, 0, 50, 0),
            ("2026-03-10", "a@x", 2, 0, 0, 30, 0),
            ("2026-03-11", "b@x", 1, 0, 0, 20, 0),
        ]
    )
    credits = pd.DataFrame(
        {
            "key": ["small", "large", "small"],
            "period": pd.to_datetime(["2026-03-03", "2026-03-03", "2026-03-12"]).astype(NS),
            "value": [10.0, 30.0, 80.0],
        }
    )
    requests = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-03-03T10:00Z", "2026-03-12T23:59Z"]),
            "cost_usd": [1.5, 2.5],
        }
    )
    return metrics.OverviewInputs(
        builder=builder, firebender=usage, requests=requests, credits=credits
    )


def test_overview_table_joins_every_vendor_per_period():
    table = metrics.overview_table(
        _inputs(), D(2026, 3, 2), D(2026, 3, 15), "week", ai_source="firebender", usd_per_credit=0.5
    )
    assert table["period"].tolist() == [ts("2026-03-02"), ts("2026-03-09")]
    assert table["builder_users"].tolist() == [4.0, 6.0]
    assert table["firebender_active_users"].tolist() == [1.0, 2.0]
    assert table["ai_active_developers"].tolist() == [1.0, 2.0]
    assert table["ci_credits"].tolist() == [40.0, 80.0]
    assert table["ci_spend_usd"].tolist() == [20.0, 40.0]
    assert table["model_spend_usd"].tolist() == [1.5, 2.5]
    assert table["ai_accepted_lines"].tolist() == [150.0, 350.0]
    assert table["credits_per_ai_developer"].tolist() == [40.0, 40.0]
    assert table["credits_per_accepted_line"].tolist() == pytest.approx([40 / 150, 80 / 350])
    assert table["ai_share_of_spend"].tolist() == pytest.approx([1.5 / 21.5, 2.5 / 42.5])
    # committers exist per month only: not at week granularity, never interpolated
    assert "active_committers" not in table and "ai_adoption_rate" not in table


def _committers(*values):
    months = ["2026-02-01", "2026-03-01", "2026-04-01"][: len(values)]
    return pd.DataFrame(
        {
            "key": ["activeCommitters"] * len(values),
            "period": pd.to_datetime(months).astype(NS),
            "value": list(values),
        }
    )


def test_ai_source_both_counts_each_person_once_never_the_two_added():
    # Firebender 1 and 2 people, Builder.io 4 and 6 users (the two added: 5 and 8).
    inputs = _inputs()
    inputs.committers = _committers(10.0, 10.0)
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "both")
    # F + B - F x B / N with N = 10 committers: 1 + 4 - 0.4, 2 + 6 - 1.2
    assert table["ai_active_developers"].tolist() == pytest.approx([4.6, 6.8])
    # Fewer committers than a tool's users: N is the larger tool's count, so the estimate is
    # never below either tool's own count, nor above the two added.
    inputs.committers = _committers(10.0, 4.0)
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "both")
    assert table["ai_active_developers"].tolist() == pytest.approx([4.0, 6.0])
    assert set(table[metrics.COUNTED_COLUMN]) == {metrics.COUNTED_EITHER}
    assert not metrics.fallen_back(table)


def test_ai_source_both_without_committers_counts_firebender_only_and_says_so():
    # Without the committers the estimate cannot be made: never the two added (5 and 8), never
    # blank; Firebender's own users (1 and 2, a lower bound), the table naming the measure.
    inputs = _inputs()
    inputs.committers = None
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "both")
    assert table["ai_active_developers"].tolist() == [1.0, 2.0]
    assert metrics.fallen_back(table)
    assert metrics.counted_from(table).startswith("Firebender's active users only")
    assert "Codefresh's committers are unavailable" in metrics.counted_from(table)
    assert table["credits_per_ai_developer"].tolist() == [40.0, 40.0]
    # one finished period without committers: the whole table counts one measure, not a mix
    inputs.committers = _committers(10.0)  # February's only: March's weeks lack them
    table = metrics.overview_table(inputs, D(2026, 2, 23), D(2026, 3, 15), "week", "both")
    assert metrics.fallen_back(table)
    assert table["ai_active_developers"].tolist()[-2:] == [1.0, 2.0]
    # Builder.io's users unknown in a finished period: the same fallback, naming Builder.io
    inputs = _inputs()
    inputs.committers = _committers(10.0, 10.0)
    inputs.builder = None  # as the overview's loads leave it when Builder.io fails
    inputs.failed = frozenset({"builder"})
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "both")
    assert table["ai_active_developers"].tolist() == [1.0, 2.0]
    assert "Builder.io's users are unavailable" in metrics.counted_from(table)
    # one tool's own source: no such column (the source names what is counted)
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "firebender")
    assert metrics.counted_from(table) is None


def test_ai_source_both_an_unfinished_period_without_committers_keeps_the_estimate():
    # The running week lacks committers (April's not counted yet): the finished ones have
    # them, so the estimate stands and the running week alone is unknown.
    inputs = _inputs()
    inputs.committers = _committers(10.0, 10.0)
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 4, 1), "week", "both")
    assert not metrics.fallen_back(table)
    assert table["ai_active_developers"].tolist()[:2] == pytest.approx([4.6, 6.8])
    assert pd.isna(table["ai_active_developers"].iloc[-1])


def test_ai_source_both_with_one_tool_not_loaded_is_the_other_one():
    inputs = _inputs()
    inputs.builder = None
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week", "both")
    assert table["ai_active_developers"].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        metrics.overview_table(_inputs(), D(2026, 3, 2), D(2026, 3, 15), "week", "nobody")


def test_a_vendor_not_loaded_is_na_and_a_quiet_period_is_zero():
    inputs = _inputs()
    inputs.builder = None
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 22), "week")
    assert table["builder_users"].isna().all()
    assert table["firebender_active_users"].tolist() == [1.0, 2.0, 0.0]  # loaded, no activity
    assert np.isnan(table["credits_per_ai_developer"].iloc[2])  # no division by zero


def test_model_spend_before_the_first_day_with_requests_is_unknown_not_zero():
    inputs = _inputs()
    inputs.requests_from = D(2026, 3, 9)
    table = metrics.overview_table(inputs, D(2026, 3, 2), D(2026, 3, 15), "week")
    assert np.isnan(table["model_spend_usd"].iloc[0])
    assert table["model_spend_usd"].iloc[1] == 2.5


def test_monthly_table_has_committers_and_the_adoption_rate():
    inputs = _inputs()
    inputs.committers = pd.DataFrame(
        {
            "key": ["activeCommitters"] * 2,
            "period": pd.to_datetime(["2026-02-01", "2026-03-01"]).astype(NS),
            "value": [3.0, 4.0],
        }
    )
    monthly = metrics.monthly_table(inputs, D(2026, 3, 1), D(2026, 3, 31), "firebender")
    assert monthly["period"].tolist() == [ts("2026-03-01")]
    assert monthly["active_committers"].tolist() == [4.0]
    assert monthly["ai_adoption_rate"].tolist() == [0.5]  # 2 AI-active of 4 committers


def test_kpis_compare_the_latest_whole_period_with_the_one_before():
    table = metrics.overview_table(_inputs(), D(2026, 3, 2), D(2026, 3, 18), "week")
    assert table["complete"].tolist() == [True, True, False]
    [kpi] = metrics.kpis(table, ["ci_credits"], "week")
    assert (kpi.value, kpi.previous) == (80.0, 40.0)
    assert kpi.period == ts("2026-03-09") and kpi.previous_period == ts("2026-03-02")
    assert kpi.delta == 40.0 and kpi.delta_pct == 1.0
    assert kpi.definition == metrics.definition("ci_credits") and kpi.definition


def test_correlation_finds_the_lag():
    index = metrics.periods(D(2026, 1, 5), D(2026, 3, 29), "week")  # 12 whole weeks
    x = np.array([1, 4, 2, 8, 5, 7, 3, 9, 6, 2, 5, 8], dtype=float)
    table = index.assign(ai_active_developers=x, ci_credits=np.roll(x, 2) * 10)
    at_lag = metrics.correlation(table, "ai_active_developers", "ci_credits", lag=2)
    assert at_lag.r == pytest.approx(1.0)
    assert at_lag.n == 10
    assert at_lag.pairs["y_period"].iloc[0] == index["period"].iloc[2]
    assert abs(metrics.correlation(table, "ai_active_developers", "ci_credits", 0).r) < 0.9
    assert metrics.max_lag(table) == 6


def test_correlation_leaves_out_partial_periods_and_says_when_it_cannot_answer():
    index = metrics.periods(D(2026, 1, 7), D(2026, 1, 28), "week")  # first and last partial
    table = index.assign(
        ai_active_developers=[1.0, 2.0, 3.0, 4.0], ci_credits=[10.0, 20.0, 35.0, 40.0]
    )
    result = metrics.correlation(table, "ai_active_developers", "ci_credits")
    assert result.n == 2 and result.r is None and "at least 3" in result.note
    flat = index.assign(complete=True, ai_active_developers=1.0, ci_credits=[1.0, 2.0, 3.0, 4.0])
    assert "does not vary" in metrics.correlation(flat, "ai_active_developers", "ci_credits").note
    with pytest.raises(ValueError):
        metrics.lagged_pairs(table, "ai_active_developers", "ci_credits", lag=-1)


def test_strength_words():
    assert metrics.strength(0.9) == "very strong positive"
    assert metrics.strength(-0.5) == "moderate negative"
    assert metrics.strength(0.1) == "very weak"
    assert metrics.strength(None) == "unknown"


def test_every_overview_column_has_a_definition():
    table = metrics.overview_table(_inputs(), D(2026, 3, 1), D(2026, 3, 31), "month")
    for column in table.columns:
        if column not in ("period", "period_end", "complete"):
            assert metrics.definition(column), column


def test_acceptance_rates_and_leaderboard():
    usage = daily([("2026-03-16", "a@x", 4, 2, 1, 10, 1), ("2026-03-17", "b@x", 0, 0, 0, 0, 0)])
    usage["agent_accepts"] = pd.array([2, 0], dtype="Int64")
    usage["agent_full_accepts"] = pd.array([1, 0], dtype="Int64")
    usage["inline_edit_accepts"] = pd.array([1, 0], dtype="Int64")
    usage["autocomplete_shown"] = pd.array([4, 0], dtype="Int64")
    rates = metrics.overall_rates(usage).set_index("key")["value"]
    assert rates["agent_accept_rate"] == 0.5
    assert rates["agent_full_accept_rate"] == 0.25
    assert rates["inline_accept_rate"] == 0.5
    assert rates["autocomplete_accept_rate"] == 0.25
    board = metrics.leaderboard(usage)
    assert board["email"].tolist() == ["a@x", "b@x"]
    assert board["active_days"].tolist() == [1, 0]
    assert board["accepted_lines"].tolist() == [11.0, 0.0]
    assert np.isnan(board["agent_accept_rate"].iloc[1])
    per_week = metrics.acceptance_rates(usage, "week", D(2026, 3, 16), D(2026, 3, 22))
    assert set(per_week["key"]) == set(metrics.RATES)


def test_requests_breakdown_and_tokens():
    requests = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(
                ["2026-03-16T10:00Z", "2026-03-17T10:00Z", "2026-03-24T10:00Z"]
            ),
            "email": ["a@x", "b@x", "a@x"],
            "model": pd.Categorical(["m1", "m2", "m1"]),
            "input_tokens": [1, 2, 3],
            "output_tokens": [10, 20, 30],
            "cache_read_tokens": [0, 0, 0],
            "cache_write_tokens": [5, 5, 5],
            "total_tokens": [16, 27, 38],
            "cost_usd": [1.0, 3.0, 2.0],
        }
    )
    by_model = metrics.requests_breakdown(requests, "model")
    assert by_model["model"].tolist() == ["m1", "m2"]
    assert by_model["requests"].tolist() == [2, 1]
    assert by_model["cost_share"].tolist() == pytest.approx([0.5, 0.5])
    tokens = metrics.tokens_by_period(requests, "week")
    week1 = tokens[tokens["period"] == ts("2026-03-16")].set_index("kind")["tokens"]
    assert week1["Input"] == 3 and week1["Output"] == 30 and week1["Cache write"] == 10
    people = metrics.requests_by_person(requests).set_index("email")
    assert people.loc["a@x", "model_requests"] == 2 and people.loc["a@x", "cost_usd"] == 3.0


def test_keep_top_merges_the_rest_into_other():
    frame = pd.DataFrame(
        {
            "period": [ts("2026-03-02")] * 4,
            "space_name": ["a", "b", "c", "d"],
            "lines_accepted": [40.0, 30.0, 20.0, 10.0],
        }
    )
    out = metrics.keep_top(frame, "space_name", "lines_accepted", n=2)
    assert dict(zip(out["space_name"], out["lines_accepted"])) == {
        "a": 40.0,
        "b": 30.0,
        "Other": 30.0,
    }
    assert metrics.top_n(frame, "space_name", "lines_accepted", n=2)["space_name"].tolist() == [
        "a",
        "b",
    ]


def test_filter_frame_by_dates_and_dimensions():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]).astype(NS),
            "email": ["a", "b", "a"],
            "n": [1, 2, 3],
        }
    )
    out = metrics.filter_frame(frame, "date", D(2026, 3, 2), D(2026, 3, 3), {"email": ["a"]})
    assert out["n"].tolist() == [3]
    assert_frame_equal(metrics.filter_frame(frame, None, None, None, {"email": []}), frame)
    aware = frame.assign(date=frame["date"].dt.tz_localize("UTC"))
    assert len(metrics.filter_frame(aware, "date", D(2026, 3, 3), D(2026, 3, 3), {})) == 1


def test_committers_table_marks_the_running_month():
    committers = pd.DataFrame(
        {"period": pd.to_datetime(["2026-02-01", "2026-03-01"]).astype(NS), "value": [5.0, 6.0]}
    )
    out = metrics.committers_table(committers, D(2026, 3, 15))
    assert out["complete"].tolist() == [True, False]
    assert_series_equal(out["active_committers"], pd.Series([5.0, 6.0], name="active_committers"))


def test_correlation_without_one_vendor_says_so():
    index = metrics.periods(D(2026, 1, 5), D(2026, 3, 29), "week")
    table = index.assign(ai_active_developers=1.0, ci_credits=np.nan)
    result = metrics.correlation(table, "ai_active_developers", "ci_credits")
    assert result.r is None and "No CI credits" in result.note


def test_a_period_that_holds_today_is_not_complete():
    week = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert not metrics.periods(*week, "week", today=dt.date(2026, 11, 22))["complete"].any()
    assert metrics.periods(*week, "week", today=dt.date(2026, 11, 23))["complete"].all()


def test_builder_and_firebender_name_cache_reads_alike():
    # Builder.io's cacheInput and Firebender's cacheReadTokens are the same thing: one name.
    space = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-16"]),
            "tokens_input": [3],
            "tokens_output": [30],
            "tokens_cache_write": [10],
            "tokens_cache_input": [300],
        }
    )
    builder = set(metrics.space_tokens(space)["kind"])
    assert (
        builder
        == set(metrics.TOKEN_KINDS.values())
        == {
            "Input",
            "Output",
            "Cache read",
            "Cache write",
        }
    )
