"""An AI share of people above 100% is explained beside it: counted from both tools, someone
using both counts twice (the demo's adoption rate reached 118% by month)."""

from __future__ import annotations

from .conftest import assert_ok, open_page

LINK = {"start": "2025-12-01", "end": "2026-11-23", "granularity": "month"}


def test_a_share_above_100_percent_from_both_tools_says_why_next_to_it():
    at = open_page("pages/overview.py", query={**LINK, "ai": "both"})
    assert_ok(at)
    notes = [c.value for c in at.caption if "Above 100%" in c.value]
    assert len(notes) == 1, [c.value for c in at.caption]
    assert "counts twice" in notes[0]
    tiles = [m for m in at.metric if m.label == "AI adoption rate"]
    assert tiles and float(tiles[0].value.rstrip("%")) > 100  # the value itself is not capped


def test_one_tool_under_100_percent_has_no_such_note():
    at = open_page("pages/overview.py", query={**LINK, "ai": "firebender"})
    assert_ok(at)
    assert not [c.value for c in at.caption if "Above 100%" in c.value]
