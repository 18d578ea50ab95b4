"""The Alerts & budgets page's charts. Pure: frames in, alt.Chart out.

A month's burn: the settled days' running total as a solid line, the projection from the last
settled day to the month's end as a dashed line in its 80% band (drawn apart, in grey, never as
actuals), and the budget as a red rule. A day not yet settled is never drawn as actual.
"""

from __future__ import annotations

import pandas as pd

from .charts import ZERO_LABEL, color_of
from .lazy_altair import alt

UNIT_FORMAT = {"USD": "$,.0f", "credits": ",.0f"}
PROJECTION_COLOR = "#64748B"
BUDGET_COLOR = "#DC2626"


def month_burn(path: pd.DataFrame, vendor: str, unit: str, title: str, budget=None) -> alt.Chart:
    """`path`: alerts.forecast.Projection.path (day, cumulative, expected, low, high)."""
    fmt = UNIT_FORMAT.get(unit, ",.0f")
    y_title = "Running total" + (" (USD)" if unit == "USD" else " (credits)")
    actual = path.loc[path["cumulative"].notna(), ["day", "cumulative"]]
    ahead = path.loc[path["expected"].notna(), ["day", "expected", "low", "high"]]
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%-d %b", labelAngle=0))
    layers = [
        alt.Chart(ahead)
        .mark_area(opacity=0.18, color=PROJECTION_COLOR)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=y_title, axis=alt.Axis(format="~s", labelExpr=ZERO_LABEL)),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("day:T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("low:Q", title="80% interval from", format=fmt),
                alt.Tooltip("high:Q", title="80% interval to", format=fmt),
            ],
        ),
        alt.Chart(ahead)
        .mark_line(strokeDash=[6, 4], color=PROJECTION_COLOR, strokeWidth=2)
        .encode(
            x=x,
            y="expected:Q",
            tooltip=[
                alt.Tooltip("day:T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("expected:Q", title="Projected running total", format=fmt),
            ],
        ),
        alt.Chart(actual)
        .mark_line(
            color=color_of(vendor),
            strokeWidth=2.5,
            point=alt.OverlayMarkDef(color=color_of(vendor), size=18),
        )
        .encode(
            x=x,
            y="cumulative:Q",
            tooltip=[
                alt.Tooltip("day:T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("cumulative:Q", title="Actual running total", format=fmt),
            ],
        ),
    ]
    if budget is not None:
        rule = pd.DataFrame({"budget": [float(budget)], "label": ["Budget"]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color=BUDGET_COLOR, strokeDash=[2, 2], strokeWidth=1.5)
            .encode(
                y="budget:Q",
                tooltip=[alt.Tooltip("budget:Q", title="Monthly budget", format=fmt)],
            )
        )
    return alt.layer(*layers).properties(height=220)
