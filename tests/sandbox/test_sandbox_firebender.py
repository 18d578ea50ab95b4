"""Firebender in the sandbox: auth, body rules, daily usage, model requests and cursor paging."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.sandbox import Sandbox, data, keys

DAILY = "https://api.firebender.com/v2/organization/daily-usage-data"
REQUESTS = "https://api.firebender.com/v2/organization/model-requests"
DAY = 86_400_000
JAN_1 = 1767225600000  # 2026-01-01T00:00Z
CUTOFF = 1767139200000  # 2025-12-31T00:00Z
DAILY_FIELDS = {
    "date",
    "ideOpened",
    "agentPrompts",
    "agentAccepts",
    "agentFullAccepts",
    "agentAcceptedLinesAdded",
    "agentAcceptedLinesRemoved",
    "inlineEdits",
    "inlineEditAccepts",
    "inlineAcceptedLinesAdded",
    "inlineAcceptedLinesRemoved",
    "autocompleteAccepts",
    "autocompleteShown",
    "autocompleteAcceptedCharactersAdded",
    "autocompleteAcceptedCharactersRemoved",
    "email",
}
REQUEST_FIELDS = {
    "requestId",
    "timestamp",
    "email",
    "model",
    "inputTokens",
    "cacheReadTokens",
    "outputTokens",
    "cacheWriteTokens",
    "totalTokens",
    "costUsd",
    "spendType",
    "mode",
}


def ms(moment: str) -> int:
    """Epoch ms of "YYYY-MM-DD" or an ISO timestamp (UTC)."""
    return round(datetime.fromisoformat(moment).replace(tzinfo=UTC).timestamp() * 1000)


def post(sandbox, url, body, headers=None):
    headers = {"X-API-Key": keys.FIREBENDER_KEY} if headers is None else headers
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return sandbox.handle("POST", url, {"Content-Type": "application/json", **headers}, raw)


def ok(sandbox, url, body, headers=None) -> dict:
    response = post(sandbox, url, body, headers)
    assert response.status == 200, response.body
    return response.json()


def walk(sandbox, body, limit=500) -> tuple[list[dict], int]:
    """Every row of a model-requests query, following nextCursor; and the number of pages."""
    rows, cursor, pages = [], None, 0
    while True:
        page = ok(
            sandbox, REQUESTS, {**body, "limit": limit, **({"cursor": cursor} if cursor else {})}
        )
        rows += page["data"]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            return rows, pages


def test_daily_usage(sandbox):
    body = ok(
        sandbox, DAILY, {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-08") + DAY - 1}
    )
    assert body["period"] == {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-08") + DAY - 1}
    rows = body["data"]
    assert rows and all(set(row) == DAILY_FIELDS for row in rows)
    assert {row["date"] for row in rows} <= {ms("2026-02-02") + i * DAY for i in range(7)}
    assert rows == sorted(rows, key=lambda r: (r["date"], r["email"]))
    weekdays = sum(1 for r in rows if r["date"] < ms("2026-02-07"))
    assert weekdays > 3 * (len(rows) - weekdays)  # weekdays are busier


def test_daily_usage_includes_days_whose_midnight_is_in_the_window(sandbox):
    rows = ok(sandbox, DAILY, {"startDate": ms("2026-02-02") + 1, "endDate": ms("2026-02-04")})[
        "data"
    ]
    assert {r["date"] for r in rows} == {ms("2026-02-03"), ms("2026-02-04")}


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": keys.FIREBENDER_KEY},
        {"Authorization": f"Bearer {keys.FIREBENDER_KEY}"},
    ],
)
def test_both_auth_headers_work(sandbox, headers):
    ok(sandbox, DAILY, {"startDate": JAN_1, "endDate": JAN_1 + DAY}, headers)


@pytest.mark.parametrize(
    "headers, status, message",
    [
        ({}, 401, "Missing API key"),
        ({"X-API-Key": "wrong"}, 401, "Invalid API key"),
        ({"Authorization": "Bearer wrong"}, 401, "Invalid API key"),
        ({"X-API-Key": keys.FIREBENDER_NO_ORG_KEY}, 403, "User is not part of an organization"),
    ],
)
@pytest.mark.parametrize("url", [DAILY, REQUESTS])
def test_auth_errors(sandbox, url, headers, status, message):
    response = post(sandbox, url, {"startDate": JAN_1, "endDate": JAN_1 + DAY}, headers)
    assert (response.status, response.json()) == (status, {"error": message})


@pytest.mark.parametrize(
    "body, message",
    [
        (b"not json", "Invalid request body"),
        ([1, 2], "Invalid request body"),
        ({"endDate": JAN_1}, "must be numbers"),
        ({"startDate": "2026-01-01", "endDate": JAN_1 + DAY}, "must be numbers"),
        ({"startDate": JAN_1, "endDate": JAN_1}, "endDate must be greater than startDate"),
        (
            {"startDate": JAN_1, "endDate": JAN_1 + 90 * DAY + 1},
            "Date ranges cannot exceed 90 days",
        ),
    ],
)
@pytest.mark.parametrize("url", [DAILY, REQUESTS])
def test_bad_bodies_are_400(sandbox, url, body, message):
    response = post(sandbox, url, body)
    assert response.status == 400
    assert message in response.json()["error"]


def test_exactly_90_days_is_allowed(sandbox):
    ok(sandbox, DAILY, {"startDate": JAN_1, "endDate": JAN_1 + 90 * DAY})


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "10"}, "limit"),
        ({"limit": 2.5}, "limit"),
        ({"email": 5}, "email"),
        ({"cursor": "garbage!"}, "Invalid cursor"),
        ({"cursor": 12}, "Invalid cursor"),
    ],
)
def test_model_request_parameters(sandbox, extra, message):
    response = post(sandbox, REQUESTS, {"startDate": JAN_1, "endDate": JAN_1 + DAY, **extra})
    assert response.status == 400 and message in response.json()["error"]


def test_model_requests_start_on_2025_12_31(sandbox):
    response = post(sandbox, REQUESTS, {"startDate": CUTOFF - 1, "endDate": CUTOFF + DAY})
    assert response.status == 400
    assert response.json() == {"error": "Data is only available on or after 2025-12-31T00:00:00Z"}
    assert post(sandbox, REQUESTS, {"startDate": CUTOFF, "endDate": CUTOFF + DAY}).status == 200


def test_model_request_rows(sandbox):
    rows, _ = walk(sandbox, {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-09") - 1})
    assert rows
    ids = [row["requestId"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert rows == sorted(rows, key=lambda r: (r["timestamp"], r["requestId"]))
    for row in rows:
        assert set(row) == REQUEST_FIELDS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row["timestamp"])
        assert row["totalTokens"] == (
            row["inputTokens"]
            + row["cacheReadTokens"]
            + row["outputTokens"]
            + row["cacheWriteTokens"]
        )
        p_in, p_out, p_read, p_write = data.MODELS[row["model"]]
        cost = (
            row["inputTokens"] * p_in
            + row["outputTokens"] * p_out
            + row["cacheReadTokens"] * p_read
            + row["cacheWriteTokens"] * p_write
        ) / 1e6
        assert row["costUsd"] == pytest.approx(cost, abs=1e-6)
        assert row["spendType"] in ("included", "on-demand", "byok")
    assert {row["mode"] for row in rows} >= {"write", "plan", "ask", "debug"}
    assert len({row["mode"] for row in rows}) == 5  # plus one custom agent


def test_requests_per_user_day_match_daily_usage(sandbox):
    window = {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-05") - 1}
    rows, _ = walk(sandbox, window)
    daily = ok(sandbox, DAILY, window)["data"]
    counted = Counter((r["timestamp"][:10], r["email"]) for r in rows)
    expected = {
        (datetime.fromtimestamp(d["date"] / 1000, UTC).date().isoformat(), d["email"]): d[
            "agentPrompts"
        ]
        + d["inlineEdits"]
        for d in daily
    }
    assert counted == expected
    assert all(5 <= n <= 40 for n in expected.values())


@pytest.mark.parametrize("limit", [1, 37, 500])
def test_paging_returns_every_row_once(sandbox, limit):
    window = {"startDate": ms("2026-01-05"), "endDate": ms("2026-01-06") + 12 * 3_600_000}
    expected = [
        row
        for day in (date(2026, 1, 5), date(2026, 1, 6))
        for row in data.model_requests(day).rows
        if window["startDate"] <= ms(row["timestamp"]) <= window["endDate"]
    ]
    rows, pages = walk(sandbox, window, limit)
    assert rows == expected
    assert pages == max(1, -(-len(expected) // limit))


def test_a_90_day_walk_is_a_few_dozen_pages(sandbox):
    rows, pages = walk(sandbox, {"startDate": JAN_1, "endDate": JAN_1 + 90 * DAY - 1})
    assert len(rows) > 10_000 and 15 <= pages <= 60
    assert len({r["requestId"] for r in rows}) == len(rows)


def test_email_filter(sandbox):
    window = {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-09") - 1}
    everyone, _ = walk(sandbox, window)
    email = Counter(r["email"] for r in everyone).most_common(1)[0][0]
    mine, _ = walk(sandbox, {**window, "email": email}, limit=50)
    assert mine == [r for r in everyone if r["email"] == email]
    assert ok(sandbox, REQUESTS, {**window, "email": "nobody@example.com"}) == {
        "data": [],
        "nextCursor": None,
    }


def test_a_cursor_only_fits_its_own_query(sandbox):
    window = {"startDate": ms("2026-02-02"), "endDate": ms("2026-02-09") - 1}
    cursor = ok(sandbox, REQUESTS, {**window, "limit": 10})["nextCursor"]
    assert cursor
    assert ok(sandbox, REQUESTS, {**window, "limit": 99, "cursor": cursor})[
        "data"
    ]  # limit may change
    other = post(sandbox, REQUESTS, {**window, "endDate": window["endDate"] + 1, "cursor": cursor})
    assert (other.status, other.json()) == (400, {"error": "Invalid cursor"})


def test_recent_requests_are_withheld():
    now = ms("2026-03-12") + 14 * 3_600_000  # 14:00 UTC on the sandbox's today
    sandbox = Sandbox(today=date(2026, 3, 12), clock=lambda: now / 1000)
    rows, _ = walk(sandbox, {"startDate": ms("2026-03-12"), "endDate": ms("2026-03-13") - 1})
    all_today = data.model_requests(date(2026, 3, 12)).rows
    cutoff = now - 10 * 60 * 1000
    assert rows == [r for r in all_today if ms(r["timestamp"]) <= cutoff]
    assert 0 < len(rows) < len(all_today)
    # A later clock releases the whole day; days after "today" have no data at all.
    later = Sandbox(today=date(2026, 3, 12), clock=lambda: ms("2026-03-20") / 1000)
    rows, _ = walk(later, {"startDate": ms("2026-03-12"), "endDate": ms("2026-03-15")})
    assert rows == list(all_today)


PROPERTY_SANDBOX = Sandbox(today=date(2026, 3, 15))


@settings(max_examples=25, deadline=None)
@given(
    start=st.integers(ms("2026-01-02"), ms("2026-01-09")),
    span=st.integers(1, 3 * DAY),
    limit=st.integers(1, 500),
)
def test_any_walk_returns_the_window_exactly_once(start, span, limit):
    window = {"startDate": start, "endDate": start + span}
    rows, pages = walk(PROPERTY_SANDBOX, window, limit)
    day, expected = date(2026, 1, 1), []
    while ms(day.isoformat()) <= start + span:
        expected += [
            r for r in data.model_requests(day).rows if start <= ms(r["timestamp"]) <= start + span
        ]
        day += timedelta(days=1)
    assert rows == expected
    assert pages == max(1, -(-len(expected) // limit))
