"""Teams: which teams adopt AI, what it does to their own CI bill, with people's privacy kept."""

import streamlit as st

from analytics import team_charts
from analytics import teams_report as view_of
from analytics.metrics import period_name
from analytics.metrics import teams as team_metrics
from ui import controls, screens, team_editor, team_filter, team_source
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
ui.header("Teams", settings, vendors=("firebender", "codefresh", "builder"))
teams = team_source.current(settings)

choice = controls.range_controls(
    "teams",
    view_of.TEAM_ENDPOINTS,
    view_of.TEAM_GRANULARITIES,
    default_granularity="week",  # the overview's defaults: a page opened directly agrees
    granularity_help="Every measure is summed (or counted) per team and period. The heat map and "
    "the within-team answer compare months and weeks whatever is picked here.",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
# Every team is shown side by side here; the team picked is kept for the other pages.
if team_filter.pick(settings, choice.start, choice.end, "teams") is not None:
    st.sidebar.caption(
        "This page shows every team side by side; the team picked filters the other pages."
    )
controls.not_used(
    controls.AI_LABEL,
    "Teams count AI-active people from Firebender: Builder.io gives its users per period "
    "without days, so they cannot be put in a team on the day.",
)
price = controls.price_input(
    settings,
    "teams",
    "Turns each team's Codefresh credits into USD. Set CODEFRESH_USD_PER_CREDIT to your "
    "contract price; leave empty to hide CI spend.",
    container=st.sidebar,
)

if teams.error:
    st.error(teams.error, icon=":material/error:")
if not teams.active:
    st.info(
        "No teams yet. Teams come from a CSV the organisation owns (none of the vendors has a "
        "team field): set TEAMS_FILE, or put `teams.csv` beside the history store "
        f"(`{teams.location}`), or write one in the table below and save it. Header: "
        "`kind,match,team,valid_from,valid_to`; `kind` is `person` (an email), `pipeline` (a "
        "name or a glob such as `web-app/*`) or `space` (a Builder.io space name or id).",
        icon=":material/groups:",
    )
else:
    view = screens.teams(
        settings, teams.mapping, choice.start, choice.end, choice.granularity, price
    )
    for message in view.errors.values():
        st.error(message, icon=":material/error:")
    for note in [*view.notes, view.groups.note()]:
        if note:
            st.caption(note)

    st.subheader("The answer, within teams", anchor=False)
    team_editor.verdict_box(view.answer)

    granularity = choice.granularity
    table = view.table
    st.subheader(
        f"Per team and {granularity}",
        anchor=False,
        help="Each day's activity counts for the team its person, pipeline or space was in that "
        "day. People: those the mapping puts in the team on some day of the period. Unassigned: "
        "what the mapping does not cover (its people are unknown, so nothing is per person).",
    )
    measure = controls.mirrored_select(
        "Measure",
        list(team_charts.UNITS),
        key="teams__measure",
        param="measure",
        default="credits_per_person",
        format_func=team_metrics.LABELS.get,
    )
    if table.loc[table["complete"].astype(bool), measure].notna().any():
        st.altair_chart(team_charts.small_multiples(table, measure, granularity))
    else:
        st.info("No finished period with this measure yet.", icon=":material/block:")
    running = table[~table["complete"].astype(bool)]
    if not running.empty:
        st.caption(
            f":material/schedule: {period_name(running['period'].iloc[-1], granularity)} is "
            "still running: it is in the table but not drawn (it would look like a drop)."
        )
    shown = table[["team", "period", "complete", *team_metrics.MEASURES]]
    ui.dataframe(shown, column_config=team_editor.TABLE_COLUMNS)
    ui.download_buttons(shown, "teams", "per_team", choice.start, choice.end, key="teams__table")

    left, right = st.columns([3, 2])
    with left:
        st.subheader(
            "AI-active share by team and month",
            anchor=False,
            help="AI-active people (any Firebender AI use or model request on a day in the team) "
            "over the team's people. Finished months only; an empty cell has no data.",
        )
        st.altair_chart(team_charts.heat_map(view.monthly), width="stretch")
    with right:
        ranked = team_metrics.ranking(table)
        st.subheader(
            "Change in credits per person",
            anchor=False,
            help="Each team's CI credits per person in its last finished period of the range "
            "against its first.",
        )
        if ranked.empty:
            st.info("Two finished periods with credits are needed.", icon=":material/block:")
        else:
            st.altair_chart(team_charts.change_ranking(ranked), width="stretch")

    team_editor.moves_table(view)

st.divider()
team_editor.editor(teams, settings)
ui.refresh_badges(settings)
