"""The alerts table: episodes found once, grown, resolved; budget alerts once a month; delivery
recorded per channel so nothing is sent twice and nothing is lost."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from alerts import lifecycle

NOW = dt.datetime(2026, 11, 10, 6, tzinfo=dt.UTC)
KIND = "person_ai_spend_usd"


def judged(values, flags, first="2026-11-01", subject="ada@example.com", kind=KIND):
    days = pd.date_range(first, periods=len(values))
    return pd.DataFrame(
        {
            "kind": kind,
            "subject": subject,
            "day": days,
            "value": [float(v) for v in values],
            "expected": 2.0,
            "usual_low": 0.0,
            "usual_high": 5.0,
            "anomalous": flags,
        }
    )


def test_consecutive_days_out_of_range_are_one_alert_peaking_on_the_highest_day():
    table = lifecycle.update(None, judged([1, 40, 90, 1], [False, True, True, False]), NOW)
    (alert,) = lifecycle.alerts(table)
    assert (alert.first_day, alert.last_day) == (dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert alert.peak_day == dt.date(2026, 11, 3) and alert.value == 90.0
    assert alert.resolved_on == dt.date(2026, 11, 4) and alert.state == "resolved"
    assert alert.unit == "USD" and alert.times_usual == 45.0


def test_judging_the_same_days_again_finds_nothing_new():
    days = judged([1, 40, 1, 1, 70], [False, True, False, False, True])
    once = lifecycle.update(None, days, NOW)
    twice = lifecycle.update(once, days, NOW + dt.timedelta(days=1))
    assert len(once) == len(twice) == 2
    assert list(once["id"]) == list(twice["id"])


def test_an_open_episode_grows_on_later_runs_and_resolves_on_the_first_day_back_in_range():
    first = lifecycle.update(None, judged([1, 40], [False, True]), NOW)
    assert lifecycle.alerts(first)[0].state == "new"
    later = judged([1, 40, 50, 60, 3], [False, True, True, True, False])
    grown = lifecycle.update(first, later.iloc[:4], NOW)
    (alert,) = lifecycle.alerts(grown)
    assert alert.last_day == dt.date(2026, 11, 4) and alert.value == 60.0
    assert alert.resolved_on is None
    done = lifecycle.update(grown, later, NOW)
    (alert,) = lifecycle.alerts(done)
    assert alert.resolved_on == dt.date(2026, 11, 5)
    assert alert.id == lifecycle.anomaly_id(KIND, "ada@example.com", "2026-11-02")


def test_a_day_with_no_value_neither_resolves_nor_extends_an_episode():
    days = judged([1, 40, float("nan"), 3], [False, True, False, False])
    (alert,) = lifecycle.alerts(lifecycle.update(None, days, NOW))
    assert alert.last_day == dt.date(2026, 11, 2) and alert.resolved_on == dt.date(2026, 11, 4)


def test_each_series_has_its_own_episodes():
    both = pd.concat(
        [
            judged([1, 40], [False, True]),
            judged([1, 40], [False, True], subject="web-app/deploy", kind="pipeline_ci_credits"),
        ]
    )
    table = lifecycle.update(None, both, NOW)
    assert sorted(table["subject"]) == ["ada@example.com", "web-app/deploy"]
    assert set(table["unit"]) == {"USD", "credits"}


def test_delivery_is_recorded_per_channel_and_a_failure_is_kept_for_the_next_run():
    table = lifecycle.update(None, judged([1, 40], [False, True]), NOW)
    ids = list(table["id"])
    table = lifecycle.delivered(table, ids, "webhook", NOW)
    table = lifecycle.delivered(table, ids, "email", NOW, error="connection refused")
    assert lifecycle.pending(table, "webhook").empty
    assert list(lifecycle.pending(table, "email")["id"]) == ids
    assert table["attempts"].iloc[0] == 1 and "connection refused" in table["last_error"].iloc[0]
    assert lifecycle.alerts(table)[0].state == "notified"
    table = lifecycle.delivered(table, ids, "email", NOW + dt.timedelta(days=1))
    assert lifecycle.pending(table, "email").empty


def budget(over: bool, through="2026-11-10", expected=120.0):
    return {
        "scope": "org",
        "measure": "ai_spend_usd",
        "month": dt.date(2026, 11, 1),
        "through": pd.Timestamp(through),
        "over": over,
        "expected": expected,
        "low": 105.0,
        "high": 130.0,
        "budget": 100.0,
        "unit": "USD",
    }


def test_a_budget_alert_is_made_once_a_month_and_resolved_when_no_longer_over():
    assert lifecycle.update_budgets(None, [budget(False)], NOW).empty
    table = lifecycle.update_budgets(None, [budget(True)], NOW)
    again = lifecycle.update_budgets(table, [budget(True, "2026-11-11", 125.0)], NOW)
    (alert,) = lifecycle.alerts(again)
    assert alert.kind == "budget" and alert.measure == "ai_spend_usd"
    assert alert.value == 125.0 and alert.expected == 100.0 and alert.state == "new"
    done = lifecycle.update_budgets(again, [budget(False, "2026-11-12", 95.0)], NOW)
    assert lifecycle.alerts(done)[0].state == "resolved"


def test_a_table_survives_a_parquet_round_trip_with_its_types(tmp_path):
    table = lifecycle.update(None, judged([1, 40], [False, True]), NOW)
    table = lifecycle.delivered(table, list(table["id"]), "webhook", NOW)
    path = tmp_path / "state.parquet"
    table.to_parquet(path, index=False)
    back = lifecycle.typed(pd.read_parquet(path))
    pd.testing.assert_frame_equal(back, lifecycle.typed(table))


def test_a_day_too_new_to_have_a_baseline_does_not_resolve_an_open_episode():
    first = lifecycle.update(None, judged([1, 40], [False, True]), NOW)
    unjudged = judged([1, 40, 2], [False, True, False])
    unjudged.loc[2, ["expected", "usual_low", "usual_high"]] = float("nan")
    (alert,) = lifecycle.alerts(lifecycle.update(first, unjudged, NOW))
    assert alert.resolved_on is None and alert.state == "new"


def test_a_longer_window_finding_an_episodes_earlier_days_grows_it_backwards_not_a_second_alert():
    # sync's first run saw the episode from its window's first day (3 Nov), and sent it
    seen = lifecycle.update(None, judged([40, 50, 45], [True, True, True], first="2026-11-03"), NOW)
    sent = lifecycle.delivered(seen, list(seen["id"]), "webhook", NOW)
    # the page judges a longer window: the same rise began on 1 Nov and peaked on 2 Nov
    longer = judged([1, 30, 80, 40, 50, 45], [False, True, True, True, True, True], "2026-10-31")
    grown = lifecycle.update(sent, longer, NOW)
    (alert,) = lifecycle.alerts(grown)
    assert alert.id == lifecycle.anomaly_id(KIND, "ada@example.com", "2026-11-03")  # kept
    assert (alert.first_day, alert.last_day) == (dt.date(2026, 11, 1), dt.date(2026, 11, 5))
    assert alert.peak_day == dt.date(2026, 11, 2) and alert.value == 80.0
    assert alert.state == "notified"
    assert lifecycle.pending(grown, "webhook").empty  # nothing to send again
    # an earlier episode that ended before the kept one began stays its own alert
    apart = judged([1, 30, 1, 40, 50, 45], [False, True, False, True, True, True], "2026-10-31")
    assert len(lifecycle.update(sent, apart, NOW)) == 2
