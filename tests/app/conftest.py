"""AppTest fixtures: a hermetic environment (no real .env, secrets or keys), a sandbox HTTP server
for live mode, and helpers to run a page and read everything it shows."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import streamlit as st
import time_machine
from streamlit import config
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

# AppTest puts a page's folder on sys.path: imported first, the `alerts` package is what
# `import alerts` finds, not pages/alerts.py (a lone test file would fail otherwise).
import alerts  # noqa: F401
from analytics.overview_report import OVERVIEW_SECTIONS
from config import settings as app_settings
from connectors.sandbox import Sandbox, keys, running_server
from sync import clients
from sync import on_demand as history

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGES = [
    "pages/overview.py",
    "pages/builder.py",
    "pages/firebender.py",
    "pages/codefresh.py",
    "pages/explore.py",
    "pages/connections.py",
]
TIMEOUT = 90
# Every key the sandbox accepts: none of them may ever appear on a page.
ALL_KEYS = [
    keys.BUILDER_ORG_KEY,
    keys.FIREBENDER_KEY,
    keys.CODEFRESH_KEY,
    keys.FIREBENDER_NO_ORG_KEY,
    keys.CODEFRESH_LIMITED_KEY,
    *(private for _, private in keys.BUILDER_SPACES.values()),
]


# Every app test runs on this day, the clock ticking from its noon (UTC): what a page shows
# depends on the day (a month's projection needs 14 settled days, anomalies are judged against
# the weeks before), so a test that passed on the 23rd failed on the 6th. The sandbox answers
# from the same clock. Tests of another day travel there themselves.
FROZEN_NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _loopback_option(get_option):
    def option(key: str):
        return "localhost" if key == "server.address" else get_option(key)

    return option


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path):
    """No real settings reach the app: no keys in the environment, no .env, no secrets file
    (and a working directory without one), and an empty data cache."""
    for name in app_settings.ALL_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_DOTENV", "")
    monkeypatch.setenv("APP_READ_SECRETS", "0")
    monkeypatch.setenv("HISTORY_DIR", str(tmp_path / "history"))
    monkeypatch.setenv("DEMO_CACHE_DIR", str(tmp_path / "demo-cache"))  # demo data made afresh
    monkeypatch.setenv("FRAMES_CACHE_DIR", str(tmp_path / "frames"))  # live stores' kept frames
    monkeypatch.chdir(tmp_path)
    # Served on loopback, as .streamlit/config.toml sets (AppTest does not read it): the local
    # user is an admin (ui/access.py); tests of viewers say otherwise.
    monkeypatch.setattr(config, "get_option", _loopback_option(config.get_option))
    history.forget()  # every test starts from an empty store (demo and live)
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    history.forget()


@pytest.fixture(scope="session")
def server():
    """The sandbox behind a real HTTP server: (sandbox, base URL)."""
    sandbox = Sandbox()
    with running_server(sandbox) as url:
        yield sandbox, url


@pytest.fixture
def live(monkeypatch, server):
    """Live mode: every vendor's key and base URL point at the sandbox server."""
    sandbox, url = server
    sandbox.clear_faults()
    for vendor in ("BUILDER", "FIREBENDER", "CODEFRESH"):
        monkeypatch.setenv(f"{vendor}_BASE_URL", url)
    monkeypatch.setenv("BUILDER_PRIVATE_KEY", keys.BUILDER_ORG_KEY)
    monkeypatch.setenv("BUILDER_SPACE_PUBLIC_KEY", "demo-space-web")
    monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_KEY)
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def read_only_view(tmp_path):
    """A read-only view of tmp_path/history at tmp_path/ro: a read-only bind mount (root
    ignores permissions), or the folder's write bits removed for another user."""
    source, view = tmp_path / "history", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    mounted = False

    def make() -> Path:
        nonlocal mounted
        if os.geteuid() != 0:
            for folder, _, _ in os.walk(source):
                os.chmod(folder, 0o555)
            return source
        done = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(source), str(view)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"no read-only mount here: {done.stderr.decode()[:200]}")
        mounted = True
        return view

    yield source, make
    if mounted:
        subprocess.run(["umount", str(view)], check=False)
    for folder, _, _ in os.walk(source):
        os.chmod(folder, 0o755)


@pytest.fixture
def demo_sandbox():
    sandbox = clients.shared_sandbox()
    sandbox.clear_requests()
    return sandbox


def open_page(
    page: str | None = None,
    query: dict | None = None,
    secrets: dict | None = None,
    timeout: float = TIMEOUT,
) -> AppTest:
    """Run app.py (optionally switching to `page`) with URL query parameters."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if secrets:
        at.secrets = dict(secrets)
    if query:
        at.query_params.update(query)
    if page:
        at.switch_page(page)  # by file name: the pages keep their default url paths
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page sends to the browser, as text (element protos, query string)."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    found.append(repr(at.query_params))
    return "\n".join(found)


def assert_no_keys(at: AppTest) -> None:
    shown = texts(at)
    for key in ALL_KEYS:
        assert key not in shown, "a key is visible on the page"


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


SECTIONS = OVERVIEW_SECTIONS  # the Overview's tabs: URL value -> label


def show_section(at: AppTest, name: str) -> AppTest:
    """The Overview with its tab `name` chosen, as a click on it does (only the chosen tab is
    drawn)."""
    at.session_state["overview__section"] = SECTIONS[name]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def every_section(at: AppTest):
    """The Overview once per tab, each chosen in turn: (name, at) after each run."""
    for name in SECTIONS:
        yield name, show_section(at, name)


@pytest.fixture
def downloads(monkeypatch):
    """file name -> the callable a download button will run, for every button drawn."""
    captured: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured
