"""The real app in Chromium: the overview charts, a date range change, page switches, an export."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from connectors import CodefreshClient
from connectors.http import new_session
from connectors.sandbox import Sandbox, SandboxTransport, keys

from .conftest import ARTIFACTS

CHART = "[data-testid='stVegaLiteChart']"


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def snap(page, name: str, height: int = 3200) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container, so the
    viewport is made tall for the picture)."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)


def joined_label(page) -> str:
    return page.get_by_text(re.compile(r"The joined table \(\d+ \w+\)")).inner_text()


def test_a_deep_link_first_after_start_opens_the_same_view(page, app_url):
    """Runs first: the server has not run app.py yet (Streamlit's legacy pages/ mode)."""
    page.goto(f"{app_url}/codefresh?start=2026-01-05&end=2026-03-29&granularity=month")
    page.get_by_role("heading", name="Codefresh CI", exact=True).wait_for()
    page.wait_for_selector(CHART)
    wait_idle(page)
    assert page.get_by_role("link", name="Overview").first.is_visible()  # app.py's top nav
    assert page.get_by_role("radio", name="Month").first.get_attribute("aria-checked") == "true"
    assert "start=2026-01-05" in page.url and "granularity=month" in page.url
    # the Overview's section is in the link too: its "Definitions and data" tab opens
    page.goto(f"{app_url}/?start=2026-01-05&end=2026-03-29&granularity=month&section=data")
    page.wait_for_function("() => /The joined table \\(3 months\\)/.test(document.body.innerText)")
    tab = page.get_by_role("tab", name="Definitions and data")
    assert tab.get_attribute("aria-selected") == "true"


def test_overview_chart_then_a_range_change(page, app_url):
    page.goto(app_url)
    page.wait_for_selector(CHART)
    wait_idle(page)
    assert page.get_by_text("Demo data", exact=True).first.is_visible()
    snap(page, "browser-overview.png")
    # below the first screen one section at a time: a tab's click draws it and names it in the URL
    page.get_by_role("tab", name="AI cost and spend").click()
    page.wait_for_url(re.compile(r"section=spend"))
    page.get_by_role("heading", name="Spend: AI models vs CI").wait_for()
    page.wait_for_function(f'document.querySelectorAll("{CHART}").length >= 2', timeout=60_000)
    assert not page.get_by_role("heading", name=re.compile("^Latest whole")).count()
    page.get_by_role("tab", name="Definitions and data").click()
    page.wait_for_url(re.compile(r"section=data"))
    page.get_by_text(re.compile(r"The joined table \(\d+ \w+\)")).wait_for()
    assert "13 weeks" in joined_label(page) or "14 weeks" in joined_label(page)

    page.get_by_role("radio", name="Last 12 months").click()
    start = today().replace(year=today().year - 1) + dt.timedelta(days=1)
    page.wait_for_url(re.compile(rf"start={start.isoformat()}"))
    page.wait_for_function(
        "() => /The joined table \\((5[2-4]) weeks\\)/.test(document.body.innerText)"
    )
    wait_idle(page)
    page.wait_for_selector(CHART)
    snap(page, "browser-overview-12-months.png")


PAGES = [
    ("Builder", "Builder.io Fusion"),
    ("Firebender", "Firebender"),
    ("Codefresh", "Codefresh CI"),
    ("Explore & export", "Explore & export"),
    ("Connections", "Connections"),
    ("Overview", "AI adoption vs CI credits"),
]


def test_pages_switch(page, app_url):
    page.goto(app_url)
    page.wait_for_selector(CHART)
    for link, heading in PAGES:
        page.get_by_role("link", name=link).first.click()
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        wait_idle(page)
        assert page.get_by_text("Demo data", exact=True).first.is_visible()
        assert not page.locator("[data-testid='stException']").count()
        if link not in ("Connections", "Explore & export"):
            page.wait_for_selector(CHART)
        snap(page, f"browser-{link.split()[0].lower()}.png")


def test_an_export_downloads_and_reads_back(page, app_url, tmp_path):
    start, end = today() - dt.timedelta(days=29), today()
    page.goto(
        f"{app_url}/explore?dataset=codefresh.pipeline_credit_consumption&granularity=whole"
        f"&start={start}&end={end}"
    )
    page.get_by_role("heading", name="Codefresh - pipeline credit consumption").wait_for()
    page.wait_for_selector("[data-testid='stDataFrame']")
    wait_idle(page)
    snap(page, "browser-explore.png", height=1400)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename == (
        f"codefresh_pipeline-credit-consumption-whole-range_{start}_{end}.csv"
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    got = pd.read_csv(path)

    client = CodefreshClient(
        keys.CODEFRESH_KEY,
        base_url="https://g.codefresh.io",
        session=new_session("codefresh", transport=SandboxTransport(Sandbox())),
    )
    expected = client.pipeline_credit_consumption(start, end)
    assert len(got) == len(expected) == 30
    assert got["key"].tolist() == expected["key"].tolist()
    assert got["value"].round(2).tolist() == expected["value"].round(2).tolist()
    assert f"{len(got)} of {len(got)} rows" in page.locator("body").inner_text()


def test_dark_theme_screenshot(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 3200}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    page.wait_for_selector(CHART)
    wait_idle(page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "browser-overview-dark.png"))
    context.close()
