"""History in Chromium: a page says how fresh its history is, "Sync now" fetches the recent
days again, and Explore pages through model requests and downloads all of them from the store."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .test_browser import CHART, snap, wait_idle


def test_sync_now_and_freshness_on_the_firebender_page(page, app_url):
    page.goto(f"{app_url}/firebender")
    page.wait_for_selector(CHART, timeout=90_000)
    wait_idle(page)
    fresh = page.get_by_text(re.compile(r"Demo history \(Firebender\): synced just now; holds "))
    assert fresh.first.is_visible()
    page.get_by_role("button", name="Sync now").click()
    wait_idle(page)
    page.wait_for_selector(CHART)
    assert fresh.first.is_visible()
    assert not page.locator("[data-testid='stException']").count()
    snap(page, "browser-firebender-history.png", height=1600)


def test_explore_pages_model_requests_and_downloads_every_row(page, app_url, tmp_path):
    end = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=20)
    page.goto(f"{app_url}/explore?dataset=firebender.model_requests&start={start}&end={end}")
    caption = page.get_by_text(re.compile(r"[\d,]+ rows in .* shown, by day then request id"))
    caption.first.wait_for(timeout=90_000)
    wait_idle(page)
    total = int(
        re.search(r"([\d,]+) rows in", caption.first.inner_text()).group(1).replace(",", "")
    )
    assert total > 1_000  # more than one page
    first_page = caption.first.inner_text()
    assert "rows 1-1,000 shown" in first_page
    page.get_by_label(re.compile(r"Page \(of")).fill("2")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"rows 1,001-2,000 shown")).first.wait_for(timeout=30_000)
    wait_idle(page)
    snap(page, "browser-explore-model-requests.png", height=1400)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    got = pd.read_csv(path)
    assert len(got) == total and got["request_id"].is_unique
    times = pd.to_datetime(got["timestamp"], utc=True)
    assert times.min() >= pd.Timestamp(start, tz="UTC")
    assert times.max() < pd.Timestamp(end + dt.timedelta(days=1), tz="UTC")
