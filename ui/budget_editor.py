"""The budgets file's editor on the Alerts & budgets page: edit in a table, check (every problem
with its line number), save to the file the app and `python -m sync --alert` read, download."""

from __future__ import annotations

import csv
import io

import pandas as pd
import streamlit as st

from alerts import MEASURES, budgets
from analytics.alerts_report import Budgets
from safe import text as safe_text
from teams import files
from teams.mapping import editable_rows
from ui import access, audit_log

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
    with st.container(horizontal=True):
        check = st.button("Check", icon=":material/rule:", key="alerts__check")
        save = st.button(
            "Save",
            icon=":material/save:",
            type="primary",
            key="alerts__save",
            disabled=bool(problems),
        )
        st.download_button(
            "Download budgets.csv",
            data="" if problems else text,
            file_name="budgets.csv",
            mime="text/csv",
            icon=":material/download:",
            key="alerts__download",
            on_click="ignore",
            disabled=bool(problems),
        )
    if problems:
        shown = [safe_text.markdown(p, 300) for p in problems[:10]]  # cells quoted: literal
        more = f" and {len(problems) - 10} more" if len(problems) > 10 else ""
        st.error(
            "The budgets are refused (nothing saved):  \n" + "  \n".join(shown) + more,
            icon=":material/error:",
        )
    elif check and parsed is not None:
        st.success(f"The budgets are valid: {len(parsed.rows)} rows.", icon=":material/check:")
    if save and not problems and access.allowed("save the budgets"):
        try:
            budgets.save(found.location, files.with_comments(_text(found.location), text))
        except OSError as err:
            st.error(
                f"The budgets could not be saved to {found.location} ({type(err).__name__}); "
                "download them instead.",
                icon=":material/error:",
            )
            return
        audit_log.note("save budgets", len(edited), found.location)
        st.session_state[EDITOR_VERSION] = version + 1
        st.toast("Budgets saved; alerts use them from the next sync.", icon=":material/check:")
        st.rerun()
