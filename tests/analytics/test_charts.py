"""Chart specs via to_dict(): explicit encodings, tooltips, vendor colors, aggregated data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import charts, metrics

D = dt.date


@pytest.fixture
def table() -> pd.DataFrame:
    index = metrics.periods(D(2026, 1, 5), D(2026, 3, 29), "week")
    n = len(index)
    rng = np.random.default_rng(1)
    return index.assign(
        ai_active_developers=rng.integers(5, 20, n).astype(float),
        ci_credits=rng.uniform(1e4, 4e4, n),
        builder_lines_accepted=rng.uniform(1e3, 5e3, n),
        firebender_accepted_lines=rng.uniform(1e3, 5e3, n),
        model_spend_usd=rng.uniform(10, 90, n),
        ci_spend_usd=rng.uniform(100, 400, n),
    )


def layers(spec: dict) -> list[dict]:
    """Every unit spec (with a mark) inside a possibly nested layer spec."""
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in layers(layer)]
    return [spec]


def rows(spec: dict) -> int:
    return sum(len(values) for values in spec.get("datasets", {}).values())


def colors_in(spec) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("color", "fill", "stroke") and isinstance(value, str):
                    found.add(value.upper())
                if key == "range" and isinstance(value, list):
                    found.update(v.upper() for v in value if isinstance(v, str))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def test_vendor_colors_are_distinct_and_defined_once():
    assert len(set(charts.VENDOR_COLORS.values())) == len(charts.VENDOR_COLORS)
    for vendor, color in charts.VENDOR_COLORS.items():
        assert charts.SHADES[vendor][3] == color  # the middle of its dark-to-light ramp
        assert charts.spread(vendor, 1) == [color]


def test_adoption_vs_credits_has_two_independent_axes_and_tooltips(table):
    spec = charts.adoption_vs_credits(table, "week").to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    units = layers(spec)
    fields = {unit["encoding"]["y"]["field"] for unit in units}
    assert fields == {"ai_active_developers", "ci_credits"}
    assert all(unit["encoding"]["x"]["field"] == "period" for unit in units)
    assert all(unit["encoding"]["x"]["timeUnit"] == "utcyearmonthdate" for unit in units)
    assert any("tooltip" in unit["encoding"] for unit in units)
    assert charts.VENDOR_COLORS["codefresh"].upper() in colors_in(spec)
    assert rows(spec) == len(table)  # one row per period, nothing more


def test_a_small_team_count_axis_never_repeats_a_whole_number(table):
    """A team of 4: ticks at 0.5 steps drawn as whole numbers read 4, 4, 3, 3, ... (seen in
    Chromium); people come in whole numbers, so the axis steps by at least 1."""
    small = table.assign(
        ai_active_developers=[1.0, 2.0, 3.0, 4.0] * (len(table) // 4) + [2.0] * (len(table) % 4)
    )
    spec = charts.adoption_vs_credits(small, "week").to_dict()
    (people,) = [u for u in layers(spec) if u["encoding"]["y"]["field"] == "ai_active_developers"][
        :1
    ]
    assert people["encoding"]["y"]["axis"]["tickMinStep"] == 1


def test_week_ticks_fall_on_the_periods_mondays(table):
    spec = charts.adoption_vs_credits(table, "week").to_dict()
    values = layers(spec)[0]["encoding"]["x"]["axis"]["values"]
    assert values[0] == {"year": 2026, "month": 1, "date": 5, "utc": True}
    assert len(values) <= 14
    assert charts.tick_values(table.iloc[0:0], "week") is None


def test_vendor_measures_color_each_line_by_its_vendor(table):
    spec = charts.vendor_measures(
        table, ["builder_lines_accepted", "firebender_accepted_lines"], "week"
    ).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Builder.io accepted lines", "Firebender accepted lines"]
    assert scale["range"] == [charts.VENDOR_COLORS["builder"], charts.VENDOR_COLORS["firebender"]]
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"period", "measure", "value"}


def test_spend_comparison_uses_usd(table):
    spec = charts.spend_comparison(table, "week").to_dict()
    assert spec["encoding"]["y"]["title"] == "USD"
    assert spec["encoding"]["color"]["scale"]["range"] == [
        charts.VENDOR_COLORS["firebender"],
        charts.VENDOR_COLORS["codefresh"],
    ]
    assert rows(spec) == 2 * len(table)


def test_scatter_has_no_fit_line_and_period_tooltips(table):
    result = metrics.correlation(table, "ai_active_developers", "ci_credits", lag=1)
    spec = charts.scatter(result.pairs, "ai_active_developers", "ci_credits", 1, "week").to_dict()
    units = layers(spec)
    assert not any("regression" in t for unit in units for t in unit.get("transform", []))
    assert [u["mark"]["type"] for u in units] == ["circle"]
    assert "1 week later" in units[0]["encoding"]["y"]["title"]
    tips = {t["field"] for t in units[0]["encoding"]["tooltip"]}
    assert {"period", "y_period", "x_value", "y_value"} <= tips


def test_monthly_adoption_draws_months_as_bands():
    index = metrics.periods(D(2026, 1, 1), D(2026, 4, 30), "month")
    monthly = index.assign(
        active_committers=[30.0, 32, 31, 33],
        ai_active_developers=[10.0, 14, 18, 20],
        ai_adoption_rate=[1 / 3, 14 / 32, 18 / 31, 20 / 33],
    )
    spec = charts.monthly_adoption(monthly).to_dict()
    units = layers(spec)
    assert units[0]["encoding"]["x"]["type"] == "ordinal"
    assert units[0]["encoding"]["xOffset"]["field"] == "measure"
    assert units[1]["encoding"]["y"]["axis"]["format"] == "%"
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_series_over_time_uses_shades_of_one_vendor():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02"] * 3),
            "key": ["a", "b", "Other"],
            "credits": [1.0, 2.0, 3.0],
        }
    )
    spec = charts.series_over_time(
        frame, "credits", "key", "codefresh", "week", "Credits", kind="bar", end=D(2026, 3, 8)
    ).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["a", "b", "Other"]
    assert scale["range"][:2] == charts.spread("codefresh", 2)
    assert set(scale["range"][:2]) <= set(charts.SHADES["codefresh"])
    assert scale["range"][2] == charts.OTHER_COLOR
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["x"]["type"] == "ordinal"  # one band per period


def test_ranking_caps_the_bars():
    frame = pd.DataFrame({"pipeline": [f"p{i}" for i in range(40)], "credits": range(40)})
    spec = charts.ranking(frame, "pipeline", "credits", "codefresh", "Credits", limit=12).to_dict()
    assert rows(spec) == 12
    assert spec["encoding"]["y"]["sort"] == "-x"
    assert spec["mark"]["color"] == charts.VENDOR_COLORS["codefresh"]


def test_rates_axis_is_a_share():
    usage = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02"]),
            "rate": ["Agent accept rate"],
            "value": [0.4],
            "accepted": [4.0],
            "offered": [10.0],
            "complete": [True],
        }
    )
    spec = charts.rates_over_time(usage, "week").to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert spec["encoding"]["y"]["axis"]["format"] == "%"


def test_adoption_vs_credits_without_credits_has_one_axis(table):
    spec = charts.adoption_vs_credits(table.assign(ci_credits=np.nan), "week").to_dict()
    assert "resolve" not in spec
    assert {unit["encoding"]["y"]["field"] for unit in layers(spec)} == {"ai_active_developers"}


def test_two_axes_keep_small_counts_readable(table):
    frame = table.assign(builder_users=12.0, builder_prompts=900.0)
    spec = charts.two_axes(
        frame, "builder_users", "builder_prompts", "builder", "week", "Users", "Prompts"
    ).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert [u["encoding"]["y"]["title"] for u in layers(spec)] == ["Users", "Prompts"]


# ---------------------------------------------------------------- distinct colors


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _distance(one: str, two: str) -> float:
    return sum((a - b) ** 2 for a, b in zip(_rgb(one), _rgb(two))) ** 0.5


@pytest.mark.parametrize("vendor", ["builder", "firebender", "codefresh", "derived"])
def test_every_series_in_a_chart_gets_a_clearly_different_color(vendor):
    for n in range(1, 10):
        colors = charts.spread(vendor, n)
        assert len(colors) == n and len(set(colors)) == n
        for i, one in enumerate(colors):
            for two in colors[i + 1 :]:
                assert _distance(one, two) > 25, (vendor, n, one, two)
        for one, two in zip(colors, colors[1:]):  # neighbours in a stack: two steps apart
            if one in charts.SHADES[vendor] and two in charts.SHADES[vendor]:
                ramp = charts.SHADES[vendor]
                assert abs(ramp.index(one) - ramp.index(two)) >= 2
        assert charts.OTHER_COLOR not in colors[: len(charts.SHADES[vendor])]


def test_vendor_page_charts_have_no_two_series_in_one_color():
    periods = pd.to_datetime(["2026-03-02", "2026-03-09"])
    cost = pd.DataFrame(
        {
            "period": list(periods) * 3,
            "spend_type": ["byok"] * 2 + ["included"] * 2 + ["on-demand"] * 2,
            "cost_usd": [1.0, 2, 3, 4, 5, 6],
        }
    )
    seven = pd.DataFrame(
        {
            "period": list(periods) * 7,
            "key": [k for k in ["a", "b", "c", "d", "e", "f", "Other"] for _ in periods],
            "credits": range(14),
        }
    )
    rates = pd.DataFrame(
        {
            "period": list(periods) * 4,
            "rate": [r for r in ["w", "x", "y", "z"] for _ in periods],
            "value": 0.5,
            "accepted": 1.0,
            "offered": 2.0,
            "complete": True,
        }
    )
    for spec in (
        charts.series_over_time(
            cost, "cost_usd", "spend_type", "firebender", "week", "USD", end=D(2026, 3, 15)
        ).to_dict(),
        charts.series_over_time(
            seven, "credits", "key", "codefresh", "week", "Credits", end=D(2026, 3, 15)
        ).to_dict(),
        charts.rates_over_time(rates, "week").to_dict(),
    ):
        colors = spec["encoding"]["color"]["scale"]["range"]
        assert len(set(colors)) == len(colors) == len(spec["encoding"]["color"]["scale"]["domain"])
    frame = pd.DataFrame(
        {"period": periods, "users": [1.0, 2], "prompts": [10.0, 20], "complete": True}
    )
    units = layers(
        charts.two_axes(frame, "users", "prompts", "builder", "week", "Users", "Prompts").to_dict()
    )
    assert units[0]["mark"]["color"] != units[1]["mark"]["color"]


# ---------------------------------------------------------------- the period axis


def _days(start: str, end: str) -> pd.DataFrame:
    return pd.DataFrame({"period": pd.date_range(start, end, freq="D"), "v": 1.0})


def test_axis_labels_say_the_year_only_when_the_range_spans_years(table):
    assert charts.axis_format("week", table) == "%-d %b"  # "5 Jan"
    across = metrics.periods(D(2025, 11, 3), D(2026, 2, 22), "week")
    assert charts.axis_format("week", across) == "%-d %b %Y"  # "3 Nov 2025"
    assert charts.axis_format("month", across) == "%b %Y"
    assert charts.axis_format("quarter", across) == "Q%q %Y"  # "Q3 2026"
    spec = charts.single_series(across.assign(v=1.0), "v", "builder", "week", "V", "line")
    assert spec.to_dict()["encoding"]["x"]["axis"]["format"] == "%-d %b %Y"


def test_a_year_of_days_is_labelled_by_month_and_year():
    frame = _days("2025-11-01", "2026-10-31")
    assert charts.axis_format("day", frame) == "%b %Y"  # "Jan 2026"
    ticks = charts.tick_stamps(frame, "day")
    assert ticks[0] == pd.Timestamp("2025-11-01") and all(t.day == 1 for t in ticks)
    assert 6 <= len(ticks) <= 12
    assert pd.Timestamp("2026-01-01") in ticks  # the year's turn is labelled
    line = charts.single_series(frame, "v", "codefresh", "day", "V", kind="line").to_dict()
    assert len(line["encoding"]["x"]["axis"]["values"]) == len(ticks)
    bars = charts.single_series(frame, "v", "codefresh", "day", "V").to_dict()
    axis = bars["encoding"]["x"]["axis"]
    assert axis["format"] == "%b %Y" and "'2026-01-01'" in axis["labelExpr"]
    assert "'2026-01-02'" not in axis["labelExpr"]  # one label per month, not 365


def test_short_day_ranges_are_labelled_on_mondays():
    frame = _days("2026-01-01", "2026-02-20")
    ticks = charts.tick_stamps(frame, "day")
    assert ticks and all(t.day_of_week == 0 for t in ticks) and len(ticks) <= 14
    assert charts.tick_stamps(_days("2026-01-01", "2026-01-07"), "day") == list(
        pd.date_range("2026-01-01", "2026-01-07")
    )


def test_long_month_and_quarter_axes_keep_january():
    months = metrics.periods(D(2024, 1, 1), D(2026, 10, 31), "month")
    ticks = charts.tick_stamps(months, "month")
    assert len(ticks) <= 14 and pd.Timestamp("2025-01-01") in ticks
    quarters = metrics.periods(D(2023, 1, 1), D(2026, 12, 31), "quarter")
    ticks = charts.tick_stamps(quarters, "quarter")
    assert len(ticks) <= 14 and all(t.month in (1, 4, 7, 10) for t in ticks)


def test_vendor_charts_show_friendly_values_and_say_what_a_key_is():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02"] * 3),
            "spend_type": ["byok", "included", "on-demand"],
            "cost_usd": [1.0, 2.0, 3.0],
        }
    )
    spec = charts.series_over_time(
        frame, "cost_usd", "spend_type", "firebender", "week", "USD", end=D(2026, 3, 8)
    ).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "Included",
        "On-demand",
        "Own key (BYOK)",
    ]
    assert "byok" not in str(spec["datasets"])
    assert spec["encoding"]["tooltip"][1]["title"] == "Spend type"
    bars = charts.ranking(frame, "spend_type", "cost_usd", "firebender", "Cost (USD)").to_dict()
    assert {row["spend_type"] for rows in bars["datasets"].values() for row in rows} == {
        "Own key (BYOK)",
        "Included",
        "On-demand",
    }
    credits = pd.DataFrame(
        {"period": pd.to_datetime(["2026-03-02"]), "key": ["linux-small"], "credits": [1.0]}
    )
    spec = charts.series_over_time(
        credits,
        "credits",
        "key",
        "codefresh",
        "week",
        "Credits",
        series_title="Resource class",
        end=D(2026, 3, 8),
    ).to_dict()
    assert spec["encoding"]["tooltip"][1]["title"] == "Resource class"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["linux-small"]  # kept as it is


def test_vendor_series_leave_out_a_period_not_over_by_the_range_end_or_today():
    """A part-week drawn beside whole weeks reads as a drop (the Codefresh page drew a
    one-day week of 23 Nov beside 37k-credit weeks); it is left out until it ends."""
    weeks = pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"])
    frame = pd.DataFrame(
        {"period": weeks, "key": "linux-small", "credits": [37e3, 38e3, 36e3, 8e3]}
    )

    def drawn(end, today):
        kept = metrics.finished_periods(frame, "week", end, today)
        return list(kept["period"].dt.strftime("%m-%d"))

    assert drawn(D(2026, 11, 23), today=D(2026, 11, 23)) == ["11-02", "11-09", "11-16"]
    assert drawn(D(2026, 11, 18), today=D(2026, 12, 1)) == ["11-02", "11-09"]  # ends mid-week
    assert drawn(D(2026, 11, 29), today=D(2026, 11, 30)) == ["11-02", "11-09", "11-16", "11-23"]
    months = pd.DataFrame({"period": pd.to_datetime(["2026-10-01", "2026-11-01"]), "v": [1, 2]})
    assert len(metrics.finished_periods(months, "month", D(2026, 11, 30), D(2026, 12, 1))) == 2
    assert len(metrics.finished_periods(months, "month", D(2026, 11, 30), D(2026, 11, 30))) == 1
    spec = charts.series_over_time(
        frame, "credits", "key", "codefresh", "week", "Credits", kind="bar", end=D(2026, 11, 25)
    ).to_dict()  # a Wednesday: the last week is cut by the range, whatever today is
    assert "2026-11-23" not in str(spec["datasets"]) and "2026-11-16" in str(spec["datasets"])
    table = frame.assign(complete=[True, True, True, False])
    two = charts.two_axes(table, "credits", "credits", "codefresh", "week", "A", "B").to_dict()
    assert "2026-11-23" not in str(two["datasets"])


def test_si_axes_write_zero_as_0_not_0k(table):
    spec = charts.adoption_vs_credits(table, "week").to_dict()
    axes = [
        u["encoding"][c]["axis"]
        for u in layers(spec)
        for c in ("x", "y")
        if "axis" in u.get("encoding", {}).get(c, {})
    ]
    si = [a for a in axes if a.get("format") == "~s"]
    assert si and all(a["labelExpr"] == charts.ZERO_LABEL for a in si)


@pytest.mark.parametrize("vendor", ["builder", "firebender", "codefresh"])
def test_four_or_more_series_are_told_apart_by_hue_not_shades_of_one(vendor):
    colors = charts.spread(vendor, 5)
    assert colors[0] == charts.VENDOR_COLORS[vendor]
    assert sum(c in charts.SHADES[vendor] for c in colors) == 1  # five purples were unreadable
