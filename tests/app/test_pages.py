"""Every page, in demo mode (in-process sandbox) and live mode (sandbox server over HTTP)."""

from __future__ import annotations

import pytest

from .conftest import PAGES, assert_no_keys, assert_ok, charts, every_section, open_page, texts

# page -> charts it draws with every vendor answering
CHARTS = {
    "pages/overview.py": 4,  # the levels scatter (a tab) is empty when a measure is flat
    "pages/builder.py": 4,
    "pages/firebender.py": 6,
    "pages/codefresh.py": 3,
    "pages/explore.py": 0,
    "pages/connections.py": 0,
}
TITLES = {
    "pages/overview.py": "AI adoption vs CI credits",
    "pages/builder.py": "Builder.io Fusion",
    "pages/firebender.py": "Firebender",
    "pages/codefresh.py": "Codefresh CI",
    "pages/explore.py": "Explore & export",
    "pages/connections.py": "Connections",
}


def drawn(at, page: str) -> int:
    """The charts a page draws: on the Overview the main chart and each tab's own (one tab is
    drawn at a time, the main chart in every one)."""
    if page != "pages/overview.py":
        return len(charts(at))
    return 1 + sum(len(charts(shown)) - 1 for _, shown in every_section(at))


@pytest.mark.parametrize("page", PAGES)
def test_demo_mode(page):
    at = open_page(page)
    assert_ok(at)
    assert at.title[0].value == TITLES[page]
    assert "Demo data" in texts(at)
    assert drawn(at, page) >= CHARTS[page]
    assert_no_keys(at)


@pytest.mark.parametrize("page", PAGES)
def test_live_mode(live, page):
    at = open_page(page)
    assert_ok(at)
    assert at.title[0].value == TITLES[page]
    shown = texts(at)
    assert "Demo data" not in shown and "demo data" not in shown
    assert ": unreachable" not in shown and ": refused" not in shown
    assert drawn(at, page) >= CHARTS[page]
    assert_no_keys(at)
    assert any(r["vendor"] for r in live.request_log()) or page == "pages/connections.py"


def test_a_vendor_without_a_key_shows_demo_data_and_says_how_to_connect(live, monkeypatch):
    monkeypatch.delenv("BUILDER_PRIVATE_KEY")
    monkeypatch.delenv("CODEFRESH_API_KEY")
    at = open_page("pages/builder.py")
    assert_ok(at)
    shown = texts(at)
    assert "Builder.io: demo data" in shown and "BUILDER_PRIVATE_KEY" in shown
    assert "Builder.io and Codefresh show demo data: no key set" in shown
    assert len(charts(at)) >= CHARTS["pages/builder.py"]  # demo data, drawn
    overview = open_page()
    assert_ok(overview)
    assert "is not connected" not in texts(overview)
    assert drawn(overview, "pages/overview.py") >= CHARTS["pages/overview.py"]  # every vendor


def test_one_vendor_failing_leaves_the_rest_of_the_page(live):
    from connectors.sandbox import FaultRule

    live.add_fault(FaultRule("500", vendor="codefresh", times=2))
    at = open_page()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and all(e.startswith("Codefresh") for e in errors)
    assert charts(at)
    assert [m.value for m in at.metric if m.label == "AI-active developers"][0] != "-"
    # failed loads are not cached: the next run fetches again and succeeds
    at.run()
    assert_ok(at)
    assert [m.value for m in at.metric if m.label == "CI credits"][0] != "-"
