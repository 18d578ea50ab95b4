"""Codefresh analytics in the sandbox: auth, report names, the range rules, values, metadata."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from connectors.sandbox import data, keys

BASE = "https://g.codefresh.io/api/analytics"
BAD_TIME = "Passed structure is invalid - [Time dimensions are not supported for target report: {}]"


def get(
    sandbox, report, start=None, end=None, granularity=None, key=keys.CODEFRESH_KEY, ranges=None
):
    params = [("granularity", granularity)] if granularity else []
    params += [("dateRange", d) for d in (ranges if ranges is not None else (start, end))]
    headers = {"Authorization": key} if key else {}
    return sandbox.handle("GET", f"{BASE}/reports/{report}?{urlencode(params)}", headers, b"")


def ok(sandbox, report, start, end, granularity=None) -> dict:
    response = get(sandbox, report, start, end, granularity)
    assert response.status == 200, response.body
    return response.json()


def cents(rows) -> dict:
    """(key, time) -> value in hundredths, whatever the value's JSON type."""
    return {(r["key"], r.get("time")): round(float(r["value"]) * 100) for r in rows}


def test_credit_consumption_by_month(sandbox):
    body = ok(sandbox, "creditConsumption", "2026-01-10", "2026-03-15", "month")
    assert body["timeDimensions"] == {
        "dateRange": ["2026-01-10T00:00:00.000", "2026-03-15T23:59:59.999"],
        "granularity": "month",
    }
    assert {r["key"] for r in body["data"]} == set(data.RESOURCE_CLASSES)
    assert sorted({r["time"] for r in body["data"]}) == [
        "2026-01-01T00:00:00.000",
        "2026-02-01T00:00:00.000",
        "2026-03-01T00:00:00.000",
    ]
    assert all(
        isinstance(r["value"], float) and round(r["value"], 2) == r["value"] for r in body["data"]
    )


def test_month_is_the_sum_of_its_days_in_range(sandbox):
    months = cents(ok(sandbox, "creditConsumption", "2026-01-10", "2026-02-20", "month")["data"])
    first = cents(ok(sandbox, "creditConsumption", "2026-01-10", "2026-02-05", "day")["data"])
    second = cents(ok(sandbox, "creditConsumption", "2026-02-06", "2026-02-20", "day")["data"])
    days = {**first, **second}
    for (key, time), value in months.items():
        month = time[:7]
        assert value == sum(v for (k, t), v in days.items() if k == key and t.startswith(month))


def test_aggregated_is_the_sum_over_the_range(sandbox):
    total = ok(sandbox, "pipelineCreditConsumption", "2026-01-01", "2026-02-14")["data"]
    assert all(set(r) == {"key", "value"} for r in total)  # no time without granularity
    days = cents(
        ok(sandbox, "pipelineCreditConsumption", "2026-01-01", "2026-02-14", "day")["data"]
    )
    for key, value in cents(total).items():
        assert value == sum(v for (k, _), v in days.items() if k == key[0])
    by_class = ok(sandbox, "creditConsumption", "2026-01-01", "2026-02-14")["data"]
    assert sum(cents(by_class).values()) == sum(cents(total).values())


def test_pipeline_values_are_strings_with_two_decimals(sandbox):
    rows = ok(sandbox, "pipelineCreditConsumption", "2026-02-01", "2026-02-10", "day")["data"]
    assert all(isinstance(r["value"], str) and len(r["value"].split(".")[1]) == 2 for r in rows)
    assert {r["key"] for r in rows} <= set(data.PIPELINE_NAMES)
    assert len(data.PIPELINE_NAMES) == 30 and all("/" in name for name in data.PIPELINE_NAMES)


def test_pipeline_builds_is_an_extra_report(sandbox):
    rows = ok(sandbox, "pipelineBuilds", "2026-02-01", "2026-02-10", "day")["data"]
    assert rows and all(isinstance(r["value"], int) and r["value"] > 0 for r in rows)


def test_active_committers_count_the_whole_calendar_month(sandbox):
    rows = ok(sandbox, "activeCommitters", "2025-10-15", "2026-01-14", "month")["data"]
    assert [r["time"][:10] for r in rows] == [
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
    ]
    for row in rows:
        first = date.fromisoformat(row["time"][:10])
        following = (first + timedelta(days=32)).replace(day=1)
        committers = set()
        day = first
        while day < following:
            committers |= data.codefresh_day(day).committers
            day += timedelta(days=1)
        assert row["key"] == "activeCommitters" and row["value"] == len(committers)


@pytest.mark.parametrize(
    "report, granularity, start, end, allowed",
    [
        ("creditConsumption", None, "2026-01-01", "2026-01-01", True),
        ("creditConsumption", None, "2025-03-01", "2026-02-28", True),
        ("creditConsumption", None, "2025-03-01", "2026-03-01", False),  # a year and a day
        ("pipelineCreditConsumption", "month", "2026-01-01", "2026-01-01", True),
        ("pipelineCreditConsumption", "month", "2025-03-15", "2026-03-14", True),
        ("pipelineCreditConsumption", "month", "2025-03-15", "2026-03-15", False),
        ("creditConsumption", "day", "2026-01-01", "2026-01-01", False),  # 1 date: too short
        ("creditConsumption", "day", "2026-01-01", "2026-01-02", True),
        ("creditConsumption", "day", "2026-01-01", "2026-02-14", True),  # 45 dates
        ("creditConsumption", "day", "2026-01-01", "2026-02-15", False),  # 46
        ("pipelineBuilds", "day", "2026-01-01", "2026-02-15", False),
        ("creditConsumption", "week", "2026-01-01", "2026-01-20", False),
        ("creditConsumption", None, "2026-01-02", "2026-01-01", False),  # end before start
        ("activeCommitters", "month", "2025-10-01", "2025-12-31", True),  # exactly 3 months
        ("activeCommitters", "month", "2025-10-01", "2025-12-30", False),
        ("activeCommitters", "month", "2025-03-15", "2026-03-14", True),
        ("activeCommitters", "month", "2025-03-15", "2026-03-15", False),
        ("activeCommitters", None, "2025-10-01", "2026-01-31", False),
        ("activeCommitters", "day", "2026-01-01", "2026-01-31", False),
    ],
)
def test_range_rules(sandbox, report, granularity, start, end, allowed):
    response = get(sandbox, report, start, end, granularity)
    if allowed:
        assert response.status == 200, response.body
    else:
        assert response.status == 400
        assert response.json() == {
            "status": 400,
            "name": "BadRequestError",
            "message": BAD_TIME.format(report),
        }


@pytest.mark.parametrize("ranges", [[], ["2026-01-01"], ["2026-01-01", "2026-01-02", "2026-01-03"]])
def test_date_range_must_be_given_twice(sandbox, ranges):
    response = get(sandbox, "creditConsumption", ranges=ranges)
    assert response.status == 400 and response.json()["message"] == BAD_TIME.format(
        "creditConsumption"
    )


def test_bad_date(sandbox):
    response = get(sandbox, "creditConsumption", "2026-02-30", "2026-03-02")
    assert response.status == 400 and response.json()["message"] == "Invalid date"


def test_invalid_report_name(sandbox):
    response = get(sandbox, "nope", "2026-01-01", "2026-01-02")
    assert response.json() == {
        "status": 400,
        "name": "BadRequestError",
        "message": "Invalid report name",
    }


@pytest.mark.parametrize("key", [None, "wrong", f"Bearer {keys.CODEFRESH_KEY}"])
def test_wrong_key_is_401(sandbox, key):
    response = get(sandbox, "creditConsumption", "2026-01-01", "2026-01-02", key=key)
    assert (response.status, response.json()) == (401, {"message": "Unauthorized"})


def test_limited_key_is_403_on_reports_only(sandbox):
    response = get(
        sandbox, "creditConsumption", "2026-01-01", "2026-01-02", key=keys.CODEFRESH_LIMITED_KEY
    )
    assert response.status == 403
    assert response.json() == {"status": 403, "name": "AuthError", "message": "Permission denied"}
    meta = sandbox.handle(
        "GET", f"{BASE}/metadata", {"Authorization": keys.CODEFRESH_LIMITED_KEY}, b""
    )
    assert meta.status == 200


@pytest.mark.parametrize("start, end", [("2024-01-01", "2024-06-30"), ("2026-03-16", "2026-04-30")])
def test_no_data_is_500(sandbox, start, end):
    response = get(sandbox, "creditConsumption", start, end, "month")
    assert response.status == 500 and response.json()["message"] == "Could not get analytics report"


def test_rows_stop_at_the_data_window(sandbox):
    rows = ok(sandbox, "creditConsumption", "2024-12-20", "2025-01-03", "day")["data"]
    assert sorted({r["time"] for r in rows})[0] == "2025-01-01T00:00:00.000"
    rows = ok(sandbox, "creditConsumption", "2026-03-01", "2026-04-01", "day")["data"]
    assert max(r["time"] for r in rows) == "2026-03-15T00:00:00.000"


def test_metadata(sandbox):
    response = sandbox.handle("GET", f"{BASE}/metadata", {"Authorization": keys.CODEFRESH_KEY}, b"")
    reports = {r["reportName"]: r for r in response.json()["reports"]}
    assert set(reports) == {
        "creditConsumption",
        "pipelineCreditConsumption",
        "activeCommitters",
        "pipelineBuilds",
    }
    for report in reports.values():
        assert set(report) == {
            "reportName",
            "type",
            "description",
            "filters",
            "members",
            "supportedTimeDimensions",
        }
    assert reports["activeCommitters"]["supportedTimeDimensions"] == [
        {
            "granularity": "month",
            "minDateRangeInterval": "3 months",
            "maxDateRangeInterval": "1 year",
        }
    ]
    assert {
        "granularity": "day",
        "minDateRangeInterval": "2 days",
        "maxDateRangeInterval": "45 days",
    } in reports["creditConsumption"]["supportedTimeDimensions"]


def test_credits_grow_with_ai_use(sandbox):
    early = ok(sandbox, "creditConsumption", "2025-01-01", "2025-03-31")["data"]
    late = ok(sandbox, "creditConsumption", "2025-12-01", "2026-02-28")["data"]
    assert sum(cents(late).values()) > 1.4 * sum(cents(early).values())
