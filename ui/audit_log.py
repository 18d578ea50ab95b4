"""The audit log as the app uses it: exports and edits recorded with who did them (sync/audit.py
writes them into the shared store), and the log shown to admins on the Connections page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from sync import audit
from sync import on_demand as history
from ui import access
from ui import settings as app_settings


def _store():
    return history.configured_store(app_settings.current().history_dir)


def note(what: str, rows: int | None, detail: str = "") -> None:
    """Record an action of this run's person (a save, a Sync now)."""
    who = access.current()
    audit.record(_store(), who.who if who else "nobody", what, rows, detail)


def recorder(what: str, detail: str = "") -> Callable[[int | None], None]:
    """For a download made later, outside this run (Streamlit runs it in a thread where nobody
    is signed in): who and where are taken now, the event is written when the file is made."""
    who = access.current()
    name = who.who if who else "nobody"
    store = _store()
    return lambda rows: audit.record(store, name, what, rows, detail)


def show() -> None:
    """The newest events, for admins; nothing for anyone else."""
    if not access.allowed("read the audit log"):
        return
    st.subheader(
        "Audit log",
        anchor=False,
        help=f"Exports and edits, newest first (the store's `{audit.AUDIT_DIR}/` folder).",
    )
    events = audit.read(_store())
    if events.empty:
        st.caption("No exports or edits recorded yet.")
        return
    st.dataframe(events, hide_index=True, width="stretch")
