"""The overview's answer, coverage and totals in AppTest (demo data, and a vendor refusing its
key in mixed mode)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import metrics

from .conftest import APP, TIMEOUT, every_section, show_section, texts, today

OPENING = re.compile(
    r"^:material/\w+: \*\*(Evidence of more CI credits with more AI use|Evidence of fewer CI "
    r"credits with more AI use|No clear evidence either way|Not enough data to answer yet)\*\*:"
)


def run_overview(query: dict, env: dict | None = None, monkeypatch=None) -> AppTest:
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(APP.parent / "pages/overview.py"), default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def answer(at: AppTest) -> str:
    found = [m.value for m in at.markdown if OPENING.match(m.value)]
    assert len(found) == 1, [m.value[:80] for m in at.markdown]
    return found[0]


def test_the_answer_reads_the_last_year_of_weeks_whatever_the_range():
    default = answer(run_overview({}))
    year = answer(
        run_overview(
            {"start": (today() - dt.timedelta(days=364)).isoformat(), "end": today().isoformat()}
        )
    )
    months = answer(run_overview({"granularity": "month"}))
    assert default == year == months  # the same weeks, whatever the chart shows
    assert "95% interval" in default and "of the last 52 finished weeks" in default
    assert "whatever the chart's range" in default and "per committer" in default
    assert "not proof that one causes the other" in default


def test_the_chosen_ai_source_is_the_one_the_answer_names_and_reads():
    by_source = {s: answer(run_overview({"ai": s})) for s in ("firebender", "builder", "both")}
    assert "using AI (Firebender)" in by_source["firebender"]
    assert "using AI (Builder.io)" in by_source["builder"]
    assert "using AI (Firebender or Builder.io, each person counted once)" in by_source["both"]
    numbers = {s: re.findall(r"[+-]\d+\.\d%", text) for s, text in by_source.items()}
    assert numbers["firebender"] != numbers["builder"] != numbers["both"], numbers


def test_the_default_answer_counts_every_connected_tool_each_person_once():
    at = run_overview({})  # demo data: both AI tools are there
    assert at.selectbox(key="overview__ai").value == "both"
    assert "ai" not in at.query_params  # the default stays out of the link
    text = answer(at)
    assert "using AI (Firebender or Builder.io, each person counted once)" in text
    assert text == answer(run_overview({"ai": "both"}))


@pytest.mark.parametrize(
    ("vendor", "key", "source", "named"),
    [
        ("FIREBENDER", "FIREBENDER_API_KEY", "firebender", "using AI (Firebender)"),
        ("BUILDER", "BUILDER_PRIVATE_KEY", "builder", "using AI (Builder.io)"),
    ],
)
def test_with_one_ai_tool_connected_the_default_is_that_tool(
    server, monkeypatch, vendor, key, source, named
):
    from connectors.sandbox import keys

    _, url = server
    secret = keys.FIREBENDER_KEY if vendor == "FIREBENDER" else keys.BUILDER_ORG_KEY
    at = run_overview({}, {f"{vendor}_BASE_URL": url, key: secret}, monkeypatch)
    assert at.selectbox(key="overview__ai").value == source
    assert named in answer(at)


def test_a_range_before_the_data_is_empty_there_not_zero():
    query = {"start": "2024-01-01", "end": today().isoformat(), "granularity": "month"}
    at = run_overview({**query, "section": "data"})  # the joined table's tab
    at.session_state["overview__about"] = True  # the caveats, drawn when opened
    at.run()
    captions = " ".join(c.value for c in at.caption)
    assert "has data from 1 Jan 2025" in captions and "never zero" in captions
    table = next(d.value for d in at.dataframe if "ci_credits" in d.value)
    before = table[pd.to_datetime(table["period"]) < pd.Timestamp("2025-01-01")]
    assert len(before) == 12
    for column in ("ci_credits", "ai_active_developers", "model_spend_usd", "ai_accepted_lines"):
        assert before[column].isna().all(), column
    assert (
        table.loc[pd.to_datetime(table["period"]) >= pd.Timestamp("2025-02-01"), "ci_credits"]
        .gt(0)
        .all()
    )


def test_the_running_period_is_named_and_left_out_and_tiles_name_their_periods():
    at = run_overview({"granularity": "month"})
    running = metrics.period_name(pd.Timestamp(today().replace(day=1)), "month")
    notes = [c.value for c in at.caption if "is still running" in c.value]
    assert notes and running in notes[0]
    headers = [s.value for s in at.subheader]
    previous = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert f"Latest whole month: {metrics.period_name(pd.Timestamp(previous), 'month')}" in headers
    assert any(h.startswith("Totals: ") and " vs " in h for h in headers)
    labels = [m.label for _, shown in every_section(at) for m in shown.metric]
    for name in (
        "AI model spend",
        "AI spend per developer",
        "CI credits",
        "CI spend",
        "CI spend per developer",
        "Accepted AI lines",
    ):
        assert name in labels


def test_a_refused_vendor_gives_one_error_and_one_empty_state_per_chart(server, monkeypatch):
    _, url = server
    at = run_overview(
        {},
        {"CODEFRESH_BASE_URL": url, "CODEFRESH_API_KEY": "refused-codefresh-key"},
        monkeypatch,
    )
    assert len(at.error) == 1 and "Codefresh" in at.error[0].value
    # Charts with Codefresh measures: empty ones say so instead of drawing NaN axes; those
    # with another vendor's measures draw them and say what is missing, under the chart.
    # The main chart is above the tabs (its state is on every tab's run: counted once).
    said, empty = {}, 0
    for section, shown in every_section(at):
        infos = [i.value for i in shown.info if i.value.startswith("No Codefresh data")]
        captions = [c.value for c in shown.caption if c.value.startswith("No Codefresh data")]
        said[section], empty = len(infos) + len(captions), empty + len(infos)
    per_chart = said["latest"] + sum(n - said["latest"] for n in said.values())
    assert empty >= 1 and per_chart >= 4, said
    text = answer(at)
    assert text.startswith(":material/hourglass_empty: **Not enough data to answer yet**: ")
    assert "Codefresh did not answer" in text
    shown = " ".join(m.value for m in at.metric)
    assert "nan" not in shown.lower()


def test_the_running_month_has_one_so_far_per_measure_settled_and_running_told_apart():
    at = run_overview({"granularity": "month"})
    notes = [c.value for c in at.caption if "is still running" in c.value]
    assert len(notes) == 1
    note = notes[0]
    if today().day > 3:  # the month's first settled days exist (credits settle in days)
        assert "of them on the settled days to" in note and "later days may still" in note
    # the month card's figure is the settled part the note names, not a second story
    card = [m.value for m in at.markdown if "so far" in m.value and "-badge[" in m.value]
    assert card, [m.value[:60] for m in at.markdown]


def test_what_ai_costs_is_answered_in_money_against_the_range_before():
    at = show_section(run_overview({}), "spend")
    assert "What AI costs and what it changed" in [s.value for s in at.subheader]
    tiles = {m.label: m for m in at.metric}
    for label in ("AI spend per AI-active developer", "AI spend per 1,000 accepted AI lines"):
        assert tiles[label].value.startswith("$"), tiles[label].value
        assert "vs " in tiles[label].proto.help
    said = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    evidence = answer(at).startswith(":material/") and "Evidence of" in answer(at)
    if evidence:
        assert "**The answer in CI money:** ≈ " in said and "/month, 95%:" in said
    else:
        assert "no CI money to put on AI use" in said
    assert "hours saved" not in said.replace("no return is computed from assumed hours saved", "")


def test_the_answer_fills_the_place_kept_for_it_above_the_totals():
    # Drawn after the main chart is sent (a new server's first fit imports statsmodels), into
    # the place kept under "The answer": on the page it is still above the totals.
    at = run_overview({})
    shown = texts(at)
    assert "Working out the answer" not in shown
    opening = OPENING.match(answer(at)).group(1)  # plain ASCII, as the protos print it
    assert shown.index(opening) < shown.index("Totals: ") < shown.index("AI-active developers")
