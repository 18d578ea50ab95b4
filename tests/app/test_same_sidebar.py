"""Every data page's sidebar has the same controls in the same order, with the same URL
parameters and defaults; a page that cannot use one says so where it would be."""

from __future__ import annotations

import re

import pytest

from ui import controls

from .conftest import assert_ok, open_page

DATA_PAGES = [
    "pages/overview.py",
    "pages/builder.py",
    "pages/firebender.py",
    "pages/codefresh.py",
    "pages/teams.py",
    "pages/alerts.py",
    "pages/explore.py",
]
RANGE = ("Granularity", "Quick ranges", "Date range (UTC days, inclusive)")
NOT_USED = re.compile(r"^\*\*(.+?)\*\*: not used on this page\. \S")


def sidebar_controls(at) -> list[str]:
    """The shared controls in the order the sidebar draws them: a widget by its label, a
    control a page cannot use by its "not used" sentence."""
    found = []

    def walk(node):
        label = getattr(node, "label", None)
        if label in controls.SIDEBAR_ORDER and getattr(node, "type", "") != "caption":
            found.append(label)
        if getattr(node, "type", None) == "caption" and (m := NOT_USED.match(node.value)):
            found.extend(RANGE if m.group(1) == controls.RANGE_LABEL else [m.group(1)])
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.sidebar)
    return found


@pytest.mark.parametrize("page", DATA_PAGES)
def test_every_data_page_has_the_same_sidebar_controls_in_the_same_order(page):
    at = open_page(page)
    assert_ok(at)
    assert sidebar_controls(at) == list(controls.SIDEBAR_ORDER)


@pytest.mark.parametrize(
    "page", ["pages/overview.py", "pages/teams.py", "pages/alerts.py", "pages/explore.py"]
)
def test_the_ci_price_has_the_same_default_everywhere(page):
    at = open_page(page)
    name = page.removeprefix("pages/").removesuffix(".py")
    assert at.number_input(key=f"{name}__price").value == controls.DEMO_USD_PER_CREDIT


def test_the_ai_source_and_price_chosen_on_the_overview_are_explores():
    at = open_page()
    assert at.selectbox(key="overview__ai").value == "both"  # the default: both tools
    at.selectbox(key="overview__ai").set_value("builder").run()
    at.number_input(key="overview__price").set_value(0.02).run()
    at.query_params.clear()  # the browser's page navigation drops the link's query
    at.switch_page("pages/explore.py").run()
    assert_ok(at)
    assert at.selectbox(key="explore__ai").value == "builder"
    assert at.number_input(key="explore__price").value == 0.02
    assert at.query_params["ai"] == "builder" and at.query_params["usd_per_credit"] == "0.02"
