"""The overview in Chromium in three states: demo data, one vendor failing, and a range that
starts before the vendors' data. Each answers in one sentence with one of the three openings,
shows no NaN and no zero before data starts, and leaves a screenshot to look at."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from connectors.sandbox import Sandbox, running_server

from .conftest import running_app
from .test_browser import CHART, snap, wait_idle

OPENINGS = re.compile(
    r"(Evidence of more CI credits with more AI use|Evidence of fewer CI credits with more AI "
    r"use|No clear evidence either way|Not enough data to answer yet):"
)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def answer_text(page) -> str:
    box = page.get_by_text(OPENINGS).first
    box.wait_for()
    return box.locator("xpath=ancestor::*[@data-testid='stMarkdownContainer'][1]").inner_text()


def no_nan(page) -> None:
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "NaN" not in text and "nan%" not in text
    assert not page.locator("[data-testid='stException']").count()


def test_demo_overview_states_an_answer_with_an_interval(page, app_url):
    page.goto(app_url)
    # the first screen: the answer, the totals and the main chart (the rest waits in tabs)
    page.wait_for_selector(CHART, timeout=90_000)
    wait_idle(page)
    text = answer_text(page)
    assert OPENINGS.search(text) and "95% interval" in text and "finished weeks" in text
    assert page.get_by_text(re.compile(r"is still running")).first.is_visible()
    no_nan(page)
    snap(page, "browser-overview-answer.png")

    page.goto(
        f"{app_url}/?start={today().replace(year=today().year - 1)}&end={today()}&granularity=month"
    )
    page.wait_for_function(
        "() => /whatever the chart/.test(document.body.innerText)", timeout=90_000
    )
    wait_idle(page)
    # by month too the answer reads the last 52 finished weeks, and says so
    by_month = answer_text(page)
    assert "95% interval" in by_month and "last 52 finished weeks" in by_month
    snap(page, "browser-overview-answer-12-months.png")


def test_a_range_before_the_data_shows_where_data_start_and_no_zeros(page, app_url):
    page.goto(f"{app_url}/?start=2024-01-01&end={today()}&granularity=month")
    about = page.get_by_text("About these numbers").first  # the caveats' one expander
    about.wait_for(timeout=120_000)
    about.click()
    page.get_by_text(re.compile(r"has data from 1 Jan 2025")).first.wait_for(timeout=120_000)
    page.wait_for_selector(CHART)
    wait_idle(page)
    no_nan(page)
    snap(page, "browser-overview-before-data.png")
    # The table's cells are drawn on a canvas; tests/app checks them one by one.
    assert OPENINGS.search(answer_text(page))


@pytest.fixture(scope="module")
def failing_codefresh_url():
    """Codefresh with a key the vendor refuses (the sandbox answers 401); Builder.io and
    Firebender stay on demo data (mixed mode)."""
    with running_server(Sandbox()) as api:
        with running_app(CODEFRESH_BASE_URL=api, CODEFRESH_API_KEY="refused-codefresh-key") as url:
            yield url


def test_one_vendor_failing_shows_one_clear_state_per_chart(browser, failing_codefresh_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(failing_codefresh_url)
        page.get_by_text(re.compile(r"No Codefresh data")).first.wait_for()
        page.wait_for_selector(CHART)  # the AI-active line still draws, from Firebender
        wait_idle(page)
        text = answer_text(page)
        # a vendor that did not answer is not a finding: the answer says what is missing
        opening = OPENINGS.search(text)
        assert opening and opening.group(1) == "Not enough data to answer yet", text
        assert "Codefresh did not answer" in text
        errors = page.locator("[data-testid='stAlertContentError']")
        assert errors.count() == 1 and "Codefresh" in errors.first.inner_text()
        assert page.get_by_text(re.compile(r"Codefresh: refused")).count() >= 1
        no_nan(page)
        snap(page, "browser-overview-codefresh-failing.png")
        page.get_by_role("tab", name="By vendor").click()  # Firebender's and Builder's chart
        page.get_by_role("heading", name="AI activity by vendor").wait_for()
        page.wait_for_function(f'document.querySelectorAll("{CHART}").length >= 2')
        wait_idle(page)
        no_nan(page)
    finally:
        context.close()
