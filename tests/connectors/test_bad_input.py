"""Bad dates, granularities, keys, base URLs and answers: each gets a message saying what is
allowed, and none a traceback or a request the API would reject."""

import datetime as dt
import http.server
import logging
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import BuilderClient, CodefreshClient, FirebenderClient
from connectors.errors import (
    ConnectorError,
    InvalidRangeError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
)
from connectors.sandbox import keys

from .conftest import TODAY

D = dt.date
ALL_CALLS = {
    "builder.org_metrics": lambda c, s, e, g: c.builder().org_metrics(s, e, g),
    "builder.org_space_metrics": lambda c, s, e, g: c.builder().org_space_metrics(s, e, g),
    "builder.space_metrics": lambda c, s, e, g: c.builder().space_metrics(s, e, g),
    "builder.org_users": lambda c, s, e, g: c.builder().org_users(s, e),
    "firebender.daily_usage": lambda c, s, e, g: c.firebender().daily_usage(s, e),
    "firebender.model_requests": lambda c, s, e, g: c.firebender().model_requests(s, e),
    "codefresh.credit_consumption": lambda c, s, e, g: c.codefresh().credit_consumption(s, e, g),
    "codefresh.pipeline_credit_consumption": lambda c, s, e, g: (
        c.codefresh().pipeline_credit_consumption(s, e, g)
    ),
    "codefresh.active_committers": lambda c, s, e, g: c.codefresh().active_committers(s, e),
}
GRANULARITY = {
    "builder.org_users": None,
    "firebender.daily_usage": None,
    "firebender.model_requests": None,
    "codefresh.active_committers": None,
}


@pytest.mark.parametrize("endpoint", list(ALL_CALLS))
@pytest.mark.parametrize(
    "start,end,words",
    [
        (D(2026, 3, 2), D(2026, 3, 1), "before it starts"),
        (D(2026, 3, 1), TODAY + dt.timedelta(days=1), "after today"),
        ("yesterday", D(2026, 3, 1), "not a date"),
        (None, D(2026, 3, 1), "must be a date"),
    ],
)
def test_bad_dates_are_refused_before_sending(clients, sandbox, endpoint, start, end, words):
    granularity = GRANULARITY.get(endpoint, "day")
    with pytest.raises(InvalidRangeError, match=words):
        ALL_CALLS[endpoint](clients, start, end, granularity)
    assert sandbox.requests == []


@pytest.mark.parametrize(
    "call,words",
    [
        (
            lambda c: c.builder().org_metrics(D(2026, 1, 1), D(2026, 2, 1), "hour"),
            "allowed: day, week, month, quarter",
        ),
        (
            lambda c: c.codefresh().credit_consumption(D(2026, 1, 1), D(2026, 2, 1), "week"),
            "allowed: whole range, month, day",
        ),
        (
            lambda c: c.codefresh().report("activeCommitters", D(2026, 1, 1), D(2026, 6, 1), "day"),
            "allowed: month",
        ),
    ],
)
def test_bad_granularities_list_what_is_allowed(clients, sandbox, call, words):
    with pytest.raises(InvalidRangeError, match=words):
        call(clients)
    assert sandbox.requests == []


# Every endpoint and granularity, at and beyond its borders: the planner never sends what the
# sandbox (which enforces the documented rules) rejects.
BORDER_SPANS = [1, 2, 3, 44, 45, 46, 89, 90, 91, 92, 180, 364, 365, 366, 367, 400]
CASES = [
    (e, g)
    for e in ALL_CALLS
    for g in (
        [GRANULARITY[e]]
        if e in GRANULARITY
        else (
            ["day", "week", "month", "quarter"]
            if e.startswith("builder")
            else [None, "day", "month"]
        )
    )
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=st.sampled_from(CASES), span=st.sampled_from(BORDER_SPANS), back=st.integers(0, 500))
def test_no_accepted_range_is_rejected_by_the_api(clients, sandbox, case, span, back):
    endpoint, granularity = case
    end = TODAY - dt.timedelta(days=back)
    start = end - dt.timedelta(days=span - 1)
    if endpoint == "firebender.model_requests" and span > 60:
        start = end - dt.timedelta(days=59)  # keep the page walk short
    try:
        ALL_CALLS[endpoint](clients, start, end, granularity)
    except InvalidRangeError:
        assert endpoint == "firebender.model_requests" and end < D(2025, 12, 31)
    assert all(r.status in (200, 500) for r in sandbox.requests), sandbox.request_log()[-1]
    assert not [r for r in sandbox.requests if r.status == 500 and r.vendor != "codefresh"]
    sandbox.clear_requests()


# ------------------------------------------------------------------ base URLs


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com", "javascript:alert(1)", "g.codefresh.io", "file:///etc/passwd", "http://"],
)
def test_base_urls_must_be_http(url):
    with pytest.raises(ConnectorError, match="not an http\\(s\\) URL"):
        CodefreshClient("k", base_url=url)


def test_a_mistyped_host_is_a_clear_unreachable_error():
    from connectors import http

    client = FirebenderClient("secret-key-1234", base_url="http://127.0.0.1:9")
    client.api.session = http.new_session(
        "firebender", retry=http.retry_policy("firebender", budget=0)
    )
    with pytest.raises(ServerError) as info:
        client.daily_usage(D(2026, 1, 1), D(2026, 1, 2))
    assert "could not be reached at http://127.0.0.1:9" in str(info.value)
    assert "FIREBENDER_BASE_URL" in str(info.value)


def test_base_url_from_the_environment(monkeypatch, server_sandbox):
    _, url = server_sandbox
    monkeypatch.setenv("CODEFRESH_BASE_URL", url)
    client = CodefreshClient(keys.CODEFRESH_KEY, today=TODAY)
    assert client.api.base_url == url
    assert len(client.metadata()) > 0


# ------------------------------------------------------------------ odd answers


class _Odd(http.server.BaseHTTPRequestHandler):
    body = b""
    content_type = "text/html"
    status = 200

    def do_GET(self):
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def odd_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Odd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_non_json_answer_names_the_vendor_and_the_setting(odd_server):
    server, url = odd_server
    _Odd.body, _Odd.status = b"<html>Welcome to our login page secret-key-1234</html>", 200
    client = CodefreshClient("secret-key-1234", base_url=url, today=TODAY)
    with pytest.raises(ResponseFormatError) as info:
        client.metadata()
    message = str(info.value)
    assert (
        message.startswith("Codefresh")
        and "not JSON" in message
        and "CODEFRESH_BASE_URL" in message
    )
    assert "secret-key-1234" not in message and "[redacted]" in message


def test_an_oversized_answer_is_refused(odd_server):
    server, url = odd_server
    _Odd.body, _Odd.status, _Odd.content_type = (
        b'{"reports": [' + b"{}," * 50_000 + b"{}]}",
        200,
        "application/json",
    )
    client = CodefreshClient("k", base_url=url, today=TODAY)
    client.api.max_response_bytes = 100_000
    with pytest.raises(ResponseFormatError, match="larger than 100,000 bytes"):
        client.metadata()


def test_a_json_answer_of_the_wrong_shape_is_a_format_error(odd_server):
    server, url = odd_server
    _Odd.body, _Odd.status, _Odd.content_type = b'{"items": []}', 200, "application/json"
    client = BuilderClient("k", base_url=url, today=TODAY)
    with pytest.raises(ResponseFormatError, match='no "data" list'):
        client.org_metrics(D(2026, 1, 1), D(2026, 1, 5))


def test_an_api_400_is_reported_with_its_message(odd_server):
    server, url = odd_server
    _Odd.body, _Odd.status, _Odd.content_type = (
        b'{"message": "Invalid report name"}',
        400,
        "application/json",
    )
    client = CodefreshClient("k", base_url=url, today=TODAY)
    with pytest.raises(RequestRejectedError, match='The API said: "Invalid report name"'):
        client.report("nope", D(2026, 1, 1), D(2026, 1, 5))


# ------------------------------------------------------------------ secrets

PLANTED = "planted-secret-key-0xC0FFEE"


def test_a_planted_key_never_reaches_logs_errors_or_reprs(clients, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []
    for make in (
        lambda: BuilderClient(PLANTED, session=clients.session("builder"), today=TODAY),
        lambda: FirebenderClient(PLANTED, session=clients.session("firebender"), today=TODAY),
        lambda: CodefreshClient(PLANTED, session=clients.session("codefresh"), today=TODAY),
    ):
        client = make()
        texts += [repr(client), repr(client.api), str(vars(client.api).get("base_url"))]
        for call in (
            lambda c: (
                c.org_metrics(D(2026, 1, 1), D(2026, 1, 2))
                if isinstance(c, BuilderClient)
                else c.daily_usage(D(2026, 1, 1), D(2026, 1, 2))
                if isinstance(c, FirebenderClient)
                else c.metadata()
            ),
        ):
            with pytest.raises(ConnectorError) as info:
                call(client)
            err = info.value
            texts += [
                str(err),
                repr(err),
                str(err.__cause__),
                str(err.__context__),
                str(getattr(err, "body_excerpt", "")),
            ]
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records, "debug logging was on"
    assert not [t for t in texts if PLANTED in t]


def test_a_host_that_does_not_resolve_fails_at_once(clock):
    from connectors import http

    client = CodefreshClient("k", base_url="https://no-such-host.invalid", today=TODAY)
    client.api.session = http.new_session(
        "codefresh", retry=http.retry_policy("codefresh", clock=clock.time, sleeper=clock.sleep)
    )
    with pytest.raises(ServerError, match="could not be reached at https://no-such-host.invalid"):
        client.metadata()
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "make",
    [
        lambda key: FirebenderClient(key),
        lambda key: CodefreshClient(key),
        lambda key: BuilderClient(key),
        lambda key: BuilderClient(keys.BUILDER_ORG_KEY, "demo-space-web", space_private_key=key),
    ],
)
@pytest.mark.parametrize("bad, position, code", [("\u2010", 5, "U+2010"), ("\x1b", 5, "U+001B")])
def test_a_key_with_a_character_a_header_cannot_carry_is_named_by_position(
    make, bad, position, code
):
    key = "demo" + bad + "key-0123456789"
    with pytest.raises(ConnectorError) as raised:
        make(key)
    said = str(raised.value)
    assert f"position {position} ({code}" in said and "printable ASCII" in said
    assert key not in said and "key-0123456789" not in said
