"""Clients wired to the sandbox: in-process (through the real retry loop, with a fake clock) and
over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from connectors import BuilderClient, CodefreshClient, FirebenderClient
from connectors.http import new_session, retry_policy
from connectors.sandbox import Sandbox, SandboxTransport, keys, running_server

TODAY = dt.date(2026, 11, 22)
SPACE = "demo-space-web"


class FakeClock:
    """Time that only moves when the retry policy sleeps: tests see every wait, none is real.

    Each thread has its own timeline, as real sleeps in parallel threads overlap."""

    def __init__(self):
        self.start = 1000.0
        self.sleeps: list[float] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self.by_thread: list[float] = []  # total wait of each thread that slept

    def _elapsed(self) -> list[float]:
        if not hasattr(self._local, "elapsed"):
            self._local.elapsed = [0.0]
            with self._lock:
                self.by_thread.append(0.0)
                self._local.slot = len(self.by_thread) - 1
        return self._local.elapsed

    def time(self) -> float:
        return self.start + self._elapsed()[0]

    def sleep(self, seconds: float) -> None:
        elapsed = self._elapsed()
        elapsed[0] += seconds
        with self._lock:
            self.sleeps.append(seconds)
            self.by_thread[self._local.slot] = elapsed[0]


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(today=TODAY)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Clients:
    def __init__(self, sandbox, clock, base_url=None):
        self.sandbox, self.clock, self.base_url = sandbox, clock, base_url

    def session(self, vendor):
        transport = None if self.base_url else SandboxTransport(self.sandbox)
        return new_session(
            vendor,
            transport=transport,
            retry=retry_policy(vendor, clock=self.clock.time, sleeper=self.clock.sleep),
        )

    def builder(self, key=keys.BUILDER_ORG_KEY, **kw):
        kw.setdefault("space_public_key", SPACE)
        return BuilderClient(
            key, base_url=self.base_url, session=self.session("builder"), today=TODAY, **kw
        )

    def firebender(self, key=keys.FIREBENDER_KEY, **kw):
        return FirebenderClient(
            key, base_url=self.base_url, session=self.session("firebender"), today=TODAY, **kw
        )

    def codefresh(self, key=keys.CODEFRESH_KEY, **kw):
        return CodefreshClient(
            key, base_url=self.base_url, session=self.session("codefresh"), today=TODAY, **kw
        )


@pytest.fixture
def clients(sandbox, clock) -> Clients:
    return Clients(sandbox, clock)


@pytest.fixture(scope="module")
def server_sandbox():
    sandbox = Sandbox(today=TODAY)
    with running_server(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def http_clients(server_sandbox, clock) -> Clients:
    sandbox, base_url = server_sandbox
    sandbox.clear_faults()
    sandbox.clear_requests()
    return Clients(sandbox, clock, base_url)
