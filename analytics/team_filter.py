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
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from safe import text as safe_text
from teams import mapping as team_mapping
from teams import privacy
from teams.mapping import OTHER_TEAMS, UNASSIGNED, Mapping

from . import controls, team_source
from .metrics import periods
from .metrics import teams as team_metrics
from .settings import Settings

ALL = "All teams"
NOT_SPLIT = "Not split by team: {what} has no person, pipeline or space to assign."


@dataclass(frozen=True)
class Lens:
    """The chosen team: `members` are the mapping's teams it stands for (several for Other
    teams), `name` what the page calls it, as literal Markdown text (safe.text.markdown: a team
    name from the mapping is written into captions and notes, never read as a link or markup)."""

    mapping: Mapping
    name: str
    members: frozenset[str]

    def _keep(self, frame: pd.DataFrame, kind: str, key: str, day: str, alt: str | None = None):
        if frame is None or frame.empty:
            return frame
        days = frame[day] if day in frame else pd.Series(pd.Timestamp.now(), index=frame.index)
        teams = team_mapping.assign(
            self.mapping, kind, frame[key], days, alt_keys=frame[alt] if alt else None
        )
        return frame[teams.isin(self.members).to_numpy()].reset_index(drop=True)

    def people(self, frame: pd.DataFrame | None, key: str = "email", day: str = "date"):
        """Rows of the team's people on the days they were in it."""
        return self._keep(frame, "person", key, day)

    def pipelines(self, frame: pd.DataFrame | None, key: str = "key", day: str = "period"):
        return self._keep(frame, "pipeline", key, day)

    def spaces(self, frame, key: str = "space_id", day: str = "period", name="space_name"):
        return self._keep(
            frame, "space", key, day, name if frame is not None and name in frame else None
        )

    def intervals(self, start: dt.date, end: dt.date) -> tuple:
        """(person, first day, last day) of each membership in [start, end] (for SQL filters)."""
        members = team_mapping.memberships(self.mapping, start, end)
        mine = members[members["team"].isin(self.members)]
        return tuple(
            (person, str(first), str(last))
            for person, first, last in zip(mine["person"], mine["first"], mine["last"], strict=True)
        )

    def caption(self) -> str:
        return (
            f"Team: **{self.name}**. Rows of people, pipelines and spaces count on the days "
            "the teams mapping puts them in this team."
        )


def options(mapping: Mapping, start: dt.date, end: dt.date, min_group: int) -> dict[str, frozenset]:
    """Shown name -> the mapping's teams it stands for."""
    index = periods(start, end, "month")
    people = team_metrics.people_by_period(mapping, index, end)
    sizes = people.groupby(["team", "period"])["person"].nunique().groupby("team").min()
    groups = privacy.groups(sizes.to_dict(), min_group)
    found: dict[str, set] = {}
    for team in mapping.teams:
        if team in groups.hidden:
            continue
        found.setdefault(groups.label.get(team, team), set()).add(team)
    found[UNASSIGNED] = {UNASSIGNED}
    order = sorted(n for n in found if n not in (OTHER_TEAMS, UNASSIGNED))
    order += [n for n in (OTHER_TEAMS, UNASSIGNED) if n in found]
    return {name: frozenset(found[name]) for name in order}


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
