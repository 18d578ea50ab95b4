"""The default AI source with both AI tools connected is either tool, each person once, an
estimate that needs Codefresh's committers (and Builder.io's users). Where it cannot be made,
the Overview neither blanks the AI-active tiles and chart nor adds the two tools: it counts
Firebender's active users only, and says so on the tile, beside the tiles, on the chart and in
the joined table; the answer still says it cannot answer without Codefresh."""

from __future__ import annotations

import io
import json
import os

import pandas as pd
import pytest

from analytics import labels, metrics

from .conftest import charts, every_section, open_page, show_section
from .test_day_weekdays import overview_charts
from .test_vendor_failing import UNREACHABLE, tiles, totals

FALLBACK_TILE = "Firebender users (avg)"
EITHER_TILE = "AI-active devs (avg)"
FALLBACK_TITLE = "AI-active developers: Firebender only"


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def _every_caption(at) -> str:
    """Every caption the Overview can show: "About these numbers" opened (drawn only then), on
    every tab below its first screen, each chosen in turn."""
    at.session_state["overview__about"] = True
    return "\n".join(_captions(shown) for _, shown in every_section(at))


def joined_table(at) -> pd.DataFrame:
    """The Overview's joined table: in its tab "Definitions and data"."""
    return next(d.value for d in show_section(at, "data").dataframe if "ci_credits" in d.value)


def _main_chart_titles(at, drawn: list | None = None) -> list[str]:
    """The AI measure's name on each chart that draws AI-active developers (axis, tooltip,
    legend), from the specs the browser gets: of the charts `drawn` (this run's by default)."""
    found = []
    for chart in charts(at) if drawn is None else drawn:
        spec = json.dumps(json.loads(chart.proto.spec))
        for title in (FALLBACK_TITLE, "AI-active developers"):
            if f'"{title}"' in spec:
                found.append(title)
                break
    return found


def _every_chart_title(at) -> list[str]:
    """_main_chart_titles of every chart of the Overview, each once, whichever tab draws it."""
    return _main_chart_titles(at, overview_charts(at))


def _number(value: str) -> float:
    return float(value.replace(",", ""))


def test_codefresh_unreachable_counts_firebender_only_and_says_so(live, monkeypatch):
    url = os.environ["CODEFRESH_BASE_URL"]
    monkeypatch.setenv("CODEFRESH_BASE_URL", UNREACHABLE)
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    shown = totals(at)
    # the tile has a number, named for what it counts; not "-", not the plain label
    assert FALLBACK_TILE in shown, sorted(shown)
    fallback_value = shown[FALLBACK_TILE][0]
    assert fallback_value != "-"
    assert "Firebender's active users only" in shown[FALLBACK_TILE][1]
    assert EITHER_TILE not in shown
    # beside the tiles: what is counted and why
    said = _captions(at)
    assert "Codefresh's committers are unavailable (Codefresh did not answer" in said
    assert "count Firebender's active users only" in said
    # the running week's note names it too, never "AI-active developers"
    running = [c for c in said.splitlines() if "still running" in c]
    assert running and "Firebender active users" in running[0], running
    assert "AI-active developers" not in running[0]
    # the latest finished week's tile too
    assert "Firebender active users" in tiles(at)
    # the main chart is drawn, its axis and tooltip naming the fallback; no chart (on any tab)
    # names the plain measure
    assert FALLBACK_TITLE in _main_chart_titles(at)
    assert "AI-active developers" not in _every_chart_title(at)
    # the joined table (and so the export) names the measure on every row
    table = joined_table(at)
    counted = set(table[metrics.COUNTED_COLUMN])
    assert counted == {metrics.COUNTED_FALLBACK["committers"]}
    assert table.loc[table["complete"], "ai_active_developers"].notna().all()
    # the answer still cannot be worked out without Codefresh
    answer = "\n".join(m.value for m in at.markdown)
    assert "Codefresh did not answer" in answer

    # Firebender's own count, exactly: the same tile with Firebender chosen as the source
    monkeypatch.setenv("CODEFRESH_BASE_URL", url)
    firebender = totals(open_page(query={"ai": "firebender"}))
    assert firebender[EITHER_TILE][0] == fallback_value

    # Codefresh back: the either-tool estimate returns, plainly named, and counts more people
    # than Firebender alone (Builder.io's users who do not use Firebender)
    at = open_page()
    shown = totals(at)
    assert FALLBACK_TILE not in shown and EITHER_TILE in shown
    assert _number(shown[EITHER_TILE][0]) > _number(fallback_value)
    assert "Codefresh's committers are unavailable" not in _every_caption(at)
    # the main chart (the first) names the estimate; by week the monthly chart alone names
    # Firebender (Builder.io's users per month are not loaded by week: the test below)
    assert _main_chart_titles(at)[0] == "AI-active developers"
    assert set(joined_table(at)[metrics.COUNTED_COLUMN]) == {metrics.COUNTED_EITHER}


@pytest.mark.parametrize("source", ["firebender", "builder"])
def test_one_tool_chosen_has_no_fallback(live, monkeypatch, source):
    # Codefresh failing with one tool chosen: that tool's users, as before, no fallback label
    monkeypatch.setenv("CODEFRESH_BASE_URL", UNREACHABLE)
    at = open_page(query={"ai": source})
    shown = totals(at)
    assert EITHER_TILE in shown and shown[EITHER_TILE][0] != "-"
    assert "Firebender's active users only" not in _every_caption(at)
    assert metrics.COUNTED_COLUMN not in joined_table(at)


def test_builder_unreachable_counts_firebender_only_and_says_so(live, monkeypatch):
    monkeypatch.setenv("BUILDER_BASE_URL", UNREACHABLE)
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    shown = totals(at)
    assert FALLBACK_TILE in shown and shown[FALLBACK_TILE][0] != "-"
    assert "Builder.io's users are unavailable (Builder.io did not answer" in _captions(at)
    # the main chart, the monthly one and the levels scatter all name the fallback (each
    # chart counted once, whichever tab draws it)
    assert _every_chart_title(at).count(FALLBACK_TITLE) >= 3
    assert "AI-active developers" not in _every_chart_title(at)
    assert set(joined_table(at)[metrics.COUNTED_COLUMN]) == {metrics.COUNTED_FALLBACK["builder"]}


def test_the_export_names_what_is_counted(live, monkeypatch, downloads):
    # Explore & export's Overview dataset with Codefresh unreachable: the file's rows say the
    # AI-active developers are Firebender's users only, and why
    monkeypatch.setenv("CODEFRESH_BASE_URL", UNREACHABLE)
    at = open_page("pages/explore.py")
    assert not at.exception, [e.value for e in at.exception]
    [(name, make)] = [(n, f) for n, f in downloads.items() if n.endswith(".csv")]
    data = make()
    frame = pd.read_csv(io.BytesIO(data if isinstance(data, bytes) else data.encode()))
    column = labels.column_label(metrics.COUNTED_COLUMN)
    assert column in frame.columns or metrics.COUNTED_COLUMN in frame.columns, list(frame)
    values = set(frame.get(column, frame.get(metrics.COUNTED_COLUMN)))
    assert values == {metrics.COUNTED_FALLBACK["committers"]}


def _monthly(at) -> dict[str, str]:
    """The monthly section's tiles (the last three, in its tab), label -> value."""
    return {m.label: m.value for m in list(show_section(at, "monthly").metric)[-3:]}


def test_by_week_the_monthly_tiles_do_not_read_weekly_builder_rows_as_a_month():
    # Builder.io's rows are loaded by week: they give no users per month. By month the either
    # estimate then counts Firebender's users, named so (it used to read Builder.io as 0 under
    # the either-tool label); with Builder.io chosen, unknown ("-"), never 0 and never 0.0%.
    at = open_page()
    monthly = _monthly(at)
    assert "Firebender active users" in monthly and monthly["Firebender active users"] != "-"
    # beside them, in the same tab (`at` is on it)
    assert "Builder.io's users are not loaded at this granularity (week" in _captions(at)
    assert "AI-active devs (avg)" in totals(at)  # the weekly tiles keep the estimate
    by_builder = _monthly(open_page(query={"ai": "builder"}))
    assert by_builder["AI-active developers"] == "-" and by_builder["AI adoption rate"] == "-"
    # by month, Builder.io's users per month are loaded: the estimate, above Firebender's alone
    by_month = _monthly(open_page(query={"granularity": "month"}))
    assert "AI-active developers" in by_month
    assert _number(by_month["AI-active developers"]) > _number(
        _monthly(open_page(query={"granularity": "month", "ai": "firebender"}))[
            "AI-active developers"
        ]
    )
