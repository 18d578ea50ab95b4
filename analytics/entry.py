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

import runpy
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"


def ensure_app_entry() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this internal: nothing to fix
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
