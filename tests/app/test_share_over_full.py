"""An AI share of people is never a double count: under either tool (the default on demo
data) each person is counted once (estimated), so the demo's monthly adoption rate, which
reached 118% when the two tools' users were added, stays within 100%; a share that does pass
100% says why beside it."""

from __future__ import annotations

from analytics.metrics import share_note

from .conftest import assert_ok, every_section, open_page, show_section

LINK = {"start": "2025-12-01", "end": "2026-11-23", "granularity": "month"}


def shown_rate(at) -> float:
    """The monthly adoption rate tile's value, in its tab."""
    tiles = [m for m in show_section(at, "monthly").metric if m.label == "AI adoption rate"]
    assert tiles
    return float(tiles[0].value.rstrip("%"))


def above_100_notes(at) -> list[str]:
    """Every "Above 100%" caption of the Overview, on whichever tab below its first screen."""
    found = []
    for _, shown in every_section(at):
        assert_ok(shown)
        found += [c.value for c in shown.caption if "Above 100%" in c.value]
    return found


def test_either_tool_counts_a_person_once_and_the_share_stays_within_100_percent():
    at = open_page("pages/overview.py", query=LINK)  # the default source: both tools
    assert_ok(at)
    assert at.selectbox(key="overview__ai").value == "both"
    assert not above_100_notes(at)
    assert shown_rate(at) <= 100
    joined = show_section(at, "data").dataframe  # the joined table, by month
    monthly = next(d.value for d in joined if "ai_adoption_rate" in d.value)
    done = monthly.dropna(subset=["ai_active_developers", "builder_users"])
    added = done["builder_users"] + done["firebender_active_users"]
    larger = done[["builder_users", "firebender_active_users"]].max(axis=1)
    assert len(done) and (done["ai_active_developers"] < added).all()
    assert (done["ai_active_developers"] >= larger - 1e-9).all()
    assert (done["ai_adoption_rate"] <= 1 + 1e-9).all()


def test_one_tool_under_100_percent_has_no_such_note():
    at = open_page("pages/overview.py", query={**LINK, "ai": "firebender"})
    assert_ok(at)
    assert not above_100_notes(at)


def test_a_share_above_100_percent_says_why():
    import pandas as pd

    monthly = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "complete": [True, True],
            "ai_adoption_rate": [0.9, 1.1],
        }
    )
    note = share_note.over_full_note(monthly, "both")
    assert note.startswith("Above 100% in 1 month (up to 110% in February 2026)")
    assert "counted once" in note and "counts twice" not in note
    assert share_note.over_full_note(monthly.assign(ai_adoption_rate=0.5), "both") is None
