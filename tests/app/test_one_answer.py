"""One answer per question: the Overview and Teams start from the same range and periods, count
the same finished weeks for the same link, and a team on the Overview is shown beside the
organisation with one line on how the two relate."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from .conftest import assert_ok, charts, open_page, show_section, texts, today
from .test_overview_answer import OPENING

# "(week of 1 Dec 2025 to week of 23 Nov 2026, whatever the chart's range": the weeks read.
WEEKS = re.compile(r"\((week of [^)]*?) to (week of [^,)]*), whatever the chart's range")

STARTS = re.compile(r"^:material/\w+: \*\*(Evidence of|No clear evidence|Not enough data)")


def answers(at) -> list[str]:
    return [m.value for m in at.markdown if OPENING.match(m.value)]


def test_overview_and_teams_opened_directly_start_from_the_same_range_and_periods():
    overview = open_page()
    teams = open_page("pages/teams.py")
    assert_ok(overview)
    assert_ok(teams)
    assert overview.session_state["overview__granularity"] == "week"
    assert teams.session_state["teams__granularity"] == "week"
    assert tuple(overview.session_state["overview__range"]) == tuple(
        teams.session_state["teams__range"]
    )


def test_the_same_link_counts_the_same_finished_weeks_on_both_pages():
    start = today() - dt.timedelta(days=12 * 7 + 3)  # not a Monday: snapped alike
    query = {"start": start.isoformat(), "end": today().isoformat(), "granularity": "week"}
    overview = open_page(query=query)
    teams = open_page("pages/teams.py", query=query)
    (org,) = answers(overview)
    (within,) = [m.value for m in teams.markdown if STARTS.match(m.value)]
    counted = [WEEKS.search(text) for text in (org, within)]
    assert all(counted), (org, within)
    # the last 52 finished weeks on both pages, whatever the chosen 12 weeks; the overview's
    # last usable week may be earlier (the running month's committers are not known yet)
    assert counted[0].group(1) == counted[1].group(1), (org, within)
    assert "last 52 finished weeks" in org and "over 52 finished weeks" in within


def test_a_team_on_the_overview_is_shown_beside_the_organisation():
    at = open_page(query={"team": "Web"})
    assert_ok(at)
    shown = [m.value for m in at.markdown]
    assert "**The organisation**" in shown and "**Within Web**" in shown
    assert len(answers(at)) == 2
    relation = [c.value for c in at.caption if "The organisation's answer relates" in c.value]
    assert relation and "Web's" in relation[0]
    # the caveats are in one expander, not above the answer, drawn when it is opened
    (about,) = [e for e in at.expander if e.label == "About these numbers"]
    assert not about.caption
    at.session_state["overview__about"] = True
    (about,) = [e for e in at.run().expander if e.label == "About these numbers"]
    assert any("Team: **Web**" in c.value for c in about.caption)


def test_the_levels_are_a_picture_in_their_own_tab_without_a_strength_label():
    at = show_section(open_page(), "levels")
    assert [t.label for t in at.tabs if "Levels" in t.label] == ["Levels: not evidence"]
    assert len(charts(at)) == 2  # the main chart and the scatter
    text = " ".join(c.value for c in at.caption)
    assert "says nothing about AI's effect" in text
    assert "very strong" not in text and "Pearson r" not in text


def test_a_range_without_a_whole_period_says_so_once_instead_of_empty_charts():
    # On a Sunday the last 7 days are the running Monday-to-Sunday week: no whole week in them
    # (on any other day the week holding the first day has ended, and is drawn).
    sunday = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(sunday, tick=True):
        query = {"start": (today() - dt.timedelta(days=6)).isoformat(), "granularity": "week"}
        at = open_page(query=query)
    assert not at.exception
    said = [i.value for i in at.info]
    assert any("No whole week in this range has ended yet" in s for s in said), said
    assert not at.get("vega_lite_chart")
    assert "Totals: This range" not in [s.value for s in at.subheader]
    assert "Working out the answer" not in texts(at)  # the answer is still drawn
    assert any(OPENING.match(m.value) for m in at.markdown)
