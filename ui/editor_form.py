"""What the two file editors (the teams mapping, the budgets) share below their table: the
Check / Save / Download row, the refusal listing each problem, and a save that names the file
it could not write (and loses nothing: the download still works) or records who saved."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from safe import text as safe_text
from ui import access, audit_log

SHOWN_PROBLEMS = 10


def actions(
    prefix: str,
    file_name: str,
    data: str | Callable[[], str],
    *,
    refused: bool,
    download_off: bool = False,
    help: str | None = None,
) -> tuple[bool, bool]:
    """Check, Save and Download in one row; returns (check pressed, save pressed). A refused
    file cannot be saved or downloaded."""
    with st.container(horizontal=True):
        check = st.button("Check", icon=":material/rule:", key=f"{prefix}__check")
        save = st.button(
            "Save", icon=":material/save:", type="primary", key=f"{prefix}__save", disabled=refused
        )
        st.download_button(
            f"Download {file_name}",
            data=data,
            file_name=file_name,
            mime="text/csv",
            icon=":material/download:",
            key=f"{prefix}__download",
            on_click="ignore",
            disabled=refused or download_off,
            help=help,
        )
    return check, save


def refuse(lead: str, problems: list[str]) -> None:
    """`lead` ("The mapping is refused"), then each problem on its line (cells quoted: literal)."""
    shown = [safe_text.markdown(p, 300) for p in problems[:SHOWN_PROBLEMS]]
    extra = len(problems) - SHOWN_PROBLEMS
    more = f" and {extra} more" if extra > 0 else ""
    st.error(
        f"{lead} (nothing saved):  \n" + "  \n".join(shown) + more,
        icon=":material/error:",
    )


def save(
    write: Callable[[], None],
    *,
    action: str,
    audited: str,
    unsaved: str,
    location: str,
    rows: int,
    version_key: str,
    saved: str,
) -> None:
    """Runs `write` when this person may `action`; on an unwritable file says `unsaved` (with
    `{location}` and `{error}`) and keeps the table as edited. Otherwise records `audited`,
    bumps the editor's version and runs the page again: everything on it uses the saved file."""
    if not access.allowed(action):
        return
    try:
        write()
    except OSError as err:
        st.error(
            unsaved.format(location=location, error=type(err).__name__), icon=":material/error:"
        )
        return
    audit_log.note(audited, rows, location)
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.toast(saved, icon=":material/check:")
    st.rerun()
