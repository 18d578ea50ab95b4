"""Faults in Chromium: a read-only store with a damaged file (its month drawn as a gap, named as
unreadable, never as zeros) and a vendor leaving out an optional field (a warning on the page).
Screenshots go to artifacts/ and /tmp/issue-22-b/."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from connectors.sandbox import FaultRule, Sandbox, keys, running_server
from sync.__main__ import main as sync_main

from .conftest import ARTIFACTS, read_only_view, running_app
from .test_browser import CHART, snap, wait_idle

SHOTS = Path("/tmp/issue-22-b")
DAMAGED = "firebender.daily_usage/granularity=day/scope=org/month=2026-10/data.parquet"


def shot(page, name: str, height: int = 2400) -> None:
    snap(page, name, height=height)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / name, SHOTS / name)


@pytest.fixture
def firebender_live(monkeypatch):
    sandbox = Sandbox()
    with running_server(sandbox) as url:
        values = {"FIREBENDER_API_KEY": keys.FIREBENDER_KEY, "FIREBENDER_BASE_URL": url}
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        yield sandbox, values


@pytest.fixture
def read_only_damaged(firebender_live, monkeypatch, tmp_path):
    _, values = firebender_live
    source, view = tmp_path / "history", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    monkeypatch.setenv("HISTORY_DIR", str(source))
    since = dt.date(2026, 11, 23) - dt.timedelta(days=80)
    assert sync_main(["--since", since.isoformat(), "--only", "firebender", "--wait", "5"]) == 0
    (source / DAMAGED).write_bytes(b"PAR1 not really")
    with read_only_view(source, view):
        yield {**values, "HISTORY_DIR": str(view)}


def test_a_damaged_file_in_a_read_only_store_is_a_named_gap_in_chromium(page, read_only_damaged):
    with running_app(**read_only_damaged) as url:
        page.goto(f"{url}/firebender?range=last_90_days&granularity=week")
        page.wait_for_selector(CHART, timeout=90_000)
        wait_idle(page)
        said = page.get_by_text(
            re.compile(r"Firebender daily usage for .*1 Oct 2026 to 31 Oct 2026")
        )
        assert said.first.is_visible()
        assert not page.locator("[data-testid='stException']").count()
        shot(page, "faults-firebender-read-only-damaged.png")
        page.goto(f"{url}/?range=last_90_days&granularity=week")
        page.wait_for_selector(CHART, timeout=90_000)
        wait_idle(page)
        assert page.get_by_text("A history file could not be read").first.is_visible()
        assert not page.locator("[data-testid='stException']").count()
        shot(page, "faults-overview-read-only-damaged.png")


def test_a_missing_optional_field_is_a_warning_in_chromium(page, firebender_live, tmp_path):
    sandbox, values = firebender_live
    sandbox.add_fault(FaultRule("drift_optional", vendor="firebender"))
    with running_app(**values, HISTORY_DIR=str(tmp_path / "history")) as url:
        page.goto(f"{url}/firebender?range=last_30_days")
        page.wait_for_selector(CHART, timeout=90_000)
        wait_idle(page)
        warned = page.get_by_text(re.compile(r"mode \(optional in Firebender's docs\) is missing"))
        assert warned.first.is_visible()
        shot(page, "faults-firebender-optional-field.png", height=1600)
