"""Builder period label conventions served by fault kinds: the same days, labelled other ways."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from connectors.sandbox import FaultRule, Sandbox, keys

ORG = "/api/v1/orgs/fusion/metrics"
SPACE = "/api/v1/spaces/demo-space-web/fusion/metrics"
COUNTS = ("linesAdded", "linesRemoved", "totalLines", "linesAccepted", "events", "userPrompts")


def rows(sandbox, path=ORG, **params) -> list[dict]:
    headers = {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"}
    response = sandbox.handle("GET", f"https://builder.io{path}?{urlencode(params)}", headers)
    assert response.status == 200, response.body
    return response.json()["data"]


def labels(data) -> list[str]:
    return [row["period"] for row in data]


def totals(data) -> dict:
    return {name: sum(row["metrics"][name] for row in data) for name in COUNTS}


WEEKS = {"startDate": "2026-02-04", "endDate": "2026-03-05", "granularity": "week"}  # Wed..Thu
EXPECTED_WEEK_LABELS = {
    (): ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02"],
    ("weeks_sunday",): ["2026-02-01", "2026-02-08", "2026-02-15", "2026-02-22", "2026-03-01"],
    ("labels_last_day",): ["2026-02-08", "2026-02-15", "2026-02-22", "2026-03-01", "2026-03-08"],
    ("labels_range_start",): [
        "2026-02-04",
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
        "2026-03-02",
    ],
    ("labels_mid_period",): ["2026-02-05", "2026-02-12", "2026-02-19", "2026-02-26", "2026-03-05"],
    ("weeks_sunday", "labels_range_start"): [
        "2026-02-04",
        "2026-02-08",
        "2026-02-15",
        "2026-02-22",
        "2026-03-01",
    ],
    ("weeks_sunday", "labels_last_day"): [
        "2026-02-07",
        "2026-02-14",
        "2026-02-21",
        "2026-02-28",
        "2026-03-07",
    ],
}


@pytest.mark.parametrize("kinds", EXPECTED_WEEK_LABELS, ids=lambda k: "+".join(k) or "plain")
def test_week_labels_follow_the_convention_and_every_day_is_served_once(sandbox, kinds):
    plain = rows(sandbox, **WEEKS)
    for kind in kinds:
        sandbox.add_fault(FaultRule(kind, vendor="builder"))
    got = rows(sandbox, **WEEKS)
    assert labels(got) == EXPECTED_WEEK_LABELS[kinds]
    assert totals(got) == totals(plain)
    assert all(set(row["metrics"]) == set(plain[0]["metrics"]) for row in got)


def test_sunday_weeks_hold_sunday_to_saturday(sandbox):
    days = rows(sandbox, startDate="2026-02-08", endDate="2026-02-14")  # Sun..Sat, by day
    sandbox.add_fault(FaultRule("weeks_sunday", vendor="builder"))
    week = rows(sandbox, startDate="2026-02-04", endDate="2026-03-05", granularity="week")[1]
    assert week["period"] == "2026-02-08"
    assert {k: week["metrics"][k] for k in COUNTS} == totals(days)


@pytest.mark.parametrize(
    "kind,granularity,expected",
    [
        ("labels_last_day", "month", ["2025-11-30", "2025-12-31", "2026-01-31"]),
        ("labels_range_start", "month", ["2025-11-18", "2025-12-01", "2026-01-01"]),
        ("labels_mid_period", "month", ["2025-11-15", "2025-12-15", "2026-01-15"]),
        ("weeks_sunday", "month", ["2025-11-01", "2025-12-01", "2026-01-01"]),
        ("labels_last_day", "quarter", ["2025-12-31", "2026-03-31"]),
        ("labels_range_start", "quarter", ["2025-11-18", "2026-01-01"]),
        ("labels_mid_period", "quarter", ["2025-11-15", "2026-02-15"]),
    ],
)
def test_month_and_quarter_labels(sandbox, kind, granularity, expected):
    params = {"startDate": "2025-11-18", "endDate": "2026-01-10", "granularity": granularity}
    plain = rows(sandbox, **params)
    sandbox.add_fault(FaultRule(kind, vendor="builder"))
    got = rows(sandbox, **params)
    assert labels(got) == expected
    assert [row["metrics"] for row in got] == [row["metrics"] for row in plain]


def test_space_metrics_are_relabelled_too_and_days_are_untouched(sandbox):
    plain = rows(sandbox, SPACE, **WEEKS)
    day_params = {"startDate": "2026-02-04", "endDate": "2026-02-10"}
    days = rows(sandbox, SPACE, **day_params)
    sandbox.add_fault(FaultRule("weeks_sunday", vendor="builder"))
    got = rows(sandbox, SPACE, **WEEKS)
    assert labels(got) == EXPECTED_WEEK_LABELS[("weeks_sunday",)]
    assert sum(r["metrics"]["tokens"]["total"] for r in got) == sum(
        r["metrics"]["tokens"]["total"] for r in plain
    )
    assert rows(sandbox, SPACE, **day_params) == days  # day rows are days under any convention


def test_a_range_past_today_is_served_up_to_today(sandbox):
    # conftest's today is Sunday 2026-03-15: the Sunday week of Mar 15 holds that day only.
    params = {"startDate": "2026-03-02", "endDate": "2026-03-31", "granularity": "week"}
    plain = rows(sandbox, **params)
    sandbox.add_fault(FaultRule("weeks_sunday", vendor="builder"))
    got = rows(sandbox, **params)
    assert labels(got) == ["2026-03-01", "2026-03-08", "2026-03-15"]
    assert totals(got) == totals(plain)
    only_today = rows(sandbox, startDate="2026-03-15", endDate="2026-03-15")
    assert got[-1]["metrics"]["events"] == only_today[0]["metrics"]["events"]


def test_label_kinds_compose_with_row_faults_and_leave_other_vendors_alone(sandbox):
    sandbox.add_fault(FaultRule("weeks_sunday"))
    sandbox.add_fault(FaultRule("drift_strings", vendor="builder"))
    got = rows(sandbox, **WEEKS)
    assert labels(got) == EXPECTED_WEEK_LABELS[("weeks_sunday",)]
    assert isinstance(got[0]["metrics"]["events"], str)
    codefresh = sandbox.handle(
        "GET",
        "https://g.codefresh.io/api/analytics/reports/creditConsumption"
        "?granularity=month&dateRange=2026-01-01&dateRange=2026-02-28",
        {"Authorization": keys.CODEFRESH_KEY},
    )
    assert codefresh.status == 200
    assert "weeks_sunday" in sandbox.requests[-1].faults


def test_label_kinds_are_known_fault_kinds():
    for kind in ("weeks_sunday", "labels_last_day", "labels_range_start", "labels_mid_period"):
        assert FaultRule.from_dict({"kind": kind, "vendor": "builder"}).kind == kind


def test_relabelled_answers_come_from_the_sandboxs_own_organisation(sandbox):
    other = Sandbox(today=sandbox.today, seed=7)
    plain = rows(other, **WEEKS)
    assert totals(plain) != totals(rows(sandbox, **WEEKS))
    other.add_fault(FaultRule("weeks_sunday", vendor="builder"))
    assert totals(rows(other, **WEEKS)) == totals(plain)
