"""Shared fixtures for the sandbox tests: a sandbox with a fixed "today" and sessions on it."""

from __future__ import annotations

from datetime import date

import pytest
import requests

from connectors.sandbox import DEFAULT_HOSTS, Sandbox, SandboxTransport

TODAY = date(2026, 3, 15)  # a Sunday; Firebender model requests exist from 2025-12-31


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(today=TODAY)


@pytest.fixture
def make_session(sandbox):
    """make_session(**adapter_kwargs): a session whose three vendor hosts go to `sandbox`."""
    opened = []

    def make(**adapter_kwargs) -> requests.Session:
        adapter_kwargs.setdefault("max_retries", 0)
        session = requests.Session()
        transport = SandboxTransport(sandbox, **adapter_kwargs)
        for host in DEFAULT_HOSTS.values():
            session.mount(host, transport)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


@pytest.fixture
def session(make_session) -> requests.Session:
    return make_session()
