"""The team filter every data page carries (sidebar, mirrored in the URL as `?team=`): which
rows of a person, a pipeline or a Builder space belong to the chosen team on their day.

Only groups the privacy minimum allows are offered: teams with fewer people than
PRIVACY_MIN_GROUP in some month of the range are offered together, as "Other teams". Measures
that have no person, pipeline or space (Codefresh's credits by resource class, active
committers, Builder.io's organisation totals) cannot be split: pages say so instead of showing
the organisation's numbers under a team's name.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.lens import ALL, Lens, options
from config.settings import Settings
from safe import text as safe_text
from teams.mapping import OTHER_TEAMS
from ui import controls, team_source


def pick(
    settings: Settings, start: dt.date, end: dt.date, page: str, container=None
) -> Lens | None:
    """The sidebar's team filter, carried from page to page; None: all teams (or no teams
    mapping, which it says where the filter would be)."""
    teams = team_source.current(settings)
    if not teams.active:
        controls.not_used(
            controls.TEAM_LABEL, "No teams mapping yet (see the Teams page).", container
        )
        return None
    offered = options(teams.mapping, start, end, settings.min_group)
    with container if container is not None else st.sidebar:
        chosen = controls.mirrored_select(
            "Team",
            [ALL, *offered],
            key=f"{page}__team",
            param="team",
            default=ALL,
            help="Show one team's people, pipelines and spaces (from the teams mapping). "
            f"Teams with fewer than {settings.min_group} people are offered together as "
            f"'{OTHER_TEAMS}'.",
            carry=True,
        )
    if chosen == ALL:
        return None
    return Lens(teams.mapping, safe_text.markdown(chosen, None), offered[chosen])
