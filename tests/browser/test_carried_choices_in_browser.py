"""A team picked on the Overview is Explore's after clicking Explore in the navigation (the
browser's page switch drops the link's query; the choice is carried in the session)."""

from __future__ import annotations

import re

from .test_browser import CHART, wait_idle


def test_a_team_picked_on_the_overview_is_kept_in_explore(page, app_url):
    page.goto(f"{app_url}/?team=Web")
    page.wait_for_selector(CHART, timeout=90_000)
    wait_idle(page)
    page.get_by_role("link", name=re.compile("Explore")).first.click()
    page.get_by_text("Team: ").first.wait_for(timeout=90_000)
    wait_idle(page)
    assert "team=Web" in page.url, page.url
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Team: Web." in main
