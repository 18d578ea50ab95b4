"""Overview: is AI-assistant adoption paying off, and what is it doing to the CI bill?"""

import streamlit as st

from analytics import charts, metrics
from analytics import overview_report as overview_view
from analytics.metrics import share_note
from ui import alert_ui, controls, screens, team_filter
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
ui.header("AI adoption vs CI credits", settings)

choice = controls.range_controls(
    "overview",
    overview_view.OVERVIEW_ENDPOINTS,
    overview_view.OVERVIEW_GRANULARITIES,
    default_granularity="week",
    granularity_help="Every measure is summed (or counted) per period. Active committers and the "
    "adoption rate exist per month only and are shown monthly below.",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
lens = team_filter.pick(settings, choice.start, choice.end, "overview")

ai_source = controls.ai_source_input(
    "overview",
    metrics.definition("ai_active_developers")
    + " The answer counts AI use from the same source, and names it.",
)
price = controls.price_input(
    settings,
    "overview",
    "Turns Codefresh credits into USD for the spend comparison. Set "
    "CODEFRESH_USD_PER_CREDIT to your contract price; leave empty to hide CI spend.",
    container=st.sidebar,
)
with st.sidebar:  # this page's own choices, after the ones every data page has
    st.divider()
    unit = "week" if choice.granularity == "day" else choice.granularity
    lag = controls.mirrored_select(
        f"Compare credits this many {unit}s later",
        [0, 1, 2, 3],
        key="overview__lag",
        param="lag",
        default=0,
        help="CI may follow AI use with a delay: the scatter below compares each period's AI "
        "use with the credits of a later period. The answer does not use it: it compares the "
        "same week, fixed in advance, so trying lags cannot turn no evidence into evidence.",
    )

view = screens.overview(choice, settings, ai_source, price, lag, lens)
# With a team: the organisation's answer beside the team's, so neither is read alone.
org = screens.overview(choice, settings, ai_source, price, lag) if lens else None
granularity = view.granularity
table = view.table
for message in view.errors.values():  # one per vendor; the message names the vendor
    st.error(message, icon=":material/error:")


# ------------------------------------------------------------------ the answer
def _answer() -> None:
    if org is not None:  # side by side: both answers, then the totals and chart, above the fold
        whole, part = st.columns(2)
        with whole:
            st.markdown("**The organisation**")
            ui.verdict_box(org.answer, key="overview__org_verdict")
        with part:
            st.markdown(f"**Within {lens.name}**")
            ui.verdict_box(view.answer, key="overview__team_verdict")
        st.caption(overview_view.relation(org.answer, view.answer, lens.name))
    else:
        ui.verdict_box(view.answer, key="overview__verdict")


st.subheader("The answer", anchor=False)
# Its place is kept here and filled after the main chart is sent: the answer's first fit on a
# new server imports statsmodels, which the chart need not wait for (README, benchmark).
answer_place = st.empty()
answer_place.caption(":material/hourglass_top: Working out the answer…")
about = [note for notes in view.notes.values() for note in notes]
if lens is not None:
    about = [
        lens.caption(),
        f"For a team, people in the team stand in for active committers: the committers in the "
        f"answer and the tiles are {lens.name}'s people per month (from the teams mapping), "
        f"the CI credits those of {lens.name}'s pipelines.",
        *about,
    ]
if view.coverage_text():
    about.append(view.coverage_text())
if about:
    notes = st.expander(
        "About these numbers", icon=":material/info:", key="overview__about", on_change="rerun"
    )
    if notes.open:  # drawn when opened: nothing more to send on a first view
        for line in about:
            notes.caption(line)

if table.empty or not table["complete"].astype(bool).any():
    # "Last 7 days" by week: nothing finished to total or draw; say so once, not per chart.
    st.info(
        f"No whole {granularity} in this range has ended yet, so there is nothing to total or "
        f"draw. Pick a longer range, or a shorter granularity.",
        icon=":material/date_range:",
    )
    with answer_place.container():
        _answer()
    ui.refresh_badges(settings)
    st.stop()

# ------------------------------------------------------------------ totals and tiles
if view.totals and view.totals.start:
    range_title = f"{metrics.range_name(view.totals.start, view.totals.end)} vs " + (
        metrics.range_name(view.totals.previous_start, view.totals.previous_end)
        if view.totals.previous_start
        else "no earlier range"
    )
else:
    range_title = "This range"
# Totals beside the main chart: the answer, the totals and a chart above the fold (1440x900).
totals_column, chart_column = st.columns([5, 7])
with totals_column:
    st.subheader(
        f"Totals: {range_title}",
        anchor=False,
        help="The finished periods of the chosen range against as many periods just before them. "
        "A total that a vendor cannot fully cover shows '-', never a smaller number.",
    )
    ui.totals_tiles(
        view.totals,
        per_row=2,
        failures=view.failures(),
        columns=("ai_active_developers", "ai_accepted_lines", "model_spend_usd", "ci_credits"),
        unknown=view.unknown_totals(),
    )
    if fallback := view.fallback_note():  # what the AI-active tiles and charts count instead
        st.caption(f":material/info: {fallback}")
# ------------------------------------------------------------------ the main chart
with chart_column:
    st.subheader(
        "AI-active developers and CI credits",
        anchor=False,
        help=f"{metrics.definition('ai_active_developers')}\n\n{metrics.definition('ci_credits')}",
    )
    ui.chart_or_empty(
        view,
        {"firebender": ("codefresh", "firebender"), "builder": ("codefresh", "builder")}.get(
            view.ai_source,
            ("codefresh", "firebender", "builder"),  # both: committers too
        ),
        table,
        ["ai_active_developers", "ci_credits"],
        charts.adoption_vs_credits,
        table,
        granularity,
        "ai_active_developers",
        "derived",
        view.ai_title(),
    )
with answer_place.container():
    _answer()


# ------------------------------------------------------------------ below the first screen
# One section at a time, in tabs: only the chosen one is drawn (and its data read), so a
# first view sends the answer, the totals, the main chart and one section instead of every
# chart and tile on the page (a newcomer's first chart: README, benchmark).
def _latest() -> None:
    """This month so far and its projection; the latest finished period's tiles."""
    month = screens.alerts(settings, price, judge=False)  # the detector runs on the Alerts page
    scope = lens.name if lens is not None else "org"
    settled = {}  # the running month's settled part, when the tiles' running period is that month
    if scope in month.scopes and granularity == "month":
        for column, measure in (("ci_credits", "ci_credits"), ("model_spend_usd", "ai_spend_usd")):
            item = month.projection(scope, measure)
            if item is not None:
                settled[column] = (item["status"].actual, item["through"])
    if scope in month.scopes:
        st.subheader(
            f"{month.month:%B} so far, and where it will land",
            anchor=False,
            help="Settled days so far and the projection of the month's total (80% interval) "
            "against its budget. The Alerts & budgets page draws it day by day.",
        )
        alert_ui.month_columns(month, scope, charts=False)
        alert_ui.link_to_alerts(alert_ui.open_label(month))

    last, _ = metrics.latest_complete(table)
    latest = (
        metrics.period_name(table["period"].iloc[last], granularity) if last is not None else None
    )
    st.subheader(
        f"Latest whole {granularity}: {latest}" if latest else f"Latest whole {granularity}",
        anchor=False,
        help="Each tile shows the latest finished period; the delta compares it with the period "
        "before (a day with the same weekday a week before). Hover a tile's label for its "
        "definition.",
    )
    ui.kpi_tiles(
        view.labelled(
            metrics.kpis(
                view.history,
                [
                    "ai_active_developers",
                    "ai_accepted_lines",
                    "model_spend_usd",
                    "ci_credits",
                    "firebender_agent_prompts",
                    "builder_prompts",
                    "credits_per_ai_developer",
                    "credits_per_accepted_line",
                ],
                granularity,
            )
        ),
        granularity,
        failures=view.failures(),
    )
    ui.running_period_note(table, granularity, settled)


def _spend() -> None:
    """What AI costs against what it changed, and spend: AI models vs CI."""
    st.subheader(
        "What AI costs and what it changed",
        anchor=False,
        help="Measured spend against measured use, and the answer's own estimate in CI money; "
        "no return is computed from assumed hours saved.",
    )
    if view.totals and view.totals.start:
        costs = metrics.paying_off.cost_tiles(view.history, view.totals.start, granularity)
        ui.totals_tiles(
            metrics.Totals(**{**view.totals.__dict__, "tiles": costs + view.totals.tiles}),
            per_row=3,
            failures=view.failures(),
            columns=(
                "ai_spend_per_ai_developer",
                "ai_spend_per_1k_lines",
                "ai_spend_per_developer",
                "ci_spend_usd",
                "ci_spend_per_developer",
            ),
            unknown=view.unknown_totals(),
        )
    money = metrics.paying_off.verdict_money(view.answer, view.monthly, price)
    if money is not None:
        st.markdown(f"**The answer in CI money:** {money.sentence()}")
    elif metrics.paying_off.estimate(view.answer) is not None:
        st.caption("Set a price per CI credit (sidebar) to turn the answer into money.")
    else:
        st.caption(
            "The answer found no evidence of a link, so there is no CI money to put on AI use: "
            "only what AI costs, above."
        )

    st.subheader(
        "Spend: AI models vs CI",
        anchor=False,
        help=f"{metrics.definition('model_spend_usd')}\n\n{metrics.definition('ci_spend_usd')}",
    )
    if price is None:
        st.info("Set a price per CI credit in the sidebar to compare spend in USD.")
    ui.chart_or_empty(
        view,
        ("firebender", "codefresh"),
        table,
        ["model_spend_usd", "ci_spend_usd"],
        charts.spend_comparison,
        table,
        granularity,
    )


def _vendors() -> None:
    """AI activity by vendor."""
    st.subheader(
        "AI activity by vendor",
        anchor=False,
        help="\n\n".join(
            f"**{metrics.label(c)}**: {metrics.definition(c)}"
            for c in (
                "builder_users",
                "firebender_active_users",
                "builder_lines_accepted",
                "firebender_accepted_lines",
            )
        ),
    )
    ui.chart_or_empty(
        view,
        ("builder", "firebender"),
        table,
        ["builder_lines_accepted", "firebender_accepted_lines"],
        charts.vendor_measures,
        table,
        ["builder_lines_accepted", "firebender_accepted_lines"],
        granularity,
        "Accepted lines",
    )


def _monthly() -> None:
    """The adoption rate and committers, per month only."""
    st.subheader(
        "Adoption rate (monthly)", anchor=False, help=metrics.definition("ai_adoption_rate")
    )
    st.caption(
        "Codefresh counts active committers per calendar month only, so the adoption rate "
        "and everything built on committers is shown per month, whatever the granularity "
        "above; nothing is spread over weeks or days. The running month is left out until it ends."
    )
    if lens is not None:
        st.caption(
            f"For a team, people in the team stand in for active committers: the adoption rate "
            f"below is {lens.name}'s AI-active people per person the teams mapping puts in "
            f"{lens.name} in the month."
        )
    monthly = view.monthly
    ui.kpi_tiles(
        view.labelled(
            metrics.kpis(
                monthly, ["ai_adoption_rate", "active_committers", "ai_active_developers"], "month"
            ),
            monthly=True,
        ),
        "month",
        per_row=3,
    )
    if by_month := view.monthly_note():  # the monthly AI-active developers are Firebender's
        st.caption(f":material/info: {by_month}")
    counted = "firebender" if view.fallen_back(monthly=True) else view.ai_source
    if over_full := share_note.over_full_note(monthly, counted):  # beside the shares
        st.caption(f":material/info: {over_full}")
    ui.chart_or_empty(
        view,
        ("codefresh",),
        monthly,
        ["active_committers", "ai_active_developers"],
        charts.monthly_adoption,
        monthly,
        view.ai_title(monthly=True),
    )


def _levels() -> None:
    """The scatter of levels, and why it is not evidence."""
    st.caption(
        "Each point is one finished period: the adoption measure in that period against CI "
        "credits `lag` periods later. Two measures that both grow with headcount and time line "
        "up whatever the cause, so how closely the points follow a line says nothing about AI's "
        "effect. The answer above removes headcount and the shared trend first."
    )
    x_measure = controls.mirrored_select(
        "Adoption measure",
        list(metrics.ADOPTION_MEASURES),
        key="overview__x",
        param="x",
        default="ai_active_developers",
        format_func=metrics.label,
    )
    result = metrics.correlation(table, x_measure, "ci_credits", lag)
    if result.r is None:
        st.info(view.why_empty(("codefresh",)) or result.note)
    else:
        ui.chart(
            view.identity,
            charts.scatter,
            result.pairs,
            x_measure,
            "ci_credits",
            lag,
            granularity,
            view.ai_title() if x_measure == "ai_active_developers" else None,
        )


def _data() -> None:
    """Every measure's definition and the joined table."""
    with st.expander("Definitions of every measure"):
        st.markdown(
            "\n".join(
                f"- **{m.label}** ({charts.VENDOR_LABELS[m.vendor]}): {m.definition}"
                for m in metrics.METRICS.values()
            )
        )
    with st.expander(f"The joined table ({len(table)} {granularity}s)"):
        ui.dataframe(table, column_config=ui.overview_columns(table))
        st.caption('Download it, filtered, from Explore & export (dataset "Overview").')


tabs = controls.mirrored_tabs(
    overview_view.OVERVIEW_SECTIONS, key="overview__section", param="section"
)
for name, draw in (
    ("latest", _latest),
    ("spend", _spend),
    ("vendors", _vendors),
    ("monthly", _monthly),
    ("levels", _levels),
    ("data", _data),
):
    with tabs[name]:
        if tabs[name].open:
            draw()

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
