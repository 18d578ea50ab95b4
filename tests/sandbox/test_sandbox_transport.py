"""The two transports: the in-process adapter (through urllib3's own retry loop) and the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from urllib3.util import Retry

from connectors.sandbox import (
    DEFAULT_HOSTS,
    FaultRule,
    Sandbox,
    SandboxTransport,
    keys,
    running_server,
)

ROOT = Path(__file__).resolve().parents[2]
BUILDER_PATH = (
    "/api/v1/orgs/fusion/metrics?startDate=2026-02-01&endDate=2026-02-20&granularity=week"
)
CODEFRESH_PATH = (
    "/api/analytics/reports/creditConsumption"
    "?granularity=day&dateRange=2026-02-01&dateRange=2026-02-10"
)
FIREBENDER_PATH = "/v2/organization/model-requests"
REQUESTS = [  # (vendor, method, path, headers, json body)
    ("builder", "GET", BUILDER_PATH, {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"}, None),
    (
        "builder",
        "GET",
        BUILDER_PATH.replace("granularity=week", "granularity=hour"),
        {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
        None,
    ),
    (
        "firebender",
        "POST",
        FIREBENDER_PATH,
        {"X-API-Key": keys.FIREBENDER_KEY},
        {"startDate": 1770076800000, "endDate": 1770249599999, "limit": 200},
    ),
    ("firebender", "POST", FIREBENDER_PATH, {}, {"startDate": 1, "endDate": 2}),
    ("codefresh", "GET", CODEFRESH_PATH, {"Authorization": keys.CODEFRESH_KEY}, None),
    ("codefresh", "GET", "/api/analytics/metadata", {"Authorization": keys.CODEFRESH_KEY}, None),
]


def no_backoff(**kwargs) -> Retry:
    return Retry(backoff_factor=0, **kwargs)


def test_in_process_and_server_give_identical_bodies(sandbox, session):
    with running_server(sandbox) as base, requests.Session() as over_http:
        for vendor, method, path, headers, body in REQUESTS:
            local = session.request(
                method, DEFAULT_HOSTS[vendor] + path, headers=headers, json=body
            )
            remote = over_http.request(method, base + path, headers=headers, json=body)
            assert (local.status_code, local.content) == (remote.status_code, remote.content)
            assert local.headers["Content-Type"] == remote.headers["Content-Type"]
    assert [r.vendor for r in sandbox.requests] == [v for v, *_ in REQUESTS for _ in range(2)]


def test_retry_resends_after_429(sandbox, make_session):
    session = make_session(max_retries=no_backoff(total=3, status_forcelist=[429]))
    sandbox.add_fault(FaultRule("429", vendor="builder", times=2, retry_after=0))
    response = session.get(
        DEFAULT_HOSTS["builder"] + BUILDER_PATH,
        headers={"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    )
    assert response.status_code == 200
    assert [r.status for r in sandbox.requests] == [429, 429, 200]


def test_retry_gives_up_after_its_budget(sandbox, make_session):
    session = make_session(max_retries=no_backoff(total=2, status_forcelist=[503]))
    sandbox.add_fault(FaultRule("503"))
    with pytest.raises(requests.exceptions.RetryError):
        session.get(
            DEFAULT_HOSTS["codefresh"] + CODEFRESH_PATH,
            headers={"Authorization": keys.CODEFRESH_KEY},
        )
    assert len(sandbox.requests) == 3


def test_retry_resends_after_a_dropped_connection(sandbox, make_session):
    session = make_session(max_retries=no_backoff(total=3, allowed_methods=None))
    sandbox.add_fault(FaultRule("drop", vendor="firebender", times=1))
    _, method, path, headers, body = REQUESTS[2]
    response = session.post(DEFAULT_HOSTS["firebender"] + path, headers=headers, json=body)
    assert response.status_code == 200
    assert [r.status for r in sandbox.requests] == [None, 200]


def test_drop_without_retries_is_a_connection_error(sandbox, session):
    sandbox.add_fault(FaultRule("drop"))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(
            DEFAULT_HOSTS["codefresh"] + CODEFRESH_PATH,
            headers={"Authorization": keys.CODEFRESH_KEY},
        )


def test_slow_beyond_the_read_timeout_times_out_at_once(sandbox, make_session):
    session = make_session(max_retries=no_backoff(total=1, status_forcelist=[]))
    sandbox.add_fault(FaultRule("slow", seconds=30, times=1))
    started = time.monotonic()
    response = session.get(
        DEFAULT_HOSTS["builder"] + BUILDER_PATH,
        timeout=(1, 5),
        headers={"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    )
    assert response.status_code == 200  # the retry went through
    assert time.monotonic() - started < 1
    assert len(sandbox.requests) == 2
    sandbox.add_fault(FaultRule("slow", seconds=30, times=1))
    with pytest.raises(requests.exceptions.ReadTimeout):  # no retries: the timeout itself
        make_session().get(
            DEFAULT_HOSTS["builder"] + BUILDER_PATH,
            timeout=5,
            headers={"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
        )


def test_slow_within_the_timeout_waits(sandbox, session):
    sandbox.add_fault(FaultRule("slow", seconds=0.2, times=1))
    started = time.monotonic()
    response = session.get(
        DEFAULT_HOSTS["codefresh"] + "/api/analytics/metadata",
        headers={"Authorization": keys.CODEFRESH_KEY},
        timeout=5,
    )
    assert response.status_code == 200 and time.monotonic() - started >= 0.2


def test_truncated_body_fails_to_read(sandbox, session):
    sandbox.add_fault(FaultRule("truncate", times=1))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        session.get(
            DEFAULT_HOSTS["codefresh"] + "/api/analytics/metadata",
            headers={"Authorization": keys.CODEFRESH_KEY},
        )


def test_concurrent_requests(sandbox, make_session):
    session = make_session(pool_maxsize=8)
    url = DEFAULT_HOSTS["builder"] + "/api/v1/orgs/fusion/metrics?startDate={0}&endDate={0}"
    days = [f"2026-02-{d:02d}" for d in range(1, 25)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda d: (
                    session.get(
                        url.format(d), headers={"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"}
                    ).status_code
                ),
                days,
            )
        )
    assert statuses == [200] * len(days) and len(sandbox.requests) == len(days)


def test_transport_caches_pools_and_closes_them(sandbox):
    transport = SandboxTransport(sandbox)
    one = requests.Request("GET", "https://builder.io/a").prepare()
    two = requests.Request("GET", "https://builder.io/b").prepare()
    other = requests.Request("GET", "https://g.codefresh.io/a").prepare()
    pool = transport.get_connection_with_tls_context(one, True)
    assert transport.get_connection_with_tls_context(two, True) is pool
    assert transport.get_connection_with_tls_context(other, True) is not pool
    transport.close()
    assert transport.get_connection_with_tls_context(one, True) is not pool


# ------------------------------------------------------------------ the server


def test_server_faults_over_the_wire(sandbox):
    with running_server(sandbox) as base, requests.Session() as http:
        url = base + "/api/analytics/metadata"
        headers = {"Authorization": keys.CODEFRESH_KEY}
        sandbox.add_fault(FaultRule("drop", times=1))
        with pytest.raises(requests.exceptions.ConnectionError):
            http.get(url, headers=headers, timeout=5)
        sandbox.add_fault(FaultRule("truncate", times=1))
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            http.get(url, headers=headers, timeout=5)
        sandbox.add_fault(FaultRule("slow", seconds=2, times=1))
        with pytest.raises(requests.exceptions.ReadTimeout):
            http.get(url, headers=headers, timeout=(2, 0.2))
        sandbox.add_fault(FaultRule("html", times=1))
        response = http.get(url, headers=headers, timeout=5)
        assert response.status_code == 502 and "text/html" in response.headers["Content-Type"]
        assert http.get(url, headers=headers, timeout=5).status_code == 200


def test_server_latency():
    with running_server(latency=0.15) as base:
        started = time.monotonic()
        response = requests.get(
            base + "/api/analytics/metadata", headers={"Authorization": keys.CODEFRESH_KEY}
        )
        assert response.status_code == 200 and time.monotonic() - started >= 0.15


def test_admin_routes():
    sandbox = Sandbox()
    with running_server(sandbox) as base, requests.Session() as http:
        added = http.post(
            base + "/_sandbox/faults",
            json=[
                {"kind": "500", "vendor": "codefresh", "times": 1},
                {"kind": "slow", "seconds": 0.01},
            ],
        )
        assert added.status_code == 200 and len(sandbox.faults) == 2
        assert [f["kind"] for f in http.get(base + "/_sandbox/faults").json()["faults"]] == [
            "500",
            "slow",
        ]
        assert http.post(base + "/_sandbox/faults", json=[{"kind": "nope"}]).status_code == 400
        assert (
            http.get(
                base + "/api/analytics/metadata", headers={"Authorization": keys.CODEFRESH_KEY}
            ).status_code
            == 500
        )
        log = http.get(base + "/_sandbox/requests").json()["requests"]
        assert [(r["vendor"], r["path"], r["status"], r["faults"]) for r in log] == [
            ("codefresh", "/api/analytics/metadata", 500, ["500", "slow"])
        ]
        assert http.delete(base + "/_sandbox/faults").status_code == 200 and sandbox.faults == []
        assert (
            http.delete(base + "/_sandbox/requests").status_code == 200 and sandbox.requests == []
        )
        assert http.get(base + "/_sandbox/nothing").status_code == 404


def test_server_stops_cleanly():
    with running_server() as base:
        assert requests.get(base + "/nowhere").status_code == 404
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(base + "/nowhere", timeout=1)


def test_command_line_server():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "connectors.sandbox",
            "--port",
            "0",
            "--today",
            "2026-03-15",
            "--fault",
            "429:codefresh:1",
            "--latency-ms",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        base = process.stdout.readline().split()[-1]
        assert base.startswith("http://127.0.0.1:")
        url = base + "/api/analytics/metadata"
        headers = {"Authorization": keys.CODEFRESH_KEY}
        assert requests.get(url, headers=headers, timeout=5).status_code == 429
        assert requests.get(url, headers=headers, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
