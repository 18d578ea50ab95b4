"""The budgets file's editor on the Alerts & budgets page: edit in a table, check (every problem
with its line number), save to the file the app and `python -m sync --alert` read, download."""

from __future__ import annotations

import csv
import io

import pandas as pd
import streamlit as st

from alerts import MEASURES, budgets
from analytics.alerts_report import Budgets
from teams import files
from teams.mapping import editable_rows
from ui import access, editor_form

COLUMNS = ("scope", "measure", "monthly_budget")
EDITOR_KEY = "alerts__budgets"
EDITOR_VERSION = "_alerts_budgets_version"  # bumped after a save: the editor reloads the file


def _rows(location: str) -> pd.DataFrame:
    """The file's rows as text, even when it is refused (so they can be fixed here)."""
    empty = pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    try:
        text = budgets.read_text(location)
    except (OSError, UnicodeDecodeError):
        return empty
    if not text:
        return empty
    records = editable_rows(text, COLUMNS)
    return pd.DataFrame(records, columns=list(COLUMNS)).astype(str) if records else empty


def _text(location: str) -> str | None:
    try:
        return budgets.read_text(location)
    except (OSError, UnicodeDecodeError):
        return None


def _csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in frame.fillna("").astype(str).itertuples(index=False):
        if any(cell.strip() for cell in row):
            writer.writerow([cell.strip() for cell in row])
    return out.getvalue()


def editor(found: Budgets, teams: list[str]) -> None:
    if not access.allowed("edit the budgets"):
        st.dataframe(_rows(found.location), hide_index=True)  # budgets name no one: shown
        st.info(access.refusal("edit the budgets"), icon=":material/lock:")
        return
    st.caption(f"Read from and saved to `{found.location}` (BUDGETS_FILE).")
    version = st.session_state.get(EDITOR_VERSION, 0)
    edited = st.data_editor(
        _rows(found.location),
        key=f"{EDITOR_KEY}_{version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "scope": st.column_config.TextColumn(
                "scope", help="org, or a team name from the teams mapping", required=True
            ),
            "measure": st.column_config.SelectboxColumn(
                "measure", options=list(MEASURES), required=True
            ),
            "monthly_budget": st.column_config.TextColumn(
                "monthly_budget", help="a positive number: USD, or credits for ci_credits"
            ),
        },
    )
    text = _csv(edited)
    problems: list[str] = []
    parsed = None
    oversize = files.too_big(len(edited), text)
    try:
        if oversize:
            problems = [oversize]
        else:
            parsed = budgets.parse(text, teams=teams or None)
    except budgets.BudgetsError as err:
        parsed, problems = None, list(err.problems)
    refused = bool(problems)
    check, save = editor_form.actions(
        "alerts", "budgets.csv", "" if refused else text, refused=refused
    )
    if problems:
        editor_form.refuse("The budgets are refused", problems)
    elif check and parsed is not None:
        st.success(f"The budgets are valid: {len(parsed.rows)} rows.", icon=":material/check:")
    if save and not problems:
        editor_form.save(
            lambda: budgets.save(found.location, files.with_comments(_text(found.location), text)),
            action="save the budgets",
            audited="save budgets",
            unsaved="The budgets could not be saved to {location} ({error}); download them instead.",
            location=found.location,
            rows=len(edited),
            version_key=EDITOR_VERSION,
            saved="Budgets saved; alerts use them from the next sync.",
        )
