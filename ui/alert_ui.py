"""Drawing this month's projection against its budget, on the Alerts & budgets page (with
charts) and on the overview (a compact row)."""

from __future__ import annotations

import streamlit as st

from alerts import MEASURES
from analytics import alert_charts
from analytics.alerts_report import AlertsView
from ui import page as ui

VENDOR_OF = {"ai_spend_usd": "firebender", "ci_credits": "codefresh", "ci_spend_usd": "codefresh"}


def month_columns(view: AlertsView, scope: str, charts: bool = True) -> None:
    """One column per measure: the status sentence (green on track, amber likely over, red
    when even the projection's low end passes the budget) and, with `charts`, the burn chart."""
    for column, measure in zip(st.columns(3), MEASURES, strict=True):
        item = view.projection(scope, measure)
        with column:
            st.markdown(f"**{MEASURES[measure]}**")
            if item is None:
                st.caption(
                    "Set a CI price (sidebar) to project CI spend."
                    if measure == "ci_spend_usd"
                    else "No data for this measure."
                )
                continue
            status = item["status"]
            if item["projection"] is None:
                st.caption(status.sentence)
                continue
            # A budget passed is news, not an error of the app: a badge, not st.error.
            st.markdown(f"{badge(status)} {status.sentence}")
            if charts:
                ui.chart(
                    None,
                    alert_charts.month_burn,
                    item["projection"].path,
                    VENDOR_OF[measure],
                    item["unit"],
                    MEASURES[measure],
                    item["budget"],
                )


def open_label(view: AlertsView) -> str:
    """The link's words: open alerts, and whether anomalies are among those counted."""
    opened = view.open_alerts
    text = f"Alerts & budgets: {opened} open alert{'s' if opened != 1 else ''}"
    return text if view.judged else f"{text} (budgets; anomalies are judged on that page)"


def badge(status) -> str:
    """ "Over budget" only once the actual spend has passed the budget; a projection past it is
    "Projected over" (the sentence beside it gives the interval), never shown as a fact."""
    if status.budget is None:
        return ":gray-badge[No budget]"
    if status.actual is not None and status.actual > status.budget:
        return ":red-badge[:material/warning: Over budget]"
    if status.over or status.likely_over:
        return ":orange-badge[:material/trending_up: Projected over]"
    return ":green-badge[:material/check: On track]"


def link_to_alerts(label: str) -> None:
    """A link to the Alerts & budgets page (a page run on its own, as tests do, has no
    navigation to link into: then the label alone)."""
    try:
        st.page_link("pages/alerts.py", label=label, icon=":material/notifications:")
    except st.errors.StreamlitAPIException:
        st.caption(label)


def amounts(table, labels: dict[str, str], columns) -> dict:
    """Column settings showing USD and credits as "1,234.50" under their `labels` (the unit is
    its own column; exports keep every digit)."""
    return {
        c: st.column_config.NumberColumn(labels[c], format="accounting")
        for c in columns
        if c in table
    }
