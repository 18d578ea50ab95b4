"""No tile label is cut off on the overview at 1440x900 in Chromium ("CI credits per AI-active
devel..." was): each metric label shows whole, or is shortened with its definition in the help."""

from __future__ import annotations

from .test_browser import CHART, wait_idle

CUT = """() => [...document.querySelectorAll("[data-testid='stMetricLabel']")]
  .filter(label => [label, ...label.querySelectorAll('*')].some(e =>
    e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible'))
  .map(label => label.innerText)"""


def test_no_tile_label_is_cut_off_at_1440_by_900(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        # the first screen with the latest period's tiles, then the tabs that hold more tiles
        for link, tiles in (
            ("/", 12),
            ("/?granularity=month", 12),
            ("/?section=spend", 9),
            ("/?section=monthly&granularity=month", 7),
        ):
            page.goto(app_url + link)
            page.wait_for_selector(CHART)
            wait_idle(page)
            assert page.locator("[data-testid='stMetricLabel']").count() >= tiles, link
            assert page.evaluate(CUT) == [], link
    finally:
        context.close()


def test_no_tile_label_is_cut_off_on_the_vendor_pages(browser, app_url):
    """The Firebender page cut "Firebender autocomplete ac..." at 1440x900: on a vendor's own
    page the tiles drop the vendor's name, which the page's title already says."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        for link, vendor in (("/firebender", "Firebender"), ("/builder", "Builder.io")):
            page.goto(app_url + link)
            page.wait_for_function(f'document.querySelectorAll("{CHART}").length >= 1')
            wait_idle(page)
            labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
            assert len(labels) >= 4, link
            assert page.evaluate(CUT) == [], link
            assert not any(label.startswith(vendor) for label in labels), labels
    finally:
        context.close()
