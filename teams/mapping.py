"""Which team a person, a Codefresh pipeline or a Builder.io space belongs to, on which day.

None of the vendors' APIs has a team field, so the organisation keeps a CSV
(`kind,match,team,valid_from,valid_to`) and this module reads it, refuses it with every
problem at once, and answers "which team, that day" for whole columns at a time.

Pure pandas and stdlib: no Streamlit, no HTTP.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

KINDS = ("person", "pipeline", "space")
COLUMNS = ("kind", "match", "team", "valid_from", "valid_to")
UNASSIGNED = "Unassigned"
OTHER_TEAMS = "Other teams"

# Open validity ends, as `resolve` reports them: the first and last whole days that
# datetime64[ns] can hold, so a plain `start <= day <= end` needs no NaT handling.
OPEN_START = pd.Timestamp("1677-09-22").as_unit("ns")
OPEN_END = pd.Timestamp("2262-04-11").as_unit("ns")

MAX_LISTED = 10

_GLOB_CHARS = ("*", "?", "[")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RESERVED = {
    UNASSIGNED.casefold(): "it is what activity no rule matches is called",
    OTHER_TEAMS.casefold(): "small teams are merged into it",
}
_EPOCH = date(1970, 1, 1).toordinal()
_MIN_ORD = OPEN_START.date().toordinal()
_MAX_ORD = OPEN_END.date().toordinal()
_DAY_MIN = _MIN_ORD - _EPOCH
_DAY_MAX = _MAX_ORD - _EPOCH


@dataclass(frozen=True)
class Rule:
    line: int
    kind: str
    match: str
    team: str
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def is_glob(self) -> bool:
        """People are matched by exact email only, so only pipelines and spaces have globs."""
        return self.kind != "person" and any(c in self.match for c in _GLOB_CHARS)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class MappingError(ValueError):
    """The whole list, so whoever edits the file fixes it in one pass, not one error per try."""

    def __init__(self, problems: Iterable[Problem], source: str = ""):
        self.problems = sorted(problems, key=lambda p: p.line)
        self.source = source
        super().__init__(_refusal(self.problems, source))

    def __reduce__(self):
        return (type(self), (self.problems, self.source))


def _refusal(problems: list[Problem], source: str) -> str:
    what = f"The teams file {source}" if source else "The teams mapping"
    listed = "; ".join(str(p) for p in problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    if more > 0:
        listed += f"; and {more} more"
    return f"{what} is refused: {listed}"


@dataclass(frozen=True)
class Mapping:
    rules: tuple[Rule, ...] = ()
    source: str = ""

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(sorted({r.team for r in self.rules}, key=lambda t: (t.casefold(), t)))

    def __bool__(self) -> bool:
        return bool(self.rules)


# ------------------------------------------------------------------ reading and checking


def parse(text: str | bytes, source: str = "") -> Mapping:
    """Bytes are taken too, because an uploaded file arrives as bytes and its encoding is the
    first thing that can be wrong with it."""
    rules, problems = _check_text(text)
    if problems:
        raise MappingError(problems, source)
    return Mapping(tuple(rules), source)


def read(path: str | Path) -> Mapping:
    """A missing file is not a bad file: FileNotFoundError passes through for the caller to
    decide whether no file means no teams."""
    path = Path(path)
    rules, problems = _check_text(path.read_bytes())
    if problems:
        raise MappingError(problems, path.name)
    return Mapping(tuple(rules), str(path))


def problems_in(frame: pd.DataFrame) -> list[Problem]:
    """The same checks for a table edited on screen, numbered as the CSV it saves as would be.

    Columns other than COLUMNS are ignored: the caller built the table, not the person."""
    return _check_frame(frame)[1]


def from_frame(frame: pd.DataFrame, source: str = "") -> Mapping:
    rules, problems = _check_frame(frame)
    if problems:
        raise MappingError(problems, source)
    return Mapping(tuple(rules), source)


def to_frame(mapping: Mapping) -> pd.DataFrame:
    rows = [_cells(r) for r in mapping.rules]
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def to_csv(mapping_or_frame: Mapping | pd.DataFrame) -> str:
    """A table is written as it stands, problems and all, so a half-finished edit can still be
    saved; check it with `problems_in` first where that matters."""
    if isinstance(mapping_or_frame, Mapping):
        rows = [_cells(r) for r in mapping_or_frame.rules]
    else:
        rows = [cells for _, cells in _frame_rows(mapping_or_frame)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _cells(rule: Rule) -> list[str]:
    return [
        rule.kind,
        rule.match,
        rule.team,
        rule.valid_from.isoformat() if rule.valid_from else "",
        rule.valid_to.isoformat() if rule.valid_to else "",
    ]


def _check_text(text: str | bytes) -> tuple[list[Rule], list[Problem]]:
    rows, problems = csv_rows(text, COLUMNS, "leave an open date empty but keep its comma")
    rules, row_problems = _check_rows(rows)
    return rules, problems + row_problems


CELL_LIMIT = csv.field_size_limit()  # the csv module's (128 KiB): longer cells are refused
SHOWN_OF_A_LONG_CELL = 200  # characters an editor shows of a cell the csv module refuses


def _too_long(raw: str) -> str:
    return (
        f"a cell longer than {CELL_LIMIT // 1024} KiB ({len(raw):,} characters on this line); "
        f"a team, a person or a pattern is a short text: shorten or remove it"
    )


def editable_rows(text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV text as the editors show them, even when the file is refused: line by
    line (blank and # lines left out), cells by the header's names; a line the csv module
    cannot read is split at its commas and a cell too long to edit is cut, marked as cut."""
    table = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            (cells,) = list(csv.reader([raw], skipinitialspace=True))
        except csv.Error:
            cells = raw.split(",")
        table.append(
            [
                cell.strip()
                if len(cell) <= SHOWN_OF_A_LONG_CELL
                else f"{cell[:SHOWN_OF_A_LONG_CELL]}... [cut: {len(cell):,} characters]"
                for cell in cells
            ]
        )
    if not table:
        return []
    header = [h.lower() for h in table[0]]
    return [
        {c: dict(zip(header, cells, strict=False)).get(c, "") for c in columns}
        for cells in table[1:]
    ]


def csv_rows(
    text: str | bytes, columns: Sequence[str], count_hint: str = ""
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The rows of a small CSV file whose header names `columns`, for a checker of its own
    (the teams mapping, the budgets file): (line number, cells by column name, stripped) for
    each row with as many cells as the header, and the problems of the text itself: not UTF-8,
    binary, an unclosed quote, no header, missing, unknown or repeated columns, a row's cell
    count (`count_hint` is added to that one). Blank lines and lines starting with # are
    skipped and keep their number. A column the header lacks is absent from every row."""
    header_text = ",".join(columns)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            line = text[: err.start].count(b"\n") + 1
            return [], [
                Problem(
                    line,
                    f"not UTF-8 text (byte 0x{text[err.start]:02x}); save the file as "
                    "'CSV UTF-8' or plain UTF-8 text",
                )
            ]
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        if "\x00" in raw:
            return [], [Problem(number, "a NUL character: this is a binary file, not CSV text")]

    problems: list[Problem] = []
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            (cells,) = list(csv.reader([raw], strict=True, skipinitialspace=True))
        except (csv.Error, ValueError) as err:
            if "field larger than field limit" in str(err):
                problems.append(Problem(number, _too_long(raw)))
                if not rows:
                    return [], problems
                continue
            problems.append(
                Problem(
                    number,
                    "not a CSV line (a quote is not closed or is followed by more text; "
                    'quote a whole cell, e.g. "Web, Mobile", and keep it on one line)',
                )
            )
            if not rows:
                return [], problems  # without a header the lines below cannot be read
            continue
        rows.append((number, [c.strip() for c in cells]))
    if not rows:
        return [], problems

    (header_line, header), body = rows[0], rows[1:]
    names = [h.lower() for h in header]
    if not set(names) & set(columns):
        first = ",".join(header)
        if len(names) == 1 and ("\t" in first or ";" in first):
            sep = "tabs" if "\t" in first else "semicolons"
            found = f"the columns are separated by {sep}; separate them with commas"
        else:
            found = f"found '{first[:60]}{'...' if len(first) > 60 else ''}'"
        problems.append(
            Problem(header_line, f"the first line must be the header {header_text}; {found}")
        )
        return [], problems

    problems += _header_problems(header_line, names, columns)
    where = {name: i for i, name in reversed(list(enumerate(names))) if name in columns}
    checked: list[tuple[int, dict[str, str]]] = []
    hint = f"; {count_hint}" if count_hint else ""
    for number, cells in body:
        if len(cells) != len(names):
            problems.append(
                Problem(
                    number,
                    f"{len(cells)} cells, the header has {len(names)} ({','.join(header)}){hint}",
                )
            )
            continue
        checked.append((number, {name: cells[i] for name, i in where.items()}))
    return checked, problems


def _header_problems(line: int, names: list[str], columns: Sequence[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen:
            problems.append(Problem(line, f"column '{name}' appears twice"))
        elif name not in columns:
            shown = f"'{name}'" if name else f"without a name (column {position})"
            problems.append(
                Problem(line, f"unknown column {shown} (columns: {', '.join(columns)})")
            )
        seen.add(name)
    missing = [c for c in columns if c not in names]
    if missing:
        problems.insert(
            0,
            Problem(
                line,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(expected header: {','.join(columns)})",
            ),
        )
    return problems


def _check_frame(frame: pd.DataFrame) -> tuple[list[Rule], list[Problem]]:
    names = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in names]
    problems = []
    if missing:
        problems.append(
            Problem(
                1,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(expected columns: {', '.join(COLUMNS)})",
            )
        )
    rows = [
        (number, dict(zip(COLUMNS, cells, strict=True))) for number, cells in _frame_rows(frame)
    ]
    if missing:
        rows = [(n, {c: v for c, v in cells.items() if c not in missing}) for n, cells in rows]
    rules, row_problems = _check_rows(rows)
    return rules, problems + row_problems


def _frame_rows(frame: pd.DataFrame) -> Iterator[tuple[int, list[str]]]:
    """Row i is line i + 2 (after the header) whatever the frame's index, and all-blank rows
    (the editor's unfinished new row) are skipped but keep their number."""
    lookup = {str(c).strip().lower(): c for c in frame.columns}
    columns = [frame[lookup[c]] if c in lookup else None for c in COLUMNS]
    for i in range(len(frame)):
        cells = [_cell_text(col.iat[i]) if col is not None else "" for col in columns]
        if any(cells):
            yield i + 2, cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return "" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else pd.Timestamp(value).date().isoformat()
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _check_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[list[Rule], list[Problem]]:
    """Cells are by column name; a column the header lacks is absent, and its checks skipped
    (the header already has a problem saying so)."""
    rules, problems = [], []
    for number, cells in rows:
        rule, found = _check_row(number, cells)
        problems += found
        if rule is not None:
            rules.append(rule)
    problems += _overlaps(rules)
    return rules, problems


def _check_row(line: int, cells: dict[str, str]) -> tuple[Rule | None, list[Problem]]:
    problems: list[str] = []
    for column, text in cells.items():
        if "\n" in text or "\r" in text:
            problems.append(f"the {column} contains a line break")

    kind = cells.get("kind")
    if kind is not None:
        kind = kind.lower()
        if not kind:
            problems.append(f"empty kind (kinds: {', '.join(KINDS)})")
        elif kind not in KINDS:
            problems.append(f"unknown kind '{cells['kind']}' (kinds: {', '.join(KINDS)})")

    match = cells.get("match")
    if match is not None:
        if not match:
            problems.append(
                "empty match (a person's email, a pipeline name like web-app/build, "
                "or a space name or id)"
            )
        elif kind == "person":
            if "@" not in match:
                problems.append(f"person match '{match}' is not an email (it has no '@')")
            if any(c in match for c in _GLOB_CHARS):
                problems.append(
                    f"person match '{match}' has glob characters (* ? [); a person is "
                    "matched by the exact email only"
                )
            match = match.lower()

    team = cells.get("team")
    if team is not None:
        if not team:
            problems.append("empty team")
        elif team.casefold() in _RESERVED:
            problems.append(
                f"team name '{team}' is reserved ({_RESERVED[team.casefold()]}); "
                "choose another name"
            )

    dates: dict[str, date | None] = {}
    for column in ("valid_from", "valid_to"):
        text = cells.get(column)
        if text is None:
            continue
        dates[column] = None
        if text:
            day = _iso_date(text)
            if day is None:
                problems.append(
                    f"{column} '{text}' is not a date (format YYYY-MM-DD, or empty for open)"
                )
            dates[column] = day
    start, end = dates.get("valid_from"), dates.get("valid_to")
    if start and end and start > end:
        problems.append(f"valid_from {start} is after valid_to {end}")

    found = [Problem(line, m) for m in problems]
    if found or len(cells) < len(COLUMNS):
        return None, found
    return Rule(line, kind, match, team, start, end), []


def _iso_date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _overlaps(rules: list[Rule]) -> list[Problem]:
    groups: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.kind, _key(rule.kind, rule.match)), []).append(rule)
    problems = []
    for group in groups.values():
        for i, later in enumerate(group):
            for earlier in group[:i]:
                if _meet(earlier, later):
                    problems.append(
                        Problem(
                            later.line,
                            f"{later.kind} {later.match} is already in team {earlier.team} "
                            f"{_span(earlier)} (line {earlier.line}); validity periods of one "
                            "match must not overlap",
                        )
                    )
    return problems


def _meet(a: Rule, b: Rule) -> bool:
    return (a.valid_from or date.min) <= (b.valid_to or date.max) and (
        b.valid_from or date.min
    ) <= (a.valid_to or date.max)


def _span(rule: Rule) -> str:
    start = rule.valid_from.isoformat() if rule.valid_from else "open start"
    end = rule.valid_to.isoformat() if rule.valid_to else "open end"
    return f"from {start} to {end}"


# ------------------------------------------------------------------ answering


def _key(kind: str, value: str) -> str:
    if kind == "person":
        return value.lower()
    if kind == "space":
        return value.casefold()
    return value


def _bounds(rule: Rule) -> tuple[int, int]:
    """Day ordinals, clamped to what datetime64[ns] holds: a valid_to of 9999-12-31 means open."""
    lo = rule.valid_from.toordinal() if rule.valid_from else _MIN_ORD
    hi = rule.valid_to.toordinal() if rule.valid_to else _MAX_ORD
    return max(lo, _MIN_ORD), min(hi, _MAX_ORD)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def _intervals(
    mapping: Mapping, kind: str, values: Iterable[object]
) -> list[tuple[int, str, int, int]]:
    """(position in values, team, first ordinal, last ordinal) for each value's winning rules."""
    _check_kind(kind)
    exact: dict[str, list[Rule]] = {}
    # Globs by their literal start, so a value is tried only against globs it could match.
    globs: dict[str, list[tuple[re.Pattern[str], Rule]]] = {}
    for rule in mapping.rules:
        lo, hi = _bounds(rule)
        if rule.kind != kind or lo > hi:  # lo > hi: wholly outside what datetime64[ns] holds
            continue
        key = _key(kind, rule.match)
        if rule.is_glob:
            prefix = re.split(r"[*?\[]", key, maxsplit=1)[0]
            globs.setdefault(prefix, []).append((re.compile(fnmatch.translate(key)), rule))
        else:
            exact.setdefault(key, []).append(rule)
    lengths = sorted({len(prefix) for prefix in globs})

    out = []
    for position, value in enumerate(values):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        key = _key(kind, str(value))
        tried = (g for n in lengths if n <= len(key) for g in globs.get(key[:n], ()))
        matched = sorted((r for p, r in tried if p.match(key)), key=_glob_rank)
        ranked = exact.get(key, []) + matched
        for team, lo, hi in _paint(ranked):
            out.append((position, team, lo, hi))
    return out


def _glob_rank(rule: Rule) -> tuple[int, int]:
    return -len(rule.match), rule.line


def _paint(ranked: list[Rule]) -> list[tuple[str, int, int]]:
    """Each day goes to the first rule in `ranked` that covers it; adjacent days of one team
    are one interval."""
    if len(ranked) == 1:
        return [(ranked[0].team, *_bounds(ranked[0]))]
    bounds = [_bounds(r) for r in ranked]
    edges = sorted({lo for lo, _ in bounds} | {hi + 1 for _, hi in bounds})
    painted = []
    for lo, nxt in zip(edges, edges[1:]):
        for rule, (r_lo, r_hi) in zip(ranked, bounds):
            if r_lo <= lo and nxt - 1 <= r_hi:
                painted.append((rule.team, lo, nxt - 1))
                break
    return _merge(painted)


def _merge(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    merged: list[tuple[str, int, int]] = []
    for team, lo, hi in spans:
        if merged and merged[-1][0] == team and merged[-1][2] + 1 == lo:
            merged[-1] = (team, merged[-1][1], hi)
        else:
            merged.append((team, lo, hi))
    return merged


def _timestamps(ordinals: list[int]) -> pd.DatetimeIndex:
    days = np.asarray(ordinals, dtype="int64") - _EPOCH
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))


def resolve(mapping: Mapping, kind: str, values: Iterable[object]) -> pd.DataFrame:
    """The team intervals of each distinct value, so a caller can join once per key instead of
    matching globs once per row.

    Precedence where rules of different match strings cover one value on one day: an exact
    match beats a glob; among globs the longer pattern wins, then the earlier line. Intervals
    never overlap within a value. Open ends are OPEN_START and OPEN_END (not NaT), so
    `valid_from <= day <= valid_to` works as it stands. Values no rule matches have no row.
    """
    distinct = pd.unique(pd.Series(list(values), dtype=object))
    found = _intervals(mapping, kind, distinct)
    return pd.DataFrame(
        {
            "value": pd.Series([distinct[i] for i, *_ in found], dtype=object),
            "team": pd.Series([t for _, t, _, _ in found], dtype=object),
            "valid_from": _timestamps([lo for *_, lo, _ in found]),
            "valid_to": _timestamps([hi for *_, hi in found]),
        }
    )


def assign(
    mapping: Mapping,
    kind: str,
    keys: pd.Series,
    days: pd.Series,
    alt_keys: pd.Series | None = None,
) -> pd.Series:
    """The team of each row's key on that row's day.

    `keys`, `days` and `alt_keys` are matched by position. Days may be dates, strings or
    datetimes, tz-naive or tz-aware (taken in UTC); the time of day is dropped. Where the key
    has no team that day, the alt key is tried (a Builder.io space's name when no rule names
    its id). Rows with neither, or without a day, are UNASSIGNED.
    """
    _check_kind(kind)
    keys = pd.Series(keys) if not isinstance(keys, pd.Series) else keys
    n = len(keys)
    day_numbers, has_day = _day_numbers(days, n)
    teams = _assign_keys(mapping, kind, keys, day_numbers, has_day)
    if alt_keys is not None:
        if len(alt_keys) != n:
            raise ValueError(f"alt_keys has {len(alt_keys)} rows, keys has {n}")
        alt_keys = pd.Series(alt_keys) if not isinstance(alt_keys, pd.Series) else alt_keys
        todo = np.flatnonzero(pd.isna(teams) & has_day)
        if len(todo):
            teams[todo] = _assign_keys(
                mapping, kind, alt_keys.iloc[todo], day_numbers[todo], has_day[todo]
            )
    result = pd.Series(teams, index=keys.index, dtype="string", name="team")
    return result.fillna(UNASSIGNED)


def _day_numbers(days: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray]:
    if len(days) != n:
        raise ValueError(f"days has {len(days)} rows, keys has {n}")
    stamps = pd.Series(
        pd.to_datetime(days if isinstance(days, pd.Series) else list(days), utc=True)
    )
    stamps = stamps.dt.tz_localize(None).dt.normalize()
    has_day = stamps.notna().to_numpy()
    numbers = stamps.to_numpy().astype("datetime64[D]").astype("int64")
    return np.where(has_day, numbers, 0), has_day


def _assign_keys(
    mapping: Mapping, kind: str, keys: pd.Series, day: np.ndarray, has_day: np.ndarray
) -> np.ndarray:
    codes, uniques = pd.factorize(keys)
    found = _intervals(mapping, kind, uniques)
    out = np.full(len(keys), None, dtype=object)
    if not found:
        return out
    code = np.array([c for c, *_ in found], dtype="int64")
    team = np.array([t for _, t, _, _ in found], dtype=object)
    lo = np.array([x for *_, x, _ in found], dtype="int64") - _EPOCH
    hi = np.array([x for *_, x in found], dtype="int64") - _EPOCH
    order = np.lexsort((lo, code))
    code, team, lo, hi = code[order], team[order], lo[order], hi[order]

    # One sorted key (code, first day) per interval: a row's interval, if any, is the last
    # one starting on or before (its code, its day).
    stride = _DAY_MAX - _DAY_MIN + 2
    row_day = np.clip(day, _DAY_MIN - 1, _DAY_MAX + 1)
    starts = code * stride + (lo - _DAY_MIN + 1)
    wanted = codes.astype("int64") * stride + (row_day - _DAY_MIN + 1)
    pos = np.searchsorted(starts, wanted, side="right") - 1
    at = np.clip(pos, 0, None)
    hit = (codes >= 0) & has_day & (pos >= 0) & (code[at] == codes) & (row_day <= hi[at])
    out[hit] = team[at[hit]]
    return out


def memberships(mapping: Mapping, start: date, end: date) -> pd.DataFrame:
    """Who was in which team between start and end (inclusive), for headcounts per team and
    period; a mover has one row per team."""
    rows = []
    for rule in mapping.rules:
        if rule.kind != "person":
            continue
        first = max(rule.valid_from or start, start)
        last = min(rule.valid_to or end, end)
        if first <= last:
            rows.append((rule.team, rule.match.lower(), first, last))
    frame = pd.DataFrame(rows, columns=["team", "person", "first", "last"], dtype=object)
    return frame.sort_values(["team", "person", "first"], ignore_index=True)
