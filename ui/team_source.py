"""The app's teams mapping and privacy settings: which file, read and checked once per version
of the file (a change shows on the next run, without a sync or a restart; a million-row file is
not parsed again on every run), saved from the Teams page.

- TEAMS_FILE names the file; without it, `teams.csv` beside the store (HISTORY_DIR) when there
  is one. On demo data (no TEAMS_FILE) the sandbox's demo mapping is written beside the demo's
  temporary store on first use, so the Teams page works out of the box.
- A bad file is refused with its problems; the app then works without teams.
- Pseudonyms use PSEUDONYM_SALT, else a salt kept in `.pseudonym-salt` (git-ignored) beside
  the app, so they survive restarts.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace

from config.settings import Settings
from sync import on_demand as history
from teams import files, privacy
from teams.mapping import Mapping, MappingError, parse


@dataclass(frozen=True)
class Teams:
    """What the app knows about teams in this run."""

    mapping: Mapping  # empty: no teams (no file, or a refused one)
    location: str  # where the mapping is read from and saved to
    found: bool  # the file exists
    error: str | None = None  # why the file was refused
    from_setting: bool = False  # TEAMS_FILE named it

    @property
    def active(self) -> bool:
        return bool(self.mapping)


def location(settings: Settings) -> str:
    if settings.teams_file:
        return settings.teams_file
    vendor = settings.sources["codefresh"]
    return files.location(None, history.shelf(vendor).store.url)


# (where, the file's version, pseudonymised, the salt's digest) -> Teams: the last few read.
_READ: dict[tuple, Teams] = {}
_READ_LOCK = threading.Lock()
_KEPT = 4


def current(settings: Settings) -> Teams:
    """The teams of this run: parsed (and pseudonymised) again only when the file changed."""
    where = location(settings)
    if settings.demo and not settings.teams_file:
        _write_demo_mapping(where)
    try:
        version = files.version(where)
    except OSError:
        version = None  # read() below says what is wrong
    if version is None:
        return _read(settings, where)
    salted = hashlib.sha256(salt(settings).encode()).hexdigest() if settings.pseudonymize else ""
    key = (where, version, bool(settings.teams_file), salted)
    with _READ_LOCK:
        found = _READ.get(key)
    if found is None:
        found = _read(settings, where)
        with _READ_LOCK:
            _READ[key] = found
            while len(_READ) > _KEPT:
                del _READ[next(iter(_READ))]
    return found


def _read(settings: Settings, where: str) -> Teams:
    from_setting = bool(settings.teams_file)
    try:
        text = files.read_text(where)
    except UnicodeDecodeError:
        return Teams(
            Mapping(),
            where,
            True,
            f"The teams file {files.shown(where)} is not UTF-8 text; the app works without teams until it "
            "is fixed.",
            from_setting,
        )
    except OSError as err:
        return Teams(
            Mapping(),
            where,
            False,
            f"The teams file {files.shown(where)} cannot be read ({type(err).__name__}); the app works "
            "without teams.",
            from_setting,
        )
    if text is None:
        missing = (
            f"TEAMS_FILE names {files.shown(where)}, which does not exist; the app works without teams."
            if from_setting
            else None
        )
        return Teams(Mapping(), where, False, missing, from_setting)
    try:
        mapping = parse(text, files.shown(where))
        if settings.pseudonymize:
            mapping = pseudonymized(mapping, salt(settings))
        return Teams(mapping, where, True, None, from_setting)
    except MappingError as err:
        return Teams(
            Mapping(),
            where,
            True,
            f"{err} The app works without teams until it is fixed.",
            from_setting,
        )


def pseudonymized(mapping: Mapping, key: str) -> Mapping:
    """The mapping with people's emails as their pseudonyms: it then matches the pages' frames,
    whose emails are pseudonyms too."""
    rules = tuple(
        replace(rule, match=privacy.pseudonym(rule.match, key)) if rule.kind == "person" else rule
        for rule in mapping.rules
    )
    return replace(mapping, rules=rules)


def save(teams: Teams, text: str) -> None:
    """Write an already validated mapping to where it is read from."""
    files.write_text(teams.location, text)


def _write_demo_mapping(where: str) -> None:
    if files.read_text(where) is not None:
        return  # written by an earlier run: the sandbox is not imported for it
    from connectors.sandbox.teams import demo_teams_csv

    files.write_text(where, demo_teams_csv())


def salt(settings: Settings) -> str:
    """The organisation's pseudonym salt (made once and kept when not configured)."""
    try:
        return privacy.salt_of(settings.salt)
    except privacy.SaltError as err:
        import streamlit as st  # this module runs only in the app

        st.error(str(err))
        st.stop()
