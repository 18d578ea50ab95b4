"""Alerts & budgets: where the month will land against its budgets, and what ran away lately."""

import streamlit as st

from alerts import MEASURES
from analytics import alerts_report as view_of
from ui import alert_ui, budget_editor, controls, screens
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

METHOD = (
    "**Projection**: each measure's settled days of the month, plus the days left predicted "
    "from the last 8 weeks of settled days with the weekday pattern (weekends are quiet), with "
    "an 80% interval for the month's total. **Anomalies**: a settled day is out of range when "
    "it is far above the median of the same weekday over the previous 8 weeks (a robust "
    "baseline: one odd week does not move it, and a steady rise moves with it) by more than a "
    "minimum amount, so small sums never alert. Only rises are alerts. `python -m sync --alert` "
    "runs the same checks and sends what is new, once, to Slack and/or email."
)

settings = app_settings.current()
ui.header("Alerts & budgets", settings, vendors=("firebender", "codefresh"))
controls.not_used(
    controls.RANGE_LABEL,
    "This page shows the running month and the last settled days, whatever the range.",
)
controls.sync_button("alerts")
controls.not_used(
    controls.TEAM_LABEL,
    "Pick the organisation or a team under 'This month' (the team picked on another page "
    "starts there); every team's anomalies are listed.",
)
controls.not_used(controls.AI_LABEL, "Projections and anomalies are money and credits.")
price = controls.price_input(
    settings,
    "alerts",
    "Turns Codefresh credits into USD for the CI spend projection and budget. Set "
    "CODEFRESH_USD_PER_CREDIT to your contract price; leave empty to leave CI spend out.",
    container=st.sidebar,
)

view = screens.alerts(settings, price)
for message in view.errors.values():
    st.error(message, icon=":material/error:")
for note in view.notes:
    st.caption(note)
through = view.through
st.caption(
    f"Settled days only: AI spend through {through['org_ai_spend_usd']:%a %-d %b}, CI credits "
    f"through {through['org_ci_credits']:%a %-d %b} (the vendors may still revise later days)."
)

st.subheader(f"This month: {view.month:%B %Y}", anchor=False, help=METHOD)
scopes = view.scopes
if not scopes:
    st.info(
        "No settled days to project from yet: this month's projection needs Firebender model "
        "requests or Codefresh pipeline credits.",
        icon=":material/block:",
    )
else:
    team = controls.carried("team")
    if (
        "alerts__scope" not in st.session_state
        and "scope" not in st.query_params
        and team in scopes
    ):
        st.session_state["alerts__scope"] = team  # the team picked on another page
    scope = controls.mirrored_select(
        "Organisation or team",
        scopes,
        key="alerts__scope",
        param="scope",
        default="org",
        format_func=lambda s: "The organisation" if s == "org" else s,
    )
    alert_ui.month_columns(view, scope)
    st.caption(
        "Solid: the running total of settled days. Dashed, in its grey 80% band: the "
        "projection to the month's end. Red: the monthly budget."
    )

st.subheader("Anomalies", anchor=False, help=METHOD)
listed = view_of.listed(view)
if not view.stored:
    st.caption(
        "Judged here from the history. No alert has been sent from this store yet: "
        "`python -m sync --alert` sends each once and keeps its state."
    )
if listed.empty:
    st.info(
        f"No anomaly in the last {view_of.SHOWN_DAYS} settled days, and none open: no person's "
        "model spend, pipeline's credits, team's or the organisation's day was far above its "
        "usual range.",
        icon=":material/check_circle:",
    )
else:
    ui.dataframe(
        listed,
        column_config={
            **view_of.LISTED,
            "link": st.column_config.LinkColumn("Link", display_text="Open"),
            "first_day": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "last_day": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
            "peak_day": st.column_config.DateColumn("Peak day", format="YYYY-MM-DD"),
            "times_usual": st.column_config.NumberColumn("Times usual", format="x%.1f"),
            **alert_ui.amounts(
                listed, view_of.LISTED, ("value", "expected", "usual_low", "usual_high")
            ),
        },
    )
    ui.download_buttons(
        listed,
        "alerts",
        "anomalies",
        min(through.values()),
        max(through.values()),
        key="alerts__download_anomalies",
    )

st.subheader("Budgets", anchor=False)
over = view_of.listed(view, budgets_only=True)
if not over.empty:
    st.markdown("**Budget alerts**: even the low end of the month's projection passes the budget.")
    ui.dataframe(
        over,
        column_config={
            **view_of.BUDGET_LISTED,
            "first_day": st.column_config.DateColumn("Month", format="YYYY-MM"),
            "last_day": st.column_config.DateColumn(
                "Projected from days through", format="YYYY-MM-DD"
            ),
            **alert_ui.amounts(
                over, view_of.BUDGET_LISTED, ("value", "usual_low", "usual_high", "expected")
            ),
        },
    )
    ui.download_buttons(
        over,
        "alerts",
        "budget-alerts",
        view.month,
        max(through.values()),
        key="alerts__download_budgets",
    )
if view.budgets.error:
    st.error(
        view.budgets.error + "  \n" + "  \n".join(view.budgets.problems[:10]),
        icon=":material/error:",
    )
elif view.budgets.budgets is None:
    st.info(
        "No budgets yet. Write them below and save, or set BUDGETS_FILE: a CSV with header "
        "`scope,measure,monthly_budget`; `scope` is `org` or a team, `measure` one of "
        f"{', '.join(f'`{m}`' for m in MEASURES)}.",
        icon=":material/savings:",
    )
budget_editor.editor(view.budgets, view.teams)

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
