"""Mixed mode: the vendor with a key is live (the sandbox server over HTTP), the vendors without
one stay on demo data (the in-process sandbox), and every page says which."""

from __future__ import annotations

import re

import pytest

from connectors.sandbox import keys

from .conftest import PAGES, assert_no_keys, assert_ok, charts, open_page, texts
from .test_day_weekdays import overview_charts

BADGE = re.compile(r"^:(\w+)-badge\[(?::material/\w+: )?(.*)\]$")


def badges(node) -> list[tuple[str, str]]:
    """(color, text) of every st.badge under `node` (an AppTest or one of its blocks)."""
    found = []
    for markdown in node.markdown:
        match = BADGE.match(markdown.value)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def metric(at, label: str) -> str:
    return [m.value for m in at.metric if m.label == label][0]


@pytest.fixture
def codefresh_only(monkeypatch, server, demo_sandbox):
    """Only Codefresh has a key (against the sandbox server); Builder.io has a base URL but no
    key. Yields (server sandbox, in-process demo sandbox) with empty request logs."""
    sandbox, url = server
    sandbox.clear_faults()
    sandbox.clear_requests()
    monkeypatch.setenv("CODEFRESH_BASE_URL", url)
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
    monkeypatch.setenv("BUILDER_BASE_URL", url)  # without a key it must not be used
    yield sandbox, demo_sandbox
    sandbox.clear_faults()


def test_the_overview_draws_live_codefresh_beside_demo_builder_and_firebender(codefresh_only):
    server, demo = codefresh_only
    at = open_page()
    assert_ok(at)
    assert badges(at) == [
        ("orange", "Builder.io: demo data"),
        ("orange", "Firebender: demo data"),
        ("blue", "Codefresh: live"),
    ]
    shown = texts(at)
    assert "Builder.io and Firebender show demo data: no key set" in shown
    assert "is not connected" not in shown
    assert not at.info or all("not connected" not in i.value for i in at.info)
    # every vendor's data is drawn: the demo vendors from the in-process sandbox ...
    assert metric(at, "AI-active developers") != "-"
    assert metric(at, "Builder.io prompts") != "-"
    assert {r["vendor"] for r in demo.request_log()} == {"builder", "firebender"}
    # ... and Codefresh live, over HTTP, from the server (and nothing else went there)
    assert metric(at, "CI credits") != "-"
    assert {r["vendor"] for r in server.request_log()} == {"codefresh"}
    assert_no_keys(at)
    # the whole page: what is drawn only when opened, and every tab below the first screen,
    # each chosen in turn: no error, nothing "not connected", no key; each chart counted once
    # (the levels scatter is empty when a measure is flat)
    at.session_state["overview__about"] = True
    at.session_state["overview__verdict__how"] = True
    assert len(overview_charts(at, each_tab_is_fine)) >= 4
    assert {r["vendor"] for r in demo.request_log()} == {"builder", "firebender"}
    assert {r["vendor"] for r in server.request_log()} == {"codefresh"}


def each_tab_is_fine(at) -> None:
    """One of the Overview's runs in mixed mode: no error, no vendor said to be not connected,
    no key on the page."""
    assert_ok(at)
    assert "is not connected" not in texts(at)
    assert all("not connected" not in i.value for i in at.info)
    assert_no_keys(at)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/overview.py"])
def test_every_page_says_which_vendors_are_demo(codefresh_only, page):
    at = open_page(page)
    assert_ok(at)
    assert ("orange", "Builder.io: demo data") in badges(at)
    # live once it answered on this page, else not tested: having a key proves nothing
    loads_codefresh = page in ("pages/codefresh.py", "pages/explore.py")
    assert (
        ("blue", "Codefresh: live") if loads_codefresh else ("gray", "Codefresh: not tested")
    ) in badges(at)
    shown = texts(at)
    assert "Builder.io and Firebender show demo data: no key set" in shown
    header = [b for b in badges(at) if ": " in b[1]]
    assert len(header) == 3  # one per vendor, whatever the page loads
    assert "is not connected" not in shown
    assert_no_keys(at)


def test_a_demo_vendors_page_draws_demo_data_in_mixed_mode(codefresh_only):
    server, demo = codefresh_only
    at = open_page("pages/firebender.py")
    assert_ok(at)
    assert len(charts(at)) >= 6
    assert {r["vendor"] for r in demo.request_log()} == {"firebender"}
    assert not server.request_log()


def test_one_vendor_without_a_key_is_named_alone(live, monkeypatch):
    monkeypatch.delenv("FIREBENDER_API_KEY")
    at = open_page("pages/codefresh.py")
    assert_ok(at)
    assert ("orange", "Firebender: demo data") in badges(at)
    assert ("gray", "Builder.io: not tested") in badges(at)  # not asked on this page
    assert "Firebender shows demo data: no key set" in texts(at)


def test_live_mode_says_each_vendors_state_and_demo_mode_one_badge(live, monkeypatch):
    at = open_page("pages/codefresh.py")
    # Codefresh answered on this page; the others have keys nobody has asked them about yet
    assert badges(at) == [
        ("gray", "Builder.io: not tested"),
        ("gray", "Firebender: not tested"),
        ("blue", "Codefresh: live"),
    ]
    for name in ("BUILDER_PRIVATE_KEY", "FIREBENDER_API_KEY", "CODEFRESH_API_KEY"):
        monkeypatch.delenv(name)
    at = open_page("pages/codefresh.py")
    assert badges(at) == [("orange", "Demo data")]
