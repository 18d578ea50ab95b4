"""The demo organisation's teams: the mapping it would own, and the truth the tests read.

No vendor API has a team field. An organisation keeps a CSV mapping (`kind,match,team,
valid_from,valid_to`): `person` rows match an email, `pipeline` rows a Codefresh pipeline name or
fnmatch glob (`web-app/*`), `space` rows a Builder.io space name or id; valid_from / valid_to are
optional inclusive ISO dates; whatever no row matches is "Unassigned". This module defines the
demo's mapping once (TEAMS, MEMBERSHIPS) and serves it as that CSV (demo_teams_csv(), committed
as teams.example.csv), with the answers a correct reader of it must give (team_of,
pipeline_team, space_team).

The demo's five teams over its 36 people, 30 pipelines and 5 Builder spaces:

    team             people  pipelines                                   Builder spaces
    Web              8 (+1)  web-app/*, marketing-site/*                 Web app, Marketing site
    Mobile           7 (+1)  mobile-android/*, mobile-ios/*              Mobile
    Platform         9       api/*, data/*, infra/*                      -
    Design system    8       design-system/*, docs/*                     Design system
    Internal tools   3       internal-tools/*                            Internal tools

Every person is in exactly one team on every day, people who join later too (their rows have
no dates: a team does not need to know when someone joins). One person moves: MOVER is in Web
until 2026-05-31 and in Mobile from MOVE_DAY (2026-06-01), two person rows; each day's activity
counts for the team of that day. Internal tools (SMALL_TEAM) has 3 people, under the 5 below
which the app hides a group. The demo's data do not depend on any of this: the teams are only a
mapping over the existing roster (data.py's team scenarios are what make CI follow teams).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from fnmatch import fnmatchcase

from . import keys, roster

UNASSIGNED = "Unassigned"
HEADER = ("kind", "match", "team", "valid_from", "valid_to")


@dataclass(frozen=True)
class Team:
    """One team of the demo: who was ever in it, its pipelines (globs) and its Builder spaces."""

    name: str
    members: tuple[str, ...]  # emails of everyone ever in the team (the mover in both teams)
    pipelines: tuple[str, ...]  # fnmatch globs over Codefresh pipeline names
    spaces: tuple[str, ...]  # Builder space names (keys.BUILDER_SPACES' names)


@dataclass(frozen=True)
class Membership:
    """One person row of the mapping: `email` is in `team` from `valid_from` to `valid_to`
    (inclusive; None: open-ended)."""

    email: str
    team: str
    valid_from: date | None = None
    valid_to: date | None = None

    def holds(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


MOVER = roster.email_of("Amara Okafor")  # active in Firebender before and after the move
MOVE_DAY = date(2026, 6, 1)  # a Monday: first day in Mobile (valid_to of Web: 2026-05-31)
MOVE_FROM, MOVE_TO = "Web", "Mobile"
SMALL_TEAM = "Internal tools"

# Team -> (people by name, pipeline globs, space names); the mover is listed in both teams.
_DEFINITION: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Web": (
        (
            "Amara Okafor",
            "Farid Haddad",
            "Rina Sato",
            "Samuel Mensah",
            "Wen Zhao",
            "Yusuf Demir",
            "Zoe Fischer",
            "Aditya Rao",
            "Isaac Levi",
        ),
        ("web-app/*", "marketing-site/*"),
        ("Web app", "Marketing site"),
    ),
    "Mobile": (
        (
            "Ben Carter",
            "Daniela Souza",
            "Grace Kim",
            "Kavya Iyer",
            "Nikolai Petrov",
            "Ximena Lopez",
            "Fatima Zahra",
            "Amara Okafor",
        ),
        ("mobile-android/*", "mobile-ios/*"),
        ("Mobile",),
    ),
    "Platform": (
        (
            "Chen Wei",
            "Ines Moreau",
            "Olivia Brown",
            "Pablo Ruiz",
            "Quinn Taylor",
            "Dina Haddad",
            "Gabriel Silva",
            "Hana Kowalski",
            "Julia Schmidt",
        ),
        ("api/*", "data/*", "infra/*"),
        (),
    ),
    "Design system": (
        (
            "Elif Yilmaz",
            "Hugo Lefevre",
            "Jonas Berg",
            "Maya Cohen",
            "Tara Nguyen",
            "Umar Siddiqui",
            "Bianca Ionescu",
            "Caleb Johnson",
        ),
        ("design-system/*", "docs/*"),
        ("Design system",),
    ),
    SMALL_TEAM: (
        ("Liam O'Brien", "Valentina Rossi", "Emil Novak"),
        ("internal-tools/*",),
        ("Internal tools",),
    ),
}

TEAMS: dict[str, Team] = {
    name: Team(name, tuple(roster.email_of(person) for person in people), globs, spaces)
    for name, (people, globs, spaces) in _DEFINITION.items()
}


def _membership(email: str, team: str) -> Membership:
    if email != MOVER:
        return Membership(email, team)
    if team == MOVE_FROM:
        return Membership(email, team, valid_to=MOVE_DAY - timedelta(days=1))
    return Membership(email, team, valid_from=MOVE_DAY)


# Every person row, in the CSV's order (team by team).
MEMBERSHIPS: tuple[Membership, ...] = tuple(
    _membership(email, team.name) for team in TEAMS.values() for email in team.members
)
_BY_EMAIL: dict[str, tuple[Membership, ...]] = {}
for _row in MEMBERSHIPS:
    _BY_EMAIL[_row.email] = (*_BY_EMAIL.get(_row.email, ()), _row)
del _row


def team_of(world, email: str, day: date) -> str:
    """The team `email` is in on `day` in `world` (a data.World): the first person row that
    matches; "Unassigned" for an email no row matches or `world` does not have. A sized world's
    first 36 people are the demo's, so they keep their demo teams; the others are Unassigned.
    The answer does not depend on whether the person has joined yet."""
    if email not in world.developers_by_email:
        return UNASSIGNED
    for row in _BY_EMAIL.get(email, ()):
        if row.holds(day):
            return row.team
    return UNASSIGNED


def pipeline_team(name: str) -> str:
    """The team whose glob matches Codefresh pipeline `name` ("Unassigned" if none does)."""
    for team in TEAMS.values():
        if any(fnmatchcase(name, glob) for glob in team.pipelines):
            return team.name
    return UNASSIGNED


def space_team(space_public_key: str) -> str:
    """The team of the Builder space with public key `space_public_key`, matched by the space's
    name as the mapping does ("Unassigned" for a space no row names, e.g. a sized world's)."""
    name = keys.BUILDER_SPACES.get(space_public_key, (None, None))[0]
    for team in TEAMS.values():
        if name in team.spaces:
            return team.name
    return UNASSIGNED


def demo_teams_csv() -> str:
    """The demo's mapping as the organisation would keep it: a `#` comment line, the header,
    then each team's person, pipeline and space rows; "\\n" line ends. teams.example.csv at the
    repository root holds exactly this text."""
    out = io.StringIO()
    out.write("# Teams of the sandbox's demo organisation (connectors/sandbox/teams.py)\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for team in TEAMS.values():
        for row in MEMBERSHIPS:
            if row.team == team.name:
                writer.writerow(
                    (
                        "person",
                        row.email,
                        team.name,
                        row.valid_from.isoformat() if row.valid_from else "",
                        row.valid_to.isoformat() if row.valid_to else "",
                    )
                )
        writer.writerows(("pipeline", glob, team.name, "", "") for glob in team.pipelines)
        writer.writerows(("space", space, team.name, "", "") for space in team.spaces)
    return out.getvalue()
