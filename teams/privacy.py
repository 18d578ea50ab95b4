"""Keeping individuals out of view: pseudonyms for people, and no group smaller than a minimum.

Pseudonyms are keyed hashes: "person-" + the first 10 hex digits of SHA-256(salt, US, email in
lower case). The same person gets the same pseudonym on every page, in every session and export,
and in SQL (DuckDB's `sha256` gives the same digest, see `sql_pseudonym`), so a pseudonymised
table can still be joined and filtered. Without the organisation's salt nobody can test a guessed
email against a pseudonym. The salt is PSEUDONYM_SALT, or one made once and kept in a local
file (`local_salt`), so pseudonyms survive restarts on one machine.

Small groups: a team with fewer people than the minimum (PRIVACY_MIN_GROUP, default 5) is shown
only inside "Other teams"; when the teams merged there are still too few, they are not shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .mapping import OTHER_TEAMS

PREFIX = "person-"
DIGITS = 10  # 40 bits: no two of a hundred thousand people collide in practice
DEFAULT_MIN_GROUP = 5
SEPARATOR = "\x1f"
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Columns that name a person in the vendors' frames.
PERSON_COLUMNS = ("email", "user_email")
# The salt kept when PSEUDONYM_SALT is not set: one file for the app and sync (git-ignored).
SALT_FILE = Path(__file__).resolve().parents[1] / ".pseudonym-salt"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def pseudonym(email: str, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}{SEPARATOR}{email.strip().lower()}".encode()).hexdigest()
    return PREFIX + digest[:DIGITS]


def pseudonymize(frame: pd.DataFrame | None, salt: str, columns=PERSON_COLUMNS):
    """`frame` with every person column replaced by pseudonyms (missing values stay missing)."""
    if frame is None:
        return None
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    out = frame.copy()
    for column in present:
        values = out[column]
        known = values.dropna().astype(str).unique()
        lookup = {value: pseudonym(value, salt) for value in known}
        mapped = values.map(lookup)
        out[column] = mapped.astype(values.dtype) if str(values.dtype) == "string" else mapped
    return out


def sql_pseudonym(column: str, salt_parameter: str = "$salt") -> str:
    """The SQL expression DuckDB evaluates to `pseudonym(column, salt)`; the salt is passed as a
    named parameter so that it never appears in a query's text (or an error that quotes it)."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE '{PREFIX}' || "
        f"substr(sha256({salt_parameter} || chr(31) || lower(trim({column}))), 1, {DIGITS}) END"
    )


def hide_emails(text: str, salt: str) -> str:
    """`text` with every email in it replaced by its pseudonym (log lines, messages)."""
    return EMAIL.sub(lambda found: pseudonym(found.group(0), salt), text)


def pseudonymize_setting(text: str | None) -> tuple[bool, str | None]:
    """PSEUDONYMIZE_PEOPLE read: on for a true word, off for a false word or nothing. Privacy
    fails safe: any other value turns pseudonyms on, with the problem to say."""
    word = (text or "").strip().lower()
    if not word or word in FALSE_WORDS:
        return False, None
    if word in TRUE_WORDS:
        return True, None
    return (
        True,
        f"PSEUDONYMIZE_PEOPLE={text!r} is neither true nor false; people are pseudonymised.",
    )


def min_group_setting(text: str | None) -> tuple[int, str | None]:
    """PRIVACY_MIN_GROUP read: a whole number of at least 1, else the default (and why)."""
    if not (text or "").strip():
        return DEFAULT_MIN_GROUP, None
    try:
        found = int(text)
    except ValueError:
        found = 0
    if found >= 1:
        return found, None
    return DEFAULT_MIN_GROUP, (
        f"PRIVACY_MIN_GROUP is not a whole number of at least 1; {DEFAULT_MIN_GROUP} is used."
    )


class SaltError(Exception):
    """The kept salt cannot be read or made; the message says what to do (never the salt)."""


def salt_of(configured: str | None) -> str:
    """The organisation's pseudonym salt: PSEUDONYM_SALT, else the one kept in SALT_FILE."""
    return configured or local_salt(SALT_FILE)


def local_salt(path: Path) -> str:
    """The salt kept in `path`, made (random, readable by its owner only) on first use. An
    empty file (a first run killed between making and writing it) gets a salt: no pseudonym
    was ever made from it. Raises SaltError when the file cannot be read or written."""
    try:
        text = path.read_text().strip()
        if text:
            return text
        empty = True
    except FileNotFoundError:
        empty = False
    except (OSError, UnicodeDecodeError) as err:
        raise SaltError(_cannot(path, "read", err)) from None
    salt = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if empty else os.O_EXCL)
        descriptor = os.open(path, flags, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(salt + "\n")
    except FileExistsError:  # another process made it meanwhile: use theirs
        return local_salt(path)
    except OSError as err:
        raise SaltError(_cannot(path, "written", err)) from None
    return salt


def _cannot(path: Path, done: str, err: Exception) -> str:
    why = getattr(err, "strerror", None) or type(err).__name__
    return (
        f"The pseudonym salt file {path.name} cannot be {done} ({why}). Make it readable and "
        f"writable by the user running the app and sync, or set PSEUDONYM_SALT to a long "
        f"random text (the same for the app and sync); pseudonyms depend on it."
    )


@dataclass(frozen=True)
class Groups:
    """Which teams a view may show: `label[team]` is the team itself or OTHER_TEAMS; teams in
    `hidden` are not shown at all (even merged they are fewer than the minimum)."""

    label: dict[str, str]
    hidden: frozenset[str]
    merged: tuple[str, ...]  # teams shown only inside OTHER_TEAMS
    min_group: int

    def note(self) -> str | None:
        parts = []
        together = [team for team in self.merged if team not in self.hidden]
        if together:
            parts.append(
                f"{len(together)} teams with fewer than {self.min_group} people are shown "
                f"together as '{OTHER_TEAMS}'"
            )
        if self.hidden:
            many = len(self.hidden) > 1
            parts.append(
                f"{len(self.hidden)} team{'s' if many else ''} with fewer than {self.min_group} "
                f"people {'are' if many else 'is'} not shown (too few even merged into "
                f"'{OTHER_TEAMS}')"
            )
        if not parts:
            return None
        return "To keep individuals out of view, " + "; ".join(parts) + " (PRIVACY_MIN_GROUP)."


def groups(sizes: Mapping[str, float], min_group: int) -> Groups:
    """Groups from each team's size (its fewest people in any period shown)."""
    small = sorted(team for team, size in sizes.items() if size < min_group)
    label = {team: (OTHER_TEAMS if team in small else team) for team in sizes}
    hidden: set[str] = set()
    if small:
        together = sum(sizes[team] for team in small)
        if together < min_group:
            hidden = set(small)
    return Groups(label, frozenset(hidden), tuple(small), min_group)


def small_teams(mapping, day: dt.date, min_group: int) -> set[str]:
    """Teams with fewer than `min_group` people in `mapping` on `day`: a view of one of them
    alone would show individuals (alerts and budgets leave them out)."""
    people: dict[str, set[str]] = {}
    for rule in mapping.rules:
        if rule.kind != "person":
            continue
        if (rule.valid_from and rule.valid_from > day) or (rule.valid_to and rule.valid_to < day):
            continue
        people.setdefault(rule.team, set()).add(rule.match.lower())
    return {team for team in mapping.teams if len(people.get(team, ())) < min_group}
