"""The deep-link switch (ui/entry.py) relies on a Streamlit internal. If an upgrade removes
it, deep links after a restart would silently skip app.py; this test says so first."""

from __future__ import annotations

import streamlit

from ui import entry


def test_the_streamlit_internal_the_deep_link_switch_needs_is_there():
    manager = entry.pages_manager()
    assert manager is not None, (
        f"Streamlit {streamlit.__version__} has no PagesManager.uses_pages_directory: "
        "ui/entry.py can no longer route a deep link through app.py"
    )
    assert hasattr(manager, "uses_pages_directory")
