"""Readable vendor pages: friendly values in tables and legends, numbers with thousands
separators, and tiles that show the same numbers as the overview for the same periods."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow as pa

from analytics import metrics
from connectors import CodefreshClient
from connectors.base import period_floor
from connectors.sandbox import keys
from sync import clients
from ui import page as ui

from .conftest import assert_ok, charts, open_page


def tables(at) -> list[tuple[dict, object]]:
    """(column settings, data) of every table on the page."""
    return [(json.loads(t.proto.columns), t.value) for t in at.dataframe]


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in charts(at)]


def drawn_periods(at) -> set[str]:
    """Every period a chart on the page draws (its Arrow datasets, as the browser gets them)."""
    found = set()
    for chart in charts(at):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if "period" in frame:
                found |= {f"{p:%Y-%m-%d}" for p in pd.to_datetime(frame["period"])}
    return found


def legend_names(spec: dict) -> list[list[str]]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            color = node.get("encoding", {}).get("color", {})
            if isinstance(color, dict) and "scale" in color and "domain" in color["scale"]:
                found.append(color["scale"]["domain"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def test_firebender_spend_types_read_as_people_say_them():
    at = open_page("pages/firebender.py", query={"by": "spend_type"})
    assert_ok(at)
    [(config, data)] = [(c, d) for c, d in tables(at) if "cost_share" in c]
    assert config["spend_type"]["label"] == "Spend type"
    assert set(data["spend_type"]) <= {"Included", "On-demand", "Own key (BYOK)"}
    assert config["cost_usd"]["type_config"]["format"] == "$%,.2f"
    assert config["requests"]["type_config"]["format"] == "%,d"
    assert config["total_tokens"]["type_config"]["format"] == "%,d"
    assert config["cost_share"]["type_config"] == {
        "type": "number",
        "format": "percent",
        "step": 0.001,
    }
    domains = [names for spec in specs(at) for names in legend_names(spec)]
    assert ["Included", "On-demand"] in domains or any(
        set(d) <= {"Included", "On-demand", "Own key (BYOK)"} and len(d) > 1 for d in domains
    )
    assert not any("on-demand" in d or "byok" in d for d in domains)


def test_firebender_modes_and_leaderboard_numbers():
    at = open_page("pages/firebender.py", query={"by": "mode"})
    assert_ok(at)
    [(config, data)] = [(c, d) for c, d in tables(at) if "cost_share" in c]
    assert "Write" in set(data["mode"]) and "write" not in set(data["mode"])
    assert "release-notes-writer" in set(data["mode"])  # a custom agent keeps its name
    [(board, _)] = [(c, d) for c, d in tables(at) if "active_days" in c]
    assert board["accepted_lines"]["type_config"]["format"] == "%,d"
    assert board["agent_prompts"]["type_config"]["format"] == "%,d"
    assert board["agent_accept_rate"]["type_config"]["format"] == "percent"
    assert board["cost_usd"]["type_config"]["format"] == "$%,.2f"
    assert len(at.metric) >= 4 + 4  # activity tiles and the four acceptance rates


def test_codefresh_tile_shows_the_overview_number_and_keys_are_resource_classes():
    at = open_page("pages/codefresh.py", query={"granularity": "week"})
    assert_ok(at)
    start, end = at.date_input[0].value
    start = period_floor(start, "week")
    credits = CodefreshClient(
        keys.CODEFRESH_KEY, session=clients.demo_session("codefresh")
    ).credit_consumption(start, end, granularity="day")
    overview = metrics.overview_table(metrics.OverviewInputs(credits=credits), start, end, "week")
    [kpi] = metrics.kpis(overview, ["ci_credits"], "week")
    tile = at.metric[0]
    assert tile.label == "CI credits" and tile.value == ui._format(kpi.value, "credits")
    [spec] = [s for s in specs(at) if "Resource class" in json.dumps(s)]
    assert legend_names(spec)[0] and all(k.startswith("linux-") for k in legend_names(spec)[0])
    [(config, data)] = [(c, d) for c, d in tables(at) if "pipeline" in c]
    assert config["credits"]["type_config"]["format"] == "%,.1f"
    assert config["share"]["type_config"]["format"] == "percent"
    [(meta, rows)] = [(c, d) for c, d in tables(at) if "report_name" in c]
    assert "Whole range" in set(rows["granularity"]) and "Day" in set(rows["granularity"])


def test_builder_users_caption_names_the_range_and_tables_separate_thousands():
    at = open_page("pages/builder.py")
    assert_ok(at)
    start, end = at.date_input[0].value  # the users' totals: the days picked, not whole weeks
    assert any(
        f"people active in {metrics.range_name(start, end)}" in c.value for c in at.caption
    ), [c.value for c in at.caption]
    [(config, _)] = [(c, d) for c, d in tables(at) if "user_email" in c]
    assert config["lines_accepted"]["type_config"]["format"] == "%,d"
    assert config["credits_used"]["type_config"]["format"] == "%,.1f"
    [(spaces, _)] = [(c, d) for c, d in tables(at) if "space_name" in c]
    assert spaces["total_lines"]["label"] == "Generated"
    assert spaces["total_lines"]["type_config"]["format"] == "%,d"


def test_the_running_week_is_said_and_left_out_of_the_vendor_charts():
    at = open_page("pages/codefresh.py", query={"granularity": "week"})
    assert_ok(at)
    _, end = at.date_input[0].value
    running = period_floor(end, "week")
    name = metrics.period_name(running, "week")
    assert any(
        f"{name[0].upper()}{name[1:]} is still running: the charts leave it out" in c.value
        for c in at.caption
    ), [c.value for c in at.caption]
    drawn = drawn_periods(at)
    assert running.isoformat() not in drawn
    assert (running - dt.timedelta(days=7)).isoformat() in drawn  # the last whole week is


def test_a_range_ending_mid_week_leaves_its_last_part_week_out():
    at = open_page(
        "pages/firebender.py",
        query={"granularity": "week", "start": "2026-09-07", "end": "2026-10-21"},
    )
    assert_ok(at)
    assert any("goes on past the range's last day (21 Oct 2026)" in c.value for c in at.caption)
    drawn = drawn_periods(at)
    assert "2026-10-19" not in drawn and "2026-10-12" in drawn


def test_builder_users_table_is_the_explore_export_of_the_same_link(downloads):
    # A range starting on a Wednesday, by week: the page's charts load from that week's Monday,
    # but the users endpoint has no weeks. The page and Explore read the same days.
    link = {"start": "2026-09-02", "end": "2026-11-18", "granularity": "week"}
    page = open_page("pages/builder.py", query=link)
    assert_ok(page)
    [shown] = [d for c, d in tables(page) if "user_email" in c]
    explore = open_page("pages/explore.py", query={**link, "dataset": "builder.org_users"})
    assert_ok(explore)
    exported = pd.read_csv(
        io.BytesIO(
            downloads[next(n for n in downloads if "org-users" in n and n.endswith(".csv"))]()
        )
    )
    mine = shown.set_index("user_email")["lines_accepted"].sort_index()
    theirs = exported.set_index("user_email")["lines_accepted"].sort_index()
    assert len(mine) > 5
    pd.testing.assert_series_equal(mine.astype("int64"), theirs.astype("int64"))


def test_codefreshs_running_month_of_committers_is_said_to_be_running():
    at = open_page("pages/codefresh.py")
    assert_ok(at)
    assert any(
        c.value.startswith(":material/schedule: November 2026 is still running: its bar is drawn")
        and "not a drop" in c.value
        for c in at.caption
    ), [c.value for c in at.caption]
