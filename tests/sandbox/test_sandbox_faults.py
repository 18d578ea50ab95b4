"""Fault rules: matching (vendor, path, after, times), each kind once, and the request log."""

from __future__ import annotations

import json

import pytest

from connectors.sandbox import FaultRule, keys

BUILDER = (
    "GET",
    "https://builder.io/api/v1/orgs/fusion/metrics?startDate=2026-02-02&endDate=2026-02-04",
    {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    b"",
)
DAILY = (
    "POST",
    "https://api.firebender.com/v2/organization/daily-usage-data",
    {"X-API-Key": keys.FIREBENDER_KEY},
    b'{"startDate":1770076800000,"endDate":1770249599999}',
)
CODEFRESH = (
    "GET",
    "https://g.codefresh.io/api/analytics/reports/pipelineCreditConsumption"
    "?granularity=day&dateRange=2026-02-02&dateRange=2026-02-04",
    {"Authorization": keys.CODEFRESH_KEY},
    b"",
)
CALLS = {"builder": BUILDER, "firebender": DAILY, "codefresh": CODEFRESH}


def model_requests(cursor=None, limit=50):
    body = {"startDate": 1770076800000, "endDate": 1770249599999, "limit": limit}
    if cursor:
        body["cursor"] = cursor
    return (
        "POST",
        "https://api.firebender.com/v2/organization/model-requests",
        {"X-API-Key": keys.FIREBENDER_KEY},
        json.dumps(body).encode(),
    )


def test_rules_match_by_vendor_path_after_and_times(sandbox):
    sandbox.add_fault(FaultRule("500", vendor="codefresh", after=1, times=2))
    sandbox.add_fault(FaultRule("503", path_contains="/spaces/"))
    statuses = [sandbox.handle(*CODEFRESH).status for _ in range(5)]
    assert statuses == [200, 500, 500, 200, 200]
    assert sandbox.handle(*BUILDER).status == 200  # neither rule matches the org path
    assert sandbox.handle(*DAILY).status == 200
    space = ("GET", BUILDER[1].replace("orgs/fusion", "spaces/demo-space-web/fusion"), *BUILDER[2:])
    assert sandbox.handle(*space).status == 503
    sandbox.clear_faults()
    assert sandbox.handle(*space).status == 200 and sandbox.faults == []


def test_rule_validation():
    with pytest.raises(ValueError):
        FaultRule("teapot")
    with pytest.raises(ValueError):
        FaultRule("500", vendor="github")
    with pytest.raises(ValueError):
        FaultRule.from_dict({"kind": "500", "colour": "red"})
    assert FaultRule.from_dict({"kind": "429", "times": 1}).to_dict()["times"] == 1


@pytest.mark.parametrize("vendor", ["builder", "firebender", "codefresh"])
def test_429_has_retry_after_and_the_vendor_body(sandbox, vendor):
    sandbox.add_fault(FaultRule("429", vendor=vendor, times=1))
    response = sandbox.handle(*CALLS[vendor])
    assert response.status == 429 and response.headers["Retry-After"] == "1"
    body = response.json()
    assert ("message" if vendor == "codefresh" else "error") in body
    assert sandbox.handle(*CALLS[vendor]).status == 200


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_errors(sandbox, kind):
    sandbox.add_fault(FaultRule(kind, retry_after=2))
    response = sandbox.handle(*BUILDER)
    assert response.status == int(kind) and response.headers["Retry-After"] == "2"
    assert "error" in response.json()


def test_432_pending(sandbox):
    sandbox.add_fault(FaultRule("432", vendor="codefresh"))
    response = sandbox.handle(*CODEFRESH)
    assert response.status == 432
    assert response.json() == {
        "status": 432,
        "name": "ReportExecutionError",
        "message": "analytics report not finished yet",
    }


def test_html_error_page(sandbox):
    sandbox.add_fault(FaultRule("html"))
    response = sandbox.handle(*DAILY)
    assert response.status == 502 and response.headers["Content-Type"].startswith("text/html")
    assert response.body.startswith(b"<html>")


def test_slow_drop_and_truncate_are_left_to_the_transport(sandbox):
    sandbox.add_fault(FaultRule("slow", seconds=2.5, times=1))
    sandbox.add_fault(FaultRule("drop", after=1, times=1))
    sandbox.add_fault(FaultRule("truncate", after=2, times=1))
    slow, dropped, truncated = (sandbox.handle(*BUILDER) for _ in range(3))
    assert slow.status == 200 and slow.delay == 2.5
    assert dropped.drop and [r.status for r in sandbox.requests][1] is None
    assert len(truncated.body) == int(truncated.headers["Content-Length"]) // 2 > 0
    assert [r.faults for r in sandbox.requests] == [("slow",), ("drop",), ("truncate",)]


def rows_of(sandbox, call, kind):
    clean = sandbox.handle(*call).json()["data"]
    sandbox.add_fault(FaultRule(kind, times=1))
    return clean, sandbox.handle(*call).json()["data"]


@pytest.mark.parametrize(
    "vendor, missing",
    [("builder", "linesAccepted"), ("firebender", "agentPrompts"), ("codefresh", "value")],
)
def test_drift_missing(sandbox, vendor, missing):
    clean, drifted = rows_of(sandbox, CALLS[vendor], "drift_missing")
    assert len(clean) == len(drifted)
    for row in drifted:
        assert missing not in row.get("metrics", row)


def test_drift_extra(sandbox):
    clean, drifted = rows_of(sandbox, DAILY, "drift_extra")
    assert [
        {k: v for k, v in row.items() if k != "sandboxUnexpectedField"} for row in drifted
    ] == clean
    assert all("sandboxUnexpectedField" in row for row in drifted)


def test_drift_strings(sandbox):
    clean, drifted = rows_of(sandbox, BUILDER, "drift_strings")
    assert drifted[0]["metrics"]["linesAdded"] == str(clean[0]["metrics"]["linesAdded"])
    assert drifted[0]["metrics"]["spaces"][0]["totalLines"] == str(
        clean[0]["metrics"]["spaces"][0]["totalLines"]
    )


def test_drift_nulls(sandbox):
    clean, drifted = rows_of(sandbox, DAILY, "drift_nulls")
    nulls = [k for row in drifted for k, v in row.items() if v is None]
    assert nulls and "date" not in nulls and "email" not in nulls
    assert all(row["date"] == c["date"] for row, c in zip(drifted, clean, strict=True))


def test_empty(sandbox):
    clean, drifted = rows_of(sandbox, CODEFRESH, "empty")
    assert clean and drifted == []


@pytest.mark.parametrize("vendor", ["builder", "firebender", "codefresh"])
def test_overlap_adds_the_day_before(sandbox, vendor):
    clean, drifted = rows_of(sandbox, CALLS[vendor], "overlap")
    assert drifted[-len(clean) :] == clean
    before = drifted[: len(drifted) - len(clean)]
    assert before
    label, day_before = {
        "builder": ("period", "2026-02-01"),
        "firebender": ("date", 1769990400000),
        "codefresh": ("time", "2026-02-01T00:00:00.000"),
    }[vendor]
    assert {row[label] for row in before} == {day_before}


def test_overlap_on_model_requests(sandbox):
    clean = sandbox.handle(*model_requests(limit=500)).json()["data"]
    sandbox.add_fault(FaultRule("overlap", vendor="firebender", times=1))
    drifted = sandbox.handle(*model_requests(limit=500)).json()["data"]
    assert drifted[0]["timestamp"] < "2026-02-03" <= clean[0]["timestamp"]


def test_repeat_cursor(sandbox):
    first = sandbox.handle(*model_requests()).json()
    sandbox.add_fault(FaultRule("repeat_cursor", vendor="firebender"))
    second = sandbox.handle(*model_requests(first["nextCursor"])).json()
    assert second["nextCursor"] == first["nextCursor"]
    assert second["data"] != first["data"]  # the page itself is the real next page


def test_faults_never_touch_cached_rows(sandbox):
    sandbox.add_fault(FaultRule("drift_strings", times=1))
    sandbox.handle(*model_requests())
    assert isinstance(sandbox.handle(*model_requests()).json()["data"][0]["inputTokens"], int)


def test_request_log(sandbox):
    sandbox.handle(*CODEFRESH)
    sandbox.handle(*model_requests())
    sandbox.handle("GET", "https://example.com/nowhere", {}, b"")
    first, second, third = sandbox.requests
    assert (first.vendor, first.method, first.path, first.status) == (
        "codefresh",
        "GET",
        "/api/analytics/reports/pipelineCreditConsumption",
        200,
    )
    assert first.query == {"granularity": ["day"], "dateRange": ["2026-02-02", "2026-02-04"]}
    assert second.json["limit"] == 50 and second.vendor == "firebender" and second.query == {}
    assert (third.vendor, third.status) == (None, 404)
    assert sandbox.request_log()[0]["query"]["dateRange"] == ["2026-02-02", "2026-02-04"]
    sandbox.clear_requests()
    assert sandbox.requests == []


@pytest.mark.parametrize(
    "vendor, field", [("builder", "linesAccepted"), ("firebender", "agentPrompts")]
)
def test_drift_type_sends_a_documented_number_as_text_that_is_not_one(sandbox, vendor, field):
    clean, drifted = rows_of(sandbox, CALLS[vendor], "drift_type")
    assert len(clean) == len(drifted)
    assert all(row.get("metrics", row)[field] == "n/a" for row in drifted)
