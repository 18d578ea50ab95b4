"""Make sure every page runs through app.py.

Streamlit treats a `pages/` folder next to the main script as a legacy multipage app until a run
in the process calls `st.navigation` (app.py does). So the first visitor after a server start who
opens a deep link (e.g. /explore?start=...) would get that page without app.py: no page config,
no top navigation. (AppTest starts every run in that state.) Each page calls
`ensure_app_entry()` first: in that state it switches Streamlit to `st.navigation` mode - what
app.py's own call does anyway - and runs app.py in this same run, which shows the page asked
for; then the legacy run of the page stops. No rerun, so a click that started the run is kept.
"""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"
log = logging.getLogger(__name__)


def pages_manager():
    """Streamlit's internal class whose flag marks a legacy `pages/` run, or None when a
    Streamlit upgrade removed it (tests/app/test_entry.py fails then, so the upgrade is noticed
    before deep links silently lose the navigation)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return None
    return PagesManager if hasattr(PagesManager, "uses_pages_directory") else None


def ensure_app_entry() -> None:
    PagesManager = pages_manager()
    if PagesManager is None:
        log.warning("Streamlit's PagesManager.uses_pages_directory is gone: deep links skip app.py")
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
