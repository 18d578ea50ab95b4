"""Tiles: a change that rounds to 0% has no arrow and no colour; credits from 10 on are whole."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _tiles():
    import pandas as pd

    from analytics.metrics import Kpi
    from ui import page as ui

    week = pd.Timestamp("2026-11-23")
    before = pd.Timestamp("2026-11-16")
    ui.kpi_tiles(
        [
            Kpi("ai_active_developers", "AI-active developers", 20, 20, week, before, "", "count"),
            Kpi("builder_prompts", "Builder.io prompts", 1_001.0, 1_000.0, week, before, "", "n"),
            Kpi("builder_users", "Builder.io users", 12, 10, week, before, "", "count"),
            Kpi("ci_credits", "CI credits", 36_925.0, 36_903.0, week, before, "", "credits"),
        ],
        "week",
    )


def test_a_change_that_rounds_to_zero_has_no_arrow_and_credits_have_no_decimals():
    at = AppTest.from_function(_tiles).run()
    assert not at.exception
    by_label = {m.label: m.proto for m in at.metric}
    for label in ("AI-active developers", "Builder.io prompts", "CI credits"):
        shown = str(by_label[label])
        assert "direction: NONE" in shown and "color: GRAY" in shown, label
    assert "direction: NONE" not in str(by_label["Builder.io users"])  # +20%: an arrow
    assert by_label["CI credits"].body == "36,925" and by_label["CI credits"].delta == "+22 (+0%)"
    assert "vs week of 16 Nov 2026" in by_label["CI credits"].help  # in the help, not cut off


def _share_tiles():
    import pandas as pd

    from analytics.metrics import Kpi
    from ui import page as ui

    month, before = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-09-01")
    ui.kpi_tiles(
        [
            Kpi("ai_adoption_rate", "AI adoption rate", 0.5882, 0.5880, month, before, "", "share"),
            Kpi(
                "builder_acceptance",
                "Builder.io acceptance",
                0.62,
                0.60,
                month,
                before,
                "",
                "share",
            ),
        ],
        "month",
    )


def test_a_share_that_moved_less_than_a_tenth_of_a_point_has_no_arrow():
    at = AppTest.from_function(_share_tiles).run()
    assert not at.exception
    by_label = {m.label: m.proto for m in at.metric}
    flat = by_label["AI adoption rate"]
    assert (
        flat.delta == "+0.0 pts" and "direction: NONE" in str(flat) and "color: GRAY" in str(flat)
    )
    assert "direction: NONE" not in str(by_label["Builder.io acceptance"])  # +2.0 pts: an arrow


def test_an_average_of_people_in_the_totals_has_a_decimal():
    from .conftest import open_page

    at = open_page(
        "pages/overview.py",
        query={"start": "2026-10-26", "end": "2026-11-22", "granularity": "day"},
    )
    assert not at.exception
    [tile] = [m for m in at.metric if m.label == "AI-active devs (avg)"]
    value, delta = tile.value, tile.proto.delta
    assert "." in value, value  # 13.2, not 13
    assert not delta.startswith(("+0 ", "-0 ")), delta  # "+0 (+2%)" with a green arrow before


def _estimate_tile():
    import pandas as pd

    from analytics.metrics import Kpi
    from ui import page as ui

    month, before = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-09-01")
    ui.kpi_tiles(
        [
            Kpi(
                "ai_active_developers",
                "AI-active developers",
                27.7,
                28.0,
                month,
                before,
                "",
                "count",
            )
        ],
        "month",
    )


def test_an_estimated_count_that_moves_less_than_one_shows_its_change_not_minus_zero():
    # Either tool, each person once, is an estimate with decimals: 28.0 -> 27.7 was "-0 (-1%)".
    at = AppTest.from_function(_estimate_tile).run()
    assert not at.exception
    [tile] = at.metric
    assert tile.proto.body == "28" and tile.proto.delta == "-0.3 (-1%)"
