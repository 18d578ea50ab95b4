"""`streamlit run app.py` in demo mode on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The app's clock in every browser test (the app tests' day: what a page shows depends on it).
FROZEN_NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTINGS = (
    "BUILDER_PRIVATE_KEY",
    "BUILDER_SPACE_PUBLIC_KEY",
    "BUILDER_SPACE_PRIVATE_KEY",
    "FIREBENDER_API_KEY",
    "CODEFRESH_API_KEY",
    "BUILDER_BASE_URL",
    "FIREBENDER_BASE_URL",
    "CODEFRESH_BASE_URL",
    "CODEFRESH_USD_PER_CREDIT",
    # Teams and privacy: a server gets them only when a test passes them.
    "TEAMS_FILE",
    "PRIVACY_MIN_GROUP",
    "PSEUDONYMIZE_PEOPLE",
    "PSEUDONYM_SALT",
)

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(address: str = "127.0.0.1", port: int | None = None, **settings: str):
    """`streamlit run app.py` on a free port with exactly these settings (none: demo mode), no
    .env and no secrets file; yields the loopback URL. `address` is what the server listens on
    (0.0.0.0: a network server, whose visitors are viewers without sign-in)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(APP_DOTENV="", APP_READ_SECRETS="0", PYTHONUNBUFFERED="1")
    env.update(settings)
    # Live keys write history: never into the repository's own .history/.
    env.setdefault("HISTORY_DIR", tempfile.mkdtemp(prefix="ai-ci-browser-history-"))
    # Demo data made afresh for each server, never in the project's .cache/.
    env.setdefault("DEMO_CACHE_DIR", tempfile.mkdtemp(prefix="ai-ci-browser-demo-"))
    # A live store's kept frames (sync/kept_frames.py) likewise: never the project's .cache/.
    env.setdefault("FRAMES_CACHE_DIR", tempfile.mkdtemp(prefix="ai-ci-browser-frames-"))
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-test-{port}.log", "w")  # noqa: SIM115 - the server outlives this block
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("frozen_server.py")),
            FROZEN_NOW.isoformat(),
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            address,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def read_only_view(source: Path, view: Path):
    """`source` mounted read-only at `view` (a viewer deployment's store); skips the test where
    this machine cannot mount."""
    done = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(source), str(view)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"no read-only mount here: {done.stderr.decode()[:200]}")
    try:
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=False)


@pytest.fixture(scope="session")
def app_url():
    """The app in demo mode: no keys, no .env, no secrets file."""
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000},
        accept_downloads=True,
        timezone_id="America/Los_Angeles",
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def frozen_day():
    """The tests' own clock is the server's, so the dates they expect are the page's."""
    import time_machine

    with time_machine.travel(FROZEN_NOW, tick=True):
        yield
