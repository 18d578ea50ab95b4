"""Each vendor failing in turn (its base URL does not resolve) while the others answer from the
sandbox server: the failed vendor is "unreachable" on every page, never "live", and every total,
tile and chart that needs its part is unknown with the reason, never a smaller number."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from .conftest import assert_no_keys, every_section, open_page
from .test_connection_status import card_badges
from .test_mixed_mode import badges

UNREACHABLE = "http://vendor-down.invalid"  # does not resolve: fails at once, no retry wait
NAMES = {"builder": "Builder.io", "firebender": "Firebender", "codefresh": "Codefresh"}
# The totals tiles that hold a part of each vendor (the default AI source is Firebender).
NEEDS = {
    "builder": ["Accepted AI lines"],
    "firebender": [
        "Accepted AI lines",
        "AI model spend",
        "AI-active devs (avg)",
        "AI spend per AI-active developer",
        "AI spend per 1,000 accepted AI lines",
    ],
    "codefresh": ["CI credits", "CI spend"],
}
# Columns of the joined table each vendor feeds.
COLUMNS = {
    "builder": ["builder_lines_accepted", "ai_accepted_lines", "credits_per_accepted_line"],
    "firebender": ["ai_active_developers", "ai_accepted_lines", "model_spend_usd"],
    "codefresh": ["ci_credits", "credits_per_ai_developer", "credits_per_accepted_line"],
}


def tiles(at) -> dict[str, tuple[str, str]]:
    """label -> (value, help) of every metric tile."""
    return {m.label: (m.value, m.proto.help) for m in at.metric}


def totals(at) -> dict[str, tuple[str, str]]:
    return {k: v for k, v in tiles(at).items() if "vs " in v[1] and "Latest" not in v[1]}


def joined_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "ci_credits" in d.value)


@pytest.mark.parametrize("vendor", ["builder", "firebender", "codefresh"])
def test_a_vendor_that_cannot_be_reached_is_unknown_never_smaller(live, monkeypatch, vendor):
    url = os.environ[f"{vendor.upper()}_BASE_URL"]
    monkeypatch.setenv(f"{vendor.upper()}_BASE_URL", UNREACHABLE)
    at = open_page()  # first: an empty history, so the vendor must be asked
    assert not at.exception, [e.value for e in at.exception]
    name = NAMES[vendor]
    shown = badges(at)
    assert ("red", f"{name}: unreachable") in shown
    assert not any(text == f"{name}: live" for _, text in shown)
    for other in set(NAMES) - {vendor}:
        assert ("blue", f"{NAMES[other]}: live") in shown
    assert any(name in e.value and "could not be reached" in e.value for e in at.error)
    # The tiles and the joined table are in the Overview's tabs: every tab, each in its run
    # (the totals above the tabs are in every run); the two expanders drawn only when open are
    # opened, so no key is anywhere on the page.
    at.session_state["overview__about"] = True
    at.session_state["overview__verdict__how"] = True
    now = {}
    for section, shown in every_section(at):
        now[section] = totals(shown)
        if section == "data":
            table = joined_table(shown)
        assert_no_keys(shown)
    # the Connections card says the same, with the error
    at.switch_page("pages/connections.py").run()
    assert card_badges(at, vendor) == [("red", "Unreachable")]
    assert ("red", f"{name}: unreachable") in badges(at)
    assert "could not be reached" in " ".join(e.value for e in at.error)
    # every total with the vendor's part is unknown, saying why; the others are unchanged
    monkeypatch.setenv(f"{vendor.upper()}_BASE_URL", url)
    baseline = open_page()
    assert all(c == "blue" and t.endswith(": live") for c, t in badges(baseline))
    before = tiles(baseline)  # the default tab, as now["latest"]
    assert now["latest"] and now["spend"], now
    for section, shown_tiles in now.items():
        for label, (value, help_text) in shown_tiles.items():
            if any(label.startswith(n) for n in NEEDS[vendor]):
                assert value == "-", (section, label, value)
                assert f"{name} did not answer" in help_text, help_text
    for label in ("CI credits", "Accepted AI lines", "AI model spend"):
        if not any(label.startswith(n) for n in NEEDS[vendor]):
            assert now["latest"][label][0] == before[label][0], label
    # the data the browser gets: the failed vendor's measures are empty, never 0
    for column in COLUMNS[vendor]:
        assert table[column].isna().all(), column


def test_a_failed_test_connection_changes_the_card(live, monkeypatch):
    monkeypatch.setenv("FIREBENDER_BASE_URL", UNREACHABLE)
    at = open_page("pages/connections.py")
    assert card_badges(at, "firebender") == [("gray", "Not tested")]
    at.button(key="test_firebender").click().run()
    assert not at.exception
    assert card_badges(at, "firebender") == [("red", "Unreachable")]
    assert ("red", "Firebender: unreachable") in badges(at)


def test_a_vendor_answering_again_is_live_again(live, monkeypatch):
    monkeypatch.setenv("CODEFRESH_BASE_URL", UNREACHABLE)
    at = open_page("pages/codefresh.py")
    assert ("red", "Codefresh: unreachable") in badges(at)
    monkeypatch.setenv("CODEFRESH_BASE_URL", os.environ["BUILDER_BASE_URL"])
    at.run()
    assert ("blue", "Codefresh: live") in badges(at)
