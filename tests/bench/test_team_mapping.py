"""The bench's teams mapping (bench/team_mapping.py) is a real one for the world it is written
for: read by the app's own parser and matcher, it puts every person, pipeline and Builder space
of a 2,000-developer sandbox world in exactly one named team, the demo's 36 people, pipelines
and spaces in their demo teams; for the demo's roster it is the demo's mapping itself."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bench.team_mapping import teams_csv
from connectors.sandbox import keys, roster
from connectors.sandbox import teams as demo
from teams.mapping import UNASSIGNED, assign, parse


def test_the_demo_roster_gets_the_demos_mapping():
    assert teams_csv(None) == demo.demo_teams_csv()


def test_every_person_pipeline_and_space_of_2000_developers_has_one_team():
    mapping = parse(teams_csv(2000), "teams.csv")
    assert len(mapping.teams) == 60  # the demo's 5 and one per product area the world adds
    day = pd.Series([dt.date(2026, 7, 1)])
    people = roster.emails(roster.names(2000))
    pipelines = roster.pipeline_names(roster.pipeline_count(2000))
    spaces = [name for name, _ in keys.builder_spaces(2000).values()]
    found = {}
    for kind, names in (("person", people), ("pipeline", pipelines), ("space", spaces)):
        teams = assign(mapping, kind, pd.Series(names), day.repeat(len(names)))
        assert UNASSIGNED not in set(teams), kind
        found[kind] = dict(zip(names, teams, strict=True))
    sizes = pd.Series(found["person"]).value_counts()
    assert sizes.drop(demo.SMALL_TEAM).between(5, 40).all(), sizes  # each shown by the app
    for name, team in demo.TEAMS.items():
        for email in team.members:
            if email != demo.MOVER:
                assert found["person"][email] == name
    assert found["pipeline"]["web-app/build"] == "Web"
    assert found["pipeline"][f"{roster.slug(roster.area(0))}-api/build"] == roster.area(0)
    assert found["space"]["Mobile"] == "Mobile"
