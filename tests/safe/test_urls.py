"""A password or token inside a *_BASE_URL is never shown or printed: not in a client's repr,
not in a connection error, not on the Connections page."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from connectors import FirebenderClient
from connectors.errors import ConnectorError
from connectors.http import check_base_url, new_session, retry_policy
from safe.text import url

PASSWORD = "Pr0xyPassw0rd"


def test_url_hides_user_password_and_query_values():
    shown = url(f"https://bob:{PASSWORD}@proxy.corp:8443/api?token=abc123&x=1")
    assert shown == "https://***@proxy.corp:8443/api?token=***&x=***"
    assert url("https://api.firebender.com") == "https://api.firebender.com"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_client_and_its_connection_error_never_carry_the_password(monkeypatch):
    base = f"http://proxyuser:{PASSWORD}@127.0.0.1:{_closed_port()}"
    # the project's own policy, without the waits: no retry sleeps
    session = new_session("firebender", retry=retry_policy("firebender", sleeper=lambda s: None))
    client = FirebenderClient("fb-key-123456", base_url=base, session=session)
    assert PASSWORD not in repr(client)
    with pytest.raises(ConnectorError) as raised:
        client.daily_usage(dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    assert PASSWORD not in str(raised.value) and "***@127.0.0.1" in str(raised.value)


def test_a_bad_base_url_is_refused_without_its_password():
    with pytest.raises(ConnectorError) as raised:
        check_base_url("firebender", f"ftp://u:{PASSWORD}@host")
    assert PASSWORD not in str(raised.value)
