"""Every contract method against the sandbox, in-process and over loopback HTTP."""

import datetime as dt

import pandas as pd
import pytest

from connectors import schemas
from connectors.errors import AuthError, InvalidRangeError
from connectors.frames import empty_frame
from connectors.sandbox import keys

D = dt.date


def kinds(frame):
    return {c: "category" if str(t) == "category" else str(t) for c, t in frame.dtypes.items()}


def expected_kinds(fields):
    return kinds(empty_frame(fields))


METHODS = [
    ("builder", "org_metrics", (D(2026, 9, 1), D(2026, 9, 30), "day"), schemas.BUILDER_ORG_METRICS),
    (
        "builder",
        "org_space_metrics",
        (D(2026, 9, 1), D(2026, 9, 30), "week"),
        schemas.BUILDER_ORG_SPACE_METRICS,
    ),
    (
        "builder",
        "space_metrics",
        (D(2026, 7, 1), D(2026, 9, 30), "month"),
        schemas.BUILDER_SPACE_METRICS,
    ),
    ("builder", "org_users", (D(2026, 9, 1), D(2026, 9, 30)), schemas.BUILDER_ORG_USERS),
    ("firebender", "daily_usage", (D(2026, 9, 1), D(2026, 9, 30)), schemas.FIREBENDER_DAILY_USAGE),
    (
        "firebender",
        "model_requests",
        (D(2026, 9, 1), D(2026, 9, 3)),
        schemas.FIREBENDER_MODEL_REQUESTS,
    ),
    (
        "codefresh",
        "credit_consumption",
        (D(2026, 9, 1), D(2026, 9, 30), "day"),
        schemas.CODEFRESH_REPORT,
    ),
    (
        "codefresh",
        "pipeline_credit_consumption",
        (D(2026, 1, 1), D(2026, 9, 30), "month"),
        schemas.CODEFRESH_REPORT,
    ),
    ("codefresh", "active_committers", (D(2026, 4, 1), D(2026, 9, 30)), schemas.CODEFRESH_REPORT),
]


@pytest.mark.parametrize("transport", ["in-process", "http"])
@pytest.mark.parametrize("vendor,method,args,fields", METHODS, ids=[m[1] for m in METHODS])
def test_each_method_returns_typed_rows(request, transport, vendor, method, args, fields):
    clients = request.getfixturevalue("clients" if transport == "in-process" else "http_clients")
    frame = getattr(getattr(clients, vendor)(), method)(*args)
    assert len(frame) > 0
    assert list(frame.columns)[: len(fields)] == [f.column for f in fields]
    assert kinds(frame) == expected_kinds(fields)
    time_col = next((c for c in ("period", "date", "timestamp") if c in frame), None)
    if time_col:
        assert frame[time_col].is_monotonic_increasing or vendor == "codefresh"


def test_in_process_and_http_give_identical_frames(clients, http_clients):
    a = clients.firebender().daily_usage(D(2026, 8, 1), D(2026, 11, 20))
    b = http_clients.firebender().daily_usage(D(2026, 8, 1), D(2026, 11, 20))
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------------------------------ stitching is exact


def test_builder_daily_windows_add_up_to_the_monthly_totals(clients, sandbox):
    builder = clients.builder()
    daily = builder.org_metrics(D(2026, 1, 1), D(2026, 6, 30), "day")
    assert len([r for r in sandbox.requests if "metrics" in r.path]) == 3  # 181 days
    assert len(daily) == 181 and daily["period"].is_unique
    monthly = builder.org_metrics(D(2026, 1, 1), D(2026, 6, 30), "month")
    for column in ("lines_added", "lines_accepted", "events", "user_prompts"):
        assert daily[column].sum() == monthly[column].sum(), column


def test_builder_space_breakdown_adds_up_to_the_org_lines(clients):
    builder = clients.builder()
    org = builder.org_metrics(D(2026, 3, 1), D(2026, 5, 31), "week")
    spaces = builder.org_space_metrics(D(2026, 3, 1), D(2026, 5, 31), "week")
    per_period = spaces.groupby("period")["lines_accepted"].sum()
    assert per_period.tolist() == org.set_index("period")["lines_accepted"].tolist()


def test_firebender_windows_cover_the_range_exactly(clients, sandbox):
    usage = clients.firebender().daily_usage(D(2026, 1, 1), D(2026, 7, 19))  # 200 days
    bodies = sorted(
        (r.json for r in sandbox.requests), key=lambda b: b["startDate"]
    )  # sent side by side
    assert len(bodies) == 3
    assert bodies[0]["startDate"] == 1767225600000  # 2026-01-01T00:00:00.000Z
    assert bodies[-1]["endDate"] == 1784505600000 - 1  # 2026-07-19T23:59:59.999Z
    for left, right in zip(bodies, bodies[1:]):
        assert right["startDate"] == left["endDate"] + 1
        assert left["endDate"] - left["startDate"] < 90 * 86_400_000
    assert usage["date"].min() >= pd.Timestamp("2026-01-01")
    assert usage["date"].max() <= pd.Timestamp("2026-07-19")
    assert not usage.duplicated(["date", "email"]).any()


def test_model_requests_walk_every_page_of_every_window(clients, sandbox):
    frame = clients.firebender().model_requests(D(2026, 2, 1), D(2026, 2, 28))
    assert frame["request_id"].is_unique
    assert frame["timestamp"].is_monotonic_increasing
    pages = [r for r in sandbox.requests]
    assert all(r.json["limit"] == 500 for r in pages)
    with_cursor = [r for r in pages if "cursor" in r.json]
    assert with_cursor, "a month of requests spans more than one page"
    # The same rows as one month-long walk straight through the API, page by page.
    sandbox.clear_requests()
    import json as _json

    body = {"startDate": 1769904000000, "endDate": 1772323200000 - 1, "limit": 500}
    ids = []
    while True:
        answer = sandbox.handle(
            "POST",
            "https://api.firebender.com/v2/organization/model-requests",
            {"X-API-Key": keys.FIREBENDER_KEY},
            _json.dumps(body).encode(),
        )
        payload = answer.json()
        ids += [row["requestId"] for row in payload["data"]]
        if payload["nextCursor"] is None:
            break
        body["cursor"] = payload["nextCursor"]
    assert frame["request_id"].tolist() == ids
    assert (
        frame["total_tokens"].sum()
        == (
            frame["input_tokens"]
            + frame["output_tokens"]
            + frame["cache_read_tokens"]
            + frame["cache_write_tokens"]
        ).sum()
    )


def test_model_requests_email_filter(clients):
    frame = clients.firebender().model_requests(D(2026, 3, 1), D(2026, 3, 7))
    someone = frame["email"].iloc[0]
    mine = clients.firebender().model_requests(D(2026, 3, 1), D(2026, 3, 7), email=someone)
    assert set(mine["email"]) == {someone}
    assert len(mine) == (frame["email"] == someone).sum()


def test_model_requests_straddling_2025_12_31_are_served_from_it(clients, sandbox):
    frame = clients.firebender().model_requests(D(2025, 12, 20), D(2026, 1, 2))
    assert frame["timestamp"].min() >= pd.Timestamp("2025-12-31", tz="UTC")
    assert sandbox.requests[0].json["startDate"] == 1767139200000


def test_model_requests_wholly_before_2025_12_31_send_nothing(clients, sandbox):
    with pytest.raises(InvalidRangeError, match="2025-12-31"):
        clients.firebender().model_requests(D(2025, 10, 1), D(2025, 12, 30))
    assert sandbox.requests == []


def test_codefresh_daily_credits_over_45_days_equal_the_aggregate(clients, sandbox):
    cf = clients.codefresh()
    daily = cf.credit_consumption(D(2026, 3, 1), D(2026, 6, 8), "day")  # 100 days
    assert len(sandbox.requests) == 3
    total = cf.credit_consumption(D(2026, 3, 1), D(2026, 6, 8))
    by_key = daily.groupby("key")["value"].sum().round(2)
    assert by_key.to_dict() == pytest.approx(total.set_index("key")["value"].to_dict(), abs=0.05)
    sent = [r.query["dateRange"] for r in sandbox.requests[:3]]
    assert all(len(d) == 2 for d in sent)


def test_codefresh_one_day_daily_range_is_served(clients, sandbox):
    frame = clients.codefresh().credit_consumption(D(2026, 6, 10), D(2026, 6, 10), "day")
    assert set(frame["period"]) == {pd.Timestamp("2026-06-10")}
    assert sandbox.requests[0].query["dateRange"] == ["2026-06-09", "2026-06-10"]


def test_codefresh_aggregated_over_a_year_is_split_and_summed(clients, sandbox):
    cf = clients.codefresh()
    total = cf.credit_consumption(D(2025, 1, 1), D(2026, 10, 31))
    assert len(sandbox.requests) == 2 and total["key"].is_unique
    monthly = cf.credit_consumption(D(2025, 1, 1), D(2026, 10, 31), "month")
    assert monthly.groupby("key")["value"].sum().to_dict() == pytest.approx(
        total.set_index("key")["value"].to_dict(), abs=0.05
    )
    assert monthly["period"].nunique() == 22


def test_codefresh_active_committers_short_range_padded_and_trimmed(clients, sandbox):
    frame = clients.codefresh().active_committers(D(2026, 11, 3), D(2026, 11, 20))
    assert frame["period"].tolist() == [pd.Timestamp("2026-11-01")]
    assert sandbox.requests[0].query["dateRange"] == ["2026-08-01", "2026-11-22"]
    assert sandbox.requests[0].status == 200


def test_codefresh_active_committers_long_range_in_valid_windows(clients, sandbox):
    frame = clients.codefresh().active_committers(D(2025, 1, 1), D(2026, 11, 22))
    assert frame["period"].nunique() == 23 and len(sandbox.requests) == 2
    assert all(r.status == 200 for r in sandbox.requests)


def test_codefresh_value_as_string_is_a_float(clients):
    frame = clients.codefresh().pipeline_credit_consumption(D(2026, 9, 1), D(2026, 9, 30), "day")
    assert frame["value"].dtype == "float64" and frame["value"].notna().all()


def test_codefresh_any_report_and_metadata(clients):
    cf = clients.codefresh()
    meta = cf.metadata()
    assert {"creditConsumption", "activeCommitters"} <= set(meta["report_name"])
    other = next(
        n
        for n in meta["report_name"]
        if n not in ("creditConsumption", "pipelineCreditConsumption", "activeCommitters")
    )
    frame = cf.report(other, D(2026, 1, 1), D(2026, 3, 31), "month")
    assert len(frame) > 0 and list(frame.columns)[:3] == ["key", "period", "value"]


# ------------------------------------------------------------------ empty results


def test_no_data_is_an_empty_frame_with_the_columns(clients):
    early = (D(2024, 3, 1), D(2024, 3, 31))
    cases = [
        (clients.builder().org_metrics(*early, "day"), schemas.BUILDER_ORG_METRICS),
        (clients.firebender().daily_usage(*early), schemas.FIREBENDER_DAILY_USAGE),
        (
            clients.codefresh().credit_consumption(*early, "day"),
            schemas.CODEFRESH_REPORT,
        ),  # 500 "no data"
    ]
    for frame, fields in cases:
        assert len(frame) == 0
        assert kinds(frame) == expected_kinds(fields)


# ------------------------------------------------------------------ keys


@pytest.mark.parametrize(
    "make,call,status,words",
    [
        (
            lambda c: c.builder("wrong-key-123"),
            lambda x: x.org_metrics(D(2026, 1, 1), D(2026, 1, 2)),
            404,
            "not found, or the key is not authorised",
        ),
        (
            lambda c: c.firebender("wrong-key-123"),
            lambda x: x.daily_usage(D(2026, 1, 1), D(2026, 1, 2)),
            401,
            "the key was refused",
        ),
        (
            lambda c: c.firebender(keys.FIREBENDER_NO_ORG_KEY),
            lambda x: x.daily_usage(D(2026, 1, 1), D(2026, 1, 2)),
            403,
            "not part of an organization",
        ),
        (
            lambda c: c.codefresh("wrong-key-123"),
            lambda x: x.credit_consumption(D(2026, 1, 1), D(2026, 1, 2)),
            401,
            "the key was refused",
        ),
        (
            lambda c: c.codefresh(keys.CODEFRESH_LIMITED_KEY),
            lambda x: x.active_committers(D(2026, 1, 1), D(2026, 6, 30)),
            403,
            "Permission denied",
        ),
    ],
)
def test_refused_keys_are_auth_errors_that_never_show_the_key(clients, make, call, status, words):
    client = make(clients)
    with pytest.raises(AuthError) as info:
        call(client)
    err = info.value
    assert err.status == status and words in str(err)
    for text in (str(err), repr(err), repr(client), repr(client.api)):
        assert "wrong-key-123" not in text and keys.FIREBENDER_NO_ORG_KEY not in text
        assert keys.CODEFRESH_LIMITED_KEY not in text


def test_space_metrics_use_the_space_key(clients):
    public, (_, private) = next(iter(keys.BUILDER_SPACES.items()))
    frame = clients.builder(None, space_public_key=public, space_private_key=private).space_metrics(
        D(2026, 9, 1), D(2026, 9, 30)
    )
    assert (
        frame["tokens_total"]
        == frame[["tokens_input", "tokens_output", "tokens_cache_write", "tokens_cache_input"]].sum(
            axis=1
        )
    ).all()


def test_missing_keys_say_which_setting_to_fill(clients):
    with pytest.raises(AuthError, match="FIREBENDER_API_KEY"):
        clients.firebender("")
    with pytest.raises(AuthError, match="BUILDER_SPACE_PUBLIC_KEY"):
        clients.builder(space_public_key=None).space_metrics(D(2026, 1, 1), D(2026, 1, 2))
