"""Drawing this month's projection against its budget, on the Alerts & budgets page (with
charts) and on the overview (a compact row)."""

from __future__ import annotations

import streamlit as st

from alerts import MEASURES

from . import alert_charts, ui
from .alerts_view import AlertsView

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
            show = st.error if status.over else st.warning if status.likely_over else st.success
            show(
                status.sentence,
                icon=":material/warning:" if status.likely_over else ":material/check:",
            )
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
