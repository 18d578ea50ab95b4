"""The teams mapping is parsed once per version of the file, not on every page run (a
1,000,000-row file took 24 s to parse on each run: python -m bench.mapping_parse)."""

from __future__ import annotations

from config import settings as app_settings
from ui import team_source

HEADER = "kind,match,team,valid_from,valid_to\n"


def test_the_mapping_is_parsed_again_only_when_the_file_changes(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(HEADER + "person,ana@example.com,Web,,\n")
    settings = app_settings.resolve({}, {"TEAMS_FILE": str(path)}, {}, {})
    first = team_source.current(settings)
    assert team_source.current(settings) is first  # the same parse, not a new one
    team_source.save(first, HEADER + "person,ana@example.com,Mobile,,\n")
    changed = team_source.current(settings)
    assert changed is not first and [r.team for r in changed.mapping.rules] == ["Mobile"]
    pseudonyms = app_settings.resolve(
        {},
        {"TEAMS_FILE": str(path), "PSEUDONYMIZE_PEOPLE": "true", "PSEUDONYM_SALT": "s" * 32},
        {},
        {},
    )
    hidden = team_source.current(pseudonyms)
    assert hidden is not changed and hidden.mapping.rules[0].match.startswith("person-")
