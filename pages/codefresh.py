"""Codefresh: credits over time, top pipelines, active committers, the reports on offer."""

import pandas as pd
import streamlit as st

from analytics import charts, choice, metrics
from analytics.lens import NOT_SPLIT
from ui import controls, loaders, team_filter
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
source = settings["codefresh"]
ui.header("Codefresh CI", settings, vendors=("codefresh",))

ENDPOINTS = {
    "codefresh.credit_consumption": "day",
    "codefresh.pipeline_credit_consumption": None,
    "codefresh.active_committers": "month",
}
choice = controls.range_controls(
    "codefresh",
    ENDPOINTS,
    [
        g
        for g in choice.granularity_options(
            "codefresh.credit_consumption", aggregate_from_day=("week",)
        )
        if g is not None
    ],  # "whole range" is the top-pipelines table below
    default_granularity="week",
    granularity_help="Credits are fetched per day (at most 45 days per request, so long ranges load "
    "in windows) and summed into weeks or months here.",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
granularity = choice.granularity
ui.running_note(choice)
lens = team_filter.pick(settings, choice.start, choice.end, "codefresh")
controls.not_used(controls.AI_LABEL, "This page shows CI only, no AI use.")
controls.not_used(
    controls.PRICE_LABEL,
    "Credits are shown as Codefresh reports them; the Overview and Teams put them in USD.",
)
if lens is not None:
    st.caption(lens.caption())

team_credits = None  # the team's pipelines' credits per day (a team only)
if lens is not None:
    with ui.vendor_errors():
        team_credits = lens.pipelines(
            loaders.read_dataset(
                source, "codefresh.pipeline_credit_consumption", choice.start, choice.end, "day"
            ),
            "key",
            "period",
        )

# ------------------------------------------------------------------ credits over time
st.subheader(
    "Credits over time",
    anchor=False,
    help=metrics.definition("ci_credits")
    + (
        " Split by resource class (the report's key)."
        if lens is None
        else " The team's pipelines, per pipeline."
    ),
)
credits, series_title = None, "Resource class"
if lens is None:
    with ui.vendor_errors():
        credits = loaders.read_dataset(
            source, "codefresh.credit_consumption", choice.start, choice.end, "day"
        )
else:
    st.caption(
        NOT_SPLIT.format(what="Codefresh's credit consumption report (by resource class)")
        + f" Shown instead: the credits of {lens.name}'s pipelines (pipeline credit "
        "consumption per day, each day counted for the team its pipeline was in)."
    )
    credits, series_title = team_credits, "Pipeline"
if credits is not None:
    # Days the history cannot tell (a damaged file): their periods empty, never 0 credits.
    holes = loaders.unknown_days(
        source,
        "codefresh.credit_consumption" if lens is None else "codefresh.pipeline_credit_consumption",
        choice.start,
        choice.end,
        "day",
    )
    if said := metrics.coverage.describe_holes("Codefresh credits", holes):
        st.warning(said, icon=":material/broken_image:")
    table = metrics.coverage.blank_holes(
        metrics.credits_table(credits, choice.start, choice.end, granularity), ["ci_credits"], holes
    )
    ui.kpi_tiles(metrics.kpis(table, ["ci_credits"], granularity), granularity, per_row=4)
    by_key = metrics.keep_top(metrics.credits_by_key(credits, granularity), "key", "credits", n=6)
    if holes:
        unread = table.loc[table["ci_credits"].isna(), "period"]
        by_key = by_key[~pd.to_datetime(by_key["period"]).isin(pd.to_datetime(unread))]
    st.altair_chart(
        charts.series_over_time(
            by_key,
            "credits",
            "key",
            "codefresh",
            granularity,
            "Credits",
            kind="bar",
            fmt=",.1f",
            series_title=series_title,
            end=choice.end,
        ),
        width="stretch",
    )

left, right = st.columns([3, 2])
# ------------------------------------------------------------------ top pipelines
with left:
    st.subheader(
        "Top pipelines",
        anchor=False,
        help="Credits per pipeline over the whole range (`pipelineCreditConsumption` "
        "with no granularity). The chart shows the 12 largest; the table all."
        if lens is None
        else "Credits per pipeline of the team over the whole range (`pipelineCreditConsumption` "
        "per day, each day counted for the team its pipeline was in, summed). The chart shows "
        "the 12 largest; the table all.",
    )
    pipelines = None
    pipeline_holes = loaders.unknown_days(
        source, "codefresh.pipeline_credit_consumption", choice.start, choice.end, "day"
    )
    # A read-only store not synced to the range's end yet: the totals through its last day.
    through = metrics.coverage.held_through(pipeline_holes, choice.end)
    if through is not None and through >= choice.start:
        pipeline_holes = []
        st.caption(
            f"Through {metrics.coverage.describe_day(through)}: the read-only store holds no "
            "later day yet."
        )
    if lens is None:
        with ui.vendor_errors():
            pipelines = metrics.pipeline_ranking(
                loaders.read_dataset(
                    source,
                    "codefresh.pipeline_credit_consumption",
                    choice.start,
                    choice.end if through is None else through,
                    None,
                )
            )
    elif team_credits is not None:
        pipelines = metrics.pipeline_ranking(team_credits)
    if pipelines is not None and lens is not None and not pipeline_holes:
        st.caption(
            f"{pipelines['credits'].sum():,.2f} credits in "
            f"{metrics.range_name(choice.start, choice.end)} from {len(pipelines):,} "
            f"pipelines of {lens.name}."
        )
    if pipelines is not None and pipeline_holes:
        # Each pipeline's total would lack the days nobody can tell: unknown, never ranked.
        if said := metrics.coverage.describe_holes("Codefresh pipeline credits", pipeline_holes):
            st.warning(said, icon=":material/broken_image:")
        st.caption(
            "Each pipeline's credits over the range: unknown "
            f"({metrics.coverage.why_unknown(pipeline_holes)}); pick a range without those days."
        )
    elif pipelines is not None:
        st.altair_chart(
            charts.ranking(
                pipelines.head(12),
                "pipeline",
                "credits",
                "codefresh",
                "Credits",
                fmt=",.1f",
                limit=12,
            ),
            width="stretch",
        )
        with st.expander(f"All {len(pipelines)} pipelines"):
            ui.dataframe(
                pipelines,
                column_config={"pipeline": "Pipeline", "credits": "Credits", "share": "Share"},
            )

# ------------------------------------------------------------------ active committers
with right:
    st.subheader("Active committers", anchor=False, help=metrics.definition("active_committers"))
    if lens is not None:
        st.caption(NOT_SPLIT.format(what="Codefresh's active committers report"))
    else:
        st.caption(
            "Monthly only. Codefresh needs at least 3 whole months per request, so shorter "
            "ranges are fetched with earlier months and trimmed."
        )
        with ui.vendor_errors():
            committers = metrics.committers_table(
                loaders.read_dataset(
                    source, "codefresh.active_committers", choice.start, choice.end
                ),
                choice.end,
            )
            st.altair_chart(
                charts.single_series(
                    committers, "active_committers", "codefresh", "month", "Active committers"
                ),
                width="stretch",
            )
            running = committers[~committers["complete"].astype(bool)]
            if not running.empty:  # drawn lighter: say why, as every running period is said
                row = running.iloc[-1]
                so_far = row["active_committers"]
                st.caption(
                    f":material/schedule: {row['period']:%B %Y} "
                    + (
                        "is still running"
                        if (row["period"] + pd.offsets.MonthEnd(0)).date() >= choice.today
                        else f"goes on past the range's last day ({choice.end:%-d %b %Y})"
                    )
                    + ": its bar is drawn lighter and counts the committers seen so far"
                    + (f" ({so_far:,.0f})" if pd.notna(so_far) else "")
                    + ", so a lower bar is not a drop."
                )

# ------------------------------------------------------------------ reports on offer
st.subheader(
    "Reports this account offers",
    anchor=False,
    help="Codefresh's metadata endpoint: every analytics report with the granularities "
    "and date spans it accepts.",
)
with ui.vendor_errors():
    ui.dataframe(
        loaders.read_dataset(source, "codefresh.metadata"),
        dataset="codefresh.metadata",
        column_config={
            "report_name": "Report",
            "type": "Type",
            "description": "Description",
            "granularity": "Granularity",
            "min_date_range_interval": "Shortest range",
            "max_date_range_interval": "Longest range",
        },
    )

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
