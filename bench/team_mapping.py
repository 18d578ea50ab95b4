"""A teams mapping for a sandbox world of any size, for the benchmark's Teams page.

The demo's mapping (connectors/sandbox/teams.py: five teams over its 36 people, 30 pipelines and
5 Builder spaces) scaled to a world of `developers`: the first 36 people, the demo's pipelines
and spaces keep their demo teams (the world's first 36 are the demo's), and every product area
the world adds (connectors/sandbox/roster.py: each area brings 30 pipelines and 5 Builder spaces)
is a team of its own, named after the area ("Checkout", "Payments", ..., "Checkout 2"), with its
pipelines (one glob per repository: `checkout-web/*`), its five spaces (by name), and an even
share of the people after the demo's 36, in roster order. At 2,000 developers that is the 5
demo teams and 55 area teams of about 36 people each.
"""

from __future__ import annotations

import csv
import io

from connectors.sandbox import keys, roster
from connectors.sandbox import teams as demo

DEMO_SPACES = len(keys.BUILDER_SPACES)


def area_count(developers: int | None) -> int:
    """Product areas a world of `developers` adds to the demo's (one team each)."""
    if developers is None:
        return 0
    spaces = keys.space_count(developers) - DEMO_SPACES
    return max(0, -(-spaces // DEMO_SPACES))


def teams_csv(developers: int | None) -> str:
    """The mapping as an organisation would keep it (`kind,match,team,valid_from,valid_to`);
    None: the demo's own (teams.example.csv)."""
    text = demo.demo_teams_csv()
    areas = area_count(developers)
    if not areas:
        return text
    people = roster.emails(roster.names(developers))[roster.DEMO_DEVELOPERS :]
    spaces = [name for name, _ in list(keys.builder_spaces(developers).values())[DEMO_SPACES:]]
    out = io.StringIO()
    out.write(text)
    writer = csv.writer(out, lineterminator="\n")
    for index in range(areas):
        team = roster.area(index)
        share = people[index * len(people) // areas : (index + 1) * len(people) // areas]
        writer.writerows(("person", email, team, "", "") for email in share)
        prefix = roster.slug(team)
        writer.writerows(
            ("pipeline", f"{prefix}-{repo}/*", team, "", "")
            for repo, _ in roster.PIPELINE_TEMPLATES
        )
        writer.writerows(
            ("space", name, team, "", "")
            for name in spaces[index * DEMO_SPACES : (index + 1) * DEMO_SPACES]
        )
    return out.getvalue()
