"""A total that is unknown says why beside its "-": over the last 12 months by month, the
first month starts before Firebender's model requests (31 Dec 2025), so AI model spend is
unknown, and the reason used to sit in a tile's help and the "About these numbers" expander."""

from __future__ import annotations

from .conftest import assert_ok, open_page

TWELVE_MONTHS = {"start": "2025-12-01", "end": "2026-11-23", "granularity": "month"}


def test_a_blank_total_has_its_reason_in_a_caption_under_the_tiles():
    at = open_page("pages/overview.py", query=TWELVE_MONTHS)
    assert_ok(at)
    spend = [m for m in at.metric if m.label == "AI model spend"]
    assert spend and spend[0].value == "-"
    reasons = [c.value for c in at.caption if c.value.startswith(":material/help: AI model spend")]
    assert len(reasons) == 1, [c.value for c in at.caption]
    assert "model requests (AI model spend) start 31 Dec 2025" in reasons[0]
    assert "inside the range (1 Dec 2025 – 31 Oct 2026)" in reasons[0]
    # The caption is outside any expander: it is read where the blank is.
    for expander in at.expander:
        assert not [c for c in expander.caption if c.value.startswith(":material/help:")]


def test_a_range_inside_every_vendors_data_has_no_blank_and_no_reason():
    at = open_page(
        "pages/overview.py", query={**TWELVE_MONTHS, "start": "2026-02-01", "end": "2026-10-31"}
    )
    assert_ok(at)
    assert [m for m in at.metric if m.label == "AI model spend"][0].value != "-"
    assert not [c.value for c in at.caption if c.value.startswith(":material/help:")]
