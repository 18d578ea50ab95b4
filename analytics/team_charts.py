"""The Teams page's charts: small multiples per team, the team x month heat map of AI share, and
teams ranked by their change in credits per person. Pure: frames in, alt.Chart out.

Only finished periods are drawn as lines: the running period would look like a drop. A period
with no value (a vendor without data) is a gap, never zero.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import AXIS_FORMAT, NUMBER_FORMAT, PERIOD_TITLE, ZERO_LABEL, color_of
from .metrics.teams import LABELS

UNITS = {
    "people": "count",
    "ai_active": "count",
    "ai_share": "share",
    "ai_spend_usd": "usd",
    "ai_spend_per_person": "usd",
    "accepted_lines": "count",
    "ci_credits": "credits",
    "ci_spend_usd": "usd",
    "credits_per_person": "credits",
}
VENDOR_OF = {
    "ai_share": "firebender",
    "ai_active": "firebender",
    "ai_spend_usd": "firebender",
    "ai_spend_per_person": "firebender",
    "accepted_lines": "builder",
    "ci_credits": "codefresh",
    "ci_spend_usd": "codefresh",
    "credits_per_person": "codefresh",
    "people": "derived",
}
COLUMNS = 3  # small multiples per row


def small_multiples(table: pd.DataFrame, measure: str, granularity: str) -> alt.FacetChart:
    """One small chart per team of `measure` over the finished periods, on a shared y axis."""
    data = table.loc[table["complete"].astype(bool), ["team", "period", measure]].dropna()
    fmt = NUMBER_FORMAT[UNITS[measure]]
    title = LABELS[measure]
    color = color_of(VENDOR_OF[measure])
    base = alt.Chart(data).encode(
        x=alt.X(
            "period:T",
            title=None,
            axis=alt.Axis(format=AXIS_FORMAT[granularity], labelAngle=0, tickCount=4),
        ),
        y=alt.Y(
            f"{measure}:Q",
            title=title,
            axis=alt.Axis(format="%")
            if fmt == ".1%"
            else alt.Axis(format="~s", labelExpr=ZERO_LABEL),  # "0", not "0k"
        ),
        tooltip=[
            alt.Tooltip("team:N", title="Team"),
            alt.Tooltip("period:T", title=PERIOD_TITLE[granularity], format="%Y-%m-%d"),
            alt.Tooltip(f"{measure}:Q", title=title, format=fmt),
        ],
    )
    layered = base.mark_line(color=color, strokeWidth=2) + base.mark_point(
        color=color, filled=True, size=30
    )
    return (
        layered.properties(width=220, height=140)
        .facet(facet=alt.Facet("team:N", title=None), columns=COLUMNS)
        .resolve_scale(y="shared")
    )


def heat_map(monthly: pd.DataFrame) -> alt.Chart:
    """AI-active share per team and finished month; an empty cell is a month without data."""
    data = monthly.loc[monthly["complete"].astype(bool), ["team", "period", "ai_share", "people"]]
    data = data.dropna(subset=["ai_share"])
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("yearmonth(period):O", title="Month", axis=alt.Axis(format="%b %y")),
            y=alt.Y("team:N", title=None, axis=alt.Axis(labelLimit=200)),
            color=alt.Color(
                "ai_share:Q",
                title="AI-active share",
                scale=alt.Scale(scheme="oranges", domain=[0, 1]),
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("yearmonth(period):T", title="Month", format="%B %Y"),
                alt.Tooltip("ai_share:Q", title="AI-active share", format=".1%"),
                alt.Tooltip("people:Q", title="People", format=",.0f"),
            ],
        )
        .properties(height=alt.Step(28))
    )


def change_ranking(ranked: pd.DataFrame) -> alt.Chart:
    """Teams by their change in credits per person (bars left of zero: fewer credits)."""
    return (
        alt.Chart(ranked)
        .mark_bar()
        .encode(
            x=alt.X("change:Q", title="Change in CI credits per person", axis=alt.Axis(format="%")),
            y=alt.Y("team:N", title=None, sort="-x", axis=alt.Axis(labelLimit=200)),
            color=alt.condition(
                "datum.change > 0", alt.value(color_of("codefresh")), alt.value("#64748B")
            ),
            tooltip=[
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("first_period:T", title="From", format="%B %Y"),
                alt.Tooltip("first_value:Q", title="Credits per person then", format=",.1f"),
                alt.Tooltip("last_period:T", title="To", format="%B %Y"),
                alt.Tooltip("last_value:Q", title="Credits per person now", format=",.1f"),
                alt.Tooltip("change:Q", title="Change", format="+.1%"),
                alt.Tooltip("ai_share_change:Q", title="AI share change (points)", format="+.1%"),
            ],
        )
        .properties(height=alt.Step(26))
    )
