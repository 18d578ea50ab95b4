"""The budgets file, and a month's burn against its budget.

The file is a CSV (`scope,measure,monthly_budget`), found like the teams mapping: BUDGETS_FILE,
else `budgets.csv` beside the store (a local path or an fsspec URL such as s3://), and replaced
in one step when saved. `scope` is `org` or a team name of the teams mapping; `measure` one of
`alerts.MEASURES`; `monthly_budget` a positive number, in USD for the `*_usd` measures and in
credits for `ci_credits`. Written for people, so these are read too: a leading `$` (not on
`ci_credits`, whose unit is credits), and thousands commas in groups of three (`"1,200.50"`: the
cell must then be quoted, since the comma separates cells). Not read: other currencies,
decimal commas (`1.200,50`), exponents. `org` and team names are matched ignoring case, and
written back as the teams mapping spells them. Blank lines and `#` comments are skipped (and
not kept by `to_csv`).

A file with any problem is refused whole, with every problem and its line number, as the teams
mapping is (teams.mapping.csv_rows reads both).

Burn: `status` puts a month's projection (alerts.forecast) against its budget. The alert rule:
`over` when even the projection's low end passes the budget (or the actual already has);
`likely_over` when the expected total does.

Pure: no Streamlit, no HTTP; files only through teams.files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from teams import files
from teams.mapping import MAX_LISTED, Problem, csv_rows

from . import MEASURES
from .forecast import Projection

COLUMNS = ("scope", "measure", "monthly_budget")
ORG = "org"
FILE_NAME = "budgets.csv"
USD_MEASURES = tuple(m for m in MEASURES if m.endswith("_usd"))

# Monthly budgets for the sandbox's demo organisation (about $375 of model spend and 165,000 CI
# credits a month by late 2026, and $0.01 a credit): the organisation on track for each measure,
# Platform's CI credits over its budget, so the demo shows both.
EXAMPLE = """\
# Monthly budgets: USD for ai_spend_usd and ci_spend_usd, credits for ci_credits.
# scope is org or a team of the teams mapping.
scope,measure,monthly_budget
org,ai_spend_usd,450
org,ci_credits,175000
org,ci_spend_usd,1750
Platform,ci_credits,48000
"""

_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_COUNT_HINT = (
    'a budget with a thousands comma must be quoted ("1,200.50") or written without it (1200.50)'
)

read_text = files.read_text  # the file's text as it stands (None when there is none)


@dataclass(frozen=True)
class Budget:
    scope: str  # "org" or a team name
    measure: str  # a key of alerts.MEASURES
    monthly_budget: float
    line: int = field(default=0, compare=False)


class BudgetsError(ValueError):
    """Every problem of a refused file, each "line N: ...", in line order."""

    def __init__(self, problems: Iterable[Problem | str], source: str = ""):
        found = [p if isinstance(p, Problem) else _as_problem(p) for p in problems]
        self.problems: list[str] = [str(p) for p in sorted(found, key=lambda p: p.line)]
        self.source = source
        super().__init__(_refusal(self.problems, source))

    def __reduce__(self):
        return (type(self), (self.problems, self.source))


def _as_problem(text: str) -> Problem:
    number, _, message = text.removeprefix("line ").partition(": ")
    return Problem(int(number), message) if number.isdigit() else Problem(0, text)


def _refusal(problems: list[str], source: str) -> str:
    what = f"The budgets file {source}" if source else "The budgets"
    listed = "; ".join(problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    if more > 0:
        listed += f"; and {more} more"
    return f"{what} is refused: {listed}"


@dataclass(frozen=True)
class Budgets:
    rows: tuple[Budget, ...] = ()
    source: str = ""

    def get(self, scope: str, measure: str) -> float | None:
        """The monthly budget of a scope ("org" or a team, any case) and a measure; None when
        there is none."""
        key = (scope.casefold(), measure.lower())
        for row in self.rows:
            if (row.scope.casefold(), row.measure) == key:
                return row.monthly_budget
        return None

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in self.rows:
            writer.writerow([row.scope, row.measure, _plain(row.monthly_budget)])
        return out.getvalue()

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "scope": pd.Series([r.scope for r in self.rows], dtype="string"),
                "measure": pd.Series([r.measure for r in self.rows], dtype="string"),
                "monthly_budget": pd.Series([r.monthly_budget for r in self.rows], dtype="float64"),
            }
        )

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.scope for r in self.rows))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Budget]:
        return iter(self.rows)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ------------------------------------------------------------------ reading and checking


def parse(text: str | bytes, teams: Collection[str] | None = None, source: str = "") -> Budgets:
    """The budgets in `text` (bytes are taken too: an uploaded file's encoding is checked
    with the rest). With `teams` (the teams mapping's team names), a scope must be org or one
    of them; without, any scope is taken. Raises BudgetsError with every problem."""
    rows, problems = csv_rows(text, COLUMNS, _COUNT_HINT)
    budgets, row_problems = _check_rows(rows, teams)
    problems += row_problems
    if problems:
        raise BudgetsError(problems, source)
    return Budgets(tuple(budgets), source)


def location(budgets_file: str | None, store_url: str) -> str:
    """BUDGETS_FILE when set, else `budgets.csv` in the store's folder."""
    return files.location(budgets_file, store_url, FILE_NAME)


def read(url: str, teams: Collection[str] | None = None) -> Budgets | None:
    """The budgets file at `url` (a path or an fsspec URL); None when there is no file. A
    refused file raises BudgetsError (text that is not UTF-8 included, by line)."""
    raw = files.read_bytes(url)
    if raw is None:
        return None
    return parse(raw, teams, source=url)


def save(url: str, text: str, teams: Collection[str] | None = None) -> Budgets:
    """Check `text`, then replace the file in one step (a reader sees the old budgets or the
    new, never half). A refused text raises BudgetsError and nothing is written."""
    budgets = parse(text, teams, source=url)
    files.write_text(url, text)
    return budgets


def _check_rows(
    rows: list[tuple[int, dict[str, str]]], teams: Collection[str] | None
) -> tuple[list[Budget], list[Problem]]:
    known = None if teams is None else {t.casefold(): t for t in teams}
    found: list[Budget] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        budget, messages = _check_row(cells, known)
        problems += [Problem(line, m) for m in messages]
        if budget is None:
            continue
        key = (budget.scope.casefold(), budget.measure)
        if key in first_line:
            problems.append(
                Problem(
                    line,
                    f"a second budget for {budget.scope} {budget.measure} (the first is on "
                    f"line {first_line[key]}); keep one per scope and measure",
                )
            )
            continue
        first_line[key] = line
        found.append(Budget(budget.scope, budget.measure, budget.monthly_budget, line))
    return found, problems


def _check_row(
    cells: dict[str, str], known: dict[str, str] | None
) -> tuple[Budget | None, list[str]]:
    messages: list[str] = []
    scope = cells.get("scope")
    if scope is not None:
        if not scope:
            messages.append("empty scope (org, or a team name)")
        elif scope.casefold() == ORG:
            scope = ORG
        elif known is not None:
            if scope.casefold() in known:
                scope = known[scope.casefold()]
            else:
                messages.append(f"unknown scope '{scope}': {_neither(known)}")

    measure = cells.get("measure")
    if measure is not None:
        measure = measure.lower()
        if not measure:
            messages.append(f"empty measure (measures: {', '.join(MEASURES)})")
        elif measure not in MEASURES:
            messages.append(
                f"unknown measure '{cells['measure']}' (measures: {', '.join(MEASURES)})"
            )

    amount = None
    text = cells.get("monthly_budget")
    if text is not None:
        amount, message = _amount(text, measure if measure in MEASURES else None)
        if message:
            messages.append(message)

    if messages or len(cells) < len(COLUMNS):
        return None, messages
    return Budget(scope, measure, amount), []


def _neither(known: dict[str, str]) -> str:
    if not known:
        return "there is no teams mapping, so the only scope is org"
    names = sorted(known.values(), key=lambda t: (t.casefold(), t))
    listed = ", ".join(names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        listed += f" and {len(names) - MAX_LISTED} more"
    return f"neither org nor a team of the teams mapping (teams: {listed})"


def _amount(text: str, measure: str | None) -> tuple[float | None, str | None]:
    """The budget in a cell, or why it is not one."""
    if not text:
        return None, "empty monthly_budget (a positive number: USD, or credits for ci_credits)"
    number = text
    dollar = number.startswith("$")
    if dollar:
        number = number[1:].strip()
    negative = number.startswith("-")
    if negative:
        number = number[1:].strip()
    if not _NUMBER.fullmatch(number):
        return None, (
            f"monthly_budget '{text}' is not a number (write e.g. 1200 or 1200.50; a "
            "leading $ and thousands commas are fine, other symbols and decimal commas not)"
        )
    value = float(number.replace(",", ""))
    if negative or value <= 0 or not math.isfinite(value):
        return None, f"monthly_budget '{text}' is not positive (a budget is above zero)"
    if dollar and measure == "ci_credits":
        return None, (
            f"monthly_budget '{text}' is in dollars, but ci_credits is counted in credits "
            "(drop the $, or budget ci_spend_usd instead)"
        )
    return value, None


# ------------------------------------------------------------------ burn against budget


@dataclass(frozen=True)
class BudgetStatus:
    """A month against its budget. `over` is the alert: even the projection's low end (or the
    actual so far) passes the budget; `likely_over`: the expected total does."""

    budget: float | None
    actual: float | None  # the month so far (settled days with data)
    used: float | None  # actual / budget
    expected: float | None  # the month-end projection and its interval
    low: float | None
    high: float | None
    over: bool
    likely_over: bool
    sentence: str


def status(
    projection: Projection | None,
    budget: float | None,
    actual: float | None = None,
    *,
    unit: str | None = None,
    why: str | None = None,
) -> BudgetStatus:
    """`actual` is the month so far when there is no projection (a projection's own `actual`
    wins otherwise). `unit`: "USD" writes "$1,234", "credits" writes "1,234 credits", None
    writes bare numbers. `why`: why there is no projection (alerts.forecast.why_not), said
    in the sentence."""
    if budget is not None and not (math.isfinite(budget) and budget > 0):
        raise ValueError(f"a budget is a positive number, not {budget!r}")
    if projection is not None:
        actual = projection.actual
    used = actual / budget if actual is not None and budget else None

    def amount(value: float) -> str:
        return _money(value, unit)

    def of(value: float, whole: float) -> str:
        """ "$3,100 of $5,000", "3,100 of 5,000 credits"."""
        if unit and unit != "USD":
            return f"{_money(value, None)} of {amount(whole)}"
        return f"{amount(value)} of {amount(whole)}"

    if projection is None:
        over = actual is not None and budget is not None and actual > budget
        missing = f"no projection ({why})" if why else "no projection yet (too little history)"
        if budget is None:
            so_far = f"{amount(actual)} so far; " if actual is not None else ""
            sentence = f"{_capital(so_far + missing)}. No budget set."
        elif actual is None:
            sentence = f"Budget {amount(budget)}; {missing}."
        elif over:
            sentence = f"Over budget already: {of(actual, budget)} so far ({used:.0%}); {missing}."
        else:
            sentence = f"{of(actual, budget)} so far ({used:.0%}); {missing}."
        return BudgetStatus(budget, actual, used, None, None, None, over, over, sentence)

    p = projection
    interval = f"{p.level:.0%}: {_range(p.low, p.high, unit)}"
    projected = f"projected {amount(p.expected)} ({interval})"
    over = budget is not None and (p.low > budget or p.actual > budget)
    likely = budget is not None and (over or p.expected > budget)
    if budget is None:
        if p.complete:
            sentence = f"The month closed at {amount(p.actual)}. No budget set."
        else:
            sentence = f"{amount(p.actual)} so far; {projected}. No budget set."
    elif p.complete:
        if over:
            sentence = (
                f"Over budget: the month closed at {amount(p.actual)}, {used:.0%} of the "
                f"{amount(budget)} budget."
            )
        else:
            sentence = f"Within budget: the month closed at {of(p.actual, budget)} ({used:.0%})."
    elif p.actual > budget:
        sentence = f"Over budget already: {of(p.actual, budget)} so far ({used:.0%}); {projected}."
    elif over:
        sentence = (
            f"Will pass the budget: {projected}; even the low end, {amount(p.low)}, is above "
            f"{amount(budget)}. {amount(p.actual)} so far ({used:.0%})."
        )
    elif likely:
        sentence = (
            f"Likely to pass the budget: {projected}, above {amount(budget)}; "
            f"{amount(p.actual)} so far ({used:.0%})."
        )
    else:
        sentence = f"On track: {of(p.actual, budget)} so far ({used:.0%}); {projected}."
    return BudgetStatus(budget, p.actual, used, p.expected, p.low, p.high, over, likely, sentence)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money(value: float, unit: str | None) -> str:
    """ "$3,100" ("$45.20" under 100), "3,100 credits" ("7.5 credits"), or bare numbers."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if unit == "USD":
        return f"{sign}${size:,.0f}" if size >= 100 else f"{sign}${size:,.2f}"
    number = f"{size:,.0f}" if size >= 100 else f"{size:,.1f}".removesuffix(".0")
    return f"{sign}{number}" + (f" {unit}" if unit else "")


def _range(low: float, high: float, unit: str | None) -> str:
    if unit and unit != "USD":
        return f"{_money(low, None)}–{_money(high, unit)}"
    return f"{_money(low, unit)}–{_money(high, unit)}"
