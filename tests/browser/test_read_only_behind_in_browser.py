"""A read-only store cron filled four days ago, with a damaged Builder.io file, in Chromium: the
Overview's running week is not "so far 0" and the store is said to be filled through its last
day (no damage warning for that); the Builder.io page leaves the damaged month's weeks empty and
names them. Screenshots go to artifacts/ and /tmp/issue-22-c/."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import time_machine

from connectors.sandbox import Sandbox, keys, running_server
from sync.__main__ import main as sync_main

from .conftest import ARTIFACTS, FROZEN_NOW, read_only_view, running_app
from .test_browser import CHART, snap, wait_idle

SHOTS = Path("/tmp/issue-22-c")
DAMAGED = "builder.org_metrics/granularity=week/scope=org/month=2026-10/data.parquet"
SYNCED_AT = FROZEN_NOW - dt.timedelta(days=4)


def shot(page, name: str, height: int = 2400) -> None:
    snap(page, name, height=height)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / name, SHOTS / name)


@pytest.fixture
def behind_and_damaged(monkeypatch, tmp_path):
    sandbox = Sandbox()
    with running_server(sandbox) as url:
        values = {
            "BUILDER_PRIVATE_KEY": keys.BUILDER_ORG_KEY,
            "BUILDER_SPACE_PUBLIC_KEY": "demo-space-web",
            "FIREBENDER_API_KEY": keys.FIREBENDER_KEY,
            "CODEFRESH_API_KEY": keys.CODEFRESH_KEY,
            **{f"{v}_BASE_URL": url for v in ("BUILDER", "FIREBENDER", "CODEFRESH")},
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        source, view = tmp_path / "history", tmp_path / "ro"
        source.mkdir()
        view.mkdir()
        monkeypatch.setenv("HISTORY_DIR", str(source))
        with time_machine.travel(SYNCED_AT, tick=False):
            since = (SYNCED_AT.date() - dt.timedelta(days=90)).isoformat()
            assert sync_main(["--since", since, "--wait", "5"]) == 0
        (source / DAMAGED).write_bytes(b"PAR1 not really")
        with read_only_view(source, view):
            yield {**values, "HISTORY_DIR": str(view)}


def test_read_only_store_behind_and_damaged_in_chromium(page, behind_and_damaged):
    with running_app(**behind_and_damaged) as url:
        page.goto(f"{url}/?granularity=week")
        page.wait_for_selector(CHART, timeout=120_000)
        wait_idle(page)
        assert page.get_by_text(
            "filled by the scheduled sync through 18 Nov 2026"
        ).first.is_visible()
        assert not page.get_by_text(re.compile(r"so far 0|\$0\.00")).count()
        assert not page.locator("[data-testid='stException']").count()
        shot(page, "read-only-behind-overview.png")
        page.get_by_role("tab", name="AI cost and spend").click()  # the spend tiles' tab
        page.get_by_role("heading", name="Spend: AI models vs CI").wait_for(timeout=120_000)
        wait_idle(page)
        assert not page.get_by_text(re.compile(r"\$0\.00")).count()
        assert not page.locator("[data-testid='stException']").count()
        page.goto(f"{url}/builder?range=last_90_days&granularity=week")
        page.wait_for_selector(CHART, timeout=120_000)
        wait_idle(page)
        said = page.get_by_text(re.compile(r"Builder.io organization metrics for .* is unreadable"))
        assert said.first.is_visible()
        assert not page.locator("[data-testid='stException']").count()
        shot(page, "read-only-behind-builder-damaged.png", height=3200)
