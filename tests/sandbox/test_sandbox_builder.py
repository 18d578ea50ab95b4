"""Builder.io Fusion metrics in the sandbox: routes, auth, range rules, periods, consistency."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from connectors.sandbox import keys

ORG = "/api/v1/orgs/fusion/metrics"
USERS = "/api/v1/orgs/fusion/users"
SPACE = "/api/v1/spaces/demo-space-web/fusion/metrics"
LINES = ("linesAdded", "linesRemoved", "totalLines", "linesAccepted")


def get(sandbox, path, key=keys.BUILDER_ORG_KEY, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return sandbox.handle("GET", f"https://builder.io{path}?{urlencode(params)}", headers, b"")


def ok(sandbox, path, key=keys.BUILDER_ORG_KEY, **params) -> dict:
    response = get(sandbox, path, key, **params)
    assert response.status == 200, response.body
    return response.json()


def test_org_metrics_by_day(sandbox):
    body = ok(sandbox, ORG, startDate="2026-03-01", endDate="2026-03-10")
    assert [row["period"] for row in body["data"]] == [
        (date(2026, 3, 1) + timedelta(days=i)).isoformat() for i in range(10)
    ]
    for row in body["data"]:
        metrics = row["metrics"]
        assert set(metrics) == {*LINES, "events", "users", "userPrompts", "spaces"}
        assert [s["spaceName"] for s in metrics["spaces"]] == [
            n for n, _ in keys.BUILDER_SPACES.values()
        ]
        for field in LINES:
            assert metrics[field] == sum(space[field] for space in metrics["spaces"])
    summary = body["summary"]
    assert summary["totalLinesGenerated"] == sum(r["metrics"]["totalLines"] for r in body["data"])
    assert summary["totalUserPrompts"] == sum(r["metrics"]["userPrompts"] for r in body["data"])
    assert set(summary) == {
        "totalLinesGenerated",
        "totalLinesAccepted",
        "users",
        "totalUserPrompts",
    }


def test_org_lines_are_the_sum_of_space_endpoints(sandbox):
    org = ok(sandbox, ORG, startDate="2026-02-01", endDate="2026-02-28", granularity="week")
    spaces = {
        public: ok(
            sandbox,
            f"/api/v1/spaces/{public}/fusion/metrics",
            private,
            startDate="2026-02-01",
            endDate="2026-02-28",
            granularity="week",
        )
        for public, (_, private) in keys.BUILDER_SPACES.items()
    }
    for index, row in enumerate(org["data"]):
        for space in row["metrics"]["spaces"]:
            space_row = spaces[space["spaceId"]]["data"][index]
            assert space_row["period"] == row["period"]
            for field in LINES:
                assert space_row["metrics"][field] == space[field]
        assert row["metrics"]["events"] == sum(
            s["data"][index]["metrics"]["events"] for s in spaces.values()
        )


def test_org_users_is_distinct_users_of_the_period(sandbox):
    month = ok(sandbox, ORG, startDate="2026-02-01", endDate="2026-02-28", granularity="month")
    users = ok(sandbox, USERS, startDate="2026-02-01", endDate="2026-02-28")["data"]
    assert len(month["data"]) == 1
    assert month["data"][0]["metrics"]["users"] == len(users) == month["summary"]["users"]
    days = ok(sandbox, ORG, startDate="2026-02-01", endDate="2026-02-28")["data"]
    assert (
        max(d["metrics"]["users"] for d in days)
        <= len(users)
        < sum(d["metrics"]["users"] for d in days)
    )


def test_space_metrics_tokens_and_summary(sandbox):
    body = ok(
        sandbox, SPACE, "demo-builder-space-web-key", startDate="2026-01-05", endDate="2026-01-20"
    )
    assert len(body["data"]) == 16
    for row in body["data"]:
        metrics = row["metrics"]
        assert set(metrics) == {*LINES, "events", "users", "userPrompts", "tokens"}
        tokens = metrics["tokens"]
        assert (
            tokens["total"]
            == tokens["input"] + tokens["output"] + tokens["cacheWrite"] + tokens["cacheInput"]
        )
    assert set(body["summary"]) == {
        "totalLinesGenerated",
        "totalLinesAccepted",
        "totalUsers",
        "totalUserPrompts",
    }
    assert sum(r["metrics"]["totalLines"] for r in body["data"]) > 0


def test_space_accepts_the_org_key(sandbox):
    assert ok(
        sandbox, SPACE, keys.BUILDER_ORG_KEY, startDate="2026-01-05", endDate="2026-01-06"
    ) == ok(
        sandbox, SPACE, "demo-builder-space-web-key", startDate="2026-01-05", endDate="2026-01-06"
    )


@pytest.mark.parametrize(
    "path, key",
    [
        (ORG, None),
        (ORG, "wrong"),
        (ORG, "demo-builder-space-web-key"),  # a space key cannot read the org
        (USERS, "wrong"),
        (SPACE, "demo-builder-space-mobile-key"),  # another space's key
        ("/api/v1/spaces/no-such-space/fusion/metrics", keys.BUILDER_ORG_KEY),
    ],
)
def test_bad_key_or_unknown_space_is_404(sandbox, path, key):
    response = get(sandbox, path, key, startDate="2026-01-01", endDate="2026-01-02")
    assert response.status == 404
    assert "not found or not authorized" in response.json()["error"]


def test_key_without_bearer_is_404(sandbox):
    response = sandbox.handle(
        "GET",
        f"https://builder.io{ORG}?startDate=2026-01-01&endDate=2026-01-02",
        {"Authorization": keys.BUILDER_ORG_KEY},
        b"",
    )
    assert response.status == 404


@pytest.mark.parametrize(
    "params, words",
    [
        ({"endDate": "2026-01-02"}, "startDate"),
        ({"startDate": "2026-01-01"}, "endDate"),
        ({"startDate": "2026-1-01", "endDate": "2026-01-02"}, "startDate"),
        ({"startDate": "2026-02-30", "endDate": "2026-03-02"}, "startDate"),
        ({"startDate": "2026-01-01", "endDate": "01/02/2026"}, "endDate"),
        (
            {"startDate": "2026-01-01", "endDate": "2026-01-02", "granularity": "year"},
            "granularity",
        ),
        ({"startDate": "2026-01-02", "endDate": "2026-01-01"}, "before"),
        ({"startDate": "2025-10-01", "endDate": "2025-12-29"}, "90 days"),  # 90 dates is fine...
    ],
)
def test_bad_parameters_are_400(sandbox, params, words):
    if words == "90 days":
        assert get(sandbox, ORG, **params).status == 200
        params = {**params, "endDate": "2025-12-30"}  # ...91 is not
    response = get(sandbox, ORG, **params)
    assert response.status == 400
    assert words in response.json()["error"]


def test_long_ranges_are_fine_for_coarser_granularities(sandbox):
    body = ok(sandbox, ORG, startDate="2025-01-01", endDate="2026-12-31", granularity="quarter")
    assert [r["period"] for r in body["data"]] == [
        "2025-01-01",
        "2025-04-01",
        "2025-07-01",
        "2025-10-01",
        "2026-01-01",
    ]


def test_periods_are_labelled_by_first_day_and_count_only_days_in_range(sandbox):
    days = ok(sandbox, ORG, startDate="2026-01-14", endDate="2026-02-10")["data"]
    months = ok(sandbox, ORG, startDate="2026-01-14", endDate="2026-02-10", granularity="month")[
        "data"
    ]
    weeks = ok(sandbox, ORG, startDate="2026-01-14", endDate="2026-02-10", granularity="week")[
        "data"
    ]
    assert [m["period"] for m in months] == ["2026-01-01", "2026-02-01"]
    assert weeks[0]["period"] == "2026-01-12"  # the Monday of 2026-01-14's ISO week
    assert all(date.fromisoformat(w["period"]).weekday() == 0 for w in weeks)
    for field in (*LINES, "events", "userPrompts"):
        assert months[0]["metrics"][field] == sum(
            d["metrics"][field] for d in days if d["period"] < "2026-02"
        )
        assert weeks[0]["metrics"][field] == sum(
            d["metrics"][field] for d in days if d["period"] < "2026-01-19"
        )


def test_rows_stop_at_the_data_window(sandbox):
    start = ok(sandbox, ORG, startDate="2024-12-30", endDate="2025-01-02")["data"]
    assert [r["period"] for r in start] == ["2025-01-01", "2025-01-02"]
    end = ok(sandbox, ORG, startDate="2026-03-10", endDate="2026-04-01")["data"]
    assert end[-1]["period"] == sandbox.today.isoformat()
    nothing = ok(sandbox, ORG, startDate="2024-01-01", endDate="2024-02-01")
    assert nothing["data"] == [] and nothing["summary"]["users"] == 0


def test_users_endpoint(sandbox):
    body = ok(sandbox, USERS, startDate="2026-02-01", endDate="2026-02-28")
    org = ok(sandbox, ORG, startDate="2026-02-01", endDate="2026-02-28", granularity="month")[
        "data"
    ][0]
    rows = body["data"]
    assert rows == sorted(rows, key=lambda r: r["userEmail"])
    for row in rows:
        assert row["userEmail"].endswith("@example.com")
        assert "2026-02-01T" <= row["lastActive"] < "2026-03-01" and row["lastActive"].endswith("Z")
        metrics = row["metrics"]
        assert isinstance(metrics["creditsUsed"], str) and float(metrics["creditsUsed"]) > 0
        tokens = metrics["tokens"]
        assert (
            tokens["total"]
            == tokens["input"] + tokens["output"] + tokens["cacheWrite"] + tokens["cacheInput"]
        )
    for field in ("linesAdded", "linesAccepted", "totalLines", "events", "userPrompts"):
        assert sum(r["metrics"][field] for r in rows) == org["metrics"][field]


def test_unknown_route_and_method(sandbox):
    assert get(sandbox, "/api/v1/orgs/fusion/nothing").status == 404
    response = sandbox.handle(
        "POST",
        f"https://builder.io{ORG}?startDate=2026-01-01&endDate=2026-01-02",
        {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
        b"",
    )
    assert response.status == 404
