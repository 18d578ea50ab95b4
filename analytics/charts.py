"""DataFrame -> alt.Chart. Pure: no Streamlit, no loading. Data arrive aggregated (one row per
period and series), so a chart never holds more points than it draws.

One color per vendor, everywhere; a chart with several series of one vendor uses shades of that
vendor's color. The colors are mid-tones chosen to read on both light and dark backgrounds.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .metrics import METRICS, label

VENDOR_COLORS = {
    "builder": "#8B5CF6",  # violet
    "firebender": "#F97316",  # orange
    "codefresh": "#14B8A6",  # teal
    "derived": "#3B82F6",  # blue: measures built from several vendors
}
VENDOR_LABELS = {
    "builder": "Builder.io",
    "firebender": "Firebender",
    "codefresh": "Codefresh",
    "derived": "Cross-vendor",
}
OTHER_COLOR = "#94A3B8"
# Shades per vendor, alternating dark and light so neighbours in a stack differ.
SHADES = {
    "builder": ["#8B5CF6", "#C4B5FD", "#6D28D9", "#A78BFA", "#4C1D95", "#DDD6FE", "#7C3AED"],
    "firebender": ["#F97316", "#FDBA74", "#C2410C", "#FB923C", "#9A3412", "#FED7AA", "#EA580C"],
    "codefresh": ["#14B8A6", "#99F6E4", "#0F766E", "#2DD4BF", "#115E59", "#5EEAD4", "#0D9488"],
    "derived": ["#3B82F6", "#93C5FD", "#1D4ED8", "#60A5FA", "#1E3A8A", "#BFDBFE", "#2563EB"],
}
AXIS_FORMAT = {"day": "%b %d", "week": "%b %d", "month": "%b %Y", "quarter": "%b %Y"}
PERIOD_TITLE = {
    "day": "Day",
    "week": "Week starting",
    "month": "Month",
    "quarter": "Quarter starting",
}
NUMBER_FORMAT = {
    "count": ",.0f",
    "credits": ",.1f",
    "usd": "$,.2f",
    "share": ".1%",
    "ratio": ",.2f",
}
HEIGHT = 300


def color_of(vendor: str) -> str:
    return VENDOR_COLORS.get(vendor, OTHER_COLOR)


def shades(vendor: str, names: list[str], other: str = "Other") -> alt.Scale:
    """A color scale giving each name a shade of the vendor's color (`other` in gray)."""
    ramp = SHADES.get(vendor, [OTHER_COLOR])
    colors, i = [], 0
    for name in names:
        if name == other:
            colors.append(OTHER_COLOR)
        else:
            colors.append(ramp[i % len(ramp)])
            i += 1
    return alt.Scale(domain=list(names), range=colors)


def _fmt(column: str) -> str:
    metric = METRICS.get(column)
    return NUMBER_FORMAT.get(metric.unit if metric else "count", ",.0f")


def tick_values(
    frame: pd.DataFrame | None, granularity: str, field: str = "period", most: int = 14
) -> list[alt.DateTime] | None:
    """Axis ticks on the periods' own first days (Vega's weeks start on Sunday, ours on
    Monday), thinned to at most `most`; None lets Vega choose (days)."""
    if frame is None or granularity == "day" or field not in frame or frame.empty:
        return None
    stamps = sorted(pd.to_datetime(frame[field]).dropna().unique())
    step = max(1, -(-len(stamps) // most))
    return [
        alt.DateTime(year=t.year, month=t.month, date=t.day, utc=True)
        for t in map(pd.Timestamp, stamps[::step])
    ]


def _x(granularity: str, frame: pd.DataFrame | None = None, field: str = "period") -> alt.X:
    """The time axis. Times are UTC days, so the time unit is a UTC one: labels never shift
    a day in a browser west of Greenwich."""
    axis = dict(format=AXIS_FORMAT.get(granularity, "%b %d"), labelAngle=0, labelOverlap=True)
    values = tick_values(frame, granularity, field)
    if values is not None:
        axis["values"] = values
    return alt.X(
        f"utcyearmonthdate({field}):T",
        title=PERIOD_TITLE.get(granularity, "Period"),
        axis=alt.Axis(**axis),
    )


BAND_UNITS = {
    "day": "utcyearmonthdate",
    "week": "utcyearmonthdate",
    "month": "utcyearmonth",
    "quarter": "utcyearmonth",
}


def _band_x(granularity: str, field: str = "period", **kwargs) -> alt.X:
    """A time axis of bands, one per period (for bars: a bar as wide as its period)."""
    return alt.X(
        f"{BAND_UNITS.get(granularity, 'utcyearmonthdate')}({field}):O",
        title=PERIOD_TITLE.get(granularity, "Period"),
        axis=alt.Axis(
            format=AXIS_FORMAT.get(granularity, "%b %d"), labelAngle=0, labelOverlap=True
        ),
        **kwargs,
    )


def _period_tip(field: str = "period", title: str = "Period starting") -> alt.Tooltip:
    return alt.Tooltip(f"utcyearmonthdate({field}):T", title=title, format="%Y-%m-%d")


def _names(frame: pd.DataFrame, column: str) -> list[str]:
    names = list(dict.fromkeys(frame[column].astype("str"))) if len(frame) else []
    return sorted([n for n in names if n != "Other"]) + (["Other"] if "Other" in names else [])


# ---------------------------------------------------------------- the overview


def adoption_vs_credits(
    table: pd.DataFrame,
    granularity: str,
    ai_column: str = "ai_active_developers",
    ai_vendor: str = "derived",
) -> alt.LayerChart:
    """AI adoption (left axis) and CI credits (right axis) per period, on one time axis.
    Partial periods are drawn hollow."""
    data = table[["period", "complete", ai_column, "ci_credits"]].copy()
    data["status"] = data["complete"].map({True: "complete", False: "partial"})
    base = alt.Chart(data).encode(x=_x(granularity, data))
    tips = [
        _period_tip(),
        alt.Tooltip(f"{ai_column}:Q", title=label(ai_column), format=",.0f"),
        alt.Tooltip("ci_credits:Q", title=label("ci_credits"), format=",.1f"),
        alt.Tooltip("status:N", title="Period"),
    ]
    ai_color, ci_color = color_of(ai_vendor), color_of("codefresh")
    ai_line = base.mark_line(color=ai_color, strokeWidth=2.5).encode(
        y=alt.Y(
            f"{ai_column}:Q",
            title=label(ai_column),
            axis=alt.Axis(titleColor=ai_color, format=",.0f"),
        )
    )
    ai_points = base.mark_point(color=ai_color, size=55).encode(
        y=alt.Y(f"{ai_column}:Q"),
        fill=alt.condition("datum.complete", alt.value(ai_color), alt.value("transparent")),
        tooltip=tips,
    )
    ci_line = base.mark_line(color=ci_color, strokeWidth=2.5, strokeDash=[6, 3]).encode(
        y=alt.Y(
            "ci_credits:Q",
            title=label("ci_credits"),
            axis=alt.Axis(titleColor=ci_color, format="~s", orient="right"),
        )
    )
    ci_points = base.mark_square(color=ci_color, size=45).encode(
        y=alt.Y("ci_credits:Q"),
        fill=alt.condition("datum.complete", alt.value(ci_color), alt.value("transparent")),
        tooltip=tips,
    )
    left = alt.layer(ai_line, ai_points)
    right = alt.layer(ci_line, ci_points)
    if data["ci_credits"].isna().all():  # Codefresh not loaded: no empty right axis
        return left.properties(height=HEIGHT)
    if data[ai_column].isna().all():
        return right.properties(height=HEIGHT)
    return alt.layer(left, right).resolve_scale(y="independent").properties(height=HEIGHT)


def vendor_measures(
    table: pd.DataFrame, columns: list[str], granularity: str, title: str = "", fmt: str = ",.0f"
) -> alt.Chart:
    """Measures of different vendors over time, each line in its vendor's color (a second
    measure of the same vendor is dashed)."""
    present = [c for c in columns if c in table]
    long = table.melt(
        id_vars=["period"], value_vars=present, var_name="column", value_name="value"
    ).dropna(subset=["value"])
    long["measure"] = long["column"].map(label)
    domain = [label(c) for c in present]
    colors = [color_of(METRICS[c].vendor) for c in present]
    seen: dict[str, int] = {}
    dashes = []
    for c in present:
        vendor = METRICS[c].vendor
        dashes.append([1, 0] if vendor not in seen else [6, 3])
        seen[vendor] = seen.get(vendor, 0) + 1
    return (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=_x(granularity, long),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format="~s")),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=domain, range=colors),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "measure:N", scale=alt.Scale(domain=domain, range=dashes), legend=None
            ),
            tooltip=[
                _period_tip(),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Value", format=fmt),
            ],
        )
        .properties(height=HEIGHT)
    )


def spend_comparison(table: pd.DataFrame, granularity: str) -> alt.Chart:
    """AI model spend beside CI spend (USD) per period, as two lines on one USD axis."""
    long = table.melt(
        id_vars=["period"],
        value_vars=["model_spend_usd", "ci_spend_usd"],
        var_name="column",
        value_name="usd",
    ).dropna(subset=["usd"])
    long["measure"] = long["column"].map(label)
    domain = [label("model_spend_usd"), label("ci_spend_usd")]
    return (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=_x(granularity, long),
            y=alt.Y("usd:Q", title="USD", axis=alt.Axis(format="$~s")),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(
                    domain=domain, range=[color_of("firebender"), color_of("codefresh")]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                _period_tip(),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("usd:Q", title="USD", format="$,.2f"),
            ],
        )
        .properties(height=HEIGHT)
    )


def scatter(
    pairs: pd.DataFrame, x_column: str, y_column: str, lag: int, granularity: str
) -> alt.LayerChart:
    """One point per period: x in the period, y `lag` periods later, with a least-squares line."""
    x_title, y_title = label(x_column), label(y_column)
    if lag:
        y_title += f" ({lag} {granularity}{'s' if lag > 1 else ''} later)"
    x_vendor = METRICS[x_column].vendor if x_column in METRICS else "derived"
    data = pairs.rename(columns={"x": "x_value", "y": "y_value"})
    base = alt.Chart(data).encode(
        x=alt.X(
            "x_value:Q",
            title=x_title,
            scale=alt.Scale(zero=False, nice=True),
            axis=alt.Axis(format="~s", tickMinStep=1),
        ),
        y=alt.Y(
            "y_value:Q",
            title=y_title,
            scale=alt.Scale(zero=False, nice=True),
            axis=alt.Axis(format="~s"),
        ),
    )
    points = base.mark_circle(
        size=90,
        opacity=0.85,
        color=color_of(x_vendor),
        stroke=color_of("codefresh"),
        strokeWidth=1.5,
    ).encode(
        tooltip=[
            _period_tip("period", "Period (adoption)"),
            _period_tip("y_period", "Period (credits)"),
            alt.Tooltip("x_value:Q", title=x_title, format=_fmt(x_column)),
            alt.Tooltip("y_value:Q", title=y_title, format=_fmt(y_column)),
        ]
    )
    fit = base.transform_regression("x_value", "y_value").mark_line(
        color=OTHER_COLOR, strokeDash=[4, 4]
    )
    return alt.layer(points, fit).properties(height=HEIGHT)


def monthly_adoption(monthly: pd.DataFrame) -> alt.LayerChart:
    """Active committers and AI-active developers per month (grouped bars), adoption rate
    (line, right axis). Months are bands, so the bars sit side by side."""
    month = _band_x("month")
    bars = monthly.melt(
        id_vars=["period", "complete"],
        value_vars=["active_committers", "ai_active_developers"],
        var_name="column",
        value_name="people",
    ).dropna(subset=["people"])
    bars["measure"] = bars["column"].map(label)
    domain = [label("active_committers"), label("ai_active_developers")]
    people = (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            x=month,
            xOffset=alt.XOffset("measure:N", sort=domain),
            y=alt.Y("people:Q", title="People"),
            color=alt.Color(
                "measure:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=domain, range=[color_of("codefresh"), color_of("derived")]),
            ),
            opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.5)),
            tooltip=[
                alt.Tooltip("utcyearmonth(period):O", title="Month"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("people:Q", title="People", format=",.0f"),
                alt.Tooltip("complete:N", title="Whole month"),
            ],
        )
    )
    rate_data = monthly[["period", "ai_adoption_rate", "complete"]].dropna(
        subset=["ai_adoption_rate"]
    )
    rate = (
        alt.Chart(rate_data)
        .mark_line(
            point=alt.OverlayMarkDef(color=OTHER_COLOR, size=50), color=OTHER_COLOR, strokeWidth=2.5
        )
        .encode(
            x=_band_x("month", bandPosition=0.5),
            y=alt.Y(
                "ai_adoption_rate:Q",
                title=label("ai_adoption_rate"),
                axis=alt.Axis(format="%", orient="right"),
            ),
            tooltip=[
                alt.Tooltip("utcyearmonth(period):O", title="Month"),
                alt.Tooltip("ai_adoption_rate:Q", title=label("ai_adoption_rate"), format=".1%"),
                alt.Tooltip("complete:N", title="Whole month"),
            ],
        )
    )
    return alt.layer(people, rate).resolve_scale(y="independent").properties(height=HEIGHT)


# ---------------------------------------------------------------- generic vendor charts


def series_over_time(
    frame: pd.DataFrame,
    value: str,
    series: str,
    vendor: str,
    granularity: str,
    y_title: str,
    kind: str = "line",
    fmt: str = ",.0f",
) -> alt.Chart:
    """One vendor's series over time: lines, or stacked bars/areas; shades of the vendor color."""
    names = _names(frame, series)
    mark = {
        "line": alt.MarkDef(type="line", point=True, strokeWidth=2),
        "bar": alt.MarkDef(type="bar"),
        "area": alt.MarkDef(type="area", opacity=0.85),
    }[kind]
    y = alt.Y(
        f"{value}:Q",
        title=y_title,
        axis=alt.Axis(format="~s" if "%" not in fmt else "%"),
        stack="zero" if kind in ("bar", "area") else None,
    )
    return (
        alt.Chart(frame, mark=mark)
        .encode(
            x=_band_x(granularity) if kind == "bar" else _x(granularity, frame),
            y=y,
            color=alt.Color(
                f"{series}:N",
                title=None,
                scale=shades(vendor, names),
                legend=alt.Legend(orient="bottom", columns=4, labelLimit=280),
            ),
            order=alt.Order(f"{series}:N"),
            tooltip=[
                _period_tip(),
                alt.Tooltip(f"{series}:N", title=series.replace("_", " ").capitalize()),
                alt.Tooltip(f"{value}:Q", title=y_title, format=fmt),
            ],
        )
        .properties(height=HEIGHT)
    )


def single_series(
    frame: pd.DataFrame,
    value: str,
    vendor: str,
    granularity: str,
    y_title: str,
    kind: str = "bar",
    fmt: str = ",.0f",
) -> alt.Chart:
    """One measure over time in the vendor's color; partial periods lighter."""
    data = frame.copy()
    if "complete" not in data:
        data["complete"] = True
    mark = (
        alt.MarkDef(type="bar", color=color_of(vendor))
        if kind == "bar"
        else alt.MarkDef(
            type="line",
            point=alt.OverlayMarkDef(color=color_of(vendor)),
            color=color_of(vendor),
            strokeWidth=2.5,
        )
    )
    encoding = dict(
        x=_band_x(granularity) if kind == "bar" else _x(granularity, data),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format="~s")),
        tooltip=[
            _period_tip(),
            alt.Tooltip(f"{value}:Q", title=y_title, format=fmt),
            alt.Tooltip("complete:N", title="Whole period"),
        ],
    )
    if kind == "bar":
        encoding["opacity"] = alt.condition("datum.complete", alt.value(1.0), alt.value(0.45))
    return alt.Chart(data, mark=mark).encode(**encoding).properties(height=HEIGHT)


def ranking(
    frame: pd.DataFrame,
    category: str,
    value: str,
    vendor: str,
    title: str,
    fmt: str = ",.0f",
    limit: int = 15,
) -> alt.Chart:
    """Horizontal bars, largest first; at most `limit` bars (the caller aggregates the rest)."""
    data = frame.nlargest(limit, value) if len(frame) > limit else frame
    tips = [
        alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
        alt.Tooltip(f"{value}:Q", title=title, format=fmt),
    ]
    if "share" in data:
        tips.append(alt.Tooltip("share:Q", title="Share", format=".1%"))
    return (
        alt.Chart(data)
        .mark_bar(color=color_of(vendor))
        .encode(
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="~s")),
            y=alt.Y(f"{category}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            tooltip=tips,
        )
        .properties(height=alt.Step(24))
    )


def two_axes(
    frame: pd.DataFrame,
    left: str,
    right: str,
    vendor: str,
    granularity: str,
    left_title: str,
    right_title: str,
) -> alt.LayerChart:
    """Two measures of one vendor on their own y axes (e.g. users and prompts, whose scales
    differ a hundredfold): solid line left, dashed line right, in two shades."""
    dark, light = SHADES[vendor][0], SHADES[vendor][1]
    base = alt.Chart(frame).encode(x=_x(granularity, frame))
    tips = [
        _period_tip(),
        alt.Tooltip(f"{left}:Q", title=left_title, format=",.0f"),
        alt.Tooltip(f"{right}:Q", title=right_title, format=",.0f"),
    ]
    one = base.mark_line(point=alt.OverlayMarkDef(color=dark), color=dark, strokeWidth=2.5).encode(
        y=alt.Y(f"{left}:Q", title=left_title, axis=alt.Axis(titleColor=dark)), tooltip=tips
    )
    two = base.mark_line(
        point=alt.OverlayMarkDef(color=light), color=light, strokeWidth=2.5, strokeDash=[6, 3]
    ).encode(
        y=alt.Y(
            f"{right}:Q",
            title=right_title,
            axis=alt.Axis(titleColor=light, orient="right", format="~s"),
        ),
        tooltip=tips,
    )
    return alt.layer(one, two).resolve_scale(y="independent").properties(height=HEIGHT)


def rates_over_time(rates: pd.DataFrame, granularity: str) -> alt.Chart:
    """Acceptance rates (0..1) per period, one shade of Firebender orange per rate."""
    data = rates.dropna(subset=["value"])
    names = list(dict.fromkeys(data["rate"])) if len(data) else []
    return (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=_x(granularity, data),
            y=alt.Y(
                "value:Q",
                title="Accepted / offered",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "rate:N",
                title=None,
                scale=shades("firebender", names),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=[
                _period_tip(),
                alt.Tooltip("rate:N", title="Rate"),
                alt.Tooltip("value:Q", title="Rate", format=".1%"),
                alt.Tooltip("accepted:Q", title="Accepted", format=",.0f"),
                alt.Tooltip("offered:Q", title="Offered", format=",.0f"),
            ],
        )
        .properties(height=HEIGHT)
    )
