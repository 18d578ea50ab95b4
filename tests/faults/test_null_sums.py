"""A documented number a vendor sends as null for some rows makes every total it feeds unknown
("-"), not the sum of the rows that had it: a sum with an unknown part is unknown. The null
travels with the sum through the store's SQL (`store.rollups.known_sum`) and the pages' pandas
sums (`skipna=False`)."""

from __future__ import annotations

from connectors.sandbox import FaultRule
from tests.app.conftest import open_page, show_section


def overview_table(at):
    """The Overview's joined table, from its tab "Definitions and data"."""
    show_section(at, "data")
    (table,) = [t.value for t in at.dataframe if "firebender_agent_prompts" in t.value]
    return table[table["complete"].astype(bool)]


def test_firebender_nulls_make_the_overviews_sums_unknown(live):
    live.add_fault(FaultRule("drift_nulls", vendor="firebender"))
    at = open_page("pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    table = overview_table(at)
    assert len(table)
    for column in ("firebender_agent_prompts", "model_spend_usd"):
        assert table[column].isna().all(), table[["period", column]]
    assert table["ci_credits"].notna().all()  # Codefresh sent every number: known


def test_firebender_nulls_make_the_firebender_pages_prompts_unknown(live):
    live.add_fault(FaultRule("drift_nulls", vendor="firebender"))
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m.value for m in at.metric}
    prompts = [v for k, v in tiles.items() if "prompts" in k.lower()]
    assert prompts and set(prompts) == {"-"}, tiles


def test_codefresh_nulls_make_credit_totals_unknown(live):
    live.add_fault(FaultRule("drift_nulls", vendor="codefresh"))
    at = open_page("pages/codefresh.py", query={"range": "last_90_days", "granularity": "week"})
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m.value for m in at.metric if "credit" in m.label.lower()}
    assert tiles and set(tiles.values()) == {"-"}, tiles


def test_without_nulls_the_sums_are_known(live):
    table = overview_table(open_page("pages/overview.py"))
    assert table["firebender_agent_prompts"].notna().all()
    assert table["model_spend_usd"].notna().any()


def teams_table(at):
    (table,) = [t.value for t in at.dataframe if "credits_per_person" in t.value.columns]
    return table


def test_firebender_nulls_make_the_teams_model_spend_unknown(live, monkeypatch, tmp_path):
    # The Teams page sums each team's model spend in DuckDB (analytics.queries.team_sums): the
    # same rule as the organisation's sums, not the known part's sum.
    from connectors.sandbox.teams import demo_teams_csv

    path = tmp_path / "teams.csv"
    path.write_text(demo_teams_csv())
    monkeypatch.setenv("TEAMS_FILE", str(path))
    live.add_fault(FaultRule("drift_nulls", vendor="firebender"))
    at = open_page("pages/teams.py")
    assert not at.exception, [e.value for e in at.exception]
    table = teams_table(at)
    assert len(table) and table["ai_spend_usd"].isna().all(), table[["team", "ai_spend_usd"]]


def test_without_nulls_the_teams_sums_are_known(live, monkeypatch, tmp_path):
    from connectors.sandbox.teams import demo_teams_csv

    path = tmp_path / "teams.csv"
    path.write_text(demo_teams_csv())
    monkeypatch.setenv("TEAMS_FILE", str(path))
    table = teams_table(open_page("pages/teams.py"))
    assert table["ci_credits"].notna().all(), table[["team", "ci_credits"]]
    assert table["ai_spend_usd"].notna().any(), table[["team", "ai_spend_usd"]]
