"""Overview: do AI-assistant adoption and CI credit consumption move together?"""

import streamlit as st

from analytics import charts, controls, datasets, metrics, ui
from analytics import settings as app_settings
from analytics.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
ui.header("AI adoption vs CI credits", settings)

choice = controls.range_controls(
    "overview",
    datasets.OVERVIEW_ENDPOINTS,
    datasets.OVERVIEW_GRANULARITIES,
    default_granularity="week",
    granularity_help="Every measure is summed (or counted) per period. Active committers and the "
    "adoption rate exist per month only and are shown monthly below.",
)
if choice is None:
    st.stop()

with st.sidebar:
    st.divider()
    ai_source = controls.mirrored_select(
        "Count AI-active developers from",
        list(metrics.AI_SOURCES),
        key="overview__ai",
        param="ai",
        default="firebender",
        format_func=metrics.AI_SOURCES.get,
        help=metrics.definition("ai_active_developers"),
    )
    price = controls.mirrored_number(
        "CI price (USD per credit)",
        key="overview__price",
        param="usd_per_credit",
        default=settings.usd_per_credit
        if settings.usd_per_credit is not None
        else (controls.DEMO_USD_PER_CREDIT if settings.demo else None),
        help="Turns Codefresh credits into USD for the spend comparison. Set "
        "CODEFRESH_USD_PER_CREDIT to your contract price; leave empty to hide CI spend.",
    )
    if settings.usd_per_credit is None and price is not None:
        st.caption("An assumed price: set CODEFRESH_USD_PER_CREDIT for your own.")

view = datasets.overview(choice, settings, ai_source, price)
granularity = view.granularity
table = view.table

for vendor in view.missing:
    ui.not_connected(settings[vendor])
for messages in view.errors.values():
    for message in messages:
        st.error(message, icon=":material/error:")
for notes in view.notes.values():
    for note in notes:
        st.caption(note)

if choice.picked_start:
    st.caption(
        f"Periods are whole {granularity}s: data from {view.start} (the start of the "
        f"{granularity} holding {choice.picked_start}) to {view.end}. A period that runs past "
        f"{view.end} is partial and drawn hollow; tiles and correlations use whole "
        f"periods only."
    )

# ------------------------------------------------------------------ KPI tiles
st.subheader(
    f"Latest whole {granularity} vs the {granularity} before",
    anchor=False,
    help="Each tile shows the latest complete period; the delta compares it with "
    "the period before. Hover a tile's label for its definition.",
)
ui.kpi_tiles(
    metrics.kpis(
        table,
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
    ),
    granularity,
)

# ------------------------------------------------------------------ the main chart
st.subheader(
    "AI-active developers and CI credits",
    anchor=False,
    help=f"{metrics.definition('ai_active_developers')}\n\n{metrics.definition('ci_credits')}",
)
ui.chart(view.identity, charts.adoption_vs_credits, table, granularity)

left, right = st.columns(2)
with left:
    st.subheader(
        "Does CI follow adoption?",
        anchor=False,
        help="Each point is one whole period: the adoption measure in that period "
        "against CI credits `lag` periods later. Pearson's r measures how closely "
        "the points follow a straight line (-1 to +1); it shows association, not "
        "cause.",
    )
    with st.container(horizontal=True):
        x_measure = controls.mirrored_select(
            "Adoption measure",
            list(metrics.ADOPTION_MEASURES),
            key="overview__x",
            param="x",
            default="ai_active_developers",
            format_func=metrics.label,
        )
        lag = controls.mirrored_select(
            f"Credits this many {granularity}s later",
            list(range(metrics.max_lag(table) + 1)),
            key="overview__lag",
            param="lag",
            default=0,
        )
    result = metrics.correlation(table, x_measure, "ci_credits", lag)
    st.metric(
        "Correlation (Pearson r)",
        "-" if result.r is None else f"{result.r:+.2f}",
        help=result.note,
        border=True,
        delta=None if result.r is None else metrics.strength(result.r),
        delta_color="off",
        delta_arrow="off",
    )
    if result.r is None:
        st.info(result.note)
    else:
        ui.chart(
            view.identity, charts.scatter, result.pairs, x_measure, "ci_credits", lag, granularity
        )
with right:
    st.subheader(
        "Spend: AI models vs CI",
        anchor=False,
        help=f"{metrics.definition('model_spend_usd')}\n\n{metrics.definition('ci_spend_usd')}",
    )
    if price is None:
        st.info("Set a price per CI credit in the sidebar to compare spend in USD.")
    ui.chart(view.identity, charts.spend_comparison, table, granularity)

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
ui.chart(
    view.identity,
    charts.vendor_measures,
    table,
    ["builder_lines_accepted", "firebender_accepted_lines"],
    granularity,
    "Accepted lines",
)

# ------------------------------------------------------------------ monthly metrics
st.subheader("Adoption rate (monthly)", anchor=False, help=metrics.definition("ai_adoption_rate"))
st.caption(
    "Codefresh counts active committers per calendar month only, so the adoption rate "
    "and everything built on committers is shown per month, whatever the granularity "
    "above; nothing is spread over weeks or days. The current month runs to date."
)
monthly = view.monthly
ui.kpi_tiles(
    metrics.kpis(monthly, ["ai_adoption_rate", "active_committers", "ai_active_developers"]),
    "month",
    per_row=3,
)
ui.chart(view.identity, charts.monthly_adoption, monthly)

# ------------------------------------------------------------------ definitions and data
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
