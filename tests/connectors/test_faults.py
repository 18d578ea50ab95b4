"""Every vendor x every fault: the correct data, or a clear error that names the vendor.

The retry loop is urllib3's, run for real through the sandbox transport; only its clock is fake,
so budgets expire without anyone waiting."""

import datetime as dt
import time

import pandas as pd
import pytest

from connectors import endpoints
from connectors.errors import (
    ConnectorError,
    RateLimitError,
    ReportPendingError,
    ResponseFormatError,
    ServerError,
)
from connectors.frames import build_frame
from connectors.http import BACKOFF_JITTER, BACKOFF_MAX, RETRY_BUDGET_SECONDS
from connectors.sandbox import FaultRule

D = dt.date

CALLS = {  # one call per vendor that needs two windows
    "builder": lambda c: c.builder().org_metrics(D(2026, 5, 1), D(2026, 8, 31), "day"),
    "firebender": lambda c: c.firebender().model_requests(D(2026, 6, 1), D(2026, 6, 10)),
    "codefresh": lambda c: c.codefresh().credit_consumption(D(2026, 5, 1), D(2026, 6, 30), "day"),
}
ONE_WINDOW = {  # one request each, so one retry chain
    "builder": lambda c: c.builder().org_metrics(D(2026, 5, 1), D(2026, 5, 31), "day"),
    "firebender": lambda c: c.firebender().daily_usage(D(2026, 6, 1), D(2026, 6, 10)),
    "codefresh": lambda c: c.codefresh().credit_consumption(D(2026, 5, 1), D(2026, 5, 31), "day"),
}
VENDORS = list(CALLS)
RETRIED = {
    "builder": ["429", "500", "502", "503", "html", "drop", "slow"],
    "firebender": ["429", "500", "502", "503", "html", "drop", "slow"],
    "codefresh": ["429", "432", "502", "503", "html", "drop", "slow"],
}
GIVE_UP = {
    "429": RateLimitError,
    "500": ServerError,
    "502": ServerError,
    "503": ServerError,
    "432": ReportPendingError,
    "html": ServerError,
    "drop": ServerError,
    "slow": ServerError,
}


@pytest.fixture
def baseline(clients, sandbox):
    cache = {}

    def get(vendor):
        if vendor not in cache:
            cache[vendor] = CALLS[vendor](clients)
            sandbox.clear_requests()
        return cache[vendor]

    return get


def fault(kind, vendor, **kw):
    if kind == "slow":
        kw.setdefault("seconds", 600)  # far beyond the read timeout: a timeout, not a wait
    if kind == "429":
        kw.setdefault("retry_after", 2)
    return FaultRule(kind=kind, vendor=vendor, **kw)


@pytest.mark.parametrize("vendor,kind", [(v, k) for v in VENDORS for k in RETRIED[v]])
def test_passing_faults_are_retried_into_the_same_data(
    clients, sandbox, clock, baseline, vendor, kind
):
    expected = baseline(vendor)
    sandbox.add_fault(fault(kind, vendor, times=2))
    got = CALLS[vendor](clients)
    pd.testing.assert_frame_equal(got, expected)
    assert len(clock.sleeps) == 2
    if kind == "429":
        assert clock.sleeps == [2, 2]  # Retry-After honoured


@pytest.mark.parametrize("vendor,kind", [(v, k) for v in VENDORS for k in RETRIED[v]])
def test_lasting_faults_give_up_within_the_budget_with_a_named_error(
    clients, sandbox, clock, vendor, kind
):
    sandbox.add_fault(fault(kind, vendor))
    with pytest.raises(GIVE_UP[kind]) as info:
        ONE_WINDOW[vendor](clients)
    err = info.value
    assert err.vendor == vendor and str(err).startswith(err.vendor_name)
    assert "Traceback" not in str(err)
    assert sum(clock.sleeps) <= RETRY_BUDGET_SECONDS
    assert len(clock.sleeps) >= 3 and len(sandbox.requests) == len(clock.sleeps) + 1


def test_the_worst_case_wait_of_one_request_is_the_budget(clients, sandbox, clock):
    sandbox.add_fault(fault("503", "codefresh"))
    with pytest.raises(ServerError):
        ONE_WINDOW["codefresh"](clients)
    waited = sum(clock.sleeps)
    assert RETRY_BUDGET_SECONDS - BACKOFF_MAX - BACKOFF_JITTER <= waited <= RETRY_BUDGET_SECONDS
    assert len(sandbox.requests) == len(clock.sleeps) + 1


def test_codefresh_500_is_not_retried_and_says_server_error(clients, sandbox, clock):
    sandbox.add_fault(fault("500", "codefresh"))
    with pytest.raises(ServerError, match="Codefresh \\(HTTP 500\\)"):
        CALLS["codefresh"](clients)
    assert clock.sleeps == []


def test_a_432_on_a_vendor_that_never_sends_it_is_a_plain_error(clients, sandbox):
    sandbox.add_fault(fault("432", "builder"))
    with pytest.raises(ConnectorError, match="HTTP 432"):
        CALLS["builder"](clients)


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("kind", ["drift_extra", "drift_strings", "overlap"])
def test_harmless_drift_and_overlapping_windows_give_the_same_data(
    clients, sandbox, baseline, vendor, kind
):
    expected = baseline(vendor)
    sandbox.add_fault(fault(kind, vendor))
    got = CALLS[vendor](clients)
    pd.testing.assert_frame_equal(got[expected.columns], expected)


DRIFTED = {  # the field drift_missing / drift_type change, and where it is documented
    "builder": ("metrics.linesAccepted", "Organization metrics (/api/v1/orgs/fusion/metrics)"),
    "firebender": ("costUsd", "Model requests (/v2/organization/model-requests)"),
    "codefresh": ("value", "report creditConsumption (/api/analytics/reports/creditConsumption)"),
}


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("kind", ["drift_missing", "drift_type"])
def test_a_documented_field_missing_or_of_another_type_is_an_error_naming_it(
    clients, sandbox, vendor, kind
):
    """Not a column of NA that a page then sums to 0 (Firebender showed cost $0.00)."""
    sandbox.add_fault(fault(kind, vendor))
    with pytest.raises(ResponseFormatError) as caught:
        CALLS[vendor](clients)
    field, endpoint = DRIFTED[vendor]
    said = str(caught.value)
    assert caught.value.vendor == vendor and f"`{field}`" in said and endpoint in said
    assert ("missing" if kind == "drift_missing" else "'n/a' (str), not a number") in said


def test_an_optional_field_may_be_missing_but_a_documented_one_may_not(sandbox):
    """Firebender documents `mode` as "when available": its absence is NA, not an error."""
    answer = sandbox.handle(
        "POST",
        "https://api.firebender.com/v2/organization/model-requests",
        {"X-API-Key": "demo-firebender-key", "Content-Type": "application/json"},
        b'{"startDate": 1780617600000, "endDate": 1780703999999, "limit": 500}',
    )
    rows = [{k: v for k, v in row.items() if k != "mode"} for row in answer.json()["data"]]
    dataset = endpoints.get("firebender.model_requests")
    frame = build_frame(rows, dataset.schema, where=dataset.where)
    assert len(frame) == len(rows) > 0 and frame["mode"].isna().all()
    with pytest.raises(ResponseFormatError, match="`email` is missing"):
        build_frame(
            [{k: v for k, v in r.items() if k != "email"} for r in rows],
            dataset.schema,
            where=dataset.where,
        )


@pytest.mark.parametrize("vendor", VENDORS)
def test_nulls_become_na_not_zero(clients, sandbox, baseline, vendor):
    expected = baseline(vendor)
    sandbox.add_fault(fault("drift_nulls", vendor))
    got = CALLS[vendor](clients)
    assert len(got) == len(expected)
    numeric = [c for c in expected if str(expected[c].dtype) in ("Int64", "float64")]
    assert got[numeric].isna().any().any()
    assert (got[numeric].fillna(-1) == -1).sum().sum() == got[numeric].isna().sum().sum()


@pytest.mark.parametrize("vendor", VENDORS)
def test_empty_answers_give_an_empty_frame_with_the_columns(clients, sandbox, baseline, vendor):
    expected = baseline(vendor)
    sandbox.add_fault(fault("empty", vendor))
    got = CALLS[vendor](clients)
    assert len(got) == 0 and list(got.columns) == list(expected.columns)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_cut_off_body_is_a_format_error(clients, sandbox, vendor):
    sandbox.add_fault(fault("truncate", vendor))
    with pytest.raises(ResponseFormatError) as info:
        CALLS[vendor](clients)
    assert info.value.vendor == vendor


def test_a_repeated_cursor_stops_instead_of_looping(clients, sandbox):
    sandbox.add_fault(fault("repeat_cursor", "firebender"))
    with pytest.raises(ResponseFormatError, match="cursor it had already sent"):
        CALLS["firebender"](clients)
    assert len(sandbox.requests) < 20


def test_one_failing_window_stops_the_rest(clients, sandbox):
    sandbox.add_fault(fault("503", "builder"))
    with pytest.raises(ServerError):
        clients.builder().org_metrics(D(2025, 1, 1), D(2026, 11, 1), "day")  # 8 windows
    # Windows that had not started were cancelled; at most the pool's first round ran.
    assert len({tuple(r.query["startDate"]) for r in sandbox.requests}) <= 8


# ------------------------------------------------------------------ over real HTTP


@pytest.mark.parametrize("kind", ["drop", "truncate", "html", "429"])
def test_faults_over_loopback(http_clients, kind):
    sandbox = http_clients.sandbox
    expected = CALLS["codefresh"](http_clients)
    sandbox.add_fault(
        fault(kind, "codefresh", times=1, retry_after=0)
        if kind == "429"
        else fault(kind, "codefresh", times=1)
    )
    if kind == "truncate":
        with pytest.raises(ResponseFormatError):
            CALLS["codefresh"](http_clients)
    else:
        pd.testing.assert_frame_equal(CALLS["codefresh"](http_clients), expected)


def test_a_slow_answer_over_loopback_times_out_and_is_retried(http_clients):
    client = http_clients.codefresh()
    client.api.timeout = (2.0, 0.3)
    http_clients.sandbox.add_fault(FaultRule(kind="slow", vendor="codefresh", seconds=1.0, times=1))
    frame = client.credit_consumption(D(2026, 6, 1), D(2026, 6, 30), "day")
    assert len(frame) > 0
    assert len(http_clients.clock.sleeps) == 1


def test_a_load_starts_no_request_after_its_budget(clients, sandbox, clock):
    client = clients.firebender()
    client.api.clock = clock.time
    client.api.load_budget = 5
    # Every other page is rate limited once with Retry-After 4: the third page would start at 8 s.
    sandbox.add_fault(FaultRule(kind="429", vendor="firebender", times=1, retry_after=4))
    sandbox.add_fault(FaultRule(kind="429", vendor="firebender", times=1, after=2, retry_after=4))
    with pytest.raises(ServerError, match="longer than 5 s"):
        client.model_requests(D(2026, 11, 1), D(2026, 11, 7))  # one window, several pages
    assert sum(clock.sleeps) == 8 and len(sandbox.requests) == 4
    # The next load gets a fresh budget of its own.
    assert len(client.model_requests(D(2026, 11, 1), D(2026, 11, 7))) > 1000


@pytest.mark.parametrize("transport", ["loopback", "in-process"])
def test_an_answer_trickling_in_a_byte_at_a_time_stops_at_the_response_deadline(
    http_clients, clients, transport
):
    """Every socket read is quick, so no read timeout fires; the response deadline does."""
    chosen = http_clients if transport == "loopback" else clients
    client = chosen.codefresh()
    client.api.response_deadline = 1.0
    chosen.sandbox.add_fault(FaultRule(kind="trickle", vendor="codefresh", seconds=0.01))
    started = time.monotonic()
    with pytest.raises(ServerError, match="still sending its answer after 1 s") as caught:
        client.credit_consumption(D(2026, 5, 1), D(2026, 5, 31), "day")  # a few KB: ~1 min
    assert time.monotonic() - started < 3
    assert caught.value.vendor == "codefresh"


def test_a_slowly_trickling_answer_within_the_deadline_is_read_whole(http_clients):
    expected = ONE_WINDOW["codefresh"](http_clients)
    http_clients.sandbox.add_fault(
        FaultRule(kind="trickle", vendor="codefresh", seconds=0.0001, times=1)
    )
    pd.testing.assert_frame_equal(ONE_WINDOW["codefresh"](http_clients), expected)
