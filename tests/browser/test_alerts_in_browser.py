"""The Alerts & budgets page in Chromium on demo data: this month's three projections drawn as
charts, a team picked whose CI credits will pass their budget, the budget alerts downloaded,
and the overview's row for the month linking to the page."""

from __future__ import annotations

import csv
import io

from .conftest import ARTIFACTS
from .test_teams_in_browser import LONG, choose, idle, snap_whole

CHART = "[data-testid='stVegaLiteChart']"


def test_the_month_against_its_budgets_a_team_over_budget_and_its_export(page, app_url):
    page.goto(f"{app_url}/alerts", timeout=LONG)
    page.get_by_role("heading", name="Alerts & budgets", exact=True).wait_for(timeout=LONG)
    idle(page)
    page.locator(CHART).nth(2).wait_for(timeout=LONG)
    assert page.locator(CHART).count() == 3
    assert page.get_by_text("On track:").count() == 3
    snap_whole(page, "alerts-org.png")

    choose(page, "Organisation or team", "Platform")
    idle(page)
    page.get_by_text("Will pass the budget").wait_for(timeout=LONG)
    assert "scope=Platform" in page.url
    texts = page.locator(f"{CHART} svg text").all_text_contents()
    assert any("Running total (credits)" in t for t in texts), texts
    snap_whole(page, "alerts-platform.png")

    with page.expect_download() as info:
        page.get_by_role("button", name="CSV", exact=True).last.click()
    download = info.value
    assert download.suggested_filename.startswith("alerts_budget-alerts_")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text())))
    (row,) = rows
    assert row["subject"] == "Platform" and float(row["usual_low"]) > float(row["expected"])
    (ARTIFACTS / "alerts-budget-alerts.csv").write_text(download.path().read_text())

    page.goto(app_url, timeout=LONG)
    page.get_by_role("heading", name="AI adoption vs CI credits").wait_for(timeout=LONG)
    link = page.get_by_role("link", name="Alerts & budgets: 1 open alert")
    link.wait_for(timeout=LONG)
    link.click()
    page.get_by_role("heading", name="Alerts & budgets", exact=True).wait_for(timeout=LONG)
