"""DataFrame -> alt.Chart. Pure: no Streamlit, no loading. Data arrive aggregated (one row per
period and series), so a chart never holds more points than it draws.

One color per vendor, everywhere; a chart with several series of one vendor uses shades of that
vendor's color. The colors are mid-tones chosen to read on both light and dark backgrounds.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import labels
from .lazy_altair import alt
from .metrics import METRICS, finished_periods, label

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
# Shades per vendor, dark to light (Tailwind 800..200); the middle one is the vendor's color.
SHADES = {
    "builder": ["#5B21B6", "#6D28D9", "#7C3AED", "#8B5CF6", "#A78BFA", "#C4B5FD", "#DDD6FE"],
    "firebender": ["#9A3412", "#C2410C", "#EA580C", "#F97316", "#FB923C", "#FDBA74", "#FED7AA"],
    "codefresh": ["#115E59", "#0F766E", "#0D9488", "#14B8A6", "#2DD4BF", "#5EEAD4", "#99F6E4"],
    "derived": ["#1E40AF", "#1D4ED8", "#2563EB", "#3B82F6", "#60A5FA", "#93C5FD", "#BFDBFE"],
}
# A chart with more series than one vendor has shades: the rest take these (no vendor's hue).
EXTRA_COLORS = ["#EC4899", "#84CC16", "#EAB308", "#64748B", "#EF4444", "#A16207", "#6366F1"]
# The period axis: day and week labels gain the year when the periods shown span years; a day
# axis longer than LONG_DAY_AXIS days is labelled by month.
AXIS_FORMAT = {"day": "%-d %b", "week": "%-d %b", "month": "%b %Y", "quarter": "Q%q %Y"}
AXIS_FORMAT_YEARS = {"day": "%-d %b %Y", "week": "%-d %b %Y", "month": "%b %Y", "quarter": "Q%q %Y"}
MONTH_AXIS_FORMAT = "%b %Y"
LONG_DAY_AXIS = 92
MOST_TICKS = 14
PERIOD_TITLE = {
    "day": "Day",
    "week": "Week starting",
    "month": "Month",
    "quarter": "Quarter",
}
NUMBER_FORMAT = {
    "count": ",.0f",
    "credits": ",.1f",
    "usd": "$,.2f",
    "share": ".1%",
    "ratio": ",.2f",
}
HEIGHT = 300
# An SI axis formats every tick with the largest tick's prefix ("0k"): zero is written "0".
ZERO_LABEL = "datum.value == 0 ? '0' : datum.label"


def color_of(vendor: str) -> str:
    return VENDOR_COLORS.get(vendor, OTHER_COLOR)


def spread(vendor: str, n: int) -> list[str]:
    """n clearly different colors for one vendor's series: up to three shades of its color (dark,
    light, the color itself: neighbours two steps apart on the ramp); from four on, shades of one
    hue read as one (five purples), so the vendor's color and then EXTRA_COLORS' other hues."""
    ramp = SHADES.get(vendor, [OTHER_COLOR])
    if n <= 0:
        return []
    if n > 3 and len(ramp) == 7:
        picked = [ramp[3]]
    elif len(ramp) < 7:
        picked = list(ramp[:n])
    elif n == 1:
        picked = [ramp[3]]
    else:  # two or three: dark and light, then the color itself between them
        picked = [ramp[1], ramp[5], ramp[3]][:n]
    return (
        picked
        + EXTRA_COLORS[: max(0, n - len(picked))]
        + [OTHER_COLOR] * max(0, n - len(picked) - len(EXTRA_COLORS))
    )


def shades(vendor: str, names: list[str], other: str = "Other") -> alt.Scale:
    """A color scale giving each name its own shade of the vendor's color (`other` in gray)."""
    own = [name for name in names if name != other]
    palette = iter(spread(vendor, len(own)))
    colors = [OTHER_COLOR if name == other else next(palette) for name in names]
    return alt.Scale(domain=list(names), range=colors)


def _fmt(column: str) -> str:
    metric = METRICS.get(column)
    return NUMBER_FORMAT.get(metric.unit if metric else "count", ",.0f")


def _stamps(frame: pd.DataFrame | None, field: str) -> list[pd.Timestamp]:
    if frame is None or field not in frame or frame.empty:
        return []
    times = pd.to_datetime(frame[field]).dropna()
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return [pd.Timestamp(t) for t in sorted(times.dt.normalize().unique())]


def axis_format(granularity: str, frame: pd.DataFrame | None = None, field: str = "period") -> str:
    """The period labels' format: "9 Nov" within one year, "9 Nov 2026" when the periods shown
    span years, "Nov 2026" for months (and for a day axis longer than LONG_DAY_AXIS days),
    "Q3 2026" for quarters."""
    stamps = _stamps(frame, field)
    if granularity == "day" and stamps and (stamps[-1] - stamps[0]).days > LONG_DAY_AXIS:
        return MONTH_AXIS_FORMAT
    spans_years = len({t.year for t in stamps}) > 1
    return (AXIS_FORMAT_YEARS if spans_years else AXIS_FORMAT).get(granularity, "%-d %b")


def _every(stamps: list[pd.Timestamp], most: int, steps: tuple[int, ...], index) -> list:
    """The stamps whose `index` is a multiple of the smallest step leaving at most `most`."""
    for step in steps:
        kept = [t for t in stamps if index(t) % step == 0]
        if len(kept) <= most:
            return kept
    return kept[:: -(-len(kept) // most)]


def tick_stamps(
    frame: pd.DataFrame | None, granularity: str, field: str = "period", most: int = MOST_TICKS
) -> list[pd.Timestamp]:
    """The days that get a label on the period axis, at most `most` of them: the periods' own
    first days (weeks start on Monday; Vega's on Sunday), months and quarters aligned so that
    a January is among them, and for days: each day, Mondays, or the first of the month when
    the range is long."""
    stamps = _stamps(frame, field)
    if not stamps:
        return []
    months = lambda t: t.year * 12 + t.month - 1  # noqa: E731
    if granularity == "day":
        first, last = stamps[0], stamps[-1]
        if (last - first).days > LONG_DAY_AXIS:
            starts = pd.date_range(first + pd.offsets.MonthBegin(0), last, freq="MS")
            return _every(list(starts), min(most, 12), (1, 2, 3, 6, 12), months)
        if len(stamps) <= most:
            return stamps
        mondays = [t for t in pd.date_range(first, last, freq="D") if t.day_of_week == 0]
        return _every(mondays, most, (1, 2, 4), lambda t: (t - mondays[0]).days // 7)
    if granularity == "month":
        return _every(stamps, most, (1, 2, 3, 6, 12), months)
    if granularity == "quarter":
        return _every(stamps, most, (1, 2, 4), lambda t: months(t) // 3)
    step = max(1, -(-len(stamps) // most))
    return stamps[::step]


def tick_values(
    frame: pd.DataFrame | None, granularity: str, field: str = "period", most: int = MOST_TICKS
) -> list[alt.DateTime] | None:
    """`tick_stamps` as Vega-Lite date times (UTC); None when there is no data."""
    stamps = tick_stamps(frame, granularity, field, most)
    if not stamps:
        return None
    return [alt.DateTime(year=t.year, month=t.month, date=t.day, utc=True) for t in stamps]


def _x(granularity: str, frame: pd.DataFrame | None = None, field: str = "period") -> alt.X:
    """The time axis. Times are UTC days, so the time unit is a UTC one: labels never shift
    a day in a browser west of Greenwich."""
    axis = dict(format=axis_format(granularity, frame, field), labelAngle=0, labelOverlap=True)
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


def _band_x(
    granularity: str, field: str = "period", frame: pd.DataFrame | None = None, **kwargs
) -> alt.X:
    """A time axis of bands, one per period (for bars: a bar as wide as its period). With the
    data (`frame`), only the `tick_stamps` periods are labelled, in `axis_format`."""
    fmt = axis_format(granularity, frame, field)
    axis = dict(format=fmt, labelAngle=0, labelOverlap=True)
    stamps = tick_stamps(frame, granularity, field)
    if stamps and len(stamps) < len(_stamps(frame, field)):
        shown = ", ".join(f"'{t:%Y-%m-%d}'" for t in stamps)
        axis["labelExpr"] = (
            f"indexof([{shown}], utcFormat(datum.value, '%Y-%m-%d')) >= 0 "
            f"? utcFormat(datum.value, '{fmt}') : ''"
        )
        axis["ticks"] = False
    return alt.X(
        f"{BAND_UNITS.get(granularity, 'utcyearmonthdate')}({field}):O",
        title=PERIOD_TITLE.get(granularity, "Period"),
        axis=alt.Axis(**axis),
        **kwargs,
    )


def _period_tip(field: str = "period", title: str = "Period starting") -> alt.Tooltip:
    return alt.Tooltip(f"utcyearmonthdate({field}):T", title=title, format="%Y-%m-%d")


def _names(frame: pd.DataFrame, column: str) -> list[str]:
    names = list(dict.fromkeys(frame[column].astype("str"))) if len(frame) else []
    return sorted([n for n in names if n != "Other"]) + (["Other"] if "Other" in names else [])


# ---------------------------------------------------------------- the overview


BREAK = "break-paths-show-domains"  # an unknown value breaks a line: never drawn as 0 or bridged


def finished(table: pd.DataFrame) -> pd.DataFrame:
    """The finished periods of a table with a `complete` column."""
    return table.loc[table["complete"].astype(bool).to_numpy()].reset_index(drop=True)


# Day granularity: Saturdays and Sundays are quiet, and a line through them drew each weekend as
# a drop (two dips a week read as spikes). Line charts by day draw weekdays only and say so in
# their title; the tables and exports keep every day. A weekday without data still breaks the
# line (never 0).
WEEKDAYS_ONLY = "Weekdays only: weekends are quiet and would read as drops"


def weekdays(frame: pd.DataFrame, granularity: str | None, field: str = "period") -> pd.DataFrame:
    """At day granularity, the rows of Monday to Friday; otherwise the frame as it is."""
    if granularity != "day" or frame is None or frame.empty or field not in frame:
        return frame
    days = pd.to_datetime(frame[field])
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_convert("UTC")
    return frame.loc[(days.dt.day_of_week < 5).to_numpy()].reset_index(drop=True)


def by_weekday(chart, granularity: str | None):
    """A day chart's title says that weekends are left out."""
    if granularity != "day":
        return chart
    return chart.properties(
        title=alt.TitleParams(
            WEEKDAYS_ONLY, anchor="start", fontSize=11, fontWeight="normal", color="#6b7280"
        )
    )


def adoption_vs_credits(
    table: pd.DataFrame,
    granularity: str,
    ai_column: str = "ai_active_developers",
    ai_vendor: str = "derived",
    ai_title: str | None = None,
) -> alt.LayerChart:
    """AI adoption (left axis) and CI credits (right axis) per finished period, on one time
    axis. The unfinished period is left out (the page says what it holds so far): drawn, it
    would look like a drop. Unknown periods break the lines instead of reading as 0.
    `ai_title`: the adoption measure's name on its axis and tooltip (what it counts, e.g. a
    fallback's), its label by default."""
    data = weekdays(finished(table)[["period", ai_column, "ci_credits"]], granularity)
    base = alt.Chart(data).encode(x=_x(granularity, data))
    ai_title = ai_title or label(ai_column)
    tips = [
        _period_tip(),
        alt.Tooltip(f"{ai_column}:Q", title=ai_title, format=",.0f"),
        alt.Tooltip("ci_credits:Q", title=label("ci_credits"), format=",.0f"),
    ]
    ai_color, ci_color = color_of(ai_vendor), color_of("codefresh")
    ai_line = base.mark_line(color=ai_color, strokeWidth=2.5, invalid=BREAK).encode(
        y=alt.Y(
            f"{ai_column}:Q",
            title=ai_title,
            axis=alt.Axis(titleColor=ai_color, format=",.0f", tickMinStep=1),
        )
    )
    ai_points = base.mark_point(color=ai_color, size=55, filled=True).encode(
        y=alt.Y(f"{ai_column}:Q"), tooltip=tips
    )
    ci_line = base.mark_line(
        color=ci_color, strokeWidth=2.5, strokeDash=[6, 3], invalid=BREAK
    ).encode(
        y=alt.Y(
            "ci_credits:Q",
            title=label("ci_credits"),
            axis=alt.Axis(titleColor=ci_color, format="~s", labelExpr=ZERO_LABEL, orient="right"),
        )
    )
    ci_points = base.mark_square(color=ci_color, size=45, filled=True).encode(
        y=alt.Y("ci_credits:Q"), tooltip=tips
    )
    left = alt.layer(ai_line, ai_points)
    right = alt.layer(ci_line, ci_points)
    if data["ci_credits"].isna().all():  # Codefresh not loaded: no empty right axis
        return by_weekday(left.properties(height=HEIGHT), granularity)
    if data[ai_column].isna().all():
        return by_weekday(right.properties(height=HEIGHT), granularity)
    return by_weekday(
        alt.layer(left, right).resolve_scale(y="independent").properties(height=HEIGHT),
        granularity,
    )


def vendor_measures(
    table: pd.DataFrame, columns: list[str], granularity: str, title: str = "", fmt: str = ",.0f"
) -> alt.Chart:
    """Measures of different vendors over time, each line in its vendor's color (a second
    measure of the same vendor is dashed). Finished periods only; unknown ones break lines."""
    present = [c for c in columns if c in table]
    long = weekdays(finished(table), granularity).melt(
        id_vars=["period"], value_vars=present, var_name="column", value_name="value"
    )
    long["measure"] = long["column"].map(label)
    domain = [label(c) for c in present]
    colors = [color_of(METRICS[c].vendor) for c in present]
    seen: dict[str, int] = {}
    dashes = []
    for c in present:
        vendor = METRICS[c].vendor
        dashes.append([1, 0] if vendor not in seen else [6, 3])
        seen[vendor] = seen.get(vendor, 0) + 1
    return by_weekday(
        _vendor_lines(long, title, domain, colors, dashes, granularity, fmt), granularity
    )


def _vendor_lines(long, title, domain, colors, dashes, granularity, fmt) -> alt.Chart:
    return (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=2.5, invalid=BREAK)
        .encode(
            x=_x(granularity, long),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL)),
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
    """AI model spend beside CI spend (USD) per finished period, as two lines on one USD axis;
    unknown periods break the lines."""
    long = weekdays(finished(table), granularity).melt(
        id_vars=["period"],
        value_vars=["model_spend_usd", "ci_spend_usd"],
        var_name="column",
        value_name="usd",
    )
    blank = long.groupby("column")["usd"].count().loc[lambda n: n == 0].index
    long = long[~long["column"].isin(blank)]  # a measure with no value at all: no legend entry
    long["measure"] = long["column"].map(label)
    shown = [c for c in ("model_spend_usd", "ci_spend_usd") if c not in blank]
    colors = {"model_spend_usd": color_of("firebender"), "ci_spend_usd": color_of("codefresh")}
    domain = [label(c) for c in shown]
    return by_weekday(_spend_lines(long, domain, colors, shown, granularity), granularity)


def _spend_lines(long, domain, colors, shown, granularity) -> alt.Chart:
    return (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=2.5, invalid=BREAK)
        .encode(
            x=_x(granularity, long),
            y=alt.Y("usd:Q", title="USD", axis=alt.Axis(format="$~s", labelExpr=ZERO_LABEL)),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[colors[c] for c in shown]),
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
    pairs: pd.DataFrame,
    x_column: str,
    y_column: str,
    lag: int,
    granularity: str,
    x_title: str | None = None,
) -> alt.Chart:
    """One point per period: x in the period, y `lag` periods later. No fitted line: two levels
    that both grow line up whatever the cause, and a line would read as a finding. `x_title`:
    x's name (what it counts, e.g. a fallback's), its label by default."""
    x_title, y_title = x_title or label(x_column), label(y_column)
    if lag:
        y_title += f" ({lag} {granularity}{'s' if lag > 1 else ''} later)"
    x_vendor = METRICS[x_column].vendor if x_column in METRICS else "derived"
    data = pairs.rename(columns={"x": "x_value", "y": "y_value"})
    base = alt.Chart(data).encode(
        x=alt.X(
            "x_value:Q",
            title=x_title,
            scale=alt.Scale(zero=False, nice=True),
            axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL, tickMinStep=1),
        ),
        y=alt.Y(
            "y_value:Q",
            title=y_title,
            scale=alt.Scale(zero=False, nice=True),
            axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL),
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
    return points.properties(height=HEIGHT)


def monthly_adoption(monthly: pd.DataFrame, ai_title: str | None = None) -> alt.LayerChart:
    """Active committers and AI-active developers per month (grouped bars), adoption rate
    (line, right axis). Months are bands, so the bars sit side by side. Finished months only:
    a running month's committers are still growing. `ai_title`: the AI-active developers'
    name in the legend (what they count), their label by default."""
    monthly = finished(monthly)
    month = _band_x("month")
    bars = monthly.melt(
        id_vars=["period", "complete"],
        value_vars=["active_committers", "ai_active_developers"],
        var_name="column",
        value_name="people",
    ).dropna(subset=["people"])
    names = {"active_committers": label("active_committers")}
    names["ai_active_developers"] = ai_title or label("ai_active_developers")
    bars["measure"] = bars["column"].map(names)
    colors = {
        names["active_committers"]: color_of("codefresh"),
        names["ai_active_developers"]: color_of("derived"),
    }
    domain = [name for name in colors if name in set(bars["measure"])]  # only measures with data
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
                legend=alt.Legend(orient="bottom", labelLimit=400),  # a fallback's name whole
                scale=alt.Scale(domain=domain, range=[colors[name] for name in domain]),
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
    if rate_data.empty:  # no committers: no rate axis to draw empty
        return people.properties(height=HEIGHT)
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
    series_title: str | None = None,
    *,
    end: dt.date,
) -> alt.Chart:
    """One vendor's series over time: lines, or stacked bars/areas; a distinct shade of the
    vendor color per series. Raw series values show as their labels ("byok" -> "Own key
    (BYOK)"); `series_title` names the series in the tooltip. Periods not over by `end` (the
    range's last day) or still running today are left out (`ui.running_note` says so)."""
    frame = labels.relabel(finished_periods(frame, granularity, end), [series])
    if kind != "bar":  # bars by day show a weekly pattern, not a drop; lines and areas do
        frame = weekdays(frame, granularity)
    names = _names(frame, series)
    mark = {
        "line": alt.MarkDef(type="line", point=True, strokeWidth=2),
        "bar": alt.MarkDef(type="bar"),
        "area": alt.MarkDef(type="area", opacity=0.85),
    }[kind]
    y = alt.Y(
        f"{value}:Q",
        title=y_title,
        axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL if "%" not in fmt else "%"),
        stack="zero" if kind in ("bar", "area") else None,
    )
    chart = (
        alt.Chart(frame, mark=mark)
        .encode(
            x=_band_x(granularity, frame=frame) if kind == "bar" else _x(granularity, frame),
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
                alt.Tooltip(f"{series}:N", title=series_title or labels.column_label(series)),
                alt.Tooltip(f"{value}:Q", title=y_title, format=fmt),
            ],
        )
        .properties(height=HEIGHT)
    )
    return chart if kind == "bar" else by_weekday(chart, granularity)


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
        x=_band_x(granularity, frame=data) if kind == "bar" else _x(granularity, data),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL)),
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
    category_title: str | None = None,
) -> alt.Chart:
    """Horizontal bars, largest first; at most `limit` bars (the caller aggregates the rest).
    Raw categories show as their labels ("on-demand" -> "On-demand")."""
    data = frame.nlargest(limit, value) if len(frame) > limit else frame
    data = labels.relabel(data, [category])
    tips = [
        alt.Tooltip(f"{category}:N", title=category_title or labels.column_label(category)),
        alt.Tooltip(f"{value}:Q", title=title, format=fmt),
    ]
    if "share" in data:
        tips.append(alt.Tooltip("share:Q", title="Share", format=".1%"))
    return (
        alt.Chart(data)
        .mark_bar(color=color_of(vendor))
        .encode(
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL)),
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
    differ a hundredfold): solid line left, dashed line right, in two distinct shades. The
    frame's unfinished periods (`complete` false) are left out."""
    frame = weekdays(finished(frame), granularity)
    dark, light = spread(vendor, 2)
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
            axis=alt.Axis(titleColor=light, orient="right", format="~s", labelExpr=ZERO_LABEL),
        ),
        tooltip=tips,
    )
    return by_weekday(
        alt.layer(one, two).resolve_scale(y="independent").properties(height=HEIGHT), granularity
    )


def rates_over_time(rates: pd.DataFrame, granularity: str) -> alt.Chart:
    """Acceptance rates (0..1) per finished period, one shade of Firebender orange per rate."""
    data = weekdays(finished(rates).dropna(subset=["value"]), granularity)
    names = list(dict.fromkeys(data["rate"])) if len(data) else []
    chart = (
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
    return by_weekday(chart, granularity)
